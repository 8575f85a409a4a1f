// Canary tokens on every engine: an advisory released to a partner (a real wave, real deliveries),
// canary tokens for its copies inserted as the renderer would, then the canary DNS server queried with
// the real `dig` over UDP and TCP (token answers, NXDOMAIN, SOA/NS at the apex, REFUSED outside the
// zone, garbage packets survived) and the URL canary requested (the same empty 200 for known, unknown
// and malformed tokens). Each hit must be stored once, resolved to advisory, partner and recipient,
// audited, mailed to investigators, sent to the SIEM webhook signed, rate-limited per token, listed
// with cursor pagination for investigators, coordinators and admins only. Each test starts from a saved
// stage (the release with its tokens placed, or every token hit) on a database of its own: any order works.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp, redactUrl } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import type { Role } from "../src/authz/actions.ts";
import { systemActor } from "../src/authz/authorize.ts";
import {
  type CanaryDnsServer,
  hashCanaryToken,
  newCanaryToken,
  startCanaryDns,
} from "../src/modules/canaries/index.ts";
import { canaryHits, canaryTokens, canaryUnknownHits } from "../src/modules/canaries/schema.ts";
import { releaseDeliveries } from "../src/modules/releases/schema.ts";
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
import { programmeFixtures, type TestUser } from "./programme.ts";

const run = promisify(execFile);
const SYS = systemActor("test");
const DOMAIN = "canary.example.org";
const ANSWER_V4 = "192.0.2.53";
const ANSWER_V6 = "2001:db8::53";
const START = "2026-03-01T12:00:00.000Z";
const T0 = "2026-03-10T12:00:00.000Z";
const GOLD_WAVE = "2026-03-05T12:00:00.000Z";
const LIMIT = 3;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64")}`;

type Dig = { status: string; flags: string[]; answers: string[][]; authority: string[][]; raw: string };

/** Parses dig's default output: the header's status and flags, and the ANSWER and AUTHORITY records. */
function parseDig(raw: string): Dig {
  const status = /status: (\w+)/.exec(raw)?.[1] ?? "none";
  const flags = (/;; flags: ([^;]*);/.exec(raw)?.[1] ?? "").trim().split(/\s+/);
  const section = (name: string) => {
    const m = new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(raw);
    return (m?.[1] ?? "")
      .split("\n")
      .filter((l) => l && !l.startsWith(";"))
      .map((l) => l.split(/\s+/));
  };
  return { status, flags, answers: section("ANSWER"), authority: section("AUTHORITY"), raw };
}

// Each test opens its own copy of a database (a few seconds on a loaded machine): more time than the default.
describe.each(engines)("canaries on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  let dns: CanaryDnsServer;
  const clock = fixedClock(START);
  const masterKey = randomBytes(32);
  const staff: Record<string, TestUser> = {};
  const people: Record<string, TestUser> = {};
  let gold = "";
  let adv = "";
  const tokens: Record<string, string> = {};
  const webhookCalls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const jobs: { name: string; data: object }[] = [];

  const dig = async (name: string, type: string, tcp = false) => {
    const args = [`@127.0.0.1`, "-p", String(dns.port), "+tries=1", "+time=5", name, type];
    if (tcp) args.push("+tcp");
    const { stdout } = await run("dig", args);
    return parseDig(stdout);
  };
  const hitsOf = async () => db.db.select().from(canaryHits);
  const get = (url: string, who: TestUser | undefined) =>
    app.inject({ method: "GET", url, headers: who?.headers ?? {} });

  /** Services and the app over `database`, on the one frozen clock, recording jobs and webhook calls. */
  async function open(database: TestDatabase) {
    db = database;
    s = makeServices({
      database: db,
      clock,
      masterKey,
      passwords: testPasswords,
      sessionHours: 12,
      canaries: {
        hitsPerMinute: LIMIT,
        webhook: { url: "https://siem.example.org/hooks/canary", secret: WEBHOOK_SECRET },
        transport: async (url, headers, body) => {
          webhookCalls.push({ url, headers, body });
          return { status: 204 };
        },
      },
    });
    s.jobQueue.connect({
      send: async (name, data) => {
        jobs.push({ name, data });
        return null;
      },
    });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
  }

  async function makeWorld() {
    await open(await testDatabase(engine));
    const fixtures = programmeFixtures(s, app);
    const makeUser = (role: Role, org?: string) => fixtures.makeUser(role, org);
    for (const k of ["c1", "c2"]) staff[k] = await makeUser("coordinator");
    for (const role of ["investigator", "admin", "auditor"] as const) people[role] = await makeUser(role);
    people.investigator2 = await makeUser("investigator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    const p = await fixtures.activePartner("gold", "vetted-plus", [
      (staff.c1 as TestUser).actor,
      (staff.c2 as TestUser).actor,
    ]);
    gold = p.id;
    people.goldAdmin = p.admin;
    people.goldAnalyst = await makeUser("partner_analyst", gold);

    const rep = await app.inject({
      method: "POST",
      url: "/api/reports",
      payload: { product: "Acme Gateway", version: "4.2.1", title: "Admin bypass", description: "Header." },
    });
    const c1 = (staff.c1 as TestUser).actor;
    const c2 = (staff.c2 as TestUser).actor;
    const a = await s.advisories.create(c1, {
      caseId: rep.json().caseId,
      title: "Acme Gateway: authentication bypass",
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: {
        summary: "An authentication bypass.",
        details: "The console trusts a header.",
        detection: "Look for the header.",
        poc: "curl http://{{canary:dns}}/admin",
        indicators: "- 203.0.113.7",
      },
    });
    adv = a.id;
    await s.advisories.submit(c2, adv);
    await s.advisories.approve(c2, adv);
    const plan = await app.inject({
      method: "POST",
      url: `/api/advisories/${adv}/release-plan`,
      headers: staff.c1?.headers ?? {},
      payload: { publicAt: T0 },
    });
    expect(plan.statusCode, plan.body).toBe(201);
    for (const [who, step] of [
      ["c2", "approve"],
      ["c1", "arm"],
    ] as const) {
      const r = await app.inject({
        method: "POST",
        url: `/api/advisories/${adv}/release-plan/${step}`,
        headers: staff[who]?.headers ?? {},
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    clock.set(GOLD_WAVE);
    await s.releases.sweep();
    const deliveries = await db.db
      .select()
      .from(releaseDeliveries)
      .where(eq(releaseDeliveries.advisoryId, adv));
    const analystCopy = deliveries.find((d) => d.recipientId === people.goldAnalyst?.id);
    const orgCopy = deliveries.find((d) => d.recipientKind === "organisation");
    expect(analystCopy && orgCopy, "the wave delivered to the analyst and the organisation").toBeTruthy();
    // What the renderer does for `{{canary:dns}}` / `{{canary:url}}`: a fresh token per copy, stored by hash.
    const place = async (key: string, kind: "dns" | "url", d: typeof orgCopy) => {
      if (!d) throw new Error("no delivery");
      const token = newCanaryToken();
      tokens[key] = token;
      await db.db.insert(canaryTokens).values({
        id: `cnt_${randomBytes(13).toString("hex").toUpperCase().slice(0, 26)}`,
        tokenHash: hashCanaryToken(token),
        kind,
        advisoryId: adv,
        planId: d.planId,
        deliveryId: d.id,
        partnerId: d.partnerId,
        recipientKind: d.recipientKind,
        recipientId: d.recipientId,
        createdAt: clock.now(),
      });
    };
    await place("analystDns", "dns", analystCopy);
    await place("analystUrl", "url", analystCopy);
    await place("orgDns", "dns", orgCopy);
    await place("orgUrl", "url", orgCopy);
  }

  /**
   * Every token hit, as the first tests hit them: the analyst's DNS token looked up, its URL token
   * requested (and an unknown one, counted), the organisation's URL token past its limit in one minute
   * and its DNS token in a burst the next: 4 + 5 hits suppressed.
   */
  async function hitEveryToken() {
    expect((await dig(`${tokens.analystDns}.${DOMAIN}`, "A")).status).toBe("NOERROR");
    expect((await app.inject({ method: "GET", url: `/c/${tokens.analystUrl}/readme` })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: `/c/${newCanaryToken()}` })).statusCode).toBe(200);
    const orgUrl = {
      kind: "url" as const,
      token: tokens.orgUrl as string,
      source: "198.51.100.7",
      detail: "x",
    };
    for (let i = 0; i < LIMIT + 4; i++) await s.canaries.recordHit(orgUrl);
    clock.advance(60_000);
    await s.canaries.recordHit(orgUrl);
    const orgDns = {
      kind: "dns" as const,
      token: tokens.orgDns as string,
      source: "192.0.2.99",
      detail: "x A",
    };
    await Promise.all(Array.from({ length: LIMIT + 5 }, () => s.canaries.recordHit(orgDns)));
    // The URL hits are recorded after the answer: wait for them.
    await vi.waitFor(async () => {
      expect((await hitsOf()).filter((h) => h.recipientKind === "user" && h.kind === "url")).toHaveLength(1);
      const [u] = await db.db.select().from(canaryUnknownHits).where(eq(canaryUnknownHits.kind, "url"));
      expect(u?.count).toBe(1);
    });
    expect((await s.canaries.summary(SYS)).suppressed).toBe(4 + 5);
  }

  // Every test starts from a saved stage, on a database of its own: the release with its tokens placed
  // ("world"), or every token hit. A stage is made once, when a test first needs it; the jobs queued and
  // webhook calls made are saved with it. Each test gets a copy, so no test sees what another did.
  type Stage = {
    snapshot: DatabaseSnapshot;
    at: Date;
    jobs: typeof jobs;
    webhookCalls: typeof webhookCalls;
  };

  async function freeze(): Promise<Stage> {
    const st = { at: clock.now(), jobs: [...jobs], webhookCalls: [...webhookCalls] };
    await app.close();
    return { snapshot: await db.snapshot(), ...st };
  }

  async function restore(st: Stage) {
    await open(await st.snapshot.clone());
    clock.set(st.at);
    jobs.splice(0, jobs.length, ...st.jobs);
    webhookCalls.splice(0, webhookCalls.length, ...st.webhookCalls);
  }

  const stages = journey<"hit", Stage>({
    world: makeWorld,
    steps: { hit: { from: "world", make: () => hitEveryToken() } },
    restore,
    freeze,
  });

  /** This test's own copy of the stage: its database, the clock, jobs and webhook calls as the stage left them. */
  async function from(name: "world" | "hit") {
    await restore(await stages.stage(name));
  }

  beforeAll(async () => {
    // One server for every test: it asks the services of the test that runs.
    dns = await startCanaryDns({
      listen: "127.0.0.1:0",
      zone: { domain: DOMAIN, answers: [ANSWER_V4, ANSWER_V6] },
      lookup: (q) => s.canaries.dnsLookup(q),
    });
    // Every stage before any test needs one (so a test run alone is not charged for them); a slow
    // machine gets the time for all.
    await stages.makeAll();
  }, 600_000);
  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    await dns?.close();
    await stages.dispose();
  });

  it("answers a DNS token's A and AAAA over UDP and TCP with the configured addresses, and records who leaked", async () => {
    await from("world");
    const name = `${tokens.analystDns}.${DOMAIN}`;
    const a = await dig(name, "A");
    expect(a.status).toBe("NOERROR");
    expect(a.flags).toContain("aa");
    expect(a.answers).toEqual([[`${name}.`, "1", "IN", "A", ANSWER_V4]]);
    const aaaa = await dig(`www.${name.toUpperCase()}`, "AAAA", true);
    expect(aaaa.status).toBe("NOERROR");
    expect(aaaa.answers.map((r) => r[4])).toEqual([ANSWER_V6]);

    const hits = await hitsOf();
    expect(hits).toHaveLength(2);
    for (const h of hits) {
      expect(h).toMatchObject({
        kind: "dns",
        source: "127.0.0.1",
        advisoryId: adv,
        partnerId: gold,
        recipientKind: "user",
        recipientId: people.goldAnalyst?.id,
        seenAt: null,
      });
      // The token itself is never stored: only its hash identifies the copy.
      expect(h.detail).not.toContain(tokens.analystDns);
    }
    expect(hits.map((h) => h.detail).sort()).toEqual([`[token].${DOMAIN} A`, `www.[token].${DOMAIN} AAAA`]);
  });

  it("answers NXDOMAIN for unknown names in the zone (counted, not stored), SOA and NS at the apex, REFUSED outside", async () => {
    await from("world");
    const before = (await hitsOf()).length;
    for (const name of [`${newCanaryToken()}.${DOMAIN}`, `not-a-token.${DOMAIN}`, `a.b.c.${DOMAIN}`]) {
      const r = await dig(name, "A");
      expect(r.status, name).toBe("NXDOMAIN");
      expect(r.flags).toContain("aa");
      expect(r.authority[0]?.[3]).toBe("SOA");
    }
    // A URL token looked up as a name is not a DNS canary.
    expect((await dig(`${tokens.analystUrl}.${DOMAIN}`, "A")).status).toBe("NXDOMAIN");
    expect((await hitsOf()).length).toBe(before);
    const [unknown] = await db.db.select().from(canaryUnknownHits).where(eq(canaryUnknownHits.kind, "dns"));
    expect(unknown?.count).toBe(4);

    const soa = await dig(DOMAIN, "SOA");
    expect(soa.status).toBe("NOERROR");
    expect(soa.answers[0]?.slice(3, 6)).toEqual(["SOA", `ns.${DOMAIN}.`, `hostmaster.${DOMAIN}.`]);
    const ns = await dig(DOMAIN, "NS", true);
    expect(ns.answers).toEqual([[`${DOMAIN}.`, "3600", "IN", "NS", `ns.${DOMAIN}.`]]);
    expect(ns.raw).toMatch(
      new RegExp(`ns\\.${DOMAIN.replace(/\./g, "\\.")}\\.\\s+3600\\s+IN\\s+A\\s+${ANSWER_V4}`),
    );
    expect((await dig(`ns.${DOMAIN}`, "A")).answers.map((r) => r[4])).toEqual([ANSWER_V4]);
    const apexA = await dig(DOMAIN, "A");
    expect(apexA.status).toBe("NOERROR");
    expect(apexA.answers).toEqual([]);

    for (const name of ["example.org", "evil.com", `x${DOMAIN}`]) {
      const r = await dig(name, "A");
      expect(r.status, name).toBe("REFUSED");
      expect(r.flags).not.toContain("aa");
    }
    expect((await dig("example.org", "A", true)).status).toBe("REFUSED");
  });

  it("survives garbage: short packets are dropped, undecodable ones get FORMERR, oversized TCP frames close the connection", async () => {
    await from("world");
    const sock = dgram.createSocket("udp4");
    const replies: Buffer[] = [];
    sock.on("message", (m) => replies.push(m));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    const send = (b: Buffer) =>
      new Promise<void>((r, j) => sock.send(b, dns.port, "127.0.0.1", (e) => (e ? j(e) : r())));
    await send(Buffer.from([1, 2, 3]));
    await send(Buffer.alloc(0));
    // A header claiming 65535 questions and nothing after it.
    await send(Buffer.from([0xbe, 0xef, 0x01, 0x00, 0xff, 0xff, 0, 0, 0, 0, 0, 0]));
    // A response (QR set): never answered.
    await send(Buffer.from([0xca, 0xfe, 0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0]));
    for (let i = 0; i < 50; i++) await send(randomBytes(12 + (i % 40)));
    await send(randomBytes(9000));
    await vi.waitFor(() => expect(replies.some((r) => r.readUInt16BE(0) === 0xbeef)).toBe(true));
    const formerr = replies.find((r) => r.readUInt16BE(0) === 0xbeef) as Buffer;
    expect(formerr.readUInt16BE(2) & 0x800f).toBe(0x8001);
    expect(replies.some((r) => r.readUInt16BE(0) === 0xcafe)).toBe(false);
    sock.close();

    const closed = await new Promise<boolean>((resolve) => {
      const c = net.connect(dns.port, "127.0.0.1", () =>
        c.write(Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(100)])),
      );
      c.on("close", () => resolve(true));
      c.on("error", () => {});
      setTimeout(() => resolve(false), 5000);
    });
    expect(closed).toBe(true);
    // Still serving on both transports.
    expect((await dig(`${tokens.orgDns}.${DOMAIN}`, "A")).answers.map((r) => r[4])).toEqual([ANSWER_V4]);
    expect((await dig(`${tokens.orgDns}.${DOMAIN}`, "A", true)).status).toBe("NOERROR");
  });

  it("answers the URL canary with an empty, uncacheable 200, alike for known, unknown and malformed tokens", async () => {
    await from("world");
    const before = await hitsOf();
    const [unknownBefore] = await db.db
      .select()
      .from(canaryUnknownHits)
      .where(eq(canaryUnknownHits.kind, "url"));
    const probes = [
      { method: "GET" as const, url: `/c/${newCanaryToken()}` },
      { method: "GET" as const, url: "/c/x" },
      { method: "GET" as const, url: `/c/${"A".repeat(300)}` },
      { method: "GET" as const, url: "/c/%00%0a" },
      { method: "GET" as const, url: "/c/%zz" },
      { method: "GET" as const, url: "/c/abc.map" },
      { method: "GET" as const, url: "/c/" },
      { method: "GET" as const, url: `/c/${tokens.analystDns}` },
      { method: "POST" as const, url: `/c/${newCanaryToken()}`, payload: "x", type: "text/plain" },
      { method: "DELETE" as const, url: `/c/${newCanaryToken()}?q=1`, auth: "Bearer nonsense" },
    ];
    const shape = (r: Awaited<ReturnType<typeof app.inject>>) => ({
      status: r.statusCode,
      body: r.body,
      headers: Object.entries(r.headers)
        .filter(([k]) => !["x-request-id", "date"].includes(k))
        .sort(),
    });
    const answers = [];
    for (const p of probes) {
      answers.push(
        shape(
          await app.inject({
            method: p.method,
            url: p.url,
            ...(p.payload ? { payload: p.payload, headers: { "content-type": p.type } } : {}),
            ...(p.auth ? { headers: { authorization: p.auth } } : {}),
          }),
        ),
      );
    }
    const known = shape(
      await app.inject({
        method: "GET",
        url: `/c/${tokens.analystUrl}/readme?x=1`,
        headers: { "user-agent": "curl/8.0\tevil\u00e9" },
      }),
    );
    expect(known.status).toBe(200);
    expect(known.body).toBe("");
    expect(known.headers).toContainEqual(["cache-control", "no-store"]);
    for (const [i, a] of answers.entries()) expect(a, probes[i]?.url).toEqual(known);

    await vi.waitFor(async () => expect((await hitsOf()).length).toBe(before.length + 1));
    const hit = (await hitsOf()).find((h) => h.kind === "url");
    expect(hit).toMatchObject({
      kind: "url",
      advisoryId: adv,
      partnerId: gold,
      recipientKind: "user",
      recipientId: people.goldAnalyst?.id,
      detail: "GET /c/[token]/readme?x=1 HTTP/1.1",
      userAgent: "curl/8.0\\x{9}evil\u00e9",
    });
    await vi.waitFor(async () => {
      const [u] = await db.db.select().from(canaryUnknownHits).where(eq(canaryUnknownHits.kind, "url"));
      expect((u?.count ?? 0) - (unknownBefore?.count ?? 0)).toBe(probes.length);
    });
    expect(redactUrl(`/c/${tokens.analystUrl}?a=b`)).toBe("/c/[redacted]?a=b");
  });

  it("stores at most the per-token limit a minute and counts the rest", async () => {
    await from("world");
    const token = tokens.orgUrl as string;
    const before = (await hitsOf()).filter((h) => h.recipientKind === "organisation" && h.kind === "url");
    expect(before).toHaveLength(0);
    for (let i = 0; i < LIMIT + 4; i++) {
      const r = await s.canaries.recordHit({
        kind: "url",
        token,
        source: "198.51.100.7",
        detail: "GET /c/[token]",
      });
      expect(r.known).toBe(true);
    }
    const stored = (await hitsOf()).filter((h) => h.recipientKind === "organisation" && h.kind === "url");
    expect(stored).toHaveLength(LIMIT);
    const summary = await s.canaries.summary(SYS);
    expect(summary.suppressed).toBe(4);
    // A new minute opens a new window.
    clock.advance(60_000);
    const next = await s.canaries.recordHit({
      kind: "url",
      token,
      source: "198.51.100.7",
      detail: "GET /c/[token]",
    });
    expect(next).toMatchObject({ known: true, stored: true });
    // Concurrent hits of one token take turns on its window row: exactly the limit is stored.
    const dnsBefore = (await hitsOf()).filter((h) => h.recipientKind === "organisation" && h.kind === "dns");
    const burst = await Promise.all(
      Array.from({ length: LIMIT + 5 }, () =>
        s.canaries.recordHit({
          kind: "dns",
          token: tokens.orgDns as string,
          source: "192.0.2.99",
          detail: "x A",
        }),
      ),
    );
    expect(burst.filter((b) => b.known && b.stored)).toHaveLength(LIMIT);
    const dnsAfter = (await hitsOf()).filter((h) => h.recipientKind === "organisation" && h.kind === "dns");
    expect(dnsAfter.length - dnsBefore.length).toBe(LIMIT);
    expect((await s.canaries.summary(SYS)).suppressed).toBe(4 + 5);
  });

  it("audits every stored hit, mails each investigator once per token and hour, and signs the SIEM webhook", async () => {
    await from("hit");
    const hits = await hitsOf();
    const audited = (await db.db.select().from(auditLog)).filter((e) => e.type === "canary.hit");
    expect(audited.map((e) => (e.payload as { hitId: string }).hitId).sort()).toEqual(
      hits.map((h) => h.id).sort(),
    );
    expect(audited.every((e) => e.subject === adv)).toBe(true);

    const mails = (await db.db.select().from(outbox)).filter((m) => m.kind === "canary_hit");
    const investigators = [people.investigator?.email, people.investigator2?.email].sort();
    // Four tokens were hit (analyst and organisation, DNS and URL), each within one hour.
    const tokensHit = new Set(hits.map((h) => h.tokenId)).size;
    expect(tokensHit).toBe(4);
    expect(mails).toHaveLength(4 * investigators.length);
    expect([...new Set(mails.map((m) => m.to))].sort()).toEqual(investigators);
    expect(mails.every((m) => m.subject === `Canary hit on advisory ${adv}`)).toBe(true);
    const inv = await s.outbox.list(SYS, 100);
    const body = inv.find(
      (m) => m.kind === "canary_hit" && m.body.includes(people.goldAnalyst?.email ?? "?"),
    )?.body;
    expect(body).toContain(adv);
    expect(body).toContain("Partner gold");
    expect(body).not.toContain(tokens.analystDns);

    const queued = jobs.filter((j) => j.name === "canaries.webhook");
    expect(queued.map((j) => (j.data as { hitId: string }).hitId).sort()).toEqual(
      hits.map((h) => h.id).sort(),
    );
    const first = queued[0]?.data as { hitId: string };
    await s.canaries.onWebhookJob(first);
    const call = webhookCalls.at(-1);
    expect(call?.url).toBe("https://siem.example.org/hooks/canary");
    // The signature is made at the frozen clock's time: verify it at that time.
    vi.useFakeTimers({ toFake: ["Date"], now: clock.now() });
    const payload = new Webhook(WEBHOOK_SECRET).verify(call?.body ?? "", call?.headers ?? {}) as {
      type: string;
      data: { hitId: string; advisoryId: string; partnerId: string };
    };
    vi.useRealTimers();
    expect(payload).toMatchObject({
      type: "canary.hit",
      data: { hitId: first.hitId, advisoryId: adv, partnerId: gold },
    });
    await expect(s.canaries.onWebhookJob({ hitId: 42 })).rejects.toThrow(/malformed/);
  });

  it("lists hits for investigators, coordinators and admins, newest first, with a cursor; others get 403", async () => {
    await from("hit");
    const all = await hitsOf();
    for (const who of [people.investigator, staff.c1, people.admin]) {
      const r = await get(`/api/canaries/hits?advisoryId=${adv}`, who);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().items).toHaveLength(all.length);
    }
    for (const who of [people.auditor, people.goldAdmin, people.goldAnalyst]) {
      expect((await get(`/api/canaries/hits?advisoryId=${adv}`, who)).statusCode).toBe(403);
      expect((await get("/api/canaries/summary", who)).statusCode).toBe(403);
    }
    expect((await get("/api/canaries/hits", undefined)).statusCode).toBe(401);
    expect((await get("/api/canaries/hits?advisoryId=nope", people.investigator)).statusCode).toBe(400);
    expect((await get("/api/canaries/hits?cursor=garbage", people.investigator)).statusCode).toBe(400);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/canaries/hits?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await get(url, people.investigator);
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((h: { id: string }) => h.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      [...all].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1)).map((h) => h.id),
    );

    const list = (await get(`/api/canaries/hits?advisoryId=${adv}`, people.investigator)).json();
    const analystHit = list.items.find(
      (h: { recipient: { id: string } }) => h.recipient.id === people.goldAnalyst?.id,
    );
    expect(analystHit).toMatchObject({
      advisoryId: adv,
      partner: { id: gold, name: "Partner gold" },
      recipient: { kind: "user", email: people.goldAnalyst?.email },
    });
    expect(list.unseen).toBe(all.length);
    expect(list.suppressed).toBe(9);
    const other = (
      await get("/api/canaries/hits?advisoryId=adv_00000000000000000000000000", people.investigator)
    ).json();
    expect(other.items).toEqual([]);
    const viewed = (await db.db.select().from(auditLog)).filter((e) => e.type === "canary.hits_viewed");
    expect(viewed.length).toBeGreaterThan(0);
  });

  it("counts unseen hits for the badge until an investigator marks them seen", async () => {
    await from("hit");
    const all = await hitsOf();
    const before = (await get("/api/canaries/summary", people.investigator)).json();
    expect(before).toMatchObject({ unseen: all.length, total: all.length, suppressed: 9 });
    expect(before.unknownToday.url).toBeGreaterThan(0);
    const first = all[0]?.id as string;
    const mark = await app.inject({
      method: "POST",
      url: "/api/canaries/hits/seen",
      headers: people.investigator?.headers ?? {},
      payload: { hitIds: [first] },
    });
    expect(mark.statusCode, mark.body).toBe(200);
    expect(mark.json()).toEqual({ marked: 1 });
    expect((await get("/api/canaries/summary", people.investigator)).json().unseen).toBe(all.length - 1);
    const bad = await app.inject({
      method: "POST",
      url: "/api/canaries/hits/seen",
      headers: people.investigator?.headers ?? {},
      payload: {},
    });
    expect(bad.statusCode).toBe(400);
    const partner = await app.inject({
      method: "POST",
      url: "/api/canaries/hits/seen",
      headers: people.goldAdmin?.headers ?? {},
      payload: { all: true },
    });
    expect(partner.statusCode).toBe(403);
    const rest = await app.inject({
      method: "POST",
      url: "/api/canaries/hits/seen",
      headers: staff.c1?.headers ?? {},
      payload: { all: true },
    });
    expect(rest.json()).toEqual({ marked: all.length - 1 });
    expect((await get("/api/canaries/summary", people.investigator)).json().unseen).toBe(0);
    const [row] = await db.db.select().from(canaryHits).where(eq(canaryHits.id, first));
    expect(row?.seenBy).toBe(people.investigator?.id);
  });

  it("still answers the resolver and queues the webhook when attaching a hit to an investigation fails", async () => {
    await from("world");
    clock.advance(60_000);
    const attach = vi
      .spyOn(s.forensics, "recordCanaryHit")
      .mockRejectedValueOnce(new Error("forensics is down"));
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const before = new Set((await hitsOf()).map((h) => h.id));
      const name = `${tokens.orgDns}.${DOMAIN}`;
      const a = await dig(name, "A");
      expect(a.status).toBe("NOERROR");
      expect(a.answers).toEqual([[`${name}.`, "1", "IN", "A", ANSWER_V4]]);
      expect(attach).toHaveBeenCalledTimes(1);
      const added = (await hitsOf()).filter((h) => !before.has(h.id));
      expect(added).toHaveLength(1);
      const hitId = added[0]?.id;
      expect(
        jobs.filter((j) => j.name === "canaries.webhook").map((j) => (j.data as { hitId: string }).hitId),
      ).toContain(hitId);
      expect(stderr).toHaveBeenCalledWith(
        expect.stringContaining(`canary hit ${hitId} was stored but not attached`),
      );
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining("forensics is down"));
    } finally {
      attach.mockRestore();
      stderr.mockRestore();
    }
  });
});

describe("forewarn serve with the canary DNS server", () => {
  const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill("SIGTERM");
  });

  const refusal = async (env: Record<string, string>) => {
    const p = spawn(
      process.execPath,
      [MAIN, "serve", "--port", "0", "--data", mkdtempSync(join(tmpdir(), "fw-"))],
      {
        env: { ...process.env, DATABASE_URL: "", FOREWARN_LOG_LEVEL: "warn", ...env },
      },
    );
    let out = "";
    p.stdout.on("data", (c) => (out += c));
    p.stderr.on("data", (c) => (out += c));
    const code = await new Promise((r) => p.on("exit", r));
    return { code, out };
  };

  it("refuses to start with the DNS server but no domain and addresses, or with a SIEM URL a partner could not register", async () => {
    const dns = await refusal({ FOREWARN_CANARY_DNS: "127.0.0.1:0" });
    expect(dns.code).not.toBe(0);
    expect(dns.out).toMatch(/FOREWARN_CANARY_DNS needs FOREWARN_CANARY_DOMAIN .* and FOREWARN_CANARY_ANSWER/);
    const hook = await refusal({
      FOREWARN_CANARY_WEBHOOK_URL: "http://siem.example.org/hook",
      FOREWARN_CANARY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    expect(hook.code).not.toBe(0);
    expect(hook.out).toContain("FOREWARN_CANARY_WEBHOOK_URL must use https");
  }, 60_000);

  it("starts it beside the HTTP server, answers dig over UDP and TCP, and releases the port on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-serve-"));
    server = spawn(process.execPath, [MAIN, "serve", "--port", "0", "--data", dir], {
      env: {
        ...process.env,
        DATABASE_URL: "",
        FOREWARN_LOG_LEVEL: "warn",
        FOREWARN_CANARY_DNS: "127.0.0.1:0",
        FOREWARN_CANARY_DOMAIN: "Canary.Example.org",
        FOREWARN_CANARY_ANSWER: "192.0.2.7, 2001:db8::7",
      },
    });
    let log = "";
    server.stderr?.on("data", (c) => (log += c));
    const port = await new Promise<number>((resolve, reject) => {
      server?.stdout?.on("data", (c) => {
        log += c;
        const m = /canary DNS for canary\.example\.org on 127\.0\.0\.1:(\d+) \(UDP and TCP\)/.exec(log);
        if (m?.[1]) resolve(Number(m[1]));
      });
      server?.on("exit", () => reject(new Error(`server exited: ${log}`)));
    });
    const soa = await run("dig", [
      "@127.0.0.1",
      "-p",
      String(port),
      "+tries=1",
      "+short",
      "canary.example.org",
      "SOA",
    ]);
    expect(soa.stdout.trim()).toBe(
      "ns.canary.example.org. hostmaster.canary.example.org. 1 3600 600 604800 60",
    );
    const ns = await run("dig", [
      "@127.0.0.1",
      "-p",
      String(port),
      "+tcp",
      "+tries=1",
      "+short",
      "ns.canary.example.org",
      "AAAA",
    ]);
    expect(ns.stdout.trim()).toBe("2001:db8::7");
    const unknown = parseDig(
      (
        await run("dig", [
          "@127.0.0.1",
          "-p",
          String(port),
          "+tries=1",
          `${newCanaryToken()}.canary.example.org`,
          "A",
        ])
      ).stdout,
    );
    expect(unknown.status).toBe("NXDOMAIN");

    const exited = new Promise<number | null>((r) => server?.on("exit", (code) => r(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    server = undefined;
    // The port is free again on both transports.
    const udp = dgram.createSocket("udp4");
    await new Promise<void>((r, j) => {
      udp.once("error", j);
      udp.bind(port, "127.0.0.1", () => r());
    });
    udp.close();
    const tcp = net.createServer();
    await new Promise<void>((r, j) => {
      tcp.once("error", j);
      tcp.listen(port, "127.0.0.1", () => r());
    });
    tcp.close();
  }, 120_000);
});
