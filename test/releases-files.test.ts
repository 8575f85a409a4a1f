// Binary files of a partner's copy (ZIP, pcap) are listed by reference in the copy and downloaded from
// GET /api/partner/advisories/:id/files/:fileId: the caller's own delivered copy only. Frozen clock,
// both engines: before the wave 404, after it the bytes match what was uploaded, a partner whose
// content level leaves the file out gets 404, and so does a partner without a copy. Each test starts
// from its own copy of the database with the plan armed, so the tests pass alone and in any order.
import { createHash, randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { fixedClock } from "../src/platform/clock.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { type DatabaseSnapshot, engines, type TestDatabase, testDatabase, testPasswords } from "./harness.ts";
import { programmeFixtures } from "./programme.ts";

const SYS = systemActor("test");
const START = "2026-03-01T12:00:00.000Z";
const T0 = "2026-03-10T12:00:00.000Z";
const GOLD_WAVE = "2026-03-05T12:00:00.000Z"; // vetted-plus: T0 - 5 d
const SILVER_WAVE = "2026-03-09T12:00:00.000Z"; // standard: T0 - 1 d
// A ZIP by its magic bytes followed by bytes that are not UTF-8: a binary proof of concept.
const ZIP = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  randomBytes(600),
  Buffer.from([0xff, 0xfe]),
]);
const PCAP = Buffer.concat([Buffer.from([0xd4, 0xc3, 0xb2, 0xa1]), randomBytes(300)]);

describe.each(engines)("partner copy file downloads on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  const clock = fixedClock(START);
  const masterKey = randomBytes(32);
  /** The programme with the advisory's plan armed, before any wave: each test starts from a copy. */
  let armed: { snapshot: DatabaseSnapshot; at: Date };
  const staff: Record<string, { actor: Actor; headers: Record<string, string> }> = {};
  const partnerUser: Record<string, Record<string, string>> = {};
  const partnerId: Record<string, string> = {};
  let adv = "";
  let zipId = "";
  let pcapId = "";

  let fixtures: ReturnType<typeof programmeFixtures>;
  const makeUser = (role: Role, organisationId?: string) => fixtures.makeUser(role, organisationId);

  async function newPartner(key: string, tier: string) {
    const { id, admin } = await fixtures.activePartner(key, tier, [
      staff.c1?.actor as Actor,
      staff.c2?.actor as Actor,
    ]);
    partnerId[key] = id;
    partnerUser[key] = admin.headers;
  }

  const download = (key: string, fileId: string) =>
    app.inject({
      method: "GET",
      url: `/api/partner/advisories/${adv}/files/${fileId}`,
      headers: { ...partnerUser[key], "user-agent": "PartnerFetcher/2.1" },
    });
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

  async function open(database: TestDatabase) {
    db = database;
    s = makeServices({ database: db, clock, masterKey, passwords: testPasswords, sessionHours: 12 });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
    fixtures = programmeFixtures(s, app);
  }

  async function fireGoldWave() {
    clock.set(GOLD_WAVE);
    await s.releases.sweep();
  }

  beforeAll(async () => {
    await open(await testDatabase(engine));
    staff.c1 = await makeUser("coordinator");
    staff.c2 = await makeUser("coordinator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    await newPartner("gold", "vetted-plus");
    await newPartner("silver", "standard");
    await newPartner("other", "vetted-plus");

    const rep = await app.inject({
      method: "POST",
      url: "/api/reports",
      payload: { product: "Acme Gateway", version: "4.2.1", title: "Admin bypass", description: "Header." },
    });
    const c1 = staff.c1.actor;
    const a = await s.advisories.create(c1, {
      caseId: rep.json().caseId,
      title: "Acme Gateway: authentication bypass",
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: {
        summary: "An authentication bypass.",
        details: "The console trusts a header.",
        detection: "Look for the header.",
        poc: "Unpack the ZIP and replay the capture.",
        indicators: "- 203.0.113.7",
      },
    });
    adv = a.id;
    const files = await s.advisories.addFiles(c1, adv, "poc", async () => [
      { filename: "exploit.zip", bytes: ZIP },
      { filename: "capture.pcap", bytes: PCAP },
    ]);
    zipId = files.find((f) => f.filename === "exploit.zip")?.id as string;
    pcapId = files.find((f) => f.filename === "capture.pcap")?.id as string;
    await s.advisories.submit(staff.c2.actor, adv);
    await s.advisories.approve(staff.c2.actor, adv);
    const plan = await app.inject({
      method: "POST",
      url: `/api/advisories/${adv}/release-plan`,
      headers: staff.c1.headers,
      payload: { publicAt: T0, exclude: [{ partnerId: partnerId.other, reason: "conflict of interest" }] },
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
    const at = clock.now();
    await app.close();
    armed = { snapshot: await db.snapshot(), at };
  }, 300_000);
  beforeEach(async () => {
    await open(await armed.snapshot.clone());
    clock.set(armed.at);
  });
  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    await armed?.snapshot.dispose();
  });

  it("answers 404 before the partner's wave, exactly as for a file that does not exist", async () => {
    clock.set(new Date(new Date(GOLD_WAVE).getTime() - 1000));
    await s.releases.sweep();
    const early = await download("gold", zipId);
    expect(early.statusCode).toBe(404);
    expect(early.body).not.toContain("exploit.zip");
    expect(early.rawPayload.includes(ZIP.subarray(4, 40))).toBe(false);
  });

  it("after the wave gives the caller the uploaded bytes of each binary file, audited as a copy read", async () => {
    await fireGoldWave();
    const copy = await app.inject({
      method: "GET",
      url: `/api/partner/advisories/${adv}`,
      headers: partnerUser.gold ?? {},
    });
    expect(copy.statusCode, copy.body).toBe(200);
    const listed = copy.json().copy.files as { id: string; text: string | null; sha256: string }[];
    expect(listed.map((f) => [f.id, f.text, f.sha256]).sort()).toEqual(
      [
        [zipId, null, sha(ZIP)],
        [pcapId, null, sha(PCAP)],
      ].sort(),
    );
    const before = (await db.db.select().from(auditLog)).filter(
      (e) => e.subject === adv && e.type === "release.copy_read",
    ).length;
    for (const [id, bytes, name] of [
      [zipId, ZIP, "exploit.zip"],
      [pcapId, PCAP, "capture.pcap"],
    ] as const) {
      const r = await download("gold", id);
      expect(r.statusCode, r.body).toBe(200);
      expect(Buffer.compare(r.rawPayload, bytes)).toBe(0);
      expect(r.headers["content-type"]).toBe("application/octet-stream");
      expect(r.headers["content-disposition"]).toBe(`attachment; filename="${name}"`);
    }
    const reads = (await db.db.select().from(auditLog))
      .sort((x, y) => x.seq - y.seq)
      .filter((e) => e.subject === adv && e.type === "release.copy_read");
    expect(reads.length - before).toBe(2);
    // Each download names the file it served.
    expect(
      reads
        .slice(before)
        .map((e) => (e.payload as { fileId?: string }).fileId)
        .sort(),
    ).toEqual([zipId, pcapId].sort());
    // Each read keeps the request's address and user agent for the exposure timeline.
    for (const e of reads.slice(before))
      expect(e.payload).toMatchObject({ ip: "127.0.0.1", userAgent: "PartnerFetcher/2.1" });
  });

  it("answers 404 to another partner: one without a copy, and one whose content level leaves the file out", async () => {
    await fireGoldWave();
    const other = await download("other", zipId);
    expect(other.statusCode).toBe(404);
    expect(other.rawPayload.includes(ZIP.subarray(4, 40))).toBe(false);
    expect((await download("silver", zipId)).statusCode).toBe(404); // before its wave
    clock.set(SILVER_WAVE);
    await s.releases.sweep();
    const silverCopy = await app.inject({
      method: "GET",
      url: `/api/partner/advisories/${adv}`,
      headers: partnerUser.silver ?? {},
    });
    expect(silverCopy.statusCode, silverCopy.body).toBe(200);
    expect(Object.keys(silverCopy.json().copy.sections)).not.toContain("poc");
    for (const id of [zipId, pcapId]) {
      const r = await download("silver", id);
      expect(r.statusCode).toBe(404);
      expect(r.rawPayload.includes(ZIP.subarray(4, 40))).toBe(false);
    }
    // The partner with the file still gets it; an unknown file ID is 404 for it too.
    expect((await download("gold", zipId)).statusCode).toBe(200);
    expect((await download("gold", "afl_00000000000000000000000000")).statusCode).toBe(404);
  });
});
