// Forensics through the HTTP API on every engine: release two advisories to many recipients (partner
// organisations and their members, one partner suspended since), leak one member's copy (whole, an
// excerpt, stripped of format characters, with its rule file, as a ZIP), and check whom the findings
// name; an unrelated text gives no_match; a two-colluder merge accuses only colluders or nobody;
// exposure, coincidence and the reports (PDF read back with pdftotext); nothing for partners. Each test
// starts from its own copy of the database as the deliveries left it, so any order works.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { zipSync } from "fflate";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { hashCanaryToken, newCanaryToken } from "../src/modules/canaries/index.ts";
import { canaryTokens } from "../src/modules/canaries/schema.ts";
import { investigationEvidence } from "../src/modules/forensics/schema.ts";
import { releaseDeliveries } from "../src/modules/releases/schema.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { diffAndNeutralise, stripFormat } from "../src/tracing/attacks/index.ts";
import { Prng } from "../src/tracing/code.ts";
import { deliverTraced, fakeId, type TracedRecipient } from "./forensics-fixture.ts";
import { type DatabaseSnapshot, engines, type TestDatabase, testDatabase, testPasswords } from "./harness.ts";
import { multipart } from "./multipart.ts";
import { programmeFixtures, type TestUser } from "./programme.ts";

const SYS = systemActor("test");
const DAY = 86_400_000;
const T0 = new Date("2026-03-20T12:00:00Z");
const MD = readFileSync("test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md", "utf8");
const OTHER = readFileSync("test/fixtures/advisories/heldout-nimbus-console-ssrf.md", "utf8");
const RULE = `rule gateway_auth_bypass
{
  meta:
    author = "Forewarn"
    description = "Requests that forge the admin header"
  strings:
    $h1 = "X-Forwarded-User: admin"
    $h2 = "/admin/console"
    $h3 = { 47 45 54 20 2F 61 64 6D 69 6E }
  condition:
    any of them
}
`;
const UNRELATED =
  "The quarterly garden club meeting will discuss tomato varieties, compost bins and the spring plant sale. Members are asked to bring seedlings, gloves and a dish to share. The treasurer will report on the new greenhouse fund and the raffle. Parking is available behind the library on Elm Street, and the meeting starts at seven in the evening. ".repeat(
    4,
  );

// Each test opens its own copy of a database (a few seconds on a loaded machine): more time than the default.
describe.each(engines)("forensics on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  /** The programme with both advisories delivered: each test starts from a copy of it. */
  let delivered: { snapshot: DatabaseSnapshot; at: Date };
  const clock = fixedClock("2026-03-01T12:00:00Z");
  const masterKey = randomBytes(32);
  let investigator: TestUser;
  let coordinator: TestUser;
  let coordinator2: TestUser;
  const partnerIds: string[] = [];
  let partnerAdmin: TestUser;
  const recipients: TracedRecipient[] = [];
  let traced: Awaited<ReturnType<typeof deliverTraced>>;
  let other: Awaited<ReturnType<typeof deliverTraced>>;
  let member: TracedRecipient;
  let suspendedMember: TracedRecipient;

  const req = (method: "GET" | "POST", url: string, headers: Record<string, string>, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const inv = () => investigator.headers;

  async function openWith(body: object, evidence: object[]) {
    const res = await req("POST", "/api/investigations", inv(), body);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    for (const e of evidence) {
      const r = await req("POST", `/api/investigations/${id}/evidence`, inv(), e);
      expect(r.statusCode, r.body).toBe(201);
    }
    const got = await req("GET", `/api/investigations/${id}`, inv());
    expect(got.statusCode, got.body).toBe(200);
    return { id, body: got.json() };
  }

  async function open(database: TestDatabase) {
    db = database;
    s = makeServices({ database: db, clock, masterKey, passwords: testPasswords, sessionHours: 12 });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
  }

  beforeAll(async () => {
    await open(await testDatabase(engine));
    const fx = programmeFixtures(s, app);
    const c1 = await fx.makeUser("coordinator");
    const c2 = await fx.makeUser("coordinator");
    coordinator = c1;
    coordinator2 = c2;
    investigator = await fx.makeUser("investigator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    for (const key of ["alpha", "beta", "gamma", "delta"]) {
      const p = await fx.activePartner(key, "standard", [c1.actor as Actor, c2.actor as Actor]);
      partnerIds.push(p.id);
      if (key === "alpha") partnerAdmin = p.admin;
      await fx.makeUser("partner_analyst", p.id);
    }
    // Every real recipient: the partner itself and each member; then more members per partner.
    for (const pid of partnerIds) {
      recipients.push({ partnerId: pid, kind: "organisation", id: pid });
      for (const m of await s.partners.listMembers(SYS, pid))
        recipients.push({ partnerId: pid, kind: "user", id: m.id });
    }
    for (let i = 0; i < 120; i++)
      recipients.push({
        partnerId: partnerIds[i % partnerIds.length] as string,
        kind: "user",
        id: fakeId("usr"),
      });
    member = recipients.find((r) => r.kind === "user" && r.partnerId === partnerIds[1]) as TracedRecipient;
    suspendedMember = recipients.find(
      (r) => r.kind === "user" && r.partnerId === partnerIds[3],
    ) as TracedRecipient;
    const sealer = makeSealer(masterKey);
    traced = await deliverTraced(db.db, sealer, {
      markdown: MD,
      attachments: [{ name: "gateway.yar", content: RULE }],
      recipients,
      keySeed: `forensics-${engine}`,
      waves: [
        {
          at: new Date(T0.getTime() - 14 * DAY),
          tier: "vetted-plus",
          partnerIds: [partnerIds[0] as string],
          content: ["summary", "details", "detection", "poc"],
        },
        {
          at: new Date(T0.getTime() - 5 * DAY),
          tier: "standard",
          partnerIds: partnerIds.slice(1),
          content: ["summary", "details", "detection"],
        },
      ],
      at: new Date(T0.getTime() - 14 * DAY),
      publicAt: T0,
    });
    other = await deliverTraced(db.db, sealer, {
      markdown: OTHER,
      recipients,
      keySeed: `forensics-other-${engine}`,
      at: new Date(T0.getTime() - 3 * DAY),
      publicAt: T0,
    });
    // Suspended since the delivery: its copies still count.
    await s.partners.suspend(SYS, partnerIds[3] as string, "leak under investigation");
    const at = clock.now();
    await app.close();
    delivered = { snapshot: await db.snapshot(), at };
  }, 300_000);
  beforeEach(async () => {
    await open(await delivered.snapshot.clone());
    clock.set(delivered.at);
  });
  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    await delivered?.snapshot.dispose();
  });

  /** Two audited reads of beta's member copy as the release engine records them (a read, a download). */
  async function recordBetaReads() {
    const deliveryId = traced.deliveryOf.get(member.id) as string;
    await s.audit.record(db.db, {
      type: "release.copy_read",
      actor: SYS,
      subject: traced.advisoryId,
      data: { deliveryId, revision: 1, ip: "203.0.113.7", userAgent: "Mozilla/5.0 (X11; Linux) Leaky/1" },
    });
    await s.audit.record(db.db, {
      type: "release.copy_read",
      actor: SYS,
      subject: traced.advisoryId,
      data: { deliveryId, revision: 1, fileId: "afl_X", ip: "198.51.100.9", userAgent: "curl/8.5" },
    });
  }

  it("a member's whole copy, pasted with no advisory named: the advisory is found and that member alone accused", async () => {
    const { id, body } = await openWith({ title: "Copy on a forum" }, [
      {
        kind: "text",
        name: "forum-post.md",
        text: traced.copy(member.id),
        source: "https://forum.invalid/t/1",
      },
    ]);
    const f = body.findings;
    expect(f.verdict).toBe("accused");
    expect(f.advisoryIds).toEqual([traced.advisoryId]);
    expect(f.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([member.id]);
    expect(f.accused[0]).toMatchObject({
      kind: "user",
      partnerId: member.partnerId,
      partnerName: "Partner beta",
    });
    expect(f.accused[0].bound).toBeLessThanOrEqual(1e-6);
    expect(f.accused[0].score).toBeGreaterThan(f.accused[0].threshold);
    expect(f.recipients).toHaveLength(20);
    expect(f.recipientCount).toBe(recipients.length);
    expect(f.distribution.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(
      recipients.length,
    );
    expect(f.located.length).toBeGreaterThan(0);
    expect(f.matches[0].sharedShingles).toBeGreaterThan(50);
    // Evidence is sealed at rest: the stored row does not hold the text.
    const [row] = await db.db.select().from(investigationEvidence);
    expect(row?.textSealed).not.toContain("Gateway");
    // Reading is audited.
    const types = (await db.db.select().from(auditLog).orderBy(auditLog.seq))
      .filter((e) => e.subject === id)
      .map((e) => e.type);
    expect(types).toEqual(["investigation.opened", "investigation.evidence_added", "investigation.viewed"]);
  });

  it("an excerpt stripped of every format character accuses the same member; a suspended partner's member is accused too", async () => {
    const words = stripFormat(traced.copy(member.id)).normalize("NFKC").split(/\s+/);
    const { body } = await openWith({ title: "Excerpt" }, [
      { kind: "text", name: "excerpt.txt", text: words.slice(40, 600).join(" ") },
    ]);
    expect(body.findings.verdict).toBe("accused");
    expect(body.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([member.id]);
    const sus = await openWith({ title: "Suspended", advisoryId: traced.advisoryId }, [
      { kind: "text", name: "paste.txt", text: traced.copy(suspendedMember.id) },
    ]);
    expect(sus.body.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([
      suspendedMember.id,
    ]);
    expect(sus.body.findings.accused[0].partnerStatus).toBe("suspended");
  });

  it("the rule file and the stripped copy in a ZIP upload are read together", async () => {
    const res = await req("POST", "/api/investigations", inv(), {
      title: "Rule and copy",
      advisoryId: traced.advisoryId,
    });
    const id = res.json().id;
    const zip = Buffer.from(
      zipSync({
        "leak/gateway.yar": Buffer.from(traced.fileCopy(member.id, "gateway.yar") ?? ""),
        "leak/copy.txt": Buffer.from(stripFormat(traced.copy(member.id))),
      }),
    );
    const up = multipart(
      { name: "leak.zip", content: zip },
      { source: "paste site", foundAt: "2026-03-19T08:00:00Z" },
    );
    const r = await app.inject({
      method: "POST",
      url: `/api/investigations/${id}/evidence`,
      headers: { ...inv(), ...up.headers },
      payload: up.payload,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(
      r
        .json()
        .evidence.map((e: { name: string }) => e.name)
        .sort(),
    ).toEqual(["leak.zip/copy.txt", "leak.zip/gateway.yar"]);
    expect(r.json().evidence[0].source).toBe("paste site");
    const got = (await req("GET", `/api/investigations/${id}`, inv())).json();
    expect(got.findings.verdict).toBe("accused");
    expect(got.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([member.id]);
    // One piece read back, audited.
    const one = await req("GET", `/api/investigations/${id}/evidence/${got.evidence[0].id}`, inv());
    expect(one.statusCode).toBe(200);
    expect(one.json().text.length).toBeGreaterThan(100);
    const types = (await db.db.select().from(auditLog).orderBy(auditLog.seq))
      .filter((e) => e.subject === id)
      .map((e) => e.type);
    expect(types).toContain("investigation.evidence_read");
  });

  it("an unrelated text gives no_match, with or without the advisory named", async () => {
    const a = await openWith({ title: "Garden" }, [{ kind: "text", name: "garden.txt", text: UNRELATED }]);
    expect(a.body.findings).toMatchObject({ verdict: "no_match", advisoryIds: [], accused: [] });
    const b = await openWith({ title: "Garden 2", advisoryId: traced.advisoryId }, [
      { kind: "text", name: "garden.txt", text: UNRELATED },
    ]);
    expect(b.body.findings.verdict).toBe("no_match");
  });

  it("the other advisory's copy is matched to it, not to the first", async () => {
    const { body } = await openWith({ title: "Other" }, [
      { kind: "text", name: "o.md", text: other.copy(member.id) },
    ]);
    expect(body.findings.advisoryIds).toEqual([other.advisoryId]);
    expect(body.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([member.id]);
  });

  it("two colluders who merge their copies: only colluders are accused, or nobody", async () => {
    const users = recipients.filter((r) => r.kind === "user");
    const pairs = [
      [users[3], users[9]],
      [users[20], users[41]],
    ] as TracedRecipient[][];
    for (const [a, b] of pairs) {
      const ca = traced.copy(a?.id as string).split("\n");
      const cb = traced.copy(b?.id as string).split("\n");
      const half = [...ca.slice(0, ca.length / 2), ...cb.slice(ca.length / 2)].join("\n");
      const rng = new Prng(Buffer.alloc(16, 7));
      const k = traced.loaded;
      const { codeword } = await import("../src/tracing/code.ts");
      const neutral = diffAndNeutralise(
        k.file.plan,
        [codeword(k.key, a?.id as string, k.biases), codeword(k.key, b?.id as string, k.biases)],
        rng,
      );
      for (const text of [half, neutral]) {
        const { body } = await openWith({ title: "Merge", advisoryId: traced.advisoryId }, [
          { kind: "text", name: "m.txt", text },
        ]);
        const accused = body.findings.accused.map((x: { recipientId: string }) => x.recipientId);
        for (const x of accused) expect([a?.id, b?.id]).toContain(x);
      }
      const { body } = await openWith({ title: "Half", advisoryId: traced.advisoryId }, [
        { kind: "text", name: "h.txt", text: half },
      ]);
      expect(body.findings.accused.length).toBeGreaterThan(0);
    }
  });

  it("an accusation whose stored codeword does not match the key's derivation carries a warning", async () => {
    const victim = recipients.filter((r) => r.kind === "user")[30] as TracedRecipient;
    const deliveryId = traced.deliveryOf.get(victim.id) as string;
    const wrong = new Uint8Array(traced.loaded.biases.length).fill(1);
    await db.db
      .update(releaseDeliveries)
      .set({
        codewordSealed: makeSealer(masterKey).seal(
          Buffer.from(wrong).toString("base64"),
          `release_deliveries.codeword:${deliveryId}`,
        ),
      })
      .where(eq(releaseDeliveries.id, deliveryId));
    const { body } = await openWith({ title: "Tampered", advisoryId: traced.advisoryId }, [
      { kind: "text", name: "t.md", text: traced.copy(victim.id) },
    ]);
    expect(body.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([victim.id]);
    expect(body.findings.warnings.join("\n")).toMatch(/differs from the one the key derives/);
  });

  it("bad evidence is refused with what was wrong, and changes nothing", async () => {
    const id = (await req("POST", "/api/investigations", inv(), { title: "Bad input" })).json().id;
    const png = multipart({
      name: "x.txt",
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    });
    const r1 = await app.inject({
      method: "POST",
      url: `/api/investigations/${id}/evidence`,
      headers: { ...inv(), ...png.headers },
      payload: png.payload,
    });
    expect(r1.statusCode).toBe(415);
    expect(r1.json().error.message).toMatch(/image\/png/);
    const r2 = await req("POST", `/api/investigations/${id}/evidence`, inv(), {
      kind: "text",
      name: "",
      text: "",
    });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.message).toMatch(/name/);
    const r3 = await req("POST", "/api/investigations", inv(), { title: "x", advisoryId: "nope" });
    expect(r3.statusCode).toBe(400);
    const got = (await req("GET", `/api/investigations/${id}`, inv())).json();
    expect(got.evidence).toEqual([]);
    expect(got.findings.verdict).toBe("no_match");
    const missing = await req("GET", `/api/investigations/${fakeId("ivg")}`, inv());
    expect(missing.statusCode).toBe(404);
  });

  it("notes, closing with a conclusion, and the status timeline; a closed investigation takes no evidence", async () => {
    const id = (await req("POST", "/api/investigations", inv(), { title: "Lifecycle" })).json().id;
    clock.advance(60_000);
    const n = await req("POST", `/api/investigations/${id}/notes`, inv(), {
      text: "Asked the partner for logs.",
    });
    expect(n.statusCode, n.body).toBe(201);
    clock.advance(60_000);
    const c = await req("POST", `/api/investigations/${id}/close`, inv(), {
      conclusion: "Partner beta's member leaked.",
    });
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json()).toMatchObject({ status: "closed", conclusion: "Partner beta's member leaked." });
    expect(
      (await req("POST", `/api/investigations/${id}/close`, inv(), { conclusion: "again" })).statusCode,
    ).toBe(409);
    const e = await req("POST", `/api/investigations/${id}/evidence`, inv(), {
      kind: "text",
      name: "a",
      text: "late",
    });
    expect(e.statusCode).toBe(409);
    const got = (await req("GET", `/api/investigations/${id}`, inv())).json();
    expect(got.timeline.map((t: { kind: string }) => t.kind)).toEqual(["opened", "note", "closed"]);
    expect(got.timeline[1].text).toBe("Asked the partner for logs.");
    const list = (await req("GET", "/api/investigations?status=closed&limit=200", inv())).json().items;
    expect(list.map((x: { id: string }) => x.id)).toContain(id);
  });

  it("from findings: an incident opened on the partner's record, and a suspension that waits for a second person", async () => {
    const gamma = partnerIds[2] as string;
    const gammaMember = recipients.find((r) => r.partnerId === gamma && r.kind === "user") as TracedRecipient;
    // Findings that accuse nobody allow no action.
    const empty = (await req("POST", "/api/investigations", inv(), { title: "Nothing yet" })).json().id;
    const refused = await req("POST", `/api/investigations/${empty}/proposals`, inv(), {
      action: "incident",
      partnerId: gamma,
      reason: "hunch",
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/not accused by this investigation's findings/);
    const { id, body } = await openWith({ title: "Actions", advisoryId: traced.advisoryId }, [
      { kind: "text", name: "paste.md", text: traced.copy(gammaMember.id) },
    ]);
    expect(body.findings.accused.map((a: { partnerId: string }) => a.partnerId)).toEqual([gamma]);
    // Not against a partner these findings do not accuse.
    const other = await req("POST", `/api/investigations/${id}/proposals`, inv(), {
      action: "suspension",
      partnerId: partnerIds[0],
      reason: "x",
    });
    expect(other.statusCode).toBe(409);
    clock.advance(60_000);
    const inc = await req("POST", `/api/investigations/${id}/proposals`, inv(), {
      action: "incident",
      partnerId: gamma,
      reason: "Accused with bound 1e-12",
    });
    expect(inc.statusCode, inc.body).toBe(201);
    const incidentId = inc.json().incidentId as string;
    expect(incidentId).toMatch(/^inc_/);
    expect(inc.json().timeline.at(-1)).toMatchObject({ kind: "incident_opened", ref: incidentId });
    // A real incident on the partner's record, linked to the investigation; the partner does not see it.
    const staffView = (await req("GET", `/api/partners/${gamma}/incidents`, coordinator.headers)).json();
    expect(staffView.incidents.find((x: { id: string }) => x.id === incidentId)).toMatchObject({
      source: "investigation",
      investigationId: id,
      status: "open",
      details: "Accused with bound 1e-12",
    });

    clock.advance(60_000);
    const sus = await req("POST", `/api/investigations/${id}/proposals`, inv(), {
      action: "suspension",
      partnerId: gamma,
      reason: "Accused with bound 1e-12",
    });
    expect(sus.statusCode, sus.body).toBe(201);
    const requestId = sus.json().suspensionRequestId as string;
    expect(requestId).toMatch(/^psr_/);
    expect(sus.json().timeline.at(-1)).toMatchObject({ kind: "suspension_requested", ref: requestId });
    // Nothing happens to the partner until a second person approves.
    expect((await s.partners.get(SYS, gamma)).status).toBe("active");
    const again = await req("POST", `/api/investigations/${id}/proposals`, inv(), {
      action: "suspension",
      partnerId: gamma,
      reason: "twice",
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already awaiting approval/);
    const approve = `/api/partners/${gamma}/suspension-requests/${requestId}/approve`;
    // The investigator who asked may not approve (no sanction right at all).
    expect((await req("POST", approve, inv())).statusCode).toBe(403);
    const pending = (
      await req("GET", `/api/partners/${gamma}/suspension-requests`, coordinator.headers)
    ).json();
    expect(pending.requests[0]).toMatchObject({ id: requestId, status: "pending", investigationId: id });
    const ok = await req("POST", approve, coordinator.headers);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: "approved", decidedBy: coordinator.id });
    expect((await s.partners.get(SYS, gamma)).status).toBe("suspended");
    expect((await req("POST", approve, coordinator2.headers)).statusCode).toBe(409);

    const unknown = await req("POST", `/api/investigations/${id}/proposals`, inv(), {
      action: "incident",
      partnerId: fakeId("org"),
      reason: "x",
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/partnerId: partner org_\w+ does not exist/);
    const types = (await db.db.select().from(auditLog).orderBy(auditLog.seq)).map((e) => ({
      type: e.type,
      subject: e.subject,
    }));
    const mine = types.filter((e) => e.subject === id).map((e) => e.type);
    expect(mine.filter((t) => t !== "investigation.viewed")).toEqual([
      "investigation.opened",
      "investigation.evidence_added",
      "investigation.action_taken",
      "investigation.action_taken",
    ]);
    // Every action read the findings, and so the evidence: audited.
    expect(mine.filter((t) => t === "investigation.viewed").length).toBeGreaterThanOrEqual(4);
    expect(types.filter((e) => e.subject === empty).map((e) => e.type)).toEqual([
      "investigation.opened",
      "investigation.viewed",
    ]);
    expect(types).toContainEqual({ type: "incident.reported", subject: incidentId });
    expect(types.filter((e) => e.subject === gamma).map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "partner.suspension_requested",
        "partner.suspension_approved",
        "partner.status_changed",
      ]),
    );
    // Reinstated for the tests that follow.
    await s.partners.reinstate(SYS, gamma, "test done");
  });

  it("the two-person rule: whoever requested a suspension cannot approve or reject it", async () => {
    const alpha = partnerIds[0] as string;
    const r = await s.partners.requestSuspension(coordinator.actor, alpha, { reason: "staff request" });
    const base = `/api/partners/${alpha}/suspension-requests/${r.id}`;
    const own = await req("POST", `${base}/approve`, coordinator.headers);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/a second, different staff member must approve/);
    expect((await req("POST", `${base}/reject`, coordinator.headers, { note: "no" })).statusCode).toBe(403);
    expect((await s.partners.get(SYS, alpha)).status).toBe("active");
    // Partners see none of it.
    expect(
      (await req("GET", `/api/partners/${alpha}/suspension-requests`, partnerAdmin.headers)).statusCode,
    ).toBe(403);
    const rejected = await req("POST", `${base}/reject`, coordinator2.headers, {
      note: "not enough evidence",
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: "rejected", decisionNote: "not enough evidence" });
    expect((await s.partners.get(SYS, alpha)).status).toBe("active");
  });

  it("a canary hit opens an investigation of its advisory (or joins the open one) and is shown as certain", async () => {
    const deliveryId = other.deliveryOf.get(member.id) as string;
    const [d] = await db.db.select().from(releaseDeliveries).where(eq(releaseDeliveries.id, deliveryId));
    if (!d) throw new Error("no delivery");
    const token = newCanaryToken();
    await db.db.insert(canaryTokens).values({
      id: fakeId("cnt"),
      tokenHash: hashCanaryToken(token),
      kind: "dns",
      advisoryId: other.advisoryId,
      planId: d.planId,
      deliveryId,
      partnerId: member.partnerId,
      recipientKind: "user",
      recipientId: member.id,
      createdAt: clock.now(),
    });
    // Through the canaries module as the DNS server records it: the hit reaches forensics by itself.
    const hit = { kind: "dns" as const, token, source: "127.0.0.1", detail: "[token].canary.test A" };
    expect(await s.canaries.recordHit(hit)).toMatchObject({ known: true, stored: true });
    expect(await s.canaries.recordHit(hit)).toMatchObject({ known: true, stored: true });
    const list = (await req("GET", "/api/investigations?limit=200", inv())).json() as {
      items: { id: string; advisoryId: string | null }[];
    };
    const opened = list.items.filter((i) => i.advisoryId === other.advisoryId);
    expect(opened).toHaveLength(1);
    const got = (await req("GET", `/api/investigations/${opened[0]?.id}`, inv())).json();
    expect(got.timeline.map((t: { kind: string }) => t.kind)).toEqual(["opened", "canary_hit", "canary_hit"]);
    // Both hits are listed, each a certain attribution to the member whose copy carried the token.
    const both = expect.objectContaining({
      recipientId: member.id,
      certain: true,
      partnerName: "Partner beta",
    });
    expect(got.findings.canaries).toEqual([both, both]);
  });

  it("coordinators read but do not open; partners see nothing", async () => {
    // An investigation for the partner to be refused.
    await openWith({ title: "Copy on a forum" }, [
      { kind: "text", name: "a.md", text: traced.copy(member.id) },
    ]);
    expect((await req("GET", "/api/investigations", coordinator.headers)).statusCode).toBe(200);
    expect((await req("POST", "/api/investigations", coordinator.headers, { title: "x" })).statusCode).toBe(
      403,
    );
    const list = (await req("GET", "/api/investigations", inv())).json().items;
    for (const url of [
      "/api/investigations",
      `/api/investigations/${list[0].id}`,
      `/api/investigations/${list[0].id}/report.pdf`,
    ])
      expect((await req("GET", url, partnerAdmin.headers)).statusCode).toBe(403);
  });

  it("exposure: who had what when, and the coincidence probability with its model", async () => {
    const observedAt = new Date(T0.getTime() - DAY).toISOString();
    const { id } = await openWith({ title: "Exploited", advisoryId: traced.advisoryId, observedAt }, []);
    await recordBetaReads();
    const r = await req("GET", `/api/investigations/${id}/exposure?ratePerYear=2`, inv());
    expect(r.statusCode, r.body).toBe(200);
    const x = r.json();
    expect(x.waves).toHaveLength(2);
    expect(x.recipients).toHaveLength(recipients.length);
    expect(x.byObserved.partners).toBe(4);
    const alpha = x.recipients.find((y: { recipientId: string }) => y.recipientId === partnerIds[0]);
    expect(alpha.sections).toContain("poc");
    expect(new Date(alpha.deliveredAt).getTime()).toBe(T0.getTime() - 14 * DAY);
    const beta = x.recipients.find((y: { recipientId: string }) => y.recipientId === member.id);
    expect(beta.reads.slice(-2)).toMatchObject([
      { fileId: null, ip: "203.0.113.7", userAgent: "Mozilla/5.0 (X11; Linux) Leaky/1" },
      { fileId: "afl_X", ip: "198.51.100.9", userAgent: "curl/8.5" },
    ]);
    const html = (await req("GET", `/api/investigations/${id}/report.html`, inv())).body;
    expect(html).toContain("Every read and download");
    expect(html).toMatch(
      /copy read<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>203\.0\.113\.7<\/td><td>Mozilla\/5\.0 \(X11; Linux\) Leaky\/1/,
    );
    expect(html).toContain("198.51.100.9");
    const windows = x.coincidence.windows;
    expect(windows.map((w: { days: number }) => w.days)).toEqual([13, 4]);
    expect(windows[0].probability).toBeCloseTo(1 - Math.exp((-2 / 365) * 13), 10);
    expect(x.coincidence.assumptions.join(" ")).toMatch(/2 per year/);
    const byAge = (await req("GET", `/api/investigations/${id}/exposure?bugAgeDays=400`, inv())).json();
    expect(byAge.coincidence.windows[1].probability).toBeCloseTo(1 - Math.exp(-4 / 400), 10);
    expect((await req("GET", `/api/investigations/${id}/exposure?ratePerYear=-1`, inv())).statusCode).toBe(
      400,
    );
  });

  it("report.html and report.pdf: evidence hashes, accused with bound, plots, coincidence, audit references", async () => {
    await recordBetaReads();
    const text = traced.copy(member.id);
    const { id, body } = await openWith(
      { title: "Report", observedAt: new Date(T0.getTime() - DAY).toISOString() },
      [{ kind: "text", name: "forum.md", text }],
    );
    const html = await req("GET", `/api/investigations/${id}/report.html`, inv());
    expect(html.statusCode).toBe(200);
    expect(html.headers["content-type"]).toMatch(/text\/html/);
    expect(html.body).toContain(body.evidence[0].sha256);
    expect(html.body).toContain(member.id);
    expect(html.body).toContain("<svg");
    expect(html.body).toContain("Poisson");
    const pdf = await req("GET", `/api/investigations/${id}/report.pdf`, inv());
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const dir = mkdtempSync(join(tmpdir(), "fw-report-"));
    writeFileSync(join(dir, "r.pdf"), pdf.rawPayload);
    const extracted = execFileSync("pdftotext", ["-layout", join(dir, "r.pdf"), "-"], { encoding: "utf8" });
    expect(extracted).toContain("Investigation report: Report");
    expect(extracted).toContain(`accused: ${member.id}`);
    expect(extracted).toContain(body.evidence[0].sha256);
    expect(extracted).toContain("Coincidence analysis");
    expect(extracted).toContain("investigation.report_downloaded");
    // Every read with its address and user agent (recorded above).
    // (pdftotext breaks long lines, so whitespace is folded first)
    const flat = extracted.replace(/\s+/g, " ");
    expect(flat).toMatch(
      /copy read by [^()]*\(Partner beta, user usr_\w+\) from 203\.0\.113\.7, Mozilla\/5\.0/,
    );
    expect(flat).toMatch(
      /download of afl_X by [^()]*\(Partner beta, user usr_\w+\) from 198\.51\.100\.9, curl\/8\.5/,
    );
    expect(extracted).not.toContain(text.slice(0, 200));
  });
});
