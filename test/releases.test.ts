import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { releaseMails } from "../src/modules/releases/email-schema.ts";
import {
  releaseDeliveries,
  releaseExclusions,
  releaseWaves,
  releaseWebhookAttempts,
  releaseWebhookMessages,
} from "../src/modules/releases/schema.ts";
import { httpTransport, standardSecret } from "../src/modules/releases/webhooks.ts";
import { fixedClock } from "../src/platform/clock.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { outbox } from "../src/platform/mail/schema.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import {
  type DatabaseSnapshot,
  engines,
  journey,
  type TestDatabase,
  testDatabase,
  testPasswords,
} from "./harness.ts";
import { programmeFixtures } from "./programme.ts";
import { loopbackCertificate, type SinkHit, webhookSink } from "./servers.ts";

const SYS = systemActor("test");
const DAY = 86_400_000;
const START = "2026-03-01T12:00:00.000Z";
const T0 = "2026-03-10T12:00:00.000Z";
const at = (iso: string, deltaMs = 0) => new Date(new Date(iso).getTime() + deltaMs);
const SECTIONS = {
  summary: "An authentication bypass in the Acme Gateway admin console.",
  details: "## Root cause\n\nThe console trusts `X-Forwarded-User` from any client.",
  detection: "Look for `X-Forwarded-User` in requests to /admin.",
  poc: "```sh\ncurl -H 'X-Forwarded-User: admin' https://gateway/admin\n```",
  indicators: "- 203.0.113.7",
};
const RULE =
  'alert http any any -> any any (msg:"Acme admin bypass"; content:"X-Forwarded-User"; sid:1000001;)\n';

type Wave = { id: string; at: string; tier: string; partnerIds: string[]; content: string[] };

// Each test opens its own copy of a database (a few seconds on a loaded machine): more time than the default.
describe.each(engines)("release engine on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  const clock = fixedClock(START);
  const masterKey = randomBytes(32);
  let tls: ReturnType<typeof loopbackCertificate>;
  let sink: Awaited<ReturnType<typeof webhookSink>>;
  let sinkUrl = "";
  const hits: SinkHit[] = [];
  let sinkStatus = 204;

  const users: Record<
    string,
    { id: string; email: string; orgId: string; headers: Record<string, string>; actor: Actor }
  > = {};
  const partner: Record<string, string> = {};
  let secret = "";
  const staff: Record<string, Actor> = {};

  const req = (method: "GET" | "POST" | "PATCH", url: string, headers: object, payload?: object) =>
    app.inject({
      method,
      url,
      headers: headers as Record<string, string>,
      ...(payload ? { payload } : {}),
    });

  let fixtures: ReturnType<typeof programmeFixtures>;
  const makeUser = (role: Role, organisationId?: string) => fixtures.makeUser(role, organisationId);

  /** Services and the app over `database`, on the one frozen clock. */
  async function open(database: TestDatabase, emailDomain = "example.org") {
    db = database;
    s = makeServices({
      database: db,
      clock,
      masterKey,
      passwords: testPasswords,
      sessionHours: 12,
      allowPrivateWebhooks: true,
      webhookTransport: httpTransport({ ca: tls.cert }),
    });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
    // Users made within a test get their own addresses (the counter starts again with each app).
    fixtures = programmeFixtures(s, app, { emailDomain });
  }

  async function newPartner(key: string, tier: string) {
    const { id, admin } = await fixtures.activePartner(key, tier, [staff.c1 as Actor, staff.c2 as Actor]);
    users[`${key}Admin`] = admin;
    partner[key] = id;
    return { id, admin };
  }

  async function newAdvisory(approve = true) {
    const rep = await app.inject({
      method: "POST",
      url: "/api/reports",
      payload: {
        product: "Acme Gateway",
        version: "4.2.1",
        title: "Admin bypass",
        description: "Send the header.",
      },
    });
    const a = await s.advisories.create(staff.c1 as Actor, {
      caseId: rep.json().caseId,
      title: "Acme Gateway: authentication bypass",
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: SECTIONS,
    });
    await s.advisories.addFiles(staff.c1 as Actor, a.id, "detection", async () => [
      { filename: "acme.rules", bytes: Buffer.from(RULE) },
    ]);
    if (approve) {
      await s.advisories.submit(staff.c2 as Actor, a.id);
      await s.advisories.approve(staff.c2 as Actor, a.id);
    }
    return a;
  }

  const deliveriesOf = async (advisoryId: string) =>
    (await db.db.select().from(releaseDeliveries)).filter((d) => d.advisoryId === advisoryId);
  const auditTypes = async (subject: string) =>
    (await db.db.select().from(auditLog)).filter((e) => e.subject === subject).map((e) => e.type);
  const membersOf = async (partnerId: string) =>
    (await s.partners.listMembers(SYS, partnerId)).filter((m) => !m.disabled).map((m) => m.id);

  // Every test starts from a saved stage of the acceptance journey, on a database of its own: the
  // programme ("world": staff, four partners at three tiers, the gold partner's webhook), then one
  // advisory's release plan made, armed, its first wave out, acknowledged, its second wave out. A
  // stage is made once, from the one before it, by the same steps the tests check; each test gets a
  // copy, so no test sees what another did and the order of the tests does not matter.
  type Stage = { snapshot: DatabaseSnapshot; at: Date; adv: string; waves: Wave[] };
  const STAGES = {
    planned: {
      from: "world",
      async make() {
        adv = (await newAdvisory(false)).id;
        const res = await req("POST", `/api/advisories/${adv}/release-plan`, c1(), {
          publicAt: T0,
          timeZone: "Europe/Berlin",
        });
        expect(res.statusCode, res.body).toBe(201);
        waves = res.json().waves;
      },
    },
    armed: {
      from: "planned",
      async make() {
        await s.advisories.submit(staff.c2 as Actor, adv);
        await s.advisories.approve(staff.c2 as Actor, adv);
        const url = `/api/advisories/${adv}/release-plan`;
        expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
        expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
        // Suspended after planning: must get nothing at its wave.
        await s.partners.suspend(SYS, partner.lapsed as string, "leaked a PoC");
      },
    },
    "wave 1": {
      from: "armed",
      async make() {
        clock.set("2026-03-05T12:00:00Z");
        expect(await s.releases.sweep()).toMatchObject({ waves: 1 });
      },
    },
    acknowledged: {
      from: "wave 1",
      async make() {
        const url = `/api/partner/advisories/${adv}/acks`;
        const h = users.goldAnalyst?.headers ?? {};
        expect((await req("POST", url, h, { status: "received" })).statusCode).toBe(201);
        clock.advance(3_600_000);
        const shipped = { status: "shipped", product: "Gold IPS", signatureIds: ["GOLD-2026-0042"] };
        expect((await req("POST", url, h, shipped)).statusCode).toBe(201);
      },
    },
    "wave 2": {
      from: "acknowledged",
      async make() {
        clock.set("2026-03-09T12:00:00Z");
        expect(await s.releases.sweep()).toMatchObject({ waves: 1 });
      },
    },
  } as const;
  type StageName = "world" | keyof typeof STAGES;

  async function makeWorld() {
    await open(await testDatabase(engine));
    for (const k of ["c1", "c2"]) {
      const u = await makeUser("coordinator");
      staff[k] = u.actor;
      users[k] = u;
    }
    users.investigator = await makeUser("investigator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    await newPartner("gold", "vetted-plus");
    await newPartner("silver", "standard");
    await newPartner("bronze", "restricted");
    await newPartner("lapsed", "standard");
    users.goldAnalyst = await makeUser("partner_analyst", partner.gold);
    users.bronzeAnalyst = await makeUser("partner_analyst", partner.bronze);
    secret = (await s.partners.addWebhook(users.goldAdmin?.actor as Actor, partner.gold as string, sinkUrl))
      .secret;
    adv = "";
    waves = [];
  }

  async function freeze(): Promise<Stage> {
    await app.close();
    return { snapshot: await db.snapshot(), at: clock.now(), adv, waves };
  }

  /** Services over a clone of the stage, the clock where it left it. */
  async function restore(st: Stage, emailDomain?: string) {
    await open(await st.snapshot.clone(), emailDomain);
    clock.set(st.at);
    adv = st.adv;
    waves = st.waves;
  }

  const stages = journey<keyof typeof STAGES, Stage>({ world: makeWorld, steps: STAGES, restore, freeze });

  /** This test's own copy of the stage: its database, the clock where the stage left it. */
  async function from(name: StageName) {
    await restore(await stages.stage(name), "later.example.org");
    hits.length = 0;
    sinkStatus = 204;
  }

  beforeAll(async () => {
    tls = loopbackCertificate();
    sink = await webhookSink(tls, { status: () => sinkStatus, onHit: (hit) => hits.push(hit) });
    sinkUrl = sink.url;
    // Every stage before any test needs one; a slow machine gets the time for all six.
    await stages.makeAll();
  }, 600_000);
  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    await stages.dispose();
    await sink.close();
  });

  let adv = "";
  let waves: Wave[] = [];
  const c1 = () => users.c1?.headers ?? {};

  it("plans three tier waves from tiers and eligibility; bad input is refused and changes nothing", async () => {
    await from("world");
    adv = (await newAdvisory(false)).id;
    const url = `/api/advisories/${adv}/release-plan`;
    const bad = [
      [{ publicAt: "2026-02-01T00:00:00Z" }, /publicAt .* is not in the future/],
      [
        { publicAt: T0, extraWaves: [{ at: "2026-03-11T00:00:00Z", partnerIds: [partner.gold] }] },
        /extraWaves\[0\]\.at .* is after publicAt/,
      ],
      [{ publicAt: T0, exclude: ["org_00000000000000000000000000"] }, /unknown or inactive partners: org_0+/],
      [
        {
          publicAt: T0,
          extraWaves: [{ at: "2026-03-03T00:00:00Z", partnerIds: [partner.bronze], content: ["poc"] }],
        },
        /may not receive poc/,
      ],
    ] as const;
    for (const [body, message] of bad) {
      const r = await req("POST", url, c1(), body);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error.message).toMatch(message);
    }
    expect((await req("GET", url, c1())).statusCode).toBe(404);
    const bogus = await req("POST", url, c1(), { publicAt: "tomorrow" });
    expect(bogus.statusCode).toBe(400);

    const res = await req("POST", url, c1(), { publicAt: T0, timeZone: "Europe/Berlin" });
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json();
    expect(plan.state).toBe("draft");
    expect(plan.publicAtLocal).toContain("13:00:00");
    waves = plan.waves;
    expect(waves.map((w) => [w.at, w.tier, w.partnerIds, w.content])).toEqual([
      [
        "2026-03-05T12:00:00.000Z",
        "vetted-plus",
        [partner.gold],
        ["summary", "details", "detection", "poc", "indicators"],
      ],
      [
        "2026-03-09T12:00:00.000Z",
        "standard",
        [partner.lapsed, partner.silver].sort(),
        ["summary", "details", "detection", "indicators"],
      ],
      // At T0 the restricted tier gets no less than the public: summary and details.
      ["2026-03-10T12:00:00.000Z", "restricted", [partner.bronze], ["summary", "details"]],
    ]);
    expect(waves.every((w) => /^wav_/.test(w.id))).toBe(true);
  });

  it("arms only a plan a second coordinator approved for an approved advisory, then schedules nothing early", async () => {
    await from("planned");
    const arm = await req("POST", `/api/advisories/${adv}/release-plan/arm`, c1());
    expect(arm.statusCode).toBe(409);
    expect(arm.json().error.message).toMatch(/plan is draft: another coordinator approves it/);
    const approveUrl = `/api/advisories/${adv}/release-plan/approve`;
    const own = await req("POST", approveUrl, c1());
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/you made or changed this release plan since its last approval/);
    const early = await req("POST", approveUrl, users.c2?.headers ?? {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toMatch(
      /is draft: a release plan is approved only for an approved advisory/,
    );
    expect((await req("GET", `/api/advisories/${adv}/release-plan`, c1())).json().state).toBe("draft");
    await s.advisories.submit(staff.c2 as Actor, adv);
    await s.advisories.approve(staff.c2 as Actor, adv);
    const approved = await req("POST", approveUrl, users.c2?.headers ?? {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      state: "approved",
      approvedBy: users.c2?.id,
      changedBy: users.c1?.id,
    });
    const ok = await req("POST", `/api/advisories/${adv}/release-plan/arm`, c1());
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().state).toBe("armed");
    expect(await auditTypes(adv)).toEqual(expect.arrayContaining(["release.planned", "release.armed"]));
    // The investigator reads the plan, may not arm it.
    expect(
      (await req("GET", `/api/advisories/${adv}/release-plan`, users.investigator?.headers ?? {})).statusCode,
    ).toBe(200);
    // Suspended after planning: must get nothing at its wave.
    await s.partners.suspend(SYS, partner.lapsed as string, "leaked a PoC");
  });

  const partnerSees = async (key: string) => {
    const h = users[key]?.headers ?? {};
    const inbox = await req("GET", "/api/partner/advisories", h);
    const one = await req("GET", `/api/partner/advisories/${adv}`, h);
    return {
      inbox: inbox.json().items as { advisoryId: string; title: string }[],
      status: one.statusCode,
      one,
    };
  };

  it("before the first wave: 404 and an empty inbox for everyone, even when the sweep and an early job run", async () => {
    await from("armed");
    clock.set(at("2026-03-05T12:00:00Z", -1000));
    expect(await s.releases.sweep()).toMatchObject({ waves: 0, published: 0 });
    expect(await s.releases.fireWave(waves[0]?.id as string)).toMatchObject({ status: "early" });
    for (const k of ["goldAdmin", "goldAnalyst", "silverAdmin", "bronzeAdmin"]) {
      const seen = await partnerSees(k);
      expect(seen.status, k).toBe(404);
      expect(seen.inbox, k).toEqual([]);
      expect(seen.one.body).not.toContain("Acme");
    }
    expect(await deliveriesOf(adv)).toEqual([]);
  });

  it("wave 1 (T-5 d): exactly one copy per recipient of the vetted-plus partner, with PoC and rules", async () => {
    await from("armed");
    clock.set("2026-03-05T12:00:00Z");
    expect(await s.releases.sweep()).toMatchObject({ waves: 1 });
    expect(await s.releases.sweep()).toMatchObject({ waves: 0 });
    await s.releases.fireWave(waves[0]?.id as string);
    const rows = await deliveriesOf(adv);
    const expected = [partner.gold, ...(await membersOf(partner.gold as string))].sort();
    expect(rows.map((r) => r.recipientId).sort()).toEqual(expected);
    expect(expected).toHaveLength(4); // the partner, its invited contact, its admin, its analyst

    const gold = await partnerSees("goldAnalyst");
    expect(gold.status).toBe(200);
    const copy = gold.one.json().copy;
    expect(Object.keys(copy.sections)).toEqual(["summary", "details", "detection", "poc", "indicators"]);
    // The PoC's shell command is in the member's own variant (quote style is a fingerprint point).
    expect(copy.markdown).toMatch(/curl -H (['"])X-Forwarded-User: admin\1/);
    expect(copy.markdown).toContain("Prepared for Partner gold");
    // The embargo's end and the identifiers travel with the copy and its header.
    expect(copy.markdown).toContain("embargoed until public release at 2026-03-10 12:00 UTC");
    expect(copy.markdown).toContain("- CVE: not assigned yet");
    expect(gold.one.json()).toMatchObject({
      publicAt: T0,
      identifiers: { cveIds: [], cvss: null, cwe: null },
    });
    expect(copy.files).toEqual([
      expect.objectContaining({ filename: "acme.rules", section: "detection", text: RULE }),
    ]);
    expect(copy.recipient).toEqual({ kind: "user", id: users.goldAnalyst?.id, partnerId: partner.gold });
    expect(gold.inbox.map((a) => a.advisoryId)).toEqual([adv]);
    const admin = (await partnerSees("goldAdmin")).one.json();
    expect(admin.deliveryId).not.toBe(gold.one.json().deliveryId);
    for (const k of ["silverAdmin", "bronzeAdmin", "bronzeAnalyst"]) {
      const seen = await partnerSees(k);
      expect(seen.status, k).toBe(404);
      expect(seen.inbox, k).toEqual([]);
    }
    expect(await auditTypes(adv)).toContain("release.copy_read");
  });

  it("signs the partner's webhook per Standard Webhooks with a link, not the content", async () => {
    await from("wave 1");
    const msgs = (await db.db.select().from(releaseWebhookMessages)).filter((m) => m.advisoryId === adv);
    expect(msgs.map((m) => [m.partnerId, m.status])).toEqual([[partner.gold, "pending"]]);
    expect(await s.releases.sendWebhook(msgs[0]?.id as string)).toEqual({ status: "succeeded" });
    expect(hits).toHaveLength(1);
    const hit = hits[0] as SinkHit;
    const event = new Webhook(standardSecret(secret)).verify(hit.body, hit.headers) as {
      type: string;
      data: { advisoryId: string; url: string };
    };
    expect(event.type).toBe("advisory.released");
    expect(event.data.advisoryId).toBe(adv);
    expect(event.data.url).toMatch(new RegExp(`/api/partner/advisories/${adv}$`));
    expect(hit.headers["webhook-id"]).toBe(msgs[0]?.id);
    expect(hit.body).not.toContain("X-Forwarded-User");
    expect(() =>
      new Webhook(standardSecret("whsec_d3JvbmcgaW5kZWVk")).verify(hit.body, hit.headers),
    ).toThrow();
    // Sent once: a second run does nothing.
    expect(await s.releases.sendWebhook(msgs[0]?.id as string)).toEqual({ status: "done" });
    expect(hits).toHaveLength(1);
  });

  it("resumes an interrupted wave: only the missing recipient gets a copy, nobody a second one", async () => {
    await from("wave 1");
    const before = await deliveriesOf(adv);
    const lost = before.find((r) => r.recipientId === users.goldAdmin?.id);
    // As if the process died after three recipients' transactions and before the fourth's.
    // (The member's owed mail is written in the same transaction, so it goes with it.)
    await db.db.delete(releaseMails).where(eq(releaseMails.deliveryId, lost?.id as string));
    await db.db.delete(releaseDeliveries).where(eq(releaseDeliveries.id, lost?.id as string));
    await db.db
      .update(releaseWaves)
      .set({ firedAt: null })
      .where(eq(releaseWaves.id, waves[0]?.id as string));
    await s.releases.fireWave(waves[0]?.id as string);
    await s.releases.fireWave(waves[0]?.id as string);
    const after = await deliveriesOf(adv);
    expect(after).toHaveLength(before.length);
    const kept = before.filter((r) => r.id !== lost?.id).map((r) => r.id);
    expect(after.filter((r) => kept.includes(r.id))).toHaveLength(kept.length);
    expect(after.find((r) => r.recipientId === users.goldAdmin?.id)?.id).not.toBe(lost?.id);
  });

  it("acknowledgements: received, then shipped with product and signature IDs; refused before the wave", async () => {
    await from("wave 1");
    const h = users.goldAnalyst?.headers ?? {};
    const r1 = await req("POST", `/api/partner/advisories/${adv}/acks`, h, { status: "received" });
    expect(r1.statusCode, r1.body).toBe(201);
    clock.advance(3_600_000);
    const r2 = await req("POST", `/api/partner/advisories/${adv}/acks`, h, {
      status: "shipped",
      product: "Gold IPS",
      signatureIds: ["GOLD-2026-0042"],
    });
    expect(r2.json()).toMatchObject({
      status: "shipped",
      product: "Gold IPS",
      signatureIds: ["GOLD-2026-0042"],
    });
    expect((await req("POST", `/api/partner/advisories/${adv}/acks`, h, { status: "done" })).statusCode).toBe(
      400,
    );
    const early = await req("POST", `/api/partner/advisories/${adv}/acks`, users.silverAdmin?.headers ?? {}, {
      status: "received",
    });
    expect(early.statusCode).toBe(404);
    expect((await partnerSees("goldAdmin")).one.json().acknowledgement.status).toBe("shipped");
    // Scorecard figures: one advisory received, first acknowledged at its delivery time (the clock had
    // not moved), protection shipped.
    expect(await s.releases.scorecardFigures(partner.gold as string)).toEqual({
      received: 1,
      acknowledged: 1,
      medianAckSeconds: 0,
      shipped: 1,
    });
    // The partner's scorecard shows the same figures.
    const sc = (await req("GET", `/api/partners/${partner.gold}/scorecard`, c1())).json();
    expect(sc.acknowledgements).toMatchObject({ measured: true, count: 1, of: 1, medianSeconds: 0 });
    expect(sc.protectionsShipped).toMatchObject({ measured: true, count: 1 });
  });

  it("a copy read with an API token is three round trips: the actor, the delivery with the partner's status, the audit group commit", async () => {
    await from("acknowledged");
    const admin = users.goldAdmin as (typeof users)[string];
    const { token } = await s.accounts.createToken(admin.actor, { name: "round trips" });
    const h = { authorization: `Bearer ${token}` };
    // The token's first use records its last use (a write at most every few minutes): not counted.
    expect((await req("GET", `/api/partner/advisories/${adv}`, h)).statusCode).toBe(200);
    const before = (await db.db.select().from(auditLog).where(eq(auditLog.type, "release.copy_read"))).length;
    let trips = 0;
    const restore: (() => void)[] = [];
    const count = (o: Record<string, unknown>, names: string[]) => {
      for (const name of names) {
        const orig = o[name] as (...a: unknown[]) => unknown;
        o[name] = function (this: unknown, ...a: unknown[]) {
          trips++;
          return orig.apply(this, a);
        };
        restore.push(() => {
          o[name] = orig;
        });
      }
    };
    if (db.engine.kind === "pglite")
      // A transaction holds the embedded database for its statements: one round trip for the group.
      count(db.engine.pglite as unknown as Record<string, unknown>, ["query", "exec", "transaction"]);
    else {
      // node-postgres: every query on the pool and every transaction takes a connection from it.
      const pool = (db.db as unknown as { $client: Record<string, unknown> }).$client;
      count(pool, ["connect"]);
    }
    let r: Awaited<ReturnType<typeof req>>;
    try {
      r = await req("GET", `/api/partner/advisories/${adv}`, h);
    } finally {
      for (const f of restore) f();
    }
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().acknowledgement.status).toBe("shipped");
    expect(trips).toBe(3);
    // Still audited, before the answer.
    const after = (await db.db.select().from(auditLog).where(eq(auditLog.type, "release.copy_read"))).length;
    expect(after).toBe(before + 1);
  });

  it("T0 can no longer move and the plan no longer be cancelled once a wave went out", async () => {
    await from("wave 1");
    const mv = await req("PATCH", `/api/advisories/${adv}/release-plan`, c1(), {
      publicAt: "2026-03-20T12:00:00Z",
    });
    expect(mv.statusCode).toBe(409);
    const cn = await req("POST", `/api/advisories/${adv}/release-plan/cancel`, c1(), { reason: "r" });
    expect(cn.statusCode).toBe(409);
    expect((await req("GET", `/api/advisories/${adv}/release-plan`, c1())).json().publicAt).toBe(T0);
  });

  it("wave 2 (T-1 d): the standard partner gets its level; the partner suspended since planning gets nothing", async () => {
    await from("wave 1");
    clock.set(at("2026-03-09T12:00:00Z", -1));
    await s.releases.sweep();
    expect((await partnerSees("silverAdmin")).status).toBe(404);
    clock.set("2026-03-09T12:00:00Z");
    await s.releases.sweep();
    const silver = await partnerSees("silverAdmin");
    expect(silver.status).toBe(200);
    expect(Object.keys(silver.one.json().copy.sections)).toEqual([
      "summary",
      "details",
      "detection",
      "indicators",
    ]);
    expect(silver.one.json().copy.markdown).not.toContain("curl");
    const lapsed = (await deliveriesOf(adv)).filter((d) => d.partnerId === partner.lapsed);
    expect(lapsed).toEqual([]);
    const withheld = (await db.db.select().from(releaseExclusions)).filter(
      (x) => x.partnerId === partner.lapsed && x.kind === "withheld",
    );
    expect(withheld).toHaveLength(1);
    expect(withheld[0]?.reason).toMatch(/suspended/);
    expect(await auditTypes(adv)).toContain("release.withheld");
    expect((await partnerSees("bronzeAdmin")).status).toBe(404);
  });

  it("12 hours after its copy, a partner that has not acknowledged is reminded once; one that has, not", async () => {
    await from("wave 2");
    clock.set(at(T0, -12 * 3600_000));
    const first = await s.releases.sweep();
    expect(first.reminders).toBe(1);
    expect((await s.releases.sweep()).reminders).toBe(0);
    const reminded = (await db.db.select().from(outbox))
      .filter((m) => m.kind === "ack_reminder")
      .map((m) => m.to);
    expect(reminded).toContain(users.silverAdmin?.email);
    expect(reminded).not.toContain(users.goldAdmin?.email);
    expect(reminded.filter((to) => to === users.silverAdmin?.email)).toHaveLength(1);
  });

  it("T0: the restricted partner gets no less than the public (summary and details) and the advisory is public", async () => {
    await from("wave 2");
    clock.set(T0);
    await s.releases.sweep();
    const bronze = await partnerSees("bronzeAnalyst");
    expect(bronze.status).toBe(200);
    // Its tier allows the summary only, but at T0 the public gets the details too.
    expect(Object.keys(bronze.one.json().copy.sections)).toEqual(["summary", "details"]);
    expect(bronze.one.json().publicAt).toBeNull();
    expect(bronze.one.json().copy.files).toEqual([]);
    const plan = (await req("GET", `/api/advisories/${adv}/release-plan`, c1())).json();
    expect(plan.state).toBe("fired");
    expect(plan.publishedAt).toBe(T0);
    expect(plan.waves.map((w: { delivered: number; withheld: number }) => [w.delivered, w.withheld])).toEqual(
      [
        [1, 0],
        [1, 1],
        [1, 0],
      ],
    );
    const a = await s.advisories.get(SYS, adv);
    expect(a.publishedAt?.toISOString()).toBe(T0);
    // Exactly one delivery per recipient across the whole release.
    const rows = await deliveriesOf(adv);
    expect(new Set(rows.map((r) => r.recipientId)).size).toBe(rows.length);
  });

  it("moves T0 and cancels a plan before any wave; a cancelled plan fires nothing", async () => {
    await from("world");
    const a2 = (await newAdvisory()).id;
    const url = `/api/advisories/${a2}/release-plan`;
    expect((await req("POST", url, c1(), { publicAt: "2026-03-20T12:00:00Z" })).statusCode).toBe(201);
    expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
    expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
    const mv = await req("PATCH", url, c1(), { publicAt: "2026-03-25T12:00:00Z" });
    expect(mv.statusCode, mv.body).toBe(200);
    // A moved plan is a changed plan: back to draft, to be approved again by someone else.
    expect(mv.json()).toMatchObject({ state: "draft", approvedBy: null, changedBy: users.c1?.id });
    expect(mv.json().waves.map((w: { at: string }) => w.at)).toEqual([
      "2026-03-20T12:00:00.000Z",
      "2026-03-24T12:00:00.000Z",
      "2026-03-25T12:00:00.000Z",
    ]);
    const past = await req("PATCH", url, c1(), { publicAt: "2026-03-01T12:00:00Z" });
    expect(past.statusCode).toBe(400);
    expect((await req("GET", url, c1())).json().publicAt).toBe("2026-03-25T12:00:00.000Z");
    const cn = await req("POST", `${url}/cancel`, c1(), { reason: "vendor slipped the fix" });
    expect(cn.json().state).toBe("cancelled");
    clock.set("2026-03-26T00:00:00Z");
    await s.releases.sweep();
    expect(await deliveriesOf(a2)).toEqual([]);
    expect(await auditTypes(a2)).toEqual(expect.arrayContaining(["release.moved", "release.cancelled"]));
  });

  it("embargo break: every pending wave now, then public, the reason audited, every partner told", async () => {
    await from("world");
    // A partner suspended in the meantime is not told; the break happens on 26 March.
    await s.partners.suspend(SYS, partner.lapsed as string, "leaked a PoC");
    clock.set("2026-03-26T00:00:00Z");
    const a3 = (await newAdvisory()).id;
    const url = `/api/advisories/${a3}/release-plan`;
    expect((await req("POST", url, c1(), { publicAt: "2026-04-20T12:00:00Z" })).statusCode).toBe(201);
    expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
    expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
    const empty = await req("POST", `/api/advisories/${a3}/embargo-break`, c1(), { reason: "" });
    expect(empty.statusCode).toBe(400);
    // The evidence is mandatory too.
    const bare = await req("POST", `/api/advisories/${a3}/embargo-break`, c1(), { reason: "exploited" });
    expect(bare.statusCode).toBe(400);
    const br = await req("POST", `/api/advisories/${a3}/embargo-break`, c1(), {
      reason: "exploited in the wild",
      evidence: "https://cert.example/alert/1",
    });
    expect(br.statusCode, br.body).toBe(200);
    expect(br.json().state).toBe("fired");
    expect(br.json().breakReason).toBe("exploited in the wild");
    const partnersReached = new Set((await deliveriesOf(a3)).map((d) => d.partnerId));
    expect([...partnersReached].sort()).toEqual([partner.bronze, partner.gold, partner.silver].sort());
    expect((await s.advisories.get(SYS, a3)).publishedAt?.toISOString()).toBe("2026-03-26T00:00:00.000Z");
    const audit = (await db.db.select().from(auditLog)).filter(
      (e) => e.subject === a3 && e.type === "release.embargo_broken",
    );
    expect(audit[0]?.payload).toMatchObject({
      reason: "exploited in the wild",
      evidence: "https://cert.example/alert/1",
    });
    const mails = (await db.db.select().from(outbox)).filter((m) => m.kind === "embargo_broken");
    expect(mails.map((m) => m.to)).toContain(users.silverAdmin?.email);
    // The link goes to the public advisory page (the staff route would not open for partners).
    const notice = (await s.outbox.list(SYS, 1000)).find((x) => x.id === mails[0]?.id);
    expect(notice?.body).toMatch(/\/security\/advisories\/FW-\d{4}-\d{4}$/);
    const again = await req("POST", `/api/advisories/${a3}/embargo-break`, c1(), {
      reason: "again",
      evidence: "https://cert.example/alert/2",
    });
    expect(again.statusCode).toBe(409);
  });

  it("a webhook endpoint that fails is retried, every attempt logged, and given up after 24 hours", async () => {
    await from("world");
    const a4 = (await newAdvisory()).id;
    const url = `/api/advisories/${a4}/release-plan`;
    expect((await req("POST", url, c1(), { publicAt: "2026-04-20T12:00:00Z" })).statusCode).toBe(201);
    expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
    expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
    clock.set("2026-04-15T12:00:00Z");
    await s.releases.sweep();
    const [m] = (await db.db.select().from(releaseWebhookMessages)).filter((x) => x.advisoryId === a4);
    sinkStatus = 503;
    expect(await s.releases.sendWebhook(m?.id as string)).toEqual({ status: "retry" });
    await expect(s.releases.onWebhookJob({ messageId: m?.id })).rejects.toThrow(/retrying/);
    clock.advance(DAY + 1);
    expect(await s.releases.sendWebhook(m?.id as string)).toEqual({ status: "failed" });
    const attempts = (await db.db.select().from(releaseWebhookAttempts)).filter((x) => x.messageId === m?.id);
    expect(attempts.map((x) => [x.attempt, x.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
    ]);
    const log = await req("GET", `${url}/webhooks`, c1());
    expect(log.json().messages[0]).toMatchObject({ status: "failed", attempts: 3, lastStatusCode: 503 });
    // Given up: the endpoint is disabled and the partner's admin told once.
    expect(await s.partners.deliveryWebhooks(partner.gold as string)).toEqual([]);
    const notices = (await db.db.select().from(outbox)).filter((x) => x.kind === "webhook_disabled");
    // Both of its admins: the invited contact and the one who signed the NDA.
    expect(notices.map((x) => x.to).sort()).toEqual(["contact@gold.example", users.goldAdmin?.email].sort());
    // A coordinator may send it again: the endpoint is gone, so it fails at once, logged and audited.
    sinkStatus = 204;
    const again = await req("POST", `${url}/webhooks/${m?.id}/redeliver`, c1());
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: "failed", attempts: 4 });
    expect(await auditTypes(a4)).toContain("release.webhook_redelivered");
    const unknown = await req("POST", `${url}/webhooks/whm_00000000000000000000000000/redeliver`, c1());
    expect(unknown.statusCode).toBe(404);
  });
  // ---- release safety (issue 9) ----

  /** A plan for a fresh approved advisory, T0 `days` from now; approved by c2 and armed when asked. */
  async function plannedAdvisory(days: number, opts: { arm?: boolean; approve?: boolean } = {}) {
    const id = (await newAdvisory()).id;
    const url = `/api/advisories/${id}/release-plan`;
    const publicAt = new Date(clock.now().getTime() + days * DAY).toISOString();
    const made = await req("POST", url, c1(), { publicAt });
    expect(made.statusCode, made.body).toBe(201);
    if (opts.approve || opts.arm)
      expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
    if (opts.arm) expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
    return { id, url, publicAt };
  }

  it("H1: an advisory with a plan is published only by its plan; never back-dated; a manual publish needs a second coordinator", async () => {
    await from("world");
    const { id, url } = await plannedAdvisory(10, { arm: true });
    const trackingId = (await s.advisories.get(SYS, id)).trackingId;
    const early = await req("POST", `/api/advisories/${id}/publish`, c1(), {
      publishedAt: "2020-01-01T00:00:00Z",
    });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().error.message).toMatch(/has a armed release plan/);
    expect(early.json().error.message).toContain(`/api/advisories/${id}/embargo-break`);
    const now = await req("POST", `/api/advisories/${id}/publish`, c1(), {});
    expect(now.statusCode).toBe(409);
    expect(
      (await req("POST", `/api/advisories/${id}/publish/confirm`, users.c2?.headers ?? {})).statusCode,
    ).toBe(409);
    // Nothing public, no copy, the plan still armed.
    expect((await app.inject({ url: `/api/public/advisories/${trackingId}` })).statusCode).toBe(404);
    expect((await app.inject({ url: "/feeds/advisories.atom" })).body).not.toContain(trackingId);
    expect((await s.advisories.get(SYS, id)).publishedAt).toBeNull();
    expect((await req("GET", url, c1())).json().state).toBe("armed");
    // People cannot call the engine's publish either.
    await expect(
      s.advisories.publish(staff.c1 as Actor, id, new Date("2020-01-01T00:00:00Z")),
    ).rejects.toThrow(/published by its release plan/);

    // Without a plan (cancelled here): a request by one coordinator, confirmed by another.
    const free = (await plannedAdvisory(10)).id;
    expect(
      (await req("POST", `/api/advisories/${free}/release-plan/cancel`, c1(), { reason: "ship it manually" }))
        .statusCode,
    ).toBe(200);
    const past = await req("POST", `/api/advisories/${free}/publish`, c1(), {
      publishedAt: "2020-01-01T00:00:00Z",
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toMatch(/in the past: a publication is never back-dated/);
    const asked = await req("POST", `/api/advisories/${free}/publish`, c1(), {});
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toMatchObject({ state: "requested", requestedBy: users.c1?.id });
    expect((await s.advisories.get(SYS, free)).publishedAt).toBeNull();
    const self = await req("POST", `/api/advisories/${free}/publish/confirm`, c1());
    expect(self.statusCode).toBe(403);
    const ok = await req("POST", `/api/advisories/${free}/publish/confirm`, users.c2?.headers ?? {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(new Date(ok.json().publishedAt).getTime()).toBeGreaterThanOrEqual(clock.now().getTime());
    const types = await auditTypes(free);
    expect(types).toEqual(
      expect.arrayContaining([
        "advisory.publish_requested",
        "advisory.published",
        "advisory.publish_confirmed",
      ]),
    );
  });

  it("M1: breaking the embargo of a plan not armed takes a second coordinator's confirmation", async () => {
    await from("world");
    const { id, url } = await plannedAdvisory(10);
    const asked = await req("POST", `/api/advisories/${id}/embargo-break`, c1(), {
      reason: "exploited in the wild",
      evidence: "https://cert.example/alert/9",
    });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toMatchObject({
      state: "draft",
      breakRequest: { by: users.c1?.id, reason: "exploited in the wild" },
    });
    // Nothing released yet: no copy, not public.
    expect(await deliveriesOf(id)).toEqual([]);
    expect((await s.advisories.get(SYS, id)).publishedAt).toBeNull();
    expect((await req("POST", `/api/advisories/${id}/embargo-break/confirm`, c1())).statusCode).toBe(403);
    const done = await req("POST", `/api/advisories/${id}/embargo-break/confirm`, users.c2?.headers ?? {});
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ state: "fired", breakReason: "exploited in the wild" });
    const entry = (await db.db.select().from(auditLog)).find(
      (e) => e.subject === id && e.type === "release.embargo_broken",
    );
    expect(entry?.payload).toMatchObject({
      requestedBy: users.c1?.id,
      evidence: "https://cert.example/alert/9",
    });
    expect(entry?.actorId).toBe(users.c2?.id);
    expect(await auditTypes(id)).toContain("release.break_requested");
    expect((await req("GET", url, c1())).json().state).toBe("fired");
  });

  it("M2: nobody who made or changed the plan since its last approval approves it", async () => {
    await from("world");
    const c3 = await makeUser("coordinator");
    const { id, url, publicAt } = await plannedAdvisory(10);
    // c3 moves T0; c1 made the plan: neither may approve.
    const moved = await req("PATCH", url, c3.headers, {
      publicAt: new Date(new Date(publicAt).getTime() + DAY).toISOString(),
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().editors).toEqual([users.c1?.id, c3.id]);
    for (const who of [c1(), c3.headers]) {
      const r = await req("POST", `${url}/approve`, who);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.message).toMatch(/since its last approval/);
    }
    const ok = await req("POST", `${url}/approve`, users.c2?.headers ?? {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().editors).toEqual([]);
    void id;
  });

  it("F7: a T0 sooner than a tier's lead time is warned in the preview and refused unless compression is chosen (recorded)", async () => {
    await from("world");
    const id = (await newAdvisory()).id;
    const url = `/api/advisories/${id}/release-plan`;
    // Two days: the vetted-plus tier (5 days) loses 3 of its days.
    const publicAt = new Date(clock.now().getTime() + 2 * DAY).toISOString();
    const pv = await req("POST", `${url}/preview`, c1(), { publicAt });
    expect(pv.statusCode, pv.body).toBe(200);
    expect(pv.json().compressed.map((c: { tier: string }) => c.tier)).toEqual(["vetted-plus"]);
    expect(pv.json().warnings[0]).toMatch(
      /sooner than the vetted-plus tier's lead time of 5 days.*only 2 days before T0/,
    );
    const refused = await req("POST", url, c1(), { publicAt });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/compressLeadTimes/);
    expect((await req("GET", url, c1())).statusCode).toBe(404);
    const made = await req("POST", url, c1(), { publicAt, compressLeadTimes: true });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().compressLeadTimes).toBe(true);
    const planned = (await db.db.select().from(auditLog)).find(
      (e) => e.subject === id && e.type === "release.planned",
    );
    expect(planned?.payload).toMatchObject({ compressLeadTimes: true, compressedTiers: ["vetted-plus"] });

    // A plan made in time whose first wave passes before it is armed: arming is refused.
    const later = await plannedAdvisory(6, { approve: true });
    clock.advance(1.5 * DAY);
    const arm = await req("POST", `${later.url}/arm`, c1());
    expect(arm.statusCode).toBe(409);
    expect(arm.json().error.message).toMatch(/lead time of 5 days/);
    expect(await deliveriesOf(later.id)).toEqual([]);
  });

  it("F11: at T0 the case moves to released, the researcher's tracking page links the advisory, the overview names the next release", async () => {
    await from("world");
    const rep = await app.inject({
      method: "POST",
      url: "/api/reports",
      payload: { product: "Acme Gateway", version: "4.2.1", title: "Admin bypass", description: "Send it." },
    });
    const { caseId, trackingToken } = rep.json();
    for (const to of ["verified", "remediation"])
      await s.cases.transition(staff.c1 as Actor, caseId, { to: to as "verified" });
    const a = await s.advisories.create(staff.c1 as Actor, {
      caseId,
      title: "Acme Gateway: authentication bypass",
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: SECTIONS,
    });
    await s.advisories.submit(staff.c1 as Actor, a.id);
    await s.advisories.approve(staff.c2 as Actor, a.id);
    const url = `/api/advisories/${a.id}/release-plan`;
    const publicAt = new Date(clock.now().getTime() + 6 * DAY);
    expect((await req("POST", url, c1(), { publicAt: publicAt.toISOString() })).statusCode).toBe(201);
    expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
    expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
    const overview = await req("GET", "/api/overview", c1());
    expect(new Date(overview.json().nextRelease).getTime()).toBeLessThanOrEqual(publicAt.getTime());
    expect(overview.json().nextRelease).not.toBeNull();
    // The checklist ticks on these: cases exist, releases are armed or done.
    expect(overview.json().cases).toBeGreaterThan(0);
    expect(overview.json().releases).toBeGreaterThan(0);
    const track = () =>
      app.inject({ url: `/api/reports/${caseId}`, headers: { "x-tracking-token": trackingToken } });
    expect((await track()).json()).toMatchObject({ phase: "remediation", advisory: null });
    clock.set(publicAt);
    await s.releases.sweep();
    const after = (await track()).json();
    expect(after.phase).toBe("released");
    expect(after.advisory).toEqual({ trackingId: a.trackingId, publishedAt: publicAt.toISOString() });
    const c = await s.cases.get(SYS, caseId);
    expect(c.phase).toBe("released");
  });
  it("F10: a copy delivered before T0 with less than the public gets the public sections at T0, and its label follows the clock", async () => {
    await from("world");
    const id = (await newAdvisory()).id;
    const url = `/api/advisories/${id}/release-plan`;
    const publicAt = new Date(clock.now().getTime() + 6 * DAY);
    const early = new Date(publicAt.getTime() - 3 * DAY);
    const made = await req("POST", url, c1(), {
      publicAt: publicAt.toISOString(),
      extraWaves: [{ at: early.toISOString(), partnerIds: [partner.bronze], content: ["summary"] }],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect((await req("POST", `${url}/approve`, users.c2?.headers ?? {})).statusCode).toBe(200);
    expect((await req("POST", `${url}/arm`, c1())).statusCode).toBe(200);
    clock.set(early);
    await s.releases.sweep();
    const read = () => req("GET", `/api/partner/advisories/${id}`, users.bronzeAnalyst?.headers ?? {});
    const before = (await read()).json();
    expect(Object.keys(before.copy.sections)).toEqual(["summary"]);
    expect(before.embargo).toMatchObject({ state: "embargoed", publicAt: publicAt.toISOString() });
    expect(before.publicSections).toEqual({});
    // F9: without SMTP the members' notices only wait in the outbox: queued, not sent.
    const status0 = (await req("GET", `${url}/status`, c1())).json();
    const extra = status0.waves.find((w: { kind: string }) => w.kind === "extra");
    const members = (await deliveriesOf(id)).filter(
      (x) => x.recipientKind === "user" && x.waveId === extra.id,
    );
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) await s.releases.email.send(m.id);
    const status = (await req("GET", `${url}/status`, c1())).json();
    expect(status.waves.find((w: { id: string }) => w.id === extra.id).email).toMatchObject({
      sent: 0,
      queued: members.length,
    });
    clock.set(publicAt);
    await s.releases.sweep();
    const after = (await read()).json();
    expect(after.embargo).toMatchObject({ state: "public", publishedAt: publicAt.toISOString() });
    expect(after.publicSections).toEqual({ details: SECTIONS.details });
  });
});
