// Suspicion across incidents through the HTTP API on every engine: one partner leaks a small excerpt
// of two advisories (a different member's copy each time), each excerpt the longest that alone
// accuses nobody; the combined test accuses that partner and no other; one advisory investigated
// twice counts once; partners and foreign users see nothing. Each test starts from its own copy of a
// saved stage (the deliveries, or the two leaks investigated), so the tests pass alone and in any order.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { isMatch, keyPlainText, shingleHashes } from "../src/modules/forensics/shingles.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { codewords } from "../src/tracing/code.ts";
import { readKeyEvidence } from "../src/tracing/keyfile.ts";
import { accuseLayers } from "../src/tracing/layers.ts";
import { deliverTraced, type TracedRecipient } from "./forensics-fixture.ts";
import { type DatabaseSnapshot, engines, type TestDatabase, testDatabase, testPasswords } from "./harness.ts";
import { programmeFixtures, type TestUser } from "./programme.ts";

const SYS = systemActor("test");
const DAY = 86_400_000;
const T0 = new Date("2026-03-20T12:00:00Z");
const MD = readFileSync("test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md", "utf8");
const OTHER = readFileSync("test/fixtures/advisories/heldout-nimbus-console-ssrf.md", "utf8");

type Traced = Awaited<ReturnType<typeof deliverTraced>>;
type PartnerRow = {
  partnerId: string;
  accused: boolean;
  advisoriesCounted: number;
  combined: { score: number; threshold: number; bound: number; accused: boolean; observedPoints: number };
  perInvestigation: { investigationId: string; accused: boolean; bound: number }[];
  perAdvisory: { advisoryId: string; accused: boolean }[];
};

describe.each(engines)("suspicion across incidents on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  const clock = fixedClock("2026-03-01T12:00:00Z");
  const masterKey = randomBytes(32);
  let investigator: TestUser;
  let coordinator: TestUser;
  let partnerAnalyst: TestUser;
  const partnerIds: string[] = [];
  const recipients: TracedRecipient[] = [];
  let a: Traced;
  let b: Traced;
  let leaker: string;
  const excerpts: string[] = [];

  const get = (url: string, headers: Record<string, string>) => app.inject({ method: "GET", url, headers });

  async function openWith(body: object, text: string) {
    const res = await app.inject({
      method: "POST",
      url: "/api/investigations",
      headers: investigator.headers,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const e = await app.inject({
      method: "POST",
      url: `/api/investigations/${id}/evidence`,
      headers: investigator.headers,
      payload: { kind: "text", name: "excerpt.txt", text },
    });
    expect(e.statusCode, e.body).toBe(201);
    return id;
  }

  /**
   * The longest excerpt of the recipient's copy (from word 30, growing by 10 words) on which the
   * per-investigation test (all recipients, as the findings run it) accuses nobody at the findings'
   * ε₁ = 1e-6: a leaker who knows the design and stays under the threshold of one incident. (At a
   * looser 1e-5, with the 20-point minimum, the excerpts shrank to 13–23 observed points and two
   * of them sometimes fell just short together: in 2 of 14 runs on both engines.) It must also be
   * long enough for the shingle index to name its advisory (an excerpt of 20 words whose copy
   * varies many of them may share too few 5-word shingles with the plain text): the tests open it
   * without naming the advisory.
   */
  function longestInconclusive(t: Traced, recipientId: string): string {
    const words = t.copy(recipientId).split(/\s+/);
    const ids = recipients.map((r) => r.id);
    const x = codewords(t.loaded.key, ids, t.loaded.biases);
    const layers = t.loaded.file.plan.points.map((p) => p.layer);
    const shingleKey = randomBytes(32);
    const plain = shingleHashes(keyPlainText(t.loaded.file), shingleKey);
    const indexed = new Set(plain);
    let best = "";
    for (let n = 20; 30 + n <= words.length; n += 10) {
      const text = words.slice(30, 30 + n).join(" ");
      let symbols: Int8Array;
      try {
        symbols = readKeyEvidence(t.loaded, text).symbols;
      } catch {
        continue;
      }
      const r = accuseLayers(ids, x, t.loaded.biases, symbols, layers, { bounds: false, epsilon: 1e-6 });
      if (r.accused.length) break;
      const mine = shingleHashes(text, shingleKey);
      const shared = mine.filter((h) => indexed.has(h)).length;
      if (isMatch(shared, mine.length, plain.length)) best = text;
    }
    if (!best) throw new Error("no inconclusive excerpt");
    return best;
  }

  async function open(database: TestDatabase) {
    db = database;
    s = makeServices({ database: db, clock, masterKey, passwords: testPasswords, sessionHours: 12 });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
  }

  // Saved stages, each test on a copy of one: "world" (the partners and both advisories delivered),
  // "investigated" (the two small leaks investigated, as the first test does).
  type StageName = "world" | "investigated";
  const stages = new Map<StageName, Promise<DatabaseSnapshot>>();
  async function freeze() {
    await app.close();
    return db.snapshot();
  }
  function stage(name: StageName): Promise<DatabaseSnapshot> {
    let made = stages.get(name);
    if (!made) {
      made = (async () => {
        await open(await (await stage("world")).clone());
        await investigateTwoLeaks();
        return freeze();
      })();
      stages.set(name, made);
    }
    return made;
  }
  async function from(name: StageName) {
    await open(await (await stage(name)).clone());
  }

  beforeAll(async () => {
    await open(await testDatabase(engine));
    const fx = programmeFixtures(s, app, { emailDomain: `sus-${engine}.example` });
    const c1 = await fx.makeUser("coordinator");
    const c2 = await fx.makeUser("coordinator");
    coordinator = c1;
    investigator = await fx.makeUser("investigator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    for (const key of ["north", "south", "east", "west", "centre", "harbour"]) {
      const p = await fx.activePartner(key, "standard", [c1.actor as Actor, c2.actor as Actor]);
      partnerIds.push(p.id);
      const analyst = await fx.makeUser("partner_analyst", p.id);
      if (key === "north") partnerAnalyst = analyst;
    }
    for (const pid of partnerIds) {
      recipients.push({ partnerId: pid, kind: "organisation", id: pid });
      for (const m of await s.partners.listMembers(SYS, pid))
        recipients.push({ partnerId: pid, kind: "user", id: m.id });
    }
    leaker = partnerIds[2] as string;
    const sealer = makeSealer(masterKey);
    a = await deliverTraced(db.db, sealer, {
      markdown: MD,
      recipients,
      keySeed: `suspicion-a-${engine}-${randomBytes(4).toString("hex")}`,
      at: new Date(T0.getTime() - 14 * DAY),
      publicAt: T0,
    });
    b = await deliverTraced(db.db, sealer, {
      markdown: OTHER,
      recipients,
      keySeed: `suspicion-b-${engine}-${randomBytes(4).toString("hex")}`,
      at: new Date(T0.getTime() - 5 * DAY),
      publicAt: T0,
    });
    const members = recipients.filter((r) => r.partnerId === leaker && r.kind === "user");
    excerpts.push(longestInconclusive(a, members[0]?.id as string));
    excerpts.push(longestInconclusive(b, members[1]?.id ?? leaker));
    stages.set("world", freeze());
    // The other stage too (so a test run alone is not charged for it); a slow machine gets the time.
    await stage("investigated");
  }, 600_000);
  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    for (const made of stages.values()) await (await made).dispose();
  });

  async function investigateTwoLeaks() {
    const empty = await get("/api/forensics/suspicion", investigator.headers);
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toMatchObject({ partnersTested: 0, investigationsCounted: 0, partners: [] });

    // One names its advisory, the other is matched by the shingle index.
    const i1 = await openWith({ title: "Paste on a forum", advisoryId: a.advisoryId }, excerpts[0] as string);
    const i2 = await openWith({ title: "Gist" }, excerpts[1] as string);
    for (const id of [i1, i2]) {
      const f = (await get(`/api/investigations/${id}`, investigator.headers)).json().findings;
      expect(f.verdict).toBe("inconclusive");
      expect(f.accused).toEqual([]);
    }
    // An investigation with text that matches nothing does not count.
    await openWith({ title: "Unrelated" }, "Tomatoes, compost bins and the spring plant sale. ".repeat(20));

    const res = await get("/api/forensics/suspicion", investigator.headers);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      epsilon: 1e-6,
      investigationsCounted: 2,
      advisoriesCounted: 2,
      partnersTested: partnerIds.length,
    });
    expect(body.populationBound).toBeCloseTo(1e-6 * partnerIds.length, 12);
    const rows = body.partners as PartnerRow[];
    expect(rows[0]?.partnerId).toBe(leaker);
    const top = rows[0] as PartnerRow;
    // The figures say why if this fails: observed points, score against threshold, bound.
    expect(top.accused, JSON.stringify({ combined: top.combined, perAdvisory: top.perAdvisory })).toBe(true);
    expect(top.advisoriesCounted).toBe(2);
    expect(top.combined.bound).toBeLessThanOrEqual(1e-6);
    expect(top.combined.score).toBeGreaterThanOrEqual(top.combined.threshold);
    // Each incident alone says nothing; together they do.
    expect(top.perInvestigation.map((p) => p.investigationId).sort()).toEqual([i1, i2].sort());
    for (const p of top.perInvestigation) expect(p.accused).toBe(false);
    for (const p of top.perAdvisory) expect(p.accused).toBe(false);
    // Innocents stay under their threshold.
    for (const r of rows.slice(1)) {
      expect(r.accused, r.partnerId).toBe(false);
      expect(r.combined.score).toBeLessThan(r.combined.threshold);
    }
  }
  it("two small leaks, each inconclusive alone, accumulate to an accusation of their partner only", async () => {
    await from("world");
    await investigateTwoLeaks();
  });

  it("one advisory investigated twice counts once", async () => {
    await from("investigated");
    const before = (await get(`/api/forensics/suspicion/${leaker}`, investigator.headers)).json();
    const again = await openWith({ title: "Same paste, mirrored" }, excerpts[0] as string);
    const res = await get(`/api/forensics/suspicion/${leaker}`, investigator.headers);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json().partner as PartnerRow;
    expect(res.json().advisoriesCounted).toBe(2);
    expect(p.advisoriesCounted).toBe(2);
    expect(p.combined.observedPoints).toBe(before.partner.combined.observedPoints);
    expect(p.combined.score).toBeCloseTo(before.partner.combined.score, 9);
    expect(p.perInvestigation.map((x) => x.investigationId)).toContain(again);
    expect(p.perAdvisory.find((x) => x.advisoryId === a.advisoryId)).toBeDefined();
  });

  it("an innocent partner's scorecard figures: tested on both advisories, not accused; an unknown partner is 404", async () => {
    await from("investigated");
    const innocent = partnerIds[5] as string;
    const res = await get(`/api/forensics/suspicion/${innocent}`, coordinator.headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().partner).toMatchObject({ partnerId: innocent, accused: false, advisoriesCounted: 2 });
    const unknown = await get(
      "/api/forensics/suspicion/org_00000000000000000000000000",
      investigator.headers,
    );
    expect(unknown.statusCode).toBe(404);
    const bad = await get("/api/forensics/suspicion/not-an-id", investigator.headers);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/partner ID/);
  });

  it("partners see nothing, not even their own suspicion; reads are audited", async () => {
    await from("investigated");
    // An investigator reads the leaker's and an innocent partner's suspicion, as the tests above do.
    for (const id of [leaker, partnerIds[5]])
      expect((await get(`/api/forensics/suspicion/${id}`, investigator.headers)).statusCode).toBe(200);
    expect((await get("/api/forensics/suspicion", partnerAnalyst.headers)).statusCode).toBe(403);
    expect((await get(`/api/forensics/suspicion/${partnerIds[0]}`, partnerAnalyst.headers)).statusCode).toBe(
      403,
    );
    expect((await get(`/api/forensics/suspicion/${leaker}`, partnerAnalyst.headers)).statusCode).toBe(403);
    const rows = await db.db.select().from(auditLog).where(eq(auditLog.type, "investigation.suspicion_read"));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.map((r) => r.subject)).toContain(leaker);
  });
});
