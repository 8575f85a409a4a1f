import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, testDatabase } from "../../test/harness.ts";
import { systemActor } from "../authz/authorize.ts";
import { fixedClock } from "../platform/clock.ts";
import { makeIds } from "../platform/ids.ts";
import { auditHead, auditLog } from "./schema.ts";
import { GENESIS, makeAudit } from "./service.ts";

describe.each(engines)("audit chain on %s", (engine) => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  let audit: ReturnType<typeof makeAudit>;
  const clock = fixedClock();
  const actor = systemActor("test");

  beforeAll(async () => {
    database = await testDatabase(engine);
    audit = makeAudit({ db: database.db, clock, ids: makeIds(clock) });
  });
  afterAll(() => database.dispose());

  const append = (n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        audit.record(database.db, {
          type: "token.revoked",
          actor,
          subject: `tok_${i}`,
          data: { tokenId: `tok_${i}` },
        }),
      ),
    );

  it("links each entry to the SHA-256 of the previous one over its canonical encoding", async () => {
    await append(3);
    const rows = await database.db.select().from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]?.prevHash).toBe(GENESIS);
    for (const [i, r] of rows.entries()) {
      // Recomputed here by hand, independent of the service's own hashing code.
      const canonical = `{"actorEmail":null,"actorId":"system:test","at":"${r.at.toISOString()}","id":"${r.id}","payload":{"tokenId":"${(r.payload as { tokenId: string }).tokenId}"},"prevHash":"${r.prevHash}","seq":${r.seq},"subject":"${r.subject}","type":"token.revoked"}`;
      expect(r.hash).toBe(createHash("sha256").update(canonical).digest("hex"));
      if (i > 0) expect(r.prevHash).toBe(rows[i - 1]?.hash);
    }
    const v = await audit.verifyChain();
    expect(v).toEqual({ ok: true, entries: 3, head: rows[2]?.hash, broken: null });
  });

  it("keeps one linear chain under concurrent appends", async () => {
    await append(40);
    const v = await audit.verifyChain(7);
    expect(v.ok).toBe(true);
    expect(v.entries).toBe(43);
    const [stats] = await database.db
      .select({ n: sql<number>`count(DISTINCT seq)::int`, max: sql<number>`max(seq)::int` })
      .from(auditLog);
    expect([stats?.n, stats?.max]).toEqual([43, 43]);
  });

  it("rolls the entry back with the transaction that failed", async () => {
    const before = (await audit.verifyChain()).entries;
    await expect(
      database.db.transaction(async (tx) => {
        await audit.record(tx, { type: "token.revoked", actor, data: { tokenId: "x" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await audit.verifyChain()).entries).toBe(before);
  });

  async function freshChain(n: number) {
    await database.db.delete(auditLog);
    await database.db.delete(auditHead);
    for (let i = 0; i < n; i++) {
      await audit.record(database.db, {
        type: "token.revoked",
        actor,
        subject: `tok_${i}`,
        data: { tokenId: `tok_${i}` },
      });
    }
  }

  it("names an entry whose payload was changed", async () => {
    await freshChain(8);
    await database.db.execute(sql`UPDATE audit_log SET payload = '{"tokenId":"forged"}' WHERE seq = 5`);
    const v = await audit.verifyChain(3);
    expect(v.ok).toBe(false);
    expect(v.broken?.seq).toBe(5);
    expect(v.broken?.reason).toMatch(/#5 .*altered/);
    expect(v.entries).toBe(4);
  });

  it("names the entry after one that was altered and re-hashed", async () => {
    await freshChain(6);
    await database.db.execute(sql`UPDATE audit_log SET hash = repeat('a', 64) WHERE seq = 3`);
    const v = await audit.verifyChain();
    // Entry 3's own hash no longer matches its content: it is named first.
    expect(v.broken?.seq).toBe(3);
  });

  it("names the gap a deleted entry leaves", async () => {
    await freshChain(6);
    await database.db.delete(auditLog).where(eq(auditLog.seq, 4));
    const v = await audit.verifyChain();
    expect(v.ok).toBe(false);
    expect(v.broken?.seq).toBe(4);
    expect(v.broken?.reason).toMatch(/#4 is missing/);
  });

  it("detects reordered entries", async () => {
    await freshChain(6);
    await database.db.execute(sql`UPDATE audit_log SET seq = -1 WHERE seq = 3`);
    await database.db.execute(sql`UPDATE audit_log SET seq = 3 WHERE seq = 4`);
    await database.db.execute(sql`UPDATE audit_log SET seq = 4 WHERE seq = -1`);
    const v = await audit.verifyChain();
    expect(v.ok).toBe(false);
    expect(v.broken?.seq).toBe(3);
    expect(v.broken?.reason).toMatch(/does not follow/);
  });

  it("detects entries cut off the end", async () => {
    await freshChain(6);
    await database.db.delete(auditLog).where(eq(auditLog.seq, 6));
    const v = await audit.verifyChain();
    expect(v.ok).toBe(false);
    expect(v.broken?.reason).toMatch(/ends at entry #5 but the head records #6/);
  });
});
