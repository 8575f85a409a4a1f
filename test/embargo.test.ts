// The embargo, proven rather than assumed: a property test that, at random times around every wave
// boundary and T0 (on the frozen clock), calls every GET route of the API that can carry advisory
// content, as every role, anonymous, a researcher and partners of every tier (one suspended before
// its wave), and checks that no response body, error message included, contains a marker planted in
// an embargoed part of the advisory (title, details, detection and its rule file, PoC, indicators)
// unless that caller is entitled to it at that time. The advisory is edited after its plan was
// approved, with a marker of its own that nobody but staff may ever see (the plan pins the approved
// revision). The server's log is captured and must never contain any marker.
//
// The route list comes from the OpenAPI document: a new GET route is probed automatically unless it is
// listed in NO_CONTENT below (routes that cannot carry advisory content by construction).
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { fixedClock } from "../src/platform/clock.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { engines, testDatabase, testPasswords } from "./harness.ts";
import { programmeFixtures } from "./programme.ts";

const SYS = systemActor("test");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Runs of the property (each a fresh advisory, plan and 1–4 probe times); EMBARGO_RUNS=200 for a long run. */
const RUNS = Number(process.env.EMBARGO_RUNS ?? 30);

/** GET routes that cannot carry advisory content by construction (no advisory, case or partner data). */
const NO_CONTENT = new Set([
  "/api/health",
  "/api/me",
  "/api/tokens",
  "/api/users",
  "/api/organisations",
  "/api/audit/types",
  "/api/audit/verify",
  "/api/ndas",
  "/api/ndas/current",
  "/api/tiers",
  "/api/policy/rules",
  "/api/public/pgp-key",
  "/api/cve-pool",
]);

/** Embargoed parts of the advisory, each with the sections a caller must be entitled to. */
const PARTS = ["title", "details", "detection", "detectionFile", "poc", "indicators", "draft"] as const;
type Part = (typeof PARTS)[number];
const PART_SECTION: Record<Part, string> = {
  title: "title",
  details: "details",
  detection: "detection",
  detectionFile: "detection",
  poc: "poc",
  indicators: "indicators",
  draft: "draft",
};
/** What the public may read after T0 (CONTENT_LEVELS.public, plus the title). */
const PUBLIC_PARTS = new Set<string>(["title", "details"]);

type Caller = {
  name: string;
  role: Role | "anonymous";
  headers: Record<string, string>;
  /** The partner this caller belongs to, if any. */
  partner?: string;
  /** The boundary (0, 1: the first two waves, 2: the last wave and T0) where its entitlement changes. */
  boundary?: number;
};

type Op = { path: string; query: { name: string; values: string[] }[] };
type Run = {
  advisoryId: string;
  trackingId: string;
  caseId: string;
  fileId: string;
  revision: number;
  publicAt: Date;
  markers: Record<Part, string>;
  /** Partner → time of its wave and the sections it receives. */
  waves: Map<string, { at: Date; content: string[] }>;
};

describe.each(engines)("embargo on %s", (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const clock = fixedClock("2026-03-01T12:00:00Z");
  const log: string[] = [];
  const allMarkers: string[] = [];
  const callers: Caller[] = [];
  const partner: Record<string, string> = {};
  const staff: Record<string, Actor> = {};
  const staffHeaders: Record<string, Record<string, string>> = {};
  let ops: Op[] = [];
  const denied = new Set<string>();
  let runNo = 0;
  let probes = 0;
  let requests = 0;

  let fixtures: ReturnType<typeof programmeFixtures>;
  const makeUser = (role: Role, organisationId?: string) => fixtures.makeUser(role, organisationId);

  async function newPartner(key: string, tier: string, boundary?: number) {
    const { id, admin } = await fixtures.activePartner(key, tier, [staff.c1 as Actor, staff.c2 as Actor]);
    partner[key] = id;
    callers.push({
      name: `${key} admin (${tier})`,
      role: "partner_admin",
      headers: admin.headers,
      partner: id,
      boundary,
    });
    return id;
  }

  /** Every GET operation of the API that may carry advisory content, from the OpenAPI document. */
  async function contentOps(): Promise<Op[]> {
    const doc = (await app.inject({ url: "/api/openapi.json" })).json() as {
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { in: string; name: string; required?: boolean; schema?: { enum?: string[] } }[] }
        >
      >;
    };
    const out: Op[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      const get = methods.get;
      if (!get || NO_CONTENT.has(path)) continue;
      const query = (get.parameters ?? [])
        .filter((p) => p.in === "query")
        .map((p) => ({
          name: p.name,
          // Every value of a required choice (each export format, each content level); optional
          // parameters keep their defaults.
          values: !p.required ? [] : (p.schema?.enum ?? (p.name === "to" ? ["2"] : ["1"])),
        }))
        .filter((q) => q.values.length > 0);
      out.push({ path, query });
    }
    return out;
  }

  /** Concrete URLs of an operation for this run and caller: path IDs filled, one URL per enum value. */
  function urls(op: Op, run: Run, caller: Caller): string[] {
    const zero = (prefix: string) => `${prefix}_${"0".repeat(26)}`;
    const year = run.trackingId.slice(3, 7);
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === "trackingId") return run.trackingId;
      if (name === "caseId") return run.caseId;
      if (name === "fileId") return run.fileId;
      if (name === "year") return year;
      if (name === "file") return `${run.trackingId.toLowerCase()}.json`;
      if (name !== "id") return zero(name.replace(/Id$/, "").slice(0, 3));
      if (/^\/api\/(partner\/)?advisories\//.test(op.path)) return run.advisoryId;
      if (op.path.startsWith("/api/cases/") || op.path.startsWith("/api/reports/")) return run.caseId;
      if (op.path.startsWith("/api/partners/")) return caller.partner ?? (partner.gold as string);
      return zero("xxx");
    });
    let list = [path];
    for (const q of op.query)
      list = list.flatMap((u) =>
        q.values.map((v) => `${u}${u.includes("?") ? "&" : "?"}${q.name}=${encodeURIComponent(v)}`),
      );
    return list;
  }

  /** The parts a caller may read at time `now`. Staff with advisories:read are checked separately. */
  function entitled(caller: Caller, run: Run, now: Date, suspended: Set<string>): Set<string> {
    const ok = new Set<string>();
    if (now.getTime() >= run.publicAt.getTime()) for (const p of PUBLIC_PARTS) ok.add(p);
    const w = caller.partner ? run.waves.get(caller.partner) : undefined;
    if (caller.partner && w && !suspended.has(caller.partner) && now.getTime() >= w.at.getTime()) {
      ok.add("title");
      for (const c of w.content) ok.add(c);
    }
    return ok;
  }

  beforeAll(async () => {
    db = await testDatabase(engine);
    s = makeServices({
      database: db,
      clock,
      masterKey: randomBytes(32),
      passwords: testPasswords,
      sessionHours: 12,
    });
    app = await buildApp({
      services: s,
      database: db.kind,
      version: "test",
      logLevel: "trace",
      reportRateLimit: 100_000,
      logStream: { write: (line: string) => void log.push(line) },
    });
    fixtures = programmeFixtures(s, app);
    for (const k of ["c1", "c2"]) {
      const u = await makeUser("coordinator");
      staff[k] = u.actor;
      staffHeaders[k] = u.headers;
    }
    staffHeaders.investigator = (await makeUser("investigator")).headers;
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    await newPartner("gold", "vetted-plus", 0);
    await newPartner("silver", "standard", 1);
    await newPartner("bronze", "restricted", 2);
    const lapsed = await newPartner("lapsed", "vetted-plus");
    await s.partners.suspend(SYS, lapsed, "leaked a PoC");
    callers.push({
      name: "gold analyst",
      role: "partner_analyst",
      headers: (await makeUser("partner_analyst", partner.gold)).headers,
      partner: partner.gold as string,
      boundary: 0,
    });
    callers.push({ name: "anonymous", role: "anonymous", headers: {}, boundary: 2 });
    const lab = await s.accounts.createOrganisation(SYS, { name: "Independent lab" });
    callers.push({
      name: "researcher",
      role: "researcher",
      headers: (await makeUser("researcher", lab.id)).headers,
      boundary: 2,
    });
    callers.push({ name: "admin", role: "admin", headers: (await makeUser("admin")).headers, boundary: 2 });
    callers.push({
      name: "auditor",
      role: "auditor",
      headers: (await makeUser("auditor")).headers,
      boundary: 2,
    });
    ops = await contentOps();
  });
  afterAll(async () => {
    await app?.close();
    await db?.dispose();
  });

  /** A fresh advisory with markers, a plan approved by a second coordinator, armed, then edited. */
  async function newRun(): Promise<Run> {
    runNo++;
    const tag = `${runNo}${randomBytes(4).toString("hex").toUpperCase()}`;
    const markers = Object.fromEntries(PARTS.map((p) => [p, `ZQ${p.toUpperCase()}${tag}QZ`])) as Record<
      Part,
      string
    >;
    allMarkers.push(...Object.values(markers));
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
    const caseId = rep.json().caseId as string;
    const a = await s.advisories.create(staff.c1 as Actor, {
      caseId,
      title: `Acme Gateway bypass ${markers.title}`,
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: {
        summary: "An authentication bypass in the Acme Gateway admin console.",
        details: `The console trusts a header. ${markers.details}`,
        detection: `Look for the header. ${markers.detection}`,
        poc: `curl -H 'X-Forwarded-User: admin' ${markers.poc}`,
        indicators: `- 203.0.113.7 ${markers.indicators}`,
      },
    });
    const [file] = await s.advisories.addFiles(staff.c1 as Actor, a.id, "detection", async () => [
      {
        filename: "acme.rules",
        bytes: Buffer.from(`alert http any any -> any any (msg:"${markers.detectionFile}";)\n`),
      },
    ]);
    await s.advisories.submit(staff.c2 as Actor, a.id);
    await s.advisories.approve(staff.c2 as Actor, a.id);
    const publicAt = new Date(clock.now().getTime() + 6 * DAY);
    const plan = await s.releases.createPlan(staff.c1 as Actor, a.id, { publicAt });
    await s.releases.approve(staff.c2 as Actor, a.id);
    await s.releases.arm(staff.c1 as Actor, a.id);
    // Edited after approval: a draft revision 2 that must never reach a partner nor the public.
    await s.advisories.revise(staff.c1 as Actor, a.id, 1, {
      sections: { details: `Rewritten. ${markers.draft}`, poc: `New PoC ${markers.draft}` },
    });
    const waves = new Map<string, { at: Date; content: string[] }>();
    for (const w of plan.waves) for (const p of w.partnerIds) waves.set(p, { at: w.at, content: w.content });
    const adv = await s.advisories.get(SYS, a.id);
    return {
      advisoryId: a.id,
      trackingId: adv.trackingId,
      caseId,
      fileId: file?.id as string,
      revision: 1,
      publicAt,
      markers,
      waves,
    };
  }

  async function get(url: string, headers: Record<string, string>) {
    requests++;
    const res = await app.inject({ method: "GET", url, headers });
    return res;
  }

  /** Every caller × every content route at the clock's time: no marker it is not entitled to. */
  async function probe(run: Run, suspended: Set<string>, who: Caller[] = callers) {
    probes++;
    const now = clock.now();
    for (const caller of who) {
      const ok = entitled(caller, run, now, suspended);
      const forbidden = PARTS.filter((p) => !ok.has(PART_SECTION[p])).map(
        (p) => [p, run.markers[p]] as const,
      );
      if (forbidden.length === 0) continue;
      for (const op of ops)
        for (const url of urls(op, run, caller)) {
          // A route that refused this caller's role (401/403, decided before any data is read) has
          // had its body checked once; asking again at every probe only costs time.
          const denialKey = `${caller.name} ${url.replace(/(adv|cas|afl)_[0-9A-Z]{26}|FW-\d+-\d+|fw-\d+-\d+/g, "*")}`;
          if (denied.has(denialKey)) continue;
          const res = await get(url, caller.headers);
          if (res.statusCode === 401 || res.statusCode === 403) denied.add(denialKey);
          expect(res.statusCode, `${caller.name} GET ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          for (const [part, marker] of forbidden)
            if (res.body.includes(marker))
              expect.fail(
                `${caller.name} read the ${part} of the advisory at ${now.toISOString()} (T0 ${run.publicAt.toISOString()}, its wave ${caller.partner ? run.waves.get(caller.partner)?.at.toISOString() : "none"}) through GET ${url}`,
              );
        }
    }
    // Controls: the markers are really there for those entitled, so the checks above can fail.
    const staffView = await get(
      `/api/advisories/${run.advisoryId}?revision=1`,
      staffHeaders.investigator ?? {},
    );
    expect(staffView.body).toContain(run.markers.poc);
    const gold = callers.find((c) => c.partner === partner.gold) as Caller;
    const goldCopy = await get(`/api/partner/advisories/${run.advisoryId}`, gold.headers);
    const goldWave = run.waves.get(partner.gold as string)?.at as Date;
    if (now.getTime() >= goldWave.getTime() && !suspended.has(gold.partner as string)) {
      expect(goldCopy.statusCode).toBe(200);
      for (const p of ["title", "poc", "detectionFile", "indicators"] as const)
        expect(goldCopy.body).toContain(run.markers[p]);
      expect(goldCopy.body).not.toContain(run.markers.draft);
    } else expect(goldCopy.statusCode).toBe(404);
    const pub = await get(`/api/public/advisories/${run.trackingId}`, {});
    if (now.getTime() >= run.publicAt.getTime()) {
      expect(pub.statusCode).toBe(200);
      expect(pub.body).toContain(run.markers.details);
    } else expect(pub.statusCode).toBe(404);
  }

  it("derives the content routes from the OpenAPI document", () => {
    const paths = ops.map((o) => o.path);
    for (const p of [
      "/api/advisories/{id}",
      "/api/advisories/{id}/export",
      "/api/partner/advisories",
      "/api/partner/advisories/{id}",
      "/api/public/advisories",
      "/feeds/advisories.atom",
      "/.well-known/csaf/provider-metadata.json",
      "/.well-known/csaf/white/index.txt",
      "/api/releases",
      "/api/audit",
    ])
      expect(paths).toContain(p);
    const exportOp = ops.find((o) => o.path === "/api/advisories/{id}/export");
    expect(exportOp?.query.find((q) => q.name === "format")?.values.sort()).toEqual(["csaf", "cve", "osv"]);
  });

  // Thirty releases, each probed over every content-bearing GET route by every kind of caller: real
  // requests on a real database, so it is given minutes, not the default minute (a limit, not a target).
  it("nobody reads embargoed content before they are entitled to it, at any time around the waves and T0", {
    timeout: 300_000,
  }, async () => {
    const boundary = fc.constantFrom(0, 1, 2);
    const offset = fc.oneof(
      fc.constantFrom(-1000, -1, 0, 1, 1000),
      fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(boundary, offset), { minLength: 1, maxLength: 2 }),
        // Besides the callers whose entitlement changes at the probed boundaries, a few others.
        fc.subarray(
          callers.map((_, i) => i),
          { maxLength: 3 },
        ),
        async (points, extra) => {
          const who = callers.filter((c, i) => extra.includes(i) || points.some(([b]) => c.boundary === b));
          const run = await newRun();
          // The wave times of the plan (vetted-plus, standard, restricted = T0), from the plan itself.
          const bounds = [partner.gold, partner.silver, partner.bronze].map(
            (p) => run.waves.get(p as string)?.at.getTime() as number,
          );
          expect(bounds[2]).toBe(run.publicAt.getTime());
          const times = [...new Set(points.map(([b, off]) => (bounds[b] as number) + off))].sort(
            (x, y) => x - y,
          );
          const suspended = new Set([partner.lapsed as string]);
          for (const t of times) {
            if (t < clock.now().getTime()) continue;
            clock.set(new Date(t));
            await s.releases.sweep();
            await probe(run, suspended, who);
          }
          // Finish the release, so the next run starts with nothing pending.
          clock.set(new Date(run.publicAt.getTime() + HOUR));
          await s.releases.sweep();
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(probes).toBeGreaterThanOrEqual(RUNS);
  });

  it("a partner suspended after its delivery can no longer read its copy (404, a refused read audited)", async () => {
    const run = await newRun();
    const gold = callers.find((c) => c.partner === partner.gold) as Caller;
    clock.set(run.waves.get(partner.gold as string)?.at as Date);
    await s.releases.sweep();
    const before = await get(`/api/partner/advisories/${run.advisoryId}`, gold.headers);
    expect(before.statusCode).toBe(200);
    await s.partners.suspend(SYS, partner.gold as string, "leak under investigation");
    const suspended = new Set([partner.lapsed as string, partner.gold as string]);
    await probe(run, suspended);
    const after = await get(`/api/partner/advisories/${run.advisoryId}`, gold.headers);
    expect(after.statusCode).toBe(404);
    const inbox = await get("/api/partner/advisories", gold.headers);
    expect(inbox.json().items).toEqual([]);
    const audit = await get(
      `/api/audit?type=release.copy_refused`,
      callers.find((c) => c.role === "auditor")?.headers ?? {},
    );
    expect(audit.body).toContain(run.advisoryId);
    await s.partners.reinstate(SYS, partner.gold as string, "cleared");
    expect((await get(`/api/partner/advisories/${run.advisoryId}`, gold.headers)).statusCode).toBe(200);
  });

  it("an approved plan pins its revision: after an edit it warns, and partners and the public get the approved one", async () => {
    const run = await newRun();
    const c1 = staffHeaders.c1 ?? {};
    const plan = (await get(`/api/advisories/${run.advisoryId}/release-plan`, c1)).json();
    expect(plan).toMatchObject({ state: "armed", revision: 1 });
    expect(plan.warnings.join(" ")).toMatch(/the advisory was edited after this plan was approved/);
    const current = await get(`/api/advisories/${run.advisoryId}`, staffHeaders.investigator ?? {});
    expect(current.body).toContain(run.markers.draft);
    const gold = callers.find((c) => c.partner === partner.gold) as Caller;
    clock.set(run.waves.get(partner.gold as string)?.at as Date);
    await s.releases.sweep();
    const copy = await get(`/api/partner/advisories/${run.advisoryId}`, gold.headers);
    expect(copy.json().copy.revision).toBe(1);
    expect(copy.body).toContain(run.markers.poc);
    expect(
      (
        await app.inject({
          method: "POST",
          url: `/api/partner/advisories/${run.advisoryId}/acks`,
          headers: gold.headers,
          payload: { status: "received" },
        })
      ).statusCode,
    ).toBe(201);
    // The live wave view counts the gold wave: one partner reached, its copies, one read, one acknowledgement.
    const status = (await get(`/api/advisories/${run.advisoryId}/release-plan/status`, c1)).json();
    const first = status.waves[0];
    expect(first).toMatchObject({ tier: "vetted-plus", partners: 1, portal: { partners: 1, read: 1 } });
    expect(first.portal.copies).toBe(1 + (await s.partners.listMembers(SYS, partner.gold as string)).length);
    expect(first.acks).toEqual({ received: 1, in_progress: 0, shipped: 0, none: 0 });
    // One release mail per member delivery, whatever its state (no SMTP transport in this test).
    const members = (await s.partners.listMembers(SYS, partner.gold as string)).length;
    const mail = first.email as Record<string, number>;
    expect(Object.values(mail).reduce((a, b) => a + b, 0)).toBe(members);
    expect(status.waves[1]).toMatchObject({ firedAt: null, portal: { partners: 0, copies: 0, read: 0 } });
    // T0 publishes revision 1 although revision 2 (a draft) is the advisory's newest.
    clock.set(new Date(run.publicAt.getTime() + 1));
    await s.releases.sweep();
    const csaf = await get(`/api/public/advisories/${run.trackingId}/export?format=csaf`, {});
    expect(csaf.statusCode).toBe(200);
    expect(csaf.body).toContain(run.markers.details);
    expect(csaf.body).not.toContain(run.markers.draft);
    expect((await s.advisories.get(SYS, run.advisoryId)).currentRevision).toBe(2);
  });

  it("a partner removed after its delivery loses its copy too; the copies stay stored", async () => {
    const gone = await newPartner("gone", "standard");
    const caller = callers.find((c) => c.partner === gone) as Caller;
    const run = await newRun();
    const at = run.waves.get(gone)?.at as Date;
    expect(at.getTime()).toBe(run.waves.get(partner.silver as string)?.at.getTime());
    clock.set(at);
    await s.releases.sweep();
    expect((await get(`/api/partner/advisories/${run.advisoryId}`, caller.headers)).statusCode).toBe(200);
    await s.partners.remove(SYS, gone, "left the programme");
    const after = await get(`/api/partner/advisories/${run.advisoryId}`, caller.headers);
    expect(after.statusCode).toBe(404);
    expect(after.body).not.toContain(run.markers.title);
    const status = (
      await get(`/api/advisories/${run.advisoryId}/release-plan/status`, staffHeaders.c1 ?? {})
    ).json();
    expect(status.waves[1].portal.partners).toBe(2); // silver and the removed partner: still stored
  });

  // Run first, it probes releases of its own: real requests, given minutes like the test above.
  it("no marker ever reaches the server log", { timeout: 300_000 }, async () => {
    // Traffic to look at: the releases the tests above probed or, when this test runs first, releases
    // probed here at each of their waves.
    while (requests <= 1000) {
      const run = await newRun();
      for (const p of [partner.gold, partner.silver, partner.bronze]) {
        clock.set(run.waves.get(p as string)?.at as Date);
        await s.releases.sweep();
        await probe(run, new Set([partner.lapsed as string]));
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(log.length).toBeGreaterThan(requests);
    const text = log.join("");
    for (const m of allMarkers) expect(text.includes(m), `log contains ${m}`).toBe(false);
  });
});
