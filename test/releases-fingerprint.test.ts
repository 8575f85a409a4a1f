// Fingerprinted delivery through the HTTP API, tried as a programme would use it: an advisory with
// prose, a YARA rule file and a Python PoC carrying `{{canary:dns}}` and `{{canary:url}}`, released to
// two partners at different content levels with several members each. Every member's copy and every
// file variant is fetched and compared pairwise; every recipient (the partners' machine copies
// included) has its own codeword under the plan's tracing key; canary tokens are unique per recipient
// and stored by hash only; a member who joins after the wave gets a fresh codeword; staff previews
// and exports show the neutral placeholder; a member's leaked copy names that member. Each test starts
// from a saved stage (the advisory approved, or its waves delivered) on a database of its own.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { startCanaryDns } from "../src/modules/canaries/index.ts";
import { canaryTokens } from "../src/modules/canaries/schema.ts";
import { hashCanaryToken } from "../src/modules/canaries/tokens.ts";
import { releaseDeliveries } from "../src/modules/releases/schema.ts";
import { fixedClock } from "../src/platform/clock.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { stripFormat } from "../src/tracing/attacks/index.ts";
import { codeword } from "../src/tracing/code.ts";
import { loadKey, traceEvidence } from "../src/tracing/keyfile.ts";
import { pythonProbe } from "./fixtures/poc.ts";
import {
  type DatabaseSnapshot,
  engines,
  journey,
  type TestDatabase,
  testDatabase,
  testPasswords,
} from "./harness.ts";
import { programmeFixtures, type TestUser } from "./programme.ts";

const SYS = systemActor("test");
const START = "2026-03-01T12:00:00.000Z";
const T0 = "2026-03-10T12:00:00.000Z";
const SILVER_WAVE = "2026-03-09T12:00:00.000Z"; // standard: T0 - 1 d (vetted-plus went at T0 - 5 d)
const DOMAIN = "canary.test";
const PUBLIC_URL = "http://127.0.0.1:8080";

/** The sections of a real-looking advisory (a fixture the tracing library was not tuned on). */
function fixtureSections() {
  const md = readFileSync(
    join(import.meta.dirname, "fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md"),
    "utf8",
  );
  const parts = new Map<string, string>();
  for (const chunk of md.split(/^## /m).slice(1)) {
    const nl = chunk.indexOf("\n");
    parts.set(chunk.slice(0, nl).trim(), chunk.slice(nl + 1).trim());
  }
  const get = (k: string) => parts.get(k) ?? "";
  return {
    summary: get("Summary"),
    details: [get("Details"), get("Workarounds"), get("Fixed software")].join("\n\n"),
    detection: `Query the resolver for {{canary:dns}} only from a lab network.\n\n${get("Indicators of compromise")}`,
    poc: "Run the script against a lab gateway; it reports whether the management API answers without a session. Results may be posted to {{canary:url}} by the lab harness.",
    indicators: "- 203.0.113.7\n- 198.51.100.23\n- User-Agent: nw-probe/1.0",
  };
}

const RULE = `rule Northwind_Gateway_Auth_Bypass
{
    meta:
        author = "Forewarn"
        description = "Requests that carry the forged management header"
        reference = "FW-2025-0142"
        date = "2025-06-01"
    strings:
        $hdr = "X-NW-Internal-Auth" ascii nocase
        $path = "/api/v2/admin/" ascii
        $cfg = "/api/v2/admin/config" ascii
        $agent = "nw-probe/1.0" ascii
        $probe = { 6E 77 2D 70 72 6F 62 65 }
        $json = { 7B 22 61 64 6D 69 6E 22 }
        $users = "/api/v2/admin/users" ascii
        $tok = "X-NW-Session" ascii nocase
        $fw = "/api/v2/admin/firmware" ascii
        $bak = { 2F 62 61 63 6B 75 70 }
        $dbg = "debug=1" ascii
        $err = "InternalAuthAccepted" ascii wide
    condition:
        $hdr and any of ($path, $cfg, $users, $fw) or ($probe and $agent) or $json or ($bak and $dbg) or ($tok and $err)
}
`;

const POC = pythonProbe({
  doc: "Checks whether a Northwind gateway answers its management API without a session.",
  beacon: "{{canary:dns}}",
  path: "/api/v2/admin/status",
  header: "X-NW-Internal-Auth",
  agent: "nw-probe/1.0",
  accept: "application/json",
  vulnerable: 'status_code == 200 and "admin" in body_text',
  target: "http://127.0.0.1:8443",
});

type CopyJson = {
  deliveryId: string;
  copy: {
    markdown: string;
    sections: Record<string, string>;
    recipient: { kind: string; id: string };
    files: { id: string; filename: string; sha256: string; size: number; text: string | null }[];
  };
};

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const TOKEN_HOST = new RegExp(`\\b([a-z2-7]{20})\\.${DOMAIN.replace(".", "\\.")}\\b`, "g");
const TOKEN_URL = new RegExp(`${PUBLIC_URL.replace(/[.:/]/g, "\\$&")}/c/([a-z2-7]{20})\\b`, "g");
const tokensIn = (text: string) => [
  ...[...text.matchAll(TOKEN_HOST)].map((m) => m[1] as string),
  ...[...text.matchAll(TOKEN_URL)].map((m) => m[1] as string),
];

// Each test opens its own copy of a database (a few seconds on a loaded machine): more time than the default.
describe.each(engines)("fingerprinted delivery on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  const clock = fixedClock(START);
  const masterKey = randomBytes(32);
  let fixtures: ReturnType<typeof programmeFixtures>;
  const staff = {} as { c1: TestUser; c2: TestUser };
  const partnerId = {} as Record<"gold" | "silver", string>;
  /** Members of each partner who read their copies over the API. */
  const members = {} as Record<"gold" | "silver", TestUser[]>;
  let adv = "";
  let ruleId = "";
  let pocId = "";
  const copies = new Map<string, CopyJson>();

  const get = (url: string, headers: Record<string, string>) => app.inject({ method: "GET", url, headers });
  const post = (url: string, headers: Record<string, string>, payload?: unknown) =>
    app.inject({ method: "POST", url, headers, ...(payload ? { payload } : {}) });

  /** Services and the app over `database`, on the one frozen clock. */
  async function open(database: TestDatabase, emailDomain = "example.org") {
    db = database;
    s = makeServices({
      database: db,
      clock,
      masterKey,
      passwords: testPasswords,
      sessionHours: 12,
      canaryDomain: DOMAIN,
    });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
    // Users made within a test get their own addresses (the counter starts again with each app).
    fixtures = programmeFixtures(s, app, { emailDomain });
  }

  async function makeWorld() {
    await open(await testDatabase(engine));
    const makeUser = (role: Role, org?: string) => fixtures.makeUser(role, org);
    staff.c1 = await makeUser("coordinator");
    staff.c2 = await makeUser("coordinator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    const approvers: [Actor, Actor] = [staff.c1.actor, staff.c2.actor];
    for (const [key, tier] of [
      ["gold", "vetted-plus"],
      ["silver", "standard"],
    ] as const) {
      const { id, admin } = await fixtures.activePartner(key, tier, approvers);
      partnerId[key] = id;
      members[key] = [admin, await makeUser("partner_analyst", id), await makeUser("partner_analyst", id)];
    }
    const rep = await post(
      "/api/reports",
      {},
      {
        product: "Northwind Edge Gateway",
        version: "7.4",
        title: "Management API bypass",
        description: "A header.",
      },
    );
    const a = await s.advisories.create(staff.c1.actor, {
      caseId: rep.json().caseId,
      title: "Northwind Edge Gateway: authentication bypass in the management API",
      products: [{ vendor: "Northwind", product: "Edge Gateway", affected: ["7.4.0"], fixed: ["7.4.3"] }],
      sections: fixtureSections(),
    });
    adv = a.id;
    const detection = await s.advisories.addFiles(staff.c1.actor, adv, "detection", async () => [
      { filename: "northwind.yar", bytes: Buffer.from(RULE) },
    ]);
    const poc = await s.advisories.addFiles(staff.c1.actor, adv, "poc", async () => [
      { filename: "probe.py", bytes: Buffer.from(POC) },
    ]);
    ruleId = detection[0]?.id as string;
    pocId = poc[0]?.id as string;
    await s.advisories.submit(staff.c2.actor, adv);
    await s.advisories.approve(staff.c2.actor, adv);
  }

  // Every test starts from a saved stage, on a database of its own: the programme with the advisory
  // approved ("world"), or its plan armed and both waves delivered. A stage is made once, when a test
  // first needs it; each test gets a copy, so no test sees what another did.
  type Stage = { snapshot: DatabaseSnapshot; at: Date };

  async function freeze(): Promise<Stage> {
    const at = clock.now();
    await app.close();
    return { snapshot: await db.snapshot(), at };
  }

  /** Services over a clone of the stage, the clock where it left it. */
  async function restore(st: Stage, emailDomain?: string) {
    await open(await st.snapshot.clone(), emailDomain);
    clock.set(st.at);
  }

  const stages = journey<"delivered", Stage>({
    world: makeWorld,
    steps: { delivered: { from: "world", make: () => deliverEveryRecipient() } },
    restore,
    freeze,
  });

  /** This test's own copy of the stage: its database, the clock where the stage left it, no copy read yet. */
  async function from(name: "world" | "delivered") {
    await restore(await stages.stage(name), "later.example.org");
    copies.clear();
  }

  /** Every member reads their copy over the API: `copies`, by partner and member. */
  async function readCopies() {
    for (const [p, list] of Object.entries(members))
      for (const m of list) {
        const r = await get(`/api/partner/advisories/${adv}`, m.headers);
        expect(r.statusCode, r.body).toBe(200);
        const body = r.json() as CopyJson;
        expect(body.copy.recipient.id).toBe(m.id);
        copies.set(`${p}:${m.id}`, body);
      }
  }

  // Every stage before any test needs one (so a test run alone is not charged for them); a slow
  // machine gets the time for all.
  beforeAll(async () => {
    await stages.makeAll();
  }, 600_000);
  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    await stages.dispose();
  });

  it("shows per wave, before anything is saved, the points and the leak sizes they trace", async () => {
    await from("world");
    const r = await post(`/api/advisories/${adv}/release-plan/preview`, staff.c1.headers, { publicAt: T0 });
    expect(r.statusCode, r.body).toBe(200);
    const t = r.json().tracing;
    expect(t.variedFiles.sort()).toEqual(["northwind.yar", "probe.py"]);
    expect(t.points.visible).toBeGreaterThan(20);
    expect(t.points.invisible).toBeGreaterThan(100);
    expect(t.points.files).toBeGreaterThan(5);
    expect(t.waves).toHaveLength(2);
    const [gold, silver] = t.waves;
    // The partner and its three members (invited contact not counted: the fixture's admin signed).
    expect(gold.recipients).toBeGreaterThanOrEqual(4);
    // A wave with fewer sections carries fewer points, never more.
    expect(silver.points.total).toBeLessThan(gold.points.total);
    expect(gold.singleLeakerExcerptWords).toBeGreaterThan(0);
    expect(gold.populationBound).toBeCloseTo(gold.epsilon * gold.recipients);
  });

  async function deliverEveryRecipient() {
    expect(
      (await post(`/api/advisories/${adv}/release-plan`, staff.c1.headers, { publicAt: T0 })).statusCode,
    ).toBe(201);
    expect((await post(`/api/advisories/${adv}/release-plan/approve`, staff.c2.headers)).statusCode).toBe(
      200,
    );
    const plan = await get(`/api/advisories/${adv}/release-plan`, staff.c1.headers);
    expect(plan.json().tracing.waves).toHaveLength(2);
    expect((await post(`/api/advisories/${adv}/release-plan/arm`, staff.c1.headers)).statusCode).toBe(200);
    clock.set(SILVER_WAVE);
    await s.releases.sweep();

    const traced = await s.releases.deliveredTracing(adv);
    expect(traced).toHaveLength(1);
    const key = traced[0];
    if (!key) throw new Error("no key");
    // Two partners' machine copies and their members (the invited contacts too), each a codeword of the key.
    const ids = key.deliveries.map((x) => x.recipientId);
    expect(ids).toEqual(expect.arrayContaining([partnerId.gold, partnerId.silver]));
    for (const m of [...members.gold, ...members.silver]) expect(ids).toContain(m.id);
    expect(key.deliveries.filter((x) => x.recipientKind === "organisation")).toHaveLength(2);
    const loaded = loadKey(key.key);
    const seen = new Set<string>();
    for (const dl of key.deliveries) {
      expect(Buffer.from(dl.codeword)).toEqual(
        Buffer.from(codeword(loaded.key, dl.recipientId, loaded.biases)),
      );
      seen.add(Buffer.from(dl.codeword).toString("base64"));
    }
    expect(seen.size).toBe(key.deliveries.length);
    const rows = await db.db.select().from(releaseDeliveries);
    expect(rows.every((r) => r.tracingKeyId === key.keyId && r.codewordSealed)).toBe(true);
  }
  it("makes one tracing key at approval and delivers every recipient its own copy and codeword", async () => {
    await from("world");
    await deliverEveryRecipient();
  });

  it("serves every member a copy whose text and varied files differ from every other member's", async () => {
    await from("delivered");
    await readCopies();
    const all = [...copies.entries()];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        const [ka, a] = all[i] as [string, CopyJson];
        const [kb, b] = all[j] as [string, CopyJson];
        expect(a.copy.markdown, `${ka} vs ${kb}`).not.toBe(b.copy.markdown);
        // Same partner, same sections: still different wording in every section both carry.
        expect(a.copy.sections.details).not.toBe(b.copy.sections.details);
      }
    // Each varied file: the download is the member's own variant, with the SHA-256 its copy lists.
    for (const fileId of [ruleId, pocId]) {
      const variants = new Map<string, string>();
      for (const [k, c] of copies) {
        const listed = c.copy.files.find((f) => f.id === fileId);
        if (!listed) {
          expect(k.startsWith("silver"), `${k} lacks ${fileId}`).toBe(true);
          continue;
        }
        const m = [...members.gold, ...members.silver].find((u) => k.endsWith(u.id)) as TestUser;
        const r = await get(`/api/partner/advisories/${adv}/files/${fileId}`, m.headers);
        expect(r.statusCode, r.body).toBe(200);
        expect(sha(r.rawPayload)).toBe(listed.sha256);
        expect(r.rawPayload.length).toBe(listed.size);
        expect(r.body).toBe(listed.text);
        expect(c.copy.markdown).toContain(listed.sha256);
        variants.set(k, r.body);
      }
      expect(variants.size).toBeGreaterThanOrEqual(3);
      expect(new Set(variants.values()).size).toBe(variants.size);
    }
    expect(
      copies
        .get(`gold:${members.gold[0]?.id}`)
        ?.copy.files.map((f) => f.filename)
        .sort(),
    ).toEqual(["northwind.yar", "probe.py"]);
  });

  it("gives each recipient its own canary tokens, stored by hash only, and no placeholder survives", async () => {
    await from("delivered");
    await readCopies();
    const tokensByRecipient = new Map<string, string[]>();
    for (const [k, c] of copies) {
      const text = [c.copy.markdown, ...c.copy.files.map((f) => f.text ?? "")].join("\n");
      expect(text).not.toContain("{{canary:");
      tokensByRecipient.set(k, tokensIn(text));
    }
    const gold = tokensByRecipient.get(`gold:${members.gold[0]?.id}`) ?? [];
    // The detection prose (DNS), the PoC prose (URL) and the PoC file (DNS).
    expect(gold).toHaveLength(3);
    const all = [...tokensByRecipient.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    const stored = await db.db.select().from(canaryTokens);
    const byHash = new Map(stored.map((t) => [t.tokenHash, t]));
    for (const [k, list] of tokensByRecipient)
      for (const t of list) {
        const row = byHash.get(hashCanaryToken(t));
        expect(row, `token of ${k}`).toBeDefined();
        expect(k.endsWith(row?.recipientId ?? "?")).toBe(true);
        expect(JSON.stringify(row)).not.toContain(t);
      }
  });

  it("records a lookup of one member's DNS canary, made with the real dig, as a hit naming that member", async () => {
    await from("delivered");
    await readCopies();
    const member = members.silver[1] as TestUser;
    const text = copies.get(`silver:${member.id}`)?.copy.markdown as string;
    const host = [...text.matchAll(TOKEN_HOST)][0]?.[0];
    expect(host).toBeDefined();
    const dns = await startCanaryDns({
      listen: "127.0.0.1:0",
      zone: { domain: DOMAIN, answers: ["127.0.0.1"] },
      lookup: (q) => s.canaries.dnsLookup(q),
    });
    try {
      const { stdout } = await promisify(execFile)("dig", [
        "@127.0.0.1",
        "-p",
        String(dns.port),
        "+short",
        "+tries=1",
        "+time=5",
        host as string,
        "A",
      ]);
      expect(stdout.trim()).toBe("127.0.0.1");
    } finally {
      await dns.close();
    }
    const investigator = await fixtures.makeUser("investigator");
    const hits = (await get(`/api/canaries/hits?advisoryId=${adv}`, investigator.headers)).json();
    expect(hits.items).toHaveLength(1);
    expect(hits.items[0]).toMatchObject({
      kind: "dns",
      advisoryId: adv,
      partner: { id: partnerId.silver },
      recipient: { kind: "user", id: member.id, email: member.email },
    });
  });

  it("renders a member who joins after the wave a fresh codeword and copy", async () => {
    await from("delivered");
    await readCopies();
    const late = await fixtures.makeUser("partner_analyst", partnerId.gold);
    const r = await get(`/api/partner/advisories/${adv}`, late.headers);
    expect(r.statusCode, r.body).toBe(200);
    const mine = r.json() as CopyJson;
    for (const c of copies.values()) expect(mine.copy.markdown).not.toBe(c.copy.markdown);
    const key = (await s.releases.deliveredTracing(adv))[0];
    const dl = key?.deliveries.find((x) => x.recipientId === late.id);
    expect(dl?.deliveryId).toBe(mine.deliveryId);
    const others = key?.deliveries.filter((x) => x.recipientId !== late.id) ?? [];
    for (const o of others)
      expect(Buffer.from(o.codeword).equals(Buffer.from(dl?.codeword ?? []))).toBe(false);
  });

  it("names the member whose copy leaked, from the copy's text", async () => {
    await from("delivered");
    await readCopies();
    const key = (await s.releases.deliveredTracing(adv))[0];
    if (!key) throw new Error("no key");
    const loaded = loadKey({ ...key.key, recipients: key.deliveries.map((d) => d.recipientId) });
    const leaker = members.gold[1] as TestUser;
    const leaked = copies.get(`gold:${leaker.id}`)?.copy.markdown as string;
    const result = traceEvidence(loaded, leaked);
    expect(result.accused).toEqual([leaker.id]);
  });

  it("names the same member through an investigation: the leaked copy, stripped of format characters, uploaded as evidence", async () => {
    await from("delivered");
    await readCopies();
    const investigator = await fixtures.makeUser("investigator");
    const leaker = members.silver[2] as TestUser;
    const leaked = stripFormat(copies.get(`silver:${leaker.id}`)?.copy.markdown as string);
    const opened = await post("/api/investigations", investigator.headers, { title: "Copy on a forum" });
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id as string;
    const ev = await post(`/api/investigations/${id}/evidence`, investigator.headers, {
      kind: "text",
      name: "forum-post.txt",
      text: leaked,
    });
    expect(ev.statusCode).toBe(201);
    const got = (await get(`/api/investigations/${id}`, investigator.headers)).json();
    // No advisory was named: the evidence found it, and the real delivery's codewords name the member.
    expect(got.findings.advisoryIds).toEqual([adv]);
    expect(got.findings.verdict).toBe("accused");
    expect(got.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([leaker.id]);
  });

  it("arms a plan with low tracing capacity, the warning shown on the plan and recorded with the arming", async () => {
    await from("delivered");
    const rep = await post(
      "/api/reports",
      {},
      { product: "Tiny", version: "1", title: "Tiny", description: "x" },
    );
    const tiny = await s.advisories.create(staff.c1.actor, {
      caseId: rep.json().caseId,
      title: "Tiny: a crash",
      products: [{ vendor: "Acme", product: "Tiny", affected: ["1.0"], fixed: ["1.1"] }],
      sections: { summary: "A crash.", details: "", detection: "", poc: "", indicators: "" },
    });
    await s.advisories.submit(staff.c2.actor, tiny.id);
    await s.advisories.approve(staff.c2.actor, tiny.id);
    const T1 = "2026-03-20T12:00:00.000Z";
    const preview = await post(`/api/advisories/${tiny.id}/release-plan/preview`, staff.c1.headers, {
      publicAt: T1,
    });
    expect(preview.json().tracing.waves[0].warnings.join(" ")).toMatch(/low tracing capacity/);
    // The compression warnings stay their own (the UI asks to compress lead times for those only).
    expect(preview.json().warnings).toEqual([]);
    expect(
      (await post(`/api/advisories/${tiny.id}/release-plan`, staff.c1.headers, { publicAt: T1 })).statusCode,
    ).toBe(201);
    expect((await post(`/api/advisories/${tiny.id}/release-plan/approve`, staff.c2.headers)).statusCode).toBe(
      200,
    );
    const armed = await post(`/api/advisories/${tiny.id}/release-plan/arm`, staff.c1.headers);
    expect(armed.statusCode, armed.body).toBe(200);
    expect(armed.json().warnings.join(" ")).toMatch(/low tracing capacity/);
    const entries = (await db.db.select().from(auditLog)).filter(
      (e) => e.type === "release.armed" && e.subject === tiny.id,
    );
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries[0]?.payload)).toMatch(/tracingWarnings.*low tracing capacity/);
  });

  it("shows staff previews and exports the neutral placeholder, never a live token", async () => {
    await from("delivered");
    const preview = await get(`/api/advisories/${adv}/content?level=full`, staff.c1.headers);
    expect(preview.statusCode, preview.body).toBe(200);
    const text = Object.values(preview.json().sections as Record<string, string>).join("\n");
    expect(text).toContain("canary.invalid");
    expect(text).toContain("https://example.invalid/c/canary");
    expect(text).not.toContain("{{canary:");
    expect(tokensIn(text)).toEqual([]);
    const csaf = await get(`/api/advisories/${adv}/export?format=csaf`, staff.c1.headers);
    expect(csaf.statusCode, csaf.body).toBe(200);
    expect(csaf.body).toContain("canary.invalid");
    expect(csaf.body).not.toContain("{{canary:");
    expect(tokensIn(csaf.body)).toEqual([]);
  });
});
