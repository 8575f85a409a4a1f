import { createHash } from "node:crypto";
import { eq, gte, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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

  /** Empties the chain and records `n` entries one after the other: each test starts from its own. */
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

  it("links each entry to the SHA-256 of the previous one over its canonical encoding", async () => {
    await freshChain(0);
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
    await freshChain(3);
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
    await freshChain(2);
    const before = (await audit.verifyChain()).entries;
    expect(before).toBe(2);
    await expect(
      database.db.transaction(async (tx) => {
        await audit.record(tx, { type: "token.revoked", actor, data: { tokenId: "x" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await audit.verifyChain()).entries).toBe(before);
  });

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

  it("detects entries written beyond the head, outside the chain", async () => {
    await freshChain(3);
    const [last] = await database.db.select().from(auditLog).where(eq(auditLog.seq, 3));
    if (!last) throw new Error("no entry #3");
    await database.db
      .insert(auditLog)
      .values({ ...last, id: "aud_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", seq: 4, prevHash: last.hash });
    const v = await audit.verifyChain();
    expect(v.ok).toBe(false);
    expect(v.broken?.reason).toMatch(/1 entries lie beyond the head \(#3\)/);
  });

  it("verifies up to the head it read while another writer appends", async () => {
    await freshChain(4);
    const appending = Array.from({ length: 40 }, (_, i) =>
      audit.record(database.db, {
        type: "token.revoked",
        actor,
        subject: `tok_x${i}`,
        data: { tokenId: `tok_x${i}` },
      }),
    );
    const [v] = await Promise.all([audit.verifyChain(2), ...appending]);
    expect(v?.ok, JSON.stringify(v?.broken)).toBe(true);
    expect((await audit.verifyChain()).entries).toBe(44);
  });

  it("detects entries cut off the end", async () => {
    await freshChain(6);
    await database.db.delete(auditLog).where(eq(auditLog.seq, 6));
    const v = await audit.verifyChain();
    expect(v.ok).toBe(false);
    expect(v.broken?.reason).toMatch(/ends at entry #5 but the head records #6/);
  });
  it("appends a batch in order under one lock, chained in memory, inside the caller's transaction", async () => {
    await freshChain(2);
    const inputs = Array.from({ length: 2500 }, (_, i) => ({
      type: "token.revoked" as const,
      actor,
      subject: `b_${i}`,
      data: { tokenId: `b_${i}` },
    }));
    // Rolled back with the caller's transaction: none of the 2,500 stays.
    await expect(
      database.db.transaction(async (tx) => {
        await audit.appendMany(tx, inputs);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await audit.verifyChain()).entries).toBe(2);
    const entries = await database.db.transaction((tx) => audit.appendMany(tx, inputs));
    expect(entries.map((e) => e.seq)).toEqual(inputs.map((_, i) => i + 3));
    const rows = await database.db.select().from(auditLog).where(gte(auditLog.seq, 3)).orderBy(auditLog.seq);
    expect(rows.map((r) => r.subject)).toEqual(inputs.map((x) => x.subject));
    const v = await audit.verifyChain(700);
    expect(v).toEqual({ ok: true, entries: 2502, head: entries.at(-1)?.hash, broken: null });
    // The chain continues from the batch's last entry.
    const next = await audit.record(database.db, { type: "token.revoked", actor, data: { tokenId: "n" } });
    expect(next.prevHash).toBe(entries.at(-1)?.hash);
  });

  it("stores text that array literals escape (quotes, backslashes, braces, NULL, newlines) exactly as hashed", async () => {
    await freshChain(0);
    const awkward = [
      'a "quoted", {braced} value',
      "back\\slash\\",
      "NULL",
      "",
      "line\nbreak\ttab",
      "ünï ☃ 𝄞",
    ];
    const user = {
      kind: "user" as const,
      userId: "usr_1" as never,
      email: 'o"brien,{x}@example.org',
      role: "admin" as const,
      organisationId: "org_1" as never,
      via: "session" as const,
    };
    const entries = await database.db.transaction((tx) =>
      audit.appendMany(
        tx,
        awkward.map((text, i) => ({
          type: "token.revoked" as const,
          actor: i % 2 ? user : null,
          subject: i === 3 ? null : text,
          data: { tokenId: text, nested: { list: [text, null, 1.5] } } as never,
        })),
      ),
    );
    const rows = await database.db.select().from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => r.subject)).toEqual(awkward.map((t, i) => (i === 3 ? null : t)));
    expect(rows.map((r) => r.payload)).toEqual(
      awkward.map((t) => ({ tokenId: t, nested: { list: [t, null, 1.5] } })),
    );
    expect(rows.map((r) => r.actorEmail)).toEqual(awkward.map((_, i) => (i % 2 ? user.email : null)));
    expect(rows.map((r) => r.hash)).toEqual(entries.map((e) => e.hash));
    expect(await audit.verifyChain()).toEqual({
      ok: true,
      entries: awkward.length,
      head: entries.at(-1)?.hash,
      broken: null,
    });
  });

  it("group-commits concurrent independent appends: few transactions, each caller gets its own durable entry", async () => {
    await freshChain(1);
    const spy = vi.spyOn(database.db, "transaction");
    try {
      const entries = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          audit.record(database.db, {
            type: "token.revoked",
            actor,
            subject: `g_${i}`,
            data: { tokenId: `g_${i}` },
          }),
        ),
      );
      expect(spy.mock.calls.length).toBeLessThanOrEqual(3);
      // Each caller got the entry describing its own event, and it is in the table.
      expect(entries.map((e) => e.subject)).toEqual(Array.from({ length: 60 }, (_, i) => `g_${i}`));
      const stored = await database.db.select().from(auditLog).where(gte(auditLog.seq, 2));
      expect(new Set(stored.map((r) => r.id))).toEqual(new Set(entries.map((e) => e.id)));
    } finally {
      spy.mockRestore();
    }
    const v = await audit.verifyChain();
    expect([v.ok, v.entries]).toEqual([true, 61]);
  });

  it("in a group, a caller whose change or event fails is refused alone; the others commit", async () => {
    await freshChain(1);
    await database.db.execute(sql`CREATE TABLE IF NOT EXISTS audit_group_probe (k text PRIMARY KEY)`);
    const write = (k: string) => async (tx: Parameters<Parameters<typeof database.db.transaction>[0]>[0]) => {
      await tx.execute(sql`INSERT INTO audit_group_probe VALUES (${k})`);
      if (k === "bad") throw new Error("change refused");
    };
    const results = await Promise.allSettled([
      audit.recordGrouped({ type: "token.revoked", actor, data: { tokenId: "ok1" } }, write("ok1")),
      audit.recordGrouped({ type: "token.revoked", actor, data: { tokenId: "bad" } }, write("bad")),
      // An event that cannot be encoded fails the shared insert: the group is retried one by one.
      audit.record(database.db, { type: "token.revoked", actor, data: { tokenId: 1n } as never }),
      audit.recordGrouped({ type: "token.revoked", actor, data: { tokenId: "ok2" } }, write("ok2")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("change refused");
    const probe = await database.db.execute(sql`SELECT k FROM audit_group_probe ORDER BY k`);
    expect((probe as unknown as { rows: { k: string }[] }).rows.map((r) => r.k)).toEqual(["ok1", "ok2"]);
    const rows = await database.db.select().from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => (r.payload as { tokenId: string }).tokenId)).toEqual(["tok_0", "ok1", "ok2"]);
    expect((await audit.verifyChain()).ok).toBe(true);
  });
});
