// A wave streams its recipients: the engine loads the members of the next 100 partners (one query)
// as it reaches them and delivers in transactions of about 100 recipients on PGlite, 200 on
// PostgreSQL (DELIVERY_BATCH; one written while the
// next is rendered), so what it holds undelivered at any time is bounded by those 100 partners and
// two batches, whatever the size of the wave (the 100,000-recipient wave of `npm run bench -- --wave-100k`
// relies on it). Measured by watching the engine's two seams: members loaded, copies recorded.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedRelease } from "../bench/releases-seed.ts";
import { DELIVERY_BATCH } from "../src/modules/releases/index.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { engines, PASSWORD, testDatabase, testPasswords } from "./harness.ts";

const PARTNERS = 600;
const MEMBERS = 2;
/** Partners whose members the engine reads at once, ahead of reaching them (engine.ts PARTNERS_AHEAD). */
const AHEAD = 100;

describe.each(engines)("a wave streams its recipients on %s", (engine: DbKind) => {
  /** The engine's delivery transaction size on this database: whole partners, so up to one partner more. */
  const BATCH = DELIVERY_BATCH[engine];
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let s: Services;
  const clock = fixedClock("2026-03-01T12:00:00Z");

  beforeAll(async () => {
    db = await testDatabase(engine);
    const masterKey = randomBytes(32);
    s = makeServices({ database: db, clock, masterKey, passwords: testPasswords, sessionHours: 12 });
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("never holds more than 100 partners ahead and two batches of recipients it has not delivered", {
    timeout: 240_000,
  }, async () => {
    const masterKey = randomBytes(32);
    const seeded = await seedRelease(
      s,
      { db: db.db, sealer: makeSealer(masterKey), ids: makeIds(clock), clock },
      { partners: PARTNERS, members: MEMBERS, leadTime: "PT1H", webhookUrl: null, password: PASSWORD },
    );
    const plan = await s.releases.createPlan(seeded.coordinator.actor, seeded.advisoryId, {
      publicAt: new Date(clock.now().getTime() + 2 * 3600_000),
    });
    await s.releases.approve(seeded.approver.actor, seeded.advisoryId);
    await s.releases.arm(seeded.coordinator.actor, seeded.advisoryId);
    const wave = plan.waves[0];
    if (!wave) throw new Error("no wave");

    // The seams: members loaded for the partners ahead, and the copies each delivery batch records.
    let loaded = 0;
    let memberQueries = 0;
    let delivered = 0;
    let mostUndelivered = 0;
    const batches: number[] = [];
    const membersOf = s.partners.membersOf;
    s.partners.membersOf = (async (...args: Parameters<typeof membersOf>) => {
      const members = await membersOf(...args);
      memberQueries++;
      loaded += args[1].length + [...members.values()].reduce((n, m) => n + m.length, 0);
      return members;
    }) as typeof membersOf;
    const appendMany = s.audit.appendMany;
    s.audit.appendMany = (async (...args: Parameters<typeof appendMany>) => {
      const copies = args[1].filter((e) => e.type === "release.delivered").length;
      if (copies) {
        mostUndelivered = Math.max(mostUndelivered, loaded - delivered);
        batches.push(copies);
      }
      const r = await appendMany(...args);
      delivered += copies;
      return r;
    }) as typeof appendMany;
    try {
      clock.set(new Date(wave.at));
      expect(await s.releases.fireWave(wave.id)).toMatchObject({ status: "fired" });
    } finally {
      s.partners.membersOf = membersOf;
      s.audit.appendMany = appendMany;
    }

    expect(seeded.recipients).toBe(PARTNERS * (1 + MEMBERS));
    expect(delivered).toBe(seeded.recipients);
    expect(loaded).toBe(seeded.recipients);
    // Several transactions, none above a batch and one partner, and never more undelivered at once.
    expect(batches.length).toBeGreaterThanOrEqual(Math.floor(seeded.recipients / (BATCH + 1 + MEMBERS)));
    for (const b of batches) expect(b).toBeLessThanOrEqual(BATCH + MEMBERS);
    // The partners ahead, the batch being written and the next one rendered meanwhile.
    expect(mostUndelivered).toBeLessThanOrEqual(AHEAD * (1 + MEMBERS) + 2 * (BATCH + MEMBERS));
    expect(mostUndelivered).toBeLessThan(seeded.recipients / 2);
    // Members are read 100 partners at a time: one query per 100, not one per partner.
    expect(memberQueries).toBe(Math.ceil(PARTNERS / AHEAD));
  });
});
