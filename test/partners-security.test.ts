// Regression tests for the partner programme findings of issue 9: policy fields a partner could edit
// (M3), staff records a partner could read (M4), enumeration through the public application (M5),
// non-ASCII download names (L2), invites that stayed usable and took links from the Host header (L4),
// the tiers round trip (L3) and the directory's effective tier (L5). Each test starts from its own
// copy of the database with the two partners active, so any order works.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "../src/audit/schema.ts";
import { type DatabaseSnapshot, engines, type TestApp, testApp } from "./harness.ts";
import { multipart } from "./multipart.ts";
import { programmeFixtures, type TestUser } from "./programme.ts";

const ATTEST = { securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true };
const application = (name: string, email: string) => ({
  organisation: {
    name,
    legalName: `${name} Ltd`,
    country: "FR",
    staffCountries: [],
    website: "https://applicant.example",
    kind: "edr",
    customers: 10,
  },
  contact: { name: "Applicant", email },
  attestations: ATTEST,
});

describe.each(engines)("partner programme security (issue 9) on %s", { timeout: 180_000 }, (engine) => {
  let t: TestApp;
  const masterKey = randomBytes(32);
  let world: { snapshot: DatabaseSnapshot; at: Date };
  let admin: TestUser;
  let coord: TestUser;
  let coord2: TestUser;
  let investigator: TestUser;
  let partner: { id: string; admin: TestUser };
  let other: { id: string; admin: TestUser };

  const req = (method: "GET" | "POST" | "PUT" | "PATCH", url: string, headers: object, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: headers as Record<string, string>,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    t = await testApp(engine, { masterKey });
    const f = programmeFixtures(t.services, t.app);
    admin = await f.makeUser("admin");
    coord = await f.makeUser("coordinator");
    coord2 = await f.makeUser("coordinator");
    investigator = await f.makeUser("investigator");
    partner = await f.activePartner("sec1", "vetted-plus", [coord.actor, coord2.actor]);
    other = await f.activePartner("sec2", "standard", [coord.actor, coord2.actor]);
    const at = t.clock.now();
    await t.app.close();
    world = { snapshot: await t.database.snapshot(), at };
  });
  beforeEach(async () => {
    t = await testApp(engine, { database: await world.snapshot.clone(), masterKey, now: world.at });
  });
  afterEach(() => t.close());
  afterAll(async () => {
    await world?.snapshot.dispose();
  });

  /** A policy rule on affiliations, and staff naming the second partner's: it is no longer eligible. */
  async function affiliateOther() {
    const rules = (await req("GET", "/api/policy/rules", admin.headers)).json().rules;
    const saved = await req("PUT", "/api/policy/rules", admin.headers, [
      ...rules.map(({ id: _id, ...r }: { id: string }) => r),
      {
        name: "state-affiliated",
        condition: { affiliations: ["ministry of state security"] },
        effect: { type: "not_eligible" },
        reference: "illustrative export-control rule",
      },
    ]);
    expect(saved.statusCode, saved.body).toBe(200);
    const set = await req("PATCH", `/api/partners/${other.id}`, coord.headers, {
      affiliations: ["Ministry of State Security (subsidiary)"],
    });
    expect(set.statusCode, set.body).toBe(200);
  }

  it("M3: a partner admin cannot edit the affiliations policy matches on; staff can", async () => {
    await affiliateOther();
    const eligible = async () =>
      (await req("GET", `/api/partners/${other.id}/eligibility`, coord.headers)).json().eligible;
    expect(await eligible()).toBe(false);

    const own = await req("PATCH", `/api/partners/${other.id}`, other.admin.headers, { affiliations: [] });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toContain("affiliations");
    expect(await eligible()).toBe(false);
    for (const patch of [{ country: "US" }, { staffCountries: ["US"] }, { kind: "cert" }])
      expect((await req("PATCH", `/api/partners/${other.id}`, other.admin.headers, patch)).statusCode).toBe(
        403,
      );
    // What policy does not read stays the partner's to edit.
    expect(
      (
        await req("PATCH", `/api/partners/${other.id}`, other.admin.headers, {
          website: "https://sec2.example/security",
        })
      ).statusCode,
    ).toBe(200);
  });

  it("L5: the directory shows the effective tier beside the assigned one", async () => {
    await affiliateOther();
    const list = (await req("GET", "/api/partners?limit=200", coord.headers)).json().items as {
      id: string;
      tier: string;
      effectiveTier: string | null;
    }[];
    expect(list.find((p) => p.id === partner.id)).toMatchObject({
      tier: "vetted-plus",
      effectiveTier: "vetted-plus",
    });
    // Not eligible under the rule above: assigned standard, receives nothing.
    expect(list.find((p) => p.id === other.id)).toMatchObject({ tier: "standard", effectiveTier: null });
    const capped = await req("PUT", "/api/policy/rules", admin.headers, [
      {
        name: "cap-fr-staff",
        condition: { countries: ["DE"] },
        effect: { type: "cap_tier", tier: "restricted" },
        reference: "illustrative",
      },
    ]);
    expect(capped.statusCode).toBe(200);
    const after = (await req("GET", "/api/partners?limit=200", coord.headers)).json().items as {
      id: string;
      tier: string;
      effectiveTier: string | null;
    }[];
    expect(after.find((p) => p.id === partner.id)).toMatchObject({
      tier: "vetted-plus",
      effectiveTier: "restricted",
    });
    const suspended = await req("POST", `/api/partners/${other.id}/suspend`, coord.headers, {
      reason: "under investigation",
    });
    expect(suspended.statusCode).toBe(200);
    const again = (await req("GET", "/api/partners?limit=200", coord.headers)).json().items as {
      id: string;
      effectiveTier: string | null;
    }[];
    expect(again.find((p) => p.id === other.id)?.effectiveTier).toBeNull();
    await req("POST", `/api/partners/${other.id}/reinstate`, coord.headers, { reason: "cleared" });
    await req("PUT", "/api/policy/rules", admin.headers, []);
  });

  it("M4: a partner sees its own self-reports and neutral status changes, not staff's investigation", async () => {
    const staffIncident = await req("POST", `/api/partners/${partner.id}/incidents`, coord.headers, {
      whatLeaked: "MS-2026-007 proof of concept",
      toWhom: "a private forum",
      when: "2026-02-27",
      details: "fingerprint points at analyst bob@sec1.example; do not alert the partner",
    });
    expect(staffIncident.statusCode).toBe(201);
    const self = await req("POST", `/api/partners/${partner.id}/incidents`, partner.admin.headers, {
      whatLeaked: "a summary",
      toWhom: "a customer",
      when: "yesterday",
    });
    expect(self.statusCode).toBe(201);
    const closed = await req("POST", `/api/incidents/${self.json().id}/close`, investigator.headers, {
      resolution: "internal: matches the forum leak, keep watching",
    });
    expect(closed.statusCode).toBe(200);
    const tier = await req("PUT", `/api/partners/${partner.id}/tier`, coord.headers, {
      tier: "standard",
      reason: "suspected leak: demoted while we investigate",
    });
    expect(tier.statusCode).toBe(200);

    const staffView = (await req("GET", `/api/partners/${partner.id}/incidents`, coord.headers)).json();
    expect(staffView.incidents).toHaveLength(2);
    const ownView = (await req("GET", `/api/partners/${partner.id}/incidents`, partner.admin.headers)).json();
    expect(ownView.incidents).toEqual([
      expect.objectContaining({
        id: self.json().id,
        source: "self_report",
        status: "closed",
        resolution: null,
      }),
    ]);
    const card = (await req("GET", `/api/partners/${partner.id}/scorecard`, partner.admin.headers)).json();
    expect(card.incidents).toEqual({ total: 1, open: 0, selfReported: 1 });
    expect(
      (await req("GET", `/api/partners/${partner.id}/scorecard`, coord.headers)).json().incidents,
    ).toEqual({ total: 2, open: 1, selfReported: 1 });

    const staffTimeline = JSON.stringify(
      (await req("GET", `/api/partners/${partner.id}/events`, coord.headers)).json(),
    );
    for (const secret of [
      "leak reported by staff",
      "demoted while we investigate",
      "keep watching",
      coord.email,
    ])
      expect(staffTimeline).toContain(secret);
    const events = (await req("GET", `/api/partners/${partner.id}/events`, partner.admin.headers)).json()
      .events as {
      type: string;
      reason: string | null;
      actorEmail: string | null;
      actorId: string | null;
      toStatus: string | null;
      data: Record<string, unknown>;
    }[];
    const text = JSON.stringify(events);
    for (const secret of [
      staffIncident.json().id,
      "leak reported by staff",
      "MS-2026-007",
      "demoted while we investigate",
      "keep watching",
      coord.email,
      coord2.email,
      investigator.email,
      coord.id,
    ])
      expect(text, secret).not.toContain(secret);
    // The frozen clock gives both approvals one instant: compare as a set.
    expect(
      events
        .filter((e) => e.type === "approved")
        .map((e) => e.toStatus)
        .sort(),
    ).toEqual(["active", "under_review"]);
    expect(events.find((e) => e.type === "tier_changed" && e.data.to === "standard")).toMatchObject({
      reason: null,
      actorEmail: null,
      data: { from: "vetted-plus", to: "standard" },
    });
    // Its own self-report, with its own words and its own admin as the actor.
    expect(events.find((e) => e.type === "incident_reported")).toMatchObject({
      actorEmail: partner.admin.email,
      reason: expect.stringContaining("self-reported leak: a summary"),
    });
    expect(events.find((e) => e.type === "incident_closed")).toMatchObject({
      reason: null,
      actorEmail: null,
    });
    // Nor does the partner's record name its approvers; staff see them.
    const own = (await req("GET", `/api/partners/${partner.id}`, partner.admin.headers)).json();
    expect(own.approvals).toEqual([
      { approverId: null, at: expect.any(String) },
      { approverId: null, at: expect.any(String) },
    ]);
    const staffRecord = (await req("GET", `/api/partners/${partner.id}`, coord.headers)).json();
    expect(staffRecord.approvals.map((a: { approverId: string }) => a.approverId).sort()).toEqual(
      [coord.id, coord2.id].sort(),
    );
  });

  it("M5: the public application answers the same for a new, an existing name and an existing e-mail", async () => {
    const before = (await req("GET", "/api/partners?limit=200", coord.headers)).json().items.length;
    const answers = [];
    for (const body of [
      application("Fresh Applicant", "security@fresh.example"),
      application("partner SEC1", "someone@elsewhere.example"),
      application("Third Applicant", coord.email.toUpperCase()),
      application("Fourth Applicant", partner.admin.email),
    ]) {
      const r = await req("POST", "/api/partner-applications", {}, body);
      answers.push({ status: r.statusCode, keys: Object.keys(r.json()).sort(), state: r.json().status });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ status: 201, keys: ["partnerId", "status"], state: "applicant" });

    const list = (await req("GET", "/api/partners?limit=200", coord.headers)).json().items as {
      id: string;
      name: string;
      duplicate: { reasons: string[]; partnerId: string | null } | null;
    }[];
    expect(list.length).toBe(before + 4);
    const byName = (n: string) => list.find((p) => p.name === n);
    expect(byName("Fresh Applicant")?.duplicate).toBeNull();
    expect(byName("partner SEC1")?.duplicate).toEqual({
      reasons: [expect.stringContaining("already exists")],
      partnerId: partner.id,
    });
    expect(byName("Third Applicant")?.duplicate?.reasons).toEqual([
      expect.stringContaining("already belongs to an account"),
    ]);
    expect(byName("Fourth Applicant")?.duplicate?.reasons).toEqual([
      expect.stringContaining("already belongs to an account"),
    ]);

    // No second account for an existing e-mail: the coordinator is still one coordinator.
    const users = await t.database.db.execute(
      `select role, organisation_id from users where lower(email) = '${coord.email.toLowerCase()}'` as never,
    );
    const rows = ("rows" in (users as object) ? (users as { rows: unknown[] }).rows : users) as {
      role: string;
    }[];
    expect(rows.map((r) => r.role)).toEqual(["coordinator"]);
    // Its owner hears of it through the outbox; no invitation went to it.
    const mail = (await req("GET", "/api/outbox", admin.headers)).json().messages as {
      to: string;
      kind: string;
    }[];
    expect(mail.filter((m) => m.to.toLowerCase() === coord.email.toLowerCase()).map((m) => m.kind)).toEqual([
      "application_duplicate",
    ]);
    expect(mail.filter((m) => m.to === "someone@elsewhere.example").map((m) => m.kind)).toEqual(["invite"]);
    // Partner users never see the flag.
    const own = (await req("GET", `/api/partners/${partner.id}`, partner.admin.headers)).json();
    expect(own.duplicate).toBeNull();
  });

  it("L2: evidence named in Cyrillic or with an emoji downloads with an RFC 6266 name", async () => {
    const name = "Отчёт ISO 27001 🔒.pdf";
    const up = multipart({
      name,
      content: Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(100, 65)]),
    });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/partners/${partner.id}/evidence`,
      headers: { ...partner.admin.headers, ...up.headers },
      payload: up.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().filename).toBe(name);
    for (const who of [coord, partner.admin]) {
      const dl = await req("GET", `/api/partners/${partner.id}/evidence/${res.json().id}`, who.headers);
      expect(dl.statusCode).toBe(200);
      const cd = String(dl.headers["content-disposition"]);
      expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(decodeURIComponent(cd.split("filename*=UTF-8''")[1] ?? "")).toBe(name);
    }
  });

  it("L4: invite links come from FOREWARN_PUBLIC_URL and die after 5 refused accepts", async () => {
    const inv = await t.app.inject({
      method: "POST",
      url: `/api/partners/${partner.id}/members`,
      headers: { ...partner.admin.headers, host: "evil.example", "x-forwarded-host": "evil.example" },
      payload: { email: "analyst@sec1.example", role: "partner_analyst" },
    });
    expect(inv.statusCode, inv.body).toBe(201);
    expect(inv.json().inviteUrl).toMatch(/^http:\/\/127\.0\.0\.1:8080\/invite\//);
    const mail = (await req("GET", "/api/outbox", admin.headers)).json().messages as {
      to: string;
      body: string;
    }[];
    expect(mail.find((m) => m.to === "analyst@sec1.example")?.body).not.toContain("evil.example");
    const token = inv.json().inviteUrl.split("/invite/")[1];
    for (let i = 0; i < 5; i++) {
      const bad = await req("POST", `/api/invites/${token}/accept`, {}, { password: "short" });
      expect(bad.statusCode, bad.body).toBe(400);
    }
    const late = await req(
      "POST",
      `/api/invites/${token}/accept`,
      {},
      { password: "a perfectly good passphrase" },
    );
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toContain("too many failed attempts");
    const failed = (await t.database.db.select().from(auditLog)).filter((e) => e.type === "invite.failed");
    expect(failed.map((e) => (e.payload as { voided: boolean }).voided)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);

    // A fresh invitation works once, after a refused try.
    const again = await req("POST", `/api/partners/${partner.id}/members`, partner.admin.headers, {
      email: "analyst@sec1.example",
      role: "partner_analyst",
    });
    const fresh = again.json().inviteUrl.split("/invite/")[1];
    expect((await req("POST", `/api/invites/${fresh}/accept`, {}, { password: "short" })).statusCode).toBe(
      400,
    );
    expect(
      (await req("POST", `/api/invites/${fresh}/accept`, {}, { password: "a perfectly good passphrase" }))
        .statusCode,
    ).toBe(200);
    expect(
      (await req("POST", `/api/invites/${fresh}/accept`, {}, { password: "a perfectly good passphrase" }))
        .statusCode,
    ).toBe(409);
  });

  it("L3: PUT /api/tiers takes what GET /api/tiers answers", async () => {
    const got = await req("GET", "/api/tiers", admin.headers);
    const body = {
      tiers: got.json().tiers.map((x: { name: string; leadTime: string; content: string[] }) => ({
        name: x.name,
        leadTime: x.leadTime,
        content: x.content,
      })),
    };
    const put = await req("PUT", "/api/tiers", admin.headers, body);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual(got.json());
    // The bare array of earlier clients still works.
    expect((await req("PUT", "/api/tiers", admin.headers, body.tiers)).statusCode).toBe(200);
  });
});
