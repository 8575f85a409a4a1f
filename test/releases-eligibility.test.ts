// partners.eligibilityMany, the bulk call the release engine uses at planning and at fire time, says
// for every partner what partners.eligibility says for it alone: active and signed, suspended,
// attestation expired, capped by the jurisdiction rule, unsigned NDA; unknown IDs are left out.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedRelease } from "../bench/releases-seed.ts";
import { systemActor } from "../src/authz/authorize.ts";
import { ndaSignatures, partners } from "../src/modules/partners/schema.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { engines, PASSWORD, testDatabase, testPasswords } from "./harness.ts";

const SYS = systemActor("test");

describe.each(engines)("partners.eligibilityMany on %s", (engine: DbKind) => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let s: Services;
  let ids: string[] = [];
  let advisoryId = "";
  const clock = fixedClock("2026-03-01T12:00:00Z");

  beforeAll(async () => {
    db = await testDatabase(engine);
    const masterKey = randomBytes(32);
    s = makeServices({ database: db, clock, masterKey, passwords: testPasswords, sessionHours: 12 });
    const seeded = await seedRelease(
      s,
      { db: db.db, sealer: makeSealer(masterKey), ids: makeIds(clock), clock },
      { partners: 5, members: 1, leadTime: "P5D", webhookUrl: null, password: PASSWORD },
    );
    ids = seeded.partnerIds;
    advisoryId = seeded.advisoryId;
    const [, suspended, expired, capped, unsigned] = ids as [string, string, string, string, string];
    await s.partners.suspend(SYS, suspended, "leaked an advisory");
    await db.db
      .update(partners)
      .set({ attestationExpiresAt: new Date("2026-02-01T00:00:00Z") })
      .where(eq(partners.organisationId, expired));
    await db.db
      .update(partners)
      .set({ staffCountries: ["CN"] })
      .where(eq(partners.organisationId, capped));
    await db.db.delete(ndaSignatures).where(eq(ndaSignatures.partnerId, unsigned));
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("agrees with eligibility partner by partner, and leaves unknown IDs out", async () => {
    const many = await s.partners.eligibilityMany(SYS, [
      ...ids,
      "org_00000000000000000000000000",
      ids[0] as string,
    ]);
    expect([...many.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(many.get(id)).toEqual(await s.partners.eligibility(SYS, id));

    const [ok, suspended, expired, capped, unsigned] = ids.map((id) => many.get(id));
    expect(ok).toMatchObject({
      eligible: true,
      tier: "vetted-plus",
      leadSeconds: 5 * 86_400,
      content: ["summary", "details", "detection", "poc", "indicators"],
    });
    expect(capped).toMatchObject({
      eligible: true,
      tier: "restricted",
      leadSeconds: 0,
      content: ["summary"],
    });
    for (const [e, rule] of [
      [suspended, "suspended"],
      [expired, "attestation"],
      [unsigned, "nda"],
    ] as const) {
      expect(e?.eligible).toBe(false);
      expect(e?.reasons.map((r) => r.rule)).toContain(rule);
    }
    expect((await s.partners.eligibilityMany(SYS, [])).size).toBe(0);
  });

  it("the plan preview names the partner a rule caps, with the rule's reason and reference", async () => {
    const capped = ids[3] as string;
    const preview = await s.releases.preview(SYS, advisoryId, {
      publicAt: new Date("2026-03-20T12:00:00Z"),
    });
    const entry = preview.capped.find((c) => c.partnerId === capped);
    const rules = (await s.partners.eligibility(SYS, capped)).reasons.filter(
      (r) => r.effect !== "not_eligible",
    );
    expect(rules.length).toBeGreaterThan(0);
    expect(entry?.reasons).toEqual(
      rules.map((r) => ({ rule: r.rule, effect: r.effect, reference: r.reference, message: r.message })),
    );
    expect(preview.capped.map((c) => c.partnerId)).not.toContain(ids[0]);
  });
});
