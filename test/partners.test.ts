// The partner programme through HTTP on every engine: the acceptance journey first (tiers, three
// applications, two-person approval, NDA, eligibility with the jurisdiction cap, suspension, audit),
// then the refusals, members, keys, webhooks, evidence, incidents, policy preview and reminders.
// Each test starts from a saved stage of the journey on a database of its own, so any order works.
import { createHash, randomBytes } from "node:crypto";
import * as openpgp from "openpgp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../src/audit/schema.ts";
import { systemActor } from "../src/authz/authorize.ts";
import { makeServices } from "../src/runtime.ts";
import { type DatabaseSnapshot, engines, journey, type TestApp, testApp, testPasswords } from "./harness.ts";
import { multipart } from "./multipart.ts";

const RMSV =
  "PRC Regulations on the Management of Security Vulnerabilities in Network Products (RMSV, 2021), art. 7 (report to MIIT within 2 days); art. 9 (no disclosure abroad)";
const PW = "partner password 12345";
const ATTEST = { securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true };

const application = (name: string, country: string, staffCountries: string[] = [], email?: string) => ({
  organisation: {
    name,
    legalName: `${name} Ltd`,
    country,
    staffCountries,
    website: `https://${name.toLowerCase().replace(/\W+/g, "")}.example`,
    kind: "antivirus",
    customers: 120000,
  },
  contact: {
    name: `${name} Contact`,
    email: email ?? `security@${name.toLowerCase().replace(/\W+/g, "")}.example`,
  },
  attestations: ATTEST,
});

// Each test opens its own copy of a database (a few seconds on a loaded machine): more time than the default.
describe.each(engines)("partner programme on %s", { timeout: 180_000 }, (engine) => {
  let t: TestApp;
  let admin: Record<string, string>;
  let coord: Record<string, string>;
  let coord2: Record<string, string>;
  let adminEmail = "";
  let coordEmail = "";
  let ids: Record<string, string> = {};
  let partnerHeaders: Record<string, Record<string, string>> = {};
  // One key for every copy of the database: its sealed values (evidence, webhook secrets) open in each.
  const masterKey = randomBytes(32);

  const req = (
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    headers?: object,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url,
      headers: headers as Record<string, string>,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const auditOf = async (subject?: string) =>
    (await t.database.db.select().from(auditLog))
      .filter((e) => subject === undefined || e.subject === subject)
      .map((e) => e.type);

  // Every test starts from a saved stage of the acceptance journey, on a database of its own: the staff
  // ("world"), then three applications, approved, their admins joined, NDAs signed, the US partner
  // suspended and reinstated. A stage is made once (when a test first needs it) from the one before it,
  // by the steps the tests of the journey check; each test gets a copy, so no test sees what another
  // did and the order of the tests does not matter. Sessions live in the database, so the logins made
  // for a stage still hold in its copies.
  type State = {
    at: Date;
    ids: Record<string, string>;
    partnerHeaders: Record<string, Record<string, string>>;
    admin: Record<string, string>;
    coord: Record<string, string>;
    coord2: Record<string, string>;
  };
  type Stage = { snapshot: DatabaseSnapshot; state: State };
  const STAGES = {
    applied: { from: "world", make: () => applyThree() },
    active: { from: "applied", make: () => approveThree() },
    joined: { from: "active", make: () => joinThree() },
    signed: { from: "joined", make: () => signTwo() },
    reinstated: { from: "signed", make: () => suspendAndReinstate() },
  } as const;
  type StageName = "world" | keyof typeof STAGES;

  async function open(st: Stage) {
    t = await testApp(engine, { database: await st.snapshot.clone(), masterKey, now: st.state.at });
    ids = { ...st.state.ids };
    partnerHeaders = { ...st.state.partnerHeaders };
    ({ admin, coord, coord2 } = st.state);
  }

  async function freeze(): Promise<Stage> {
    const state = {
      at: t.clock.now(),
      ids: { ...ids },
      partnerHeaders: { ...partnerHeaders },
      admin,
      coord,
      coord2,
    };
    await t.app.close();
    return { snapshot: await t.database.snapshot(), state };
  }

  async function makeWorld() {
    t = await testApp(engine, { masterKey });
    adminEmail = (await t.user("admin")).email;
    coordEmail = (await t.user("coordinator")).email;
    admin = await t.login(adminEmail);
    coord = await t.login(coordEmail);
    coord2 = await t.login((await t.user("coordinator")).email);
    ids = {};
    partnerHeaders = {};
  }

  const stages = journey<keyof typeof STAGES, Stage>({
    world: makeWorld,
    steps: STAGES,
    restore: open,
    freeze,
  });

  /** This test's own copy of the stage: its database, the clock and the logins where the stage left them. */
  async function from(name: StageName) {
    await open(await stages.stage(name));
  }

  // Every stage before any test needs one (so a test run alone is not charged for them); a slow
  // machine gets the time for all.
  beforeAll(async () => {
    await stages.makeAll();
  }, 600_000);
  afterEach(async () => {
    await t.close();
  });
  afterAll(async () => {
    await stages.dispose();
  });

  it("lists the default tiers modelled on MAPP 2025", async () => {
    await from("world");
    const res = await req("GET", "/api/tiers", coord);
    expect(res.statusCode).toBe(200);
    expect(res.json().tiers).toEqual([
      {
        name: "vetted-plus",
        leadTime: "P5D",
        leadSeconds: 5 * 86400,
        content: ["summary", "details", "detection", "poc", "indicators"],
      },
      {
        name: "standard",
        leadTime: "P1D",
        leadSeconds: 86400,
        content: ["summary", "details", "detection", "indicators"],
      },
      { name: "restricted", leadTime: "PT0S", leadSeconds: 0, content: ["summary"] },
    ]);
  });

  async function applyThree() {
    for (const [key, name, country] of [
      ["us", "Acme Security", "US"],
      ["de", "Bergwacht IT", "DE"],
      ["cn", "Dragon Shield", "CN"],
    ] as const) {
      const res = await req("POST", "/api/partner-applications", {}, application(name, country));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toEqual({ partnerId: expect.stringMatching(/^org_/), status: "applicant" });
      ids[key] = res.json().partnerId;
    }
    const list = (await req("GET", "/api/partners?limit=200", coord)).json().items;
    expect(list.map((p: { name: string }) => p.name)).toEqual([
      "Acme Security",
      "Bergwacht IT",
      "Dragon Shield",
    ]);
    expect(await auditOf(ids.us)).toEqual(["organisation.created", "partner.applied"]);
  }
  it("takes three applications without a login (US, DE, CN)", async () => {
    await from("world");
    await applyThree();
  });

  async function approveThree() {
    for (const key of ["us", "de", "cn"]) {
      t.clock.advance(60_000);
      const first = await req("POST", `/api/partners/${ids[key]}/approvals`, coord);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ status: "under_review", approvals: 1 });
      const again = await req("POST", `/api/partners/${ids[key]}/approvals`, coord);
      expect(again.statusCode).toBe(409);
      expect((await req("GET", `/api/partners/${ids[key]}`, coord)).json().status).toBe("under_review");
      t.clock.advance(60_000);
      const second = await req("POST", `/api/partners/${ids[key]}/approvals`, key === "de" ? coord2 : admin);
      expect(second.json()).toMatchObject({ status: "active", approvals: 2 });
    }
    const timeline = (await req("GET", `/api/partners/${ids.us}/events`, coord)).json().events;
    expect(timeline.map((e: { type: string; toStatus: string }) => `${e.type}:${e.toStatus}`)).toEqual([
      "applied:applicant",
      "approved:under_review",
      "approved:active",
    ]);
    expect(timeline[1].actorEmail).not.toBe(timeline[2].actorEmail);
    expect((await req("GET", "/api/overview", coord)).json().partners).toBe(3);
  }
  it("activates only after a second, different staff approver", async () => {
    await from("applied");
    await approveThree();
  });

  it("does not deliver to an active partner that has not signed the NDA", async () => {
    await from("active");
    const e = (await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json();
    expect(e).toMatchObject({ eligible: false, tier: null, leadTime: null, content: [] });
    expect(e.reasons).toContainEqual(expect.objectContaining({ rule: "nda", effect: "not_eligible" }));
  });

  async function joinThree() {
    const mail = (await req("GET", "/api/outbox", admin)).json().messages as { to: string; body: string }[];
    const invite = mail.find((m) => m.to === "security@acmesecurity.example");
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(invite?.body ?? "")?.[1];
    expect(token).toBeTruthy();
    // Until the invite is accepted the account has no password anyone could guess.
    for (const pw of [PW, "!invited", ""])
      expect(
        (
          await req(
            "POST",
            "/api/auth/login",
            {},
            { email: "security@acmesecurity.example", password: pw || "x" },
          )
        ).statusCode,
      ).toBe(401);
    expect((await req("POST", `/api/invites/${token}/accept`, {}, { password: "short" })).statusCode).toBe(
      400,
    );
    const accepted = await req("POST", `/api/invites/${token}/accept`, {}, { password: PW });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await req("POST", `/api/invites/${token}/accept`, {}, { password: PW })).statusCode).toBe(409);
    partnerHeaders.us = await t.login("security@acmesecurity.example", PW);

    for (const key of ["cn", "de"]) {
      const inv = await req("POST", `/api/partners/${ids[key]}/members`, coord, {
        email: `admin@${key}.example`,
        role: "partner_admin",
      });
      expect(inv.statusCode, inv.body).toBe(201);
      // Built from FOREWARN_PUBLIC_URL (here its default), never from the request's Host header.
      expect(inv.json().inviteUrl).toMatch(/^http:\/\/127\.0\.0\.1:8080\/invite\/[A-Za-z0-9_-]{40,}$/);
      const tok = inv.json().inviteUrl.split("/invite/")[1];
      expect((await req("POST", `/api/invites/${tok}/accept`, {}, { password: PW })).statusCode).toBe(200);
      // Staff placing someone in a partner need a second person to confirm before that one logs in.
      expect(
        (await req("POST", "/api/auth/login", {}, { email: `admin@${key}.example`, password: PW }))
          .statusCode,
      ).toBe(401);
      expect((await req("POST", `/api/users/${inv.json().userId}/confirm`, admin)).statusCode).toBe(200);
      partnerHeaders[key] = await t.login(`admin@${key}.example`, PW);
    }
    // Invite tokens are stored only as hashes.
    const rows = await t.database.db.execute("select token_hash from invites" as never);
    expect(JSON.stringify(rows)).not.toContain(token);
  }
  it("lets the applicant's contact join through the mailed invite, and a staff-invited admin through the returned link", async () => {
    await from("active");
    await joinThree();
  });

  async function signTwo() {
    const nda = (await req("GET", "/api/ndas/current", partnerHeaders.us)).json();
    expect(nda.version).toBe(1);
    expect(nda.sha256).toBe(createHash("sha256").update(nda.text, "utf8").digest("hex"));
    for (const key of ["us", "cn"]) {
      const sig = await req(
        "POST",
        `/api/partners/${ids[key]}/nda-signatures`,
        { ...partnerHeaders[key], "x-forwarded-for": "x" },
        {
          version: 1,
          name: "Pat Signer",
          title: "CISO",
        },
      );
      expect(sig.statusCode, sig.body).toBe(201);
      expect(sig.json()).toMatchObject({ version: 1, sha256: nda.sha256, name: "Pat Signer", title: "CISO" });
    }
    const us = (await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json();
    expect(us).toEqual({
      eligible: true,
      tier: "standard",
      leadTime: "P1D",
      leadSeconds: 86400,
      content: ["summary", "details", "detection", "indicators"],
      reasons: [],
    });
    const cn = (await req("GET", `/api/partners/${ids.cn}/eligibility`, partnerHeaders.cn)).json();
    expect(cn).toMatchObject({ eligible: true, tier: "restricted", leadTime: "PT0S", content: ["summary"] });
    expect(cn.reasons).toEqual([
      expect.objectContaining({
        rule: "mandatory-government-vulnerability-reporting",
        effect: "cap_tier:restricted",
        reference: RMSV,
      }),
    ]);
    // Even moved to the top tier, the cap holds.
    expect(
      (await req("PUT", `/api/partners/${ids.cn}/tier`, coord, { tier: "vetted-plus" })).statusCode,
    ).toBe(200);
    expect((await req("GET", `/api/partners/${ids.cn}/eligibility`, coord)).json().tier).toBe("restricted");
  }
  it("after signing, the US partner is eligible at its tier and the CN partner is capped at restricted, citing the law", async () => {
    await from("joined");
    await signTwo();
  });

  async function suspendAndReinstate() {
    t.clock.advance(60_000);
    const s = await req("POST", `/api/partners/${ids.us}/suspend`, coord, {
      reason: "copy of MS-2026-001 found on a forum",
    });
    expect(s.json()).toEqual({ id: ids.us, status: "suspended" });
    const e = (await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json();
    expect(e.eligible).toBe(false);
    expect(e.reasons).toContainEqual(expect.objectContaining({ rule: "suspended", effect: "not_eligible" }));
    expect(
      (await req("POST", `/api/partners/${ids.us}/suspend`, coord, { reason: "again" })).statusCode,
    ).toBe(409);
    t.clock.advance(60_000);
    expect(
      (
        await req("POST", `/api/partners/${ids.us}/reinstate`, admin, { reason: "investigation cleared" })
      ).json().status,
    ).toBe("active");
    expect((await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json().eligible).toBe(true);
    const tl = (await req("GET", `/api/partners/${ids.us}/events`, coord)).json().events;
    expect(tl.slice(-2).map((x: { type: string; reason: string }) => [x.type, x.reason])).toEqual([
      ["suspended", "copy of MS-2026-001 found on a forum"],
      ["reinstated", "investigation cleared"],
    ]);
    // The partner sees the status changes, not staff's reasons or who acted (issue 9, M4).
    const own = (await req("GET", `/api/partners/${ids.us}/events`, partnerHeaders.us)).json().events;
    expect(
      own
        .slice(-2)
        .map((x: { type: string; toStatus: string; reason: string; actorEmail: string }) => [
          x.type,
          x.toStatus,
          x.reason,
          x.actorEmail,
        ]),
    ).toEqual([
      ["suspended", "suspended", null, null],
      ["reinstated", "active", null, null],
    ]);
  }
  it("suspension stops delivery at once; reinstatement restores it", async () => {
    await from("signed");
    await suspendAndReinstate();
  });

  it("records each step in the audit log", async () => {
    await from("reinstated");
    const types = await auditOf(ids.us);
    for (const ty of ["partner.applied", "partner.approved", "partner.status_changed", "nda.signed"])
      expect(types).toContain(ty);
    expect(types.filter((x) => x === "partner.status_changed")).toHaveLength(4);
    const all = await auditOf();
    for (const ty of ["invite.issued", "invite.accepted", "partner.tier_changed", "outbox.viewed"])
      expect(all).toContain(ty);
    const audit = await req("GET", `/api/audit?type=partner.status_changed`, admin);
    // 3 partners × (under_review, active) + suspend + reinstate.
    expect(audit.json().entries).toHaveLength(8);
    expect((await req("GET", "/api/audit/verify", admin)).json().ok).toBe(true);
  });

  it("keeps profile edits on the timeline with what changed; headquarters and staff countries are staff-only", async () => {
    await from("reinstated");
    const own = await req("PATCH", `/api/partners/${ids.de}`, partnerHeaders.de, {
      website: "https://bergwacht.example",
      customers: 7,
    });
    expect(own.statusCode, own.body).toBe(200);
    const denied = await req("PATCH", `/api/partners/${ids.de}`, partnerHeaders.de, { staffCountries: [] });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toContain("staffCountries");
    t.clock.advance(60_000);
    const staff = await req("PATCH", `/api/partners/${ids.de}`, coord, { staffCountries: ["CN"] });
    expect(staff.json().staffCountries).toEqual(["CN"]);
    // Staff in CN: the reporting-law cap now applies to the German partner too.
    expect((await req("GET", `/api/partners/${ids.de}/eligibility`, coord)).json().reasons).toContainEqual(
      expect.objectContaining({ effect: "cap_tier:restricted" }),
    );
    const last = (await req("GET", `/api/partners/${ids.de}/events`, coord)).json().events.at(-1);
    expect(last).toMatchObject({
      type: "updated",
      data: { changes: { staffCountries: { from: [], to: ["CN"] } } },
    });
    await req("PATCH", `/api/partners/${ids.de}`, coord, { staffCountries: [] });
    expect(
      (await req("PATCH", `/api/partners/${ids.us}`, partnerHeaders.de, { website: "https://x.example" }))
        .statusCode,
    ).toBe(404);
  });

  it("shows a partner user only its own organisation", async () => {
    await from("reinstated");
    const list = (await req("GET", "/api/partners?limit=200", partnerHeaders.cn)).json().items;
    expect(list.map((p: { id: string }) => p.id)).toEqual([ids.cn]);
    for (const url of [
      `/api/partners/${ids.us}`,
      `/api/partners/${ids.us}/eligibility`,
      `/api/partners/${ids.us}/members`,
    ])
      expect((await req("GET", url, partnerHeaders.cn)).statusCode, url).toBe(404);
    expect(
      (
        await req("POST", `/api/partners/${ids.us}/nda-signatures`, partnerHeaders.cn, {
          version: 1,
          name: "X",
          title: "Y",
        })
      ).statusCode,
    ).toBe(404);
    expect((await req("GET", `/api/partners/${ids.cn}`, partnerHeaders.cn)).statusCode).toBe(200);
  });

  it("mails an applicant's invite under the configured public URL, whatever Host the request named", async () => {
    await from("reinstated");
    const res = await req(
      "POST",
      "/api/partner-applications",
      { host: "evil.example" },
      application("Host Forgers", "NL"),
    );
    expect(res.statusCode).toBe(201);
    const mail = (await req("GET", "/api/outbox", admin)).json().messages as { to: string; body: string }[];
    const body = mail.find((m) => m.to === "security@hostforgers.example")?.body ?? "";
    expect(body).toMatch(/http:\/\/127\.0\.0\.1:8080\/invite\/[A-Za-z0-9_-]{43}/);
    expect(body).not.toContain("evil.example");
    expect(
      (await req("POST", `/api/partners/${res.json().partnerId}/remove`, coord, { reason: "test data" }))
        .statusCode,
    ).toBe(200);
  });

  it("reads unambiguous variants of codes generously", async () => {
    await from("reinstated");
    const res = await req(
      "POST",
      "/api/partner-applications",
      {},
      {
        organisation: {
          name: "Lenient Ltd",
          legalName: "Lenient Ltd",
          country: "de",
          website: "lenient.example",
          kind: "IDS/IPS",
          customers: "42",
        },
        contact: { name: "L", email: "l@lenient.example" },
        attestations: ATTEST,
      },
    );
    expect(res.statusCode, res.body).toBe(201);
    const p = (await req("GET", `/api/partners/${res.json().partnerId}`, coord)).json();
    expect(p).toMatchObject({
      country: "DE",
      staffCountries: [],
      website: "https://lenient.example",
      kind: "ids_ips",
      customers: 42,
    });
    expect(
      (await req("POST", `/api/partners/${p.id}/remove`, coord, { reason: "test data" })).statusCode,
    ).toBe(200);
  });

  it("refuses bad applications with a clear 4xx and stores nothing", async () => {
    await from("reinstated");
    const before = (await req("GET", "/api/partners?limit=200", coord)).json().items.length;
    const unknown = await req("POST", "/api/partner-applications", {}, application("Nowhere Inc", "XX"));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain("organisation.country");
    const staff = await req(
      "POST",
      "/api/partner-applications",
      {},
      application("Nowhere Inc", "US", ["UK"]),
    );
    expect(staff.statusCode).toBe(400);
    const offensive = await req(
      "POST",
      "/api/partner-applications",
      {},
      {
        ...application("Exploit Kit Co", "US"),
        attestations: { ...ATTEST, noOffensiveTools: false },
      },
    );
    expect(offensive.statusCode).toBe(400);
    expect(offensive.json().error.message).toContain("noOffensiveTools");
    expect((await req("GET", "/api/partners?limit=200", coord)).json().items.length).toBe(before);
  });

  const NDA_V2 = "# NDA version 2\n\nEverything in version 1, and more.";
  const publishNdaV2 = () => req("POST", "/api/ndas", admin, { text: NDA_V2 });

  it("makes everyone sign a new NDA version; a superseded version answers 409", async () => {
    await from("reinstated");
    const pub = await publishNdaV2();
    expect(pub.statusCode).toBe(201);
    expect(pub.json().version).toBe(2);
    const mail = (await req("GET", "/api/outbox", admin)).json().messages as { to: string; kind: string }[];
    expect(mail.filter((m) => m.kind === "nda_published").map((m) => m.to)).toContain("admin@cn.example");
    expect((await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json().reasons).toContainEqual(
      expect.objectContaining({ rule: "nda", message: expect.stringContaining("version 2") }),
    );
    const stale = await req("POST", `/api/partners/${ids.us}/nda-signatures`, partnerHeaders.us, {
      version: 1,
      name: "P",
      title: "T",
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain("superseded");
    const ok = await req("POST", `/api/partners/${ids.us}/nda-signatures`, partnerHeaders.us, {
      version: 2,
      name: "P",
      title: "T",
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().sha256).toBe(createHash("sha256").update(NDA_V2).digest("hex"));
    expect(
      (
        await req("POST", `/api/partners/${ids.us}/nda-signatures`, partnerHeaders.us, {
          version: 2,
          name: "P",
          title: "T",
        })
      ).statusCode,
    ).toBe(409);
    expect((await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json().eligible).toBe(true);
  });

  it("validates tier edits and keeps partners' tiers intact", async () => {
    await from("reinstated");
    const bad = await req("PUT", "/api/tiers", admin, [
      { name: "fast", leadTime: "P1M", content: ["summary"] },
    ]);
    expect(bad.statusCode).toBe(400);
    const stranded = await req("PUT", "/api/tiers", admin, [
      { name: "restricted", leadTime: "PT0S", content: ["summary"] },
    ]);
    expect(stranded.statusCode).toBe(409);
    expect(stranded.json().error.message).toContain("Acme Security");
    const ok = await req("PUT", "/api/tiers", admin, [
      {
        name: "vetted-plus",
        leadTime: "P5D",
        content: ["summary", "details", "detection", "poc", "indicators"],
      },
      { name: "standard", leadTime: "PT36H", content: ["summary", "details", "detection", "indicators"] },
      { name: "restricted", leadTime: "PT30S", content: ["summary"] },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json()).toMatchObject({
      leadTime: "PT36H",
      leadSeconds: 36 * 3600,
    });
    expect((await req("PUT", `/api/partners/${ids.us}/tier`, coord, { tier: "gold" })).statusCode).toBe(400);
  });

  it("previews a policy change over every partner without saving it", async () => {
    await from("reinstated");
    const current = (await req("GET", "/api/policy/rules", coord)).json().rules;
    expect(current).toHaveLength(1);
    const proposed = [
      ...current,
      {
        name: "no-poc-for-de-staff",
        condition: { countries: ["DE"] },
        effect: { type: "remove_content", content: ["poc"] },
        reference: "illustrative",
      },
      {
        name: "cap-us",
        condition: { hqCountries: ["US"] },
        effect: { type: "cap_tier", tier: "restricted" },
        reference: "test",
      },
    ];
    const prev = await req("POST", "/api/policy/preview", admin, { rules: proposed });
    expect(prev.statusCode, prev.body).toBe(200);
    // DE: standard has no poc to remove, so unchanged. US: capped.
    expect(prev.json().changes.map((c: { name: string }) => c.name)).toEqual(["Acme Security"]);
    expect(prev.json().changes[0].after.tier).toBe("restricted");
    expect((await req("GET", "/api/policy/rules", coord)).json().rules).toHaveLength(1);
    expect((await req("POST", "/api/policy/preview", coord, { rules: proposed })).statusCode).toBe(403);
    const saved = await req("PUT", "/api/policy/rules", admin, proposed.slice(0, 2));
    expect(saved.statusCode).toBe(200);
    expect(
      (
        await req("PUT", "/api/policy/rules", admin, [
          { ...proposed[2], effect: { type: "cap_tier", tier: "nope" } },
        ])
      ).statusCode,
    ).toBe(400);
  });

  /** The US admin registers a key that expires in 90 days: usable now, refused for delivery once the date passes. */
  async function registerExpiringKey() {
    const yearly = await openpgp.generateKey({
      userIDs: [{ email: "security@acmesecurity.example" }],
      date: new Date("2026-02-01T00:00:00Z"),
      keyExpirationTime: 120 * 86400,
      format: "armored",
    });
    return req("POST", `/api/partners/${ids.us}/keys`, partnerHeaders.us, { armored: yearly.publicKey });
  }

  it("lets a partner admin invite and remove analysts, who register their own OpenPGP keys", async () => {
    await from("reinstated");
    const inv = await req("POST", `/api/partners/${ids.us}/members`, partnerHeaders.us, {
      email: "analyst@acme.example",
      role: "partner_analyst",
    });
    expect(inv.statusCode).toBe(201);
    await req(
      "POST",
      `/api/invites/${inv.json().inviteUrl.split("/invite/")[1]}/accept`,
      {},
      { password: PW },
    );
    // Inviting someone who has not accepted yet sends a fresh link and retires the old one.
    const first = await req("POST", `/api/partners/${ids.us}/members`, partnerHeaders.us, {
      email: "late@acme.example",
      role: "partner_analyst",
    });
    const again = await req("POST", `/api/partners/${ids.us}/members`, partnerHeaders.us, {
      email: "late@acme.example",
      role: "partner_analyst",
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().userId).toBe(first.json().userId);
    const oldToken = first.json().inviteUrl.split("/invite/")[1];
    expect((await req("POST", `/api/invites/${oldToken}/accept`, {}, { password: PW })).statusCode).toBe(409);
    expect(
      (
        await req(
          "POST",
          `/api/invites/${again.json().inviteUrl.split("/invite/")[1]}/accept`,
          {},
          { password: PW },
        )
      ).statusCode,
    ).toBe(200);
    // Once accepted, the address is taken.
    expect(
      (
        await req("POST", `/api/partners/${ids.us}/members`, partnerHeaders.us, {
          email: "late@acme.example",
          role: "partner_analyst",
        })
      ).statusCode,
    ).toBe(409);
    const analyst = await t.login("analyst@acme.example", PW);
    expect(
      (
        await req("POST", `/api/partners/${ids.us}/members`, analyst, {
          email: "x@acme.example",
          role: "partner_analyst",
        })
      ).statusCode,
    ).toBe(403);

    const { publicKey, privateKey } = await openpgp.generateKey({
      userIDs: [{ name: "Analyst", email: "analyst@acme.example" }],
      date: new Date("2026-01-01T00:00:00Z"),
      format: "armored",
    });
    const expiring = await registerExpiringKey();
    expect(expiring.statusCode, expiring.body).toBe(201);
    expect(expiring.json()).toMatchObject({ usable: true, expiresAt: "2026-06-01T00:00:00.000Z" });
    const key = await req("POST", `/api/partners/${ids.us}/keys`, analyst, { armored: publicKey });
    expect(key.statusCode, key.body).toBe(201);
    const fp = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
    expect(key.json()).toMatchObject({
      fingerprint: fp,
      userIds: ["Analyst <analyst@acme.example>"],
      usable: true,
      expiresAt: null,
    });
    expect(
      (await req("POST", `/api/partners/${ids.us}/keys`, analyst, { armored: publicKey })).statusCode,
    ).toBe(409);
    const priv = await req("POST", `/api/partners/${ids.us}/keys`, analyst, { armored: privateKey });
    expect(priv.statusCode).toBe(400);
    expect(priv.json().error.message).toContain("private key");
    const expired = await openpgp.generateKey({
      userIDs: [{ email: "old@acme.example" }],
      date: new Date("2024-01-01T00:00:00Z"),
      keyExpirationTime: 86400,
      format: "armored",
    });
    const exp = await req("POST", `/api/partners/${ids.us}/keys`, analyst, { armored: expired.publicKey });
    expect(exp.json().error.message).toContain("expired");
    const signOnly = await openpgp.generateKey({
      userIDs: [{ email: "sign@acme.example" }],
      date: new Date("2026-01-01T00:00:00Z"),
      subkeys: [],
      format: "armored",
    });
    const so = await req("POST", `/api/partners/${ids.us}/keys`, analyst, { armored: signOnly.publicKey });
    expect(so.json().error.message).toContain("encryption");
    expect(
      (await req("POST", `/api/partners/${ids.us}/keys`, analyst, { armored: "hello" })).statusCode,
    ).toBe(400);

    const members = (await req("GET", `/api/partners/${ids.us}/members`, partnerHeaders.us)).json().members;
    const a = members.find((m: { email: string }) => m.email === "analyst@acme.example");
    expect(
      (await req("DELETE", `/api/partners/${ids.us}/members/${a.id}`, partnerHeaders.us)).statusCode,
    ).toBe(204);
    expect((await req("GET", "/api/me", analyst)).statusCode).toBe(401);
    expect(
      (await req("GET", `/api/partners/${ids.us}/keys`, coord))
        .json()
        .keys.find((k: { fingerprint: string }) => k.fingerprint === fp),
    ).toMatchObject({ usable: false, revokedAt: expect.any(String) });
  });

  it("registers https webhooks on public hosts only, showing the secret once", async () => {
    await from("reinstated");
    for (const bad of [
      "http://hooks.acme.example/x",
      "https://user:pw@hooks.acme.example/x",
      "https://127.0.0.1/x",
      "https://10.1.2.3/x",
      "https://[::1]/x",
      "https://localhost/x",
      "https://169.254.169.254/latest",
    ]) {
      const r = await req("POST", `/api/partners/${ids.us}/webhooks`, partnerHeaders.us, { url: bad });
      expect(r.statusCode, bad).toBe(400);
    }
    const ok = await req("POST", `/api/partners/${ids.us}/webhooks`, partnerHeaders.us, {
      url: "https://hooks.acme.example/forewarn",
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = (await req("GET", `/api/partners/${ids.us}/webhooks`, partnerHeaders.us)).json().webhooks;
    expect(list).toEqual([
      { id: ok.json().id, url: "https://hooks.acme.example/forewarn", createdAt: expect.any(String) },
    ]);
    expect(
      JSON.stringify(await t.database.db.execute("select * from partner_webhooks" as never)),
    ).not.toContain(ok.json().secret);
    expect((await t.services.partners.deliveryWebhooks(ids.us as string))[0]?.secret).toBe(ok.json().secret);
    // FOREWARN_WEBHOOKS_ALLOW_PRIVATE lets a lab register a local receiver; still https only.
    const lab = makeServices({
      database: t.database,
      clock: t.clock,
      masterKey: randomBytes(32),
      passwords: testPasswords,
      sessionHours: 12,
      allowPrivateWebhooks: true,
    });
    const local = await lab.partners.addWebhook(
      systemActor("test"),
      ids.us as string,
      "https://127.0.0.1:9443/hook",
    );
    expect(local.url).toBe("https://127.0.0.1:9443/hook");
    await expect(
      lab.partners.addWebhook(systemActor("test"), ids.us as string, "http://127.0.0.1/x"),
    ).rejects.toThrow(/https/);
  });

  it("stores evidence sealed, checks its type by content and size, and audits downloads", async () => {
    await from("reinstated");
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(1000, 65)]);
    const up = multipart({ name: "iso27001.pdf", content: pdf });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/partners/${ids.de}/evidence`,
      headers: { ...partnerHeaders.de, ...up.headers },
      payload: up.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      mediaType: "application/pdf",
      size: pdf.length,
      sha256: createHash("sha256").update(pdf).digest("hex"),
    });
    const stored = JSON.stringify(
      await t.database.db.execute("select sealed from partner_evidence" as never),
    );
    expect(stored).not.toContain(pdf.toString("base64").slice(0, 40));
    const dl = await req("GET", `/api/partners/${ids.de}/evidence/${res.json().id}`, coord);
    expect(dl.rawPayload.equals(pdf)).toBe(true);
    expect(await auditOf(res.json().id)).toEqual(["evidence.uploaded", "evidence.downloaded"]);

    const exe = multipart({ name: "report.pdf", content: Buffer.from("MZ\u0090\u0000\u0003binary") });
    const wrong = await t.app.inject({
      method: "POST",
      url: `/api/partners/${ids.de}/evidence`,
      headers: { ...partnerHeaders.de, ...exe.headers },
      payload: exe.payload,
    });
    expect(wrong.statusCode).toBe(415);
    const big = multipart({ name: "big.txt", content: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
    const tooBig = await t.app.inject({
      method: "POST",
      url: `/api/partners/${ids.de}/evidence`,
      headers: { ...partnerHeaders.de, ...big.headers },
      payload: big.payload,
    });
    expect(tooBig.statusCode).toBe(413);
    expect((await req("GET", `/api/partners/${ids.de}/evidence`, coord)).json().evidence).toHaveLength(1);
    expect(
      (await req("GET", `/api/partners/${ids.de}/evidence/${res.json().id}`, partnerHeaders.cn)).statusCode,
    ).toBe(404);
  });

  it("keeps self-reported leaks on the partner's record for investigators, and scores the partner", async () => {
    await from("reinstated");
    // A new NDA version the CN partner has not signed yet.
    expect((await publishNdaV2()).statusCode).toBe(201);
    const r = await req("POST", `/api/partners/${ids.cn}/incidents`, partnerHeaders.cn, {
      whatLeaked: "PoC summary of FW-2026-0007",
      toWhom: "a former employee's blog",
      when: "2026-02-28 around 14:00 UTC",
    });
    expect(r.statusCode, r.body).toBe(201);
    const inv = await t.login((await t.user("investigator")).email);
    expect((await req("GET", "/api/incidents", inv)).json().items.map((i: { id: string }) => i.id)).toContain(
      r.json().id,
    );
    let sc = (await req("GET", `/api/partners/${ids.cn}/scorecard`, partnerHeaders.cn)).json();
    expect(sc.incidents).toEqual({ total: 1, open: 1, selfReported: 1 });
    expect(
      (await req("POST", `/api/incidents/${r.json().id}/close`, partnerHeaders.cn, { resolution: "x" }))
        .statusCode,
    ).toBe(403);
    const closed = await req("POST", `/api/incidents/${r.json().id}/close`, inv, {
      resolution: "blog post removed; no exploit seen",
    });
    expect(closed.json()).toMatchObject({
      status: "closed",
      resolution: "blog post removed; no exploit seen",
    });
    expect(
      (await req("POST", `/api/incidents/${r.json().id}/close`, inv, { resolution: "again" })).statusCode,
    ).toBe(409);
    sc = (await req("GET", `/api/partners/${ids.cn}/scorecard`, partnerHeaders.cn)).json();
    expect(sc.incidents).toEqual({ total: 1, open: 0, selfReported: 1 });
    expect(sc.nda).toMatchObject({ currentVersion: 2, signedVersion: 1, current: false });
    // Measured by the release engine; this partner has received nothing yet.
    expect(sc.acknowledgements).toEqual({
      measured: true,
      note: "no advisory received yet",
      count: 0,
      of: 0,
      medianSeconds: null,
    });
    expect(sc.protectionsShipped).toEqual({ measured: true, note: "no advisory received yet", count: 0 });
  });

  it("queues one attestation reminder per admin 30 days before expiry, however often the job runs", async () => {
    await from("reinstated");
    expect((await registerExpiringKey()).statusCode).toBe(201);
    t.clock.advance(340 * 86_400_000);
    const first = await t.services.partners.remindAttestations(systemActor("jobs"));
    const keys = await t.services.partners.listKeys(systemActor("test"), ids.us as string);
    expect(keys.find((k) => k.expiresAt?.toISOString() === "2026-06-01T00:00:00.000Z")?.usable).toBe(false);
    const again = await t.services.partners.remindAttestations(systemActor("jobs"));
    expect(first.queued).toBeGreaterThanOrEqual(3);
    expect(again.queued).toBe(0);
    // Sessions last 12 hours: sign in again after the jump.
    coord = await t.login(coordEmail);
    admin = await t.login(adminEmail);
    partnerHeaders.us = await t.login("security@acmesecurity.example", PW);
    const renew = await req("POST", `/api/partners/${ids.us}/attestations`, partnerHeaders.us, ATTEST);
    expect(renew.statusCode, renew.body).toBe(200);
    t.clock.advance(30 * 86_400_000);
    coord = await t.login(coordEmail);
    admin = await t.login(adminEmail);
    const de = (await req("GET", `/api/partners/${ids.de}/eligibility`, coord)).json();
    expect(de.reasons).toContainEqual(expect.objectContaining({ rule: "attestation" }));
    expect((await req("GET", `/api/partners/${ids.us}/eligibility`, coord)).json().eligible).toBe(true);
  });

  it("counts concurrent approvals exactly: two staff at once activate once; one person twice gets one 409", async () => {
    await from("reinstated");
    const a = (await req("POST", "/api/partner-applications", {}, application("Race One", "JP"))).json()
      .partnerId;
    const b = (await req("POST", "/api/partner-applications", {}, application("Race Two", "JP"))).json()
      .partnerId;
    const [x, y] = await Promise.all([
      req("POST", `/api/partners/${a}/approvals`, coord),
      req("POST", `/api/partners/${a}/approvals`, admin),
    ]);
    expect([x.statusCode, y.statusCode]).toEqual([200, 200]);
    expect([x.json().status, y.json().status].sort()).toEqual(["active", "under_review"]);
    const events = (await req("GET", `/api/partners/${a}/events`, coord)).json().events;
    expect(events.filter((e: { toStatus: string }) => e.toStatus === "active")).toHaveLength(1);
    const same = await Promise.all([1, 2, 3].map(() => req("POST", `/api/partners/${b}/approvals`, coord)));
    expect(same.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect((await req("GET", `/api/partners/${b}`, coord)).json()).toMatchObject({
      status: "under_review",
      approvals: [expect.anything()],
    });
    for (const id of [a, b]) await req("POST", `/api/partners/${id}/remove`, coord, { reason: "test data" });
  });

  it("removes permanently and rejects with a reason", async () => {
    await from("reinstated");
    // Four applicants of the programme already removed as test data, listed with the ones removed here.
    for (const name of ["Race One", "Race Two", "Host Forgers", "Lenient Ltd"]) {
      const id = (await req("POST", "/api/partner-applications", {}, application(name, "JP"))).json()
        .partnerId;
      expect(
        (await req("POST", `/api/partners/${id}/remove`, coord, { reason: "test data" })).statusCode,
      ).toBe(200);
    }
    const app = await req("POST", "/api/partner-applications", {}, application("Late Comer", "FR"));
    const id = app.json().partnerId;
    expect(
      (await req("POST", `/api/partners/${id}/reject`, coord, { reason: "sells exploit kits" })).json()
        .status,
    ).toBe("rejected");
    expect((await req("POST", `/api/partners/${id}/approvals`, admin)).statusCode).toBe(409);
    expect(
      (await req("POST", `/api/partners/${ids.de}/remove`, coord, { reason: "left the market" })).json()
        .status,
    ).toBe("removed");
    expect(
      (await req("POST", `/api/partners/${ids.de}/reinstate`, coord, { reason: "oops" })).statusCode,
    ).toBe(409);
    expect((await req("GET", "/api/partners?status=removed,rejected", coord)).json().items).toHaveLength(6);
    expect(
      (await req("GET", "/api/partners?country=CN", coord)).json().items.map((p: { id: string }) => p.id),
    ).toEqual([ids.cn]);
  });
});
