// Appends typed events to a hash chain, lists them, and verifies the chain. Appends take a
// transaction-scoped advisory lock, so any number of server processes on one PostgreSQL extend one
// linear chain: never a fork, never a gap. An append inside the caller's transaction commits with its
// change; a batch (appendMany) takes the lock once for many entries; independent appends share one
// transaction through group commit (docs/adr/0005-audit-batches-and-group-commit.md).
import { and, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { type Actor, actorRef, authorize } from "../authz/authorize.ts";
import type { Clock } from "../platform/clock.ts";
import { sha256Hex } from "../platform/crypto.ts";
import type { Db, DbOrTx, Tx } from "../platform/db/client.ts";
import type { IdGen } from "../platform/ids.ts";
import { canonicalJson } from "./canonical.ts";
import {
  type Checkpoint,
  type CheckpointKeys,
  checkpointKeys,
  checkpointSignatureValid,
  signCheckpoint,
} from "./checkpoint.ts";
import { ALERT_TYPES, AUDIT_TYPES, type AuditEvents, type AuditType } from "./events.ts";
import { auditHead, auditLog } from "./schema.ts";

export const GENESIS = "0".repeat(64);
const APPEND_LOCK = 7_401_902;
/** At most this many independent appends share one group-commit transaction. */
const GROUP_MAX = 500;

export type AuditInput<T extends AuditType> = {
  type: T;
  actor: Actor | null;
  subject?: string | null;
  data: AuditEvents[T];
};

export type AuditEntry = {
  seq: number;
  id: string;
  at: Date;
  type: string;
  actorId: string | null;
  actorEmail: string | null;
  subject: string | null;
  payload: unknown;
  prevHash: string;
  hash: string;
};

/** The hash of an entry: SHA-256 over the canonical JSON of every field but the hash itself. */
export function entryHash(e: Omit<AuditEntry, "hash">): string {
  return sha256Hex(
    canonicalJson({
      seq: e.seq,
      id: e.id,
      at: e.at.toISOString(),
      type: e.type,
      actorId: e.actorId,
      actorEmail: e.actorEmail,
      subject: e.subject,
      payload: e.payload,
      prevHash: e.prevHash,
    }),
  );
}

export type VerifyResult = {
  ok: boolean;
  entries: number;
  head: string;
  broken: { seq: number; id: string | null; reason: string } | null;
};

export type AuditFilter = {
  actor?: string | undefined;
  type?: string | undefined;
  /** Only the alert-worthy types (ALERT_TYPES). */
  alerts?: true | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  before?: number | undefined;
  limit?: number | undefined;
};

type Deps = {
  db: Db;
  clock: Clock;
  ids: IdGen /** Signs checkpoints; derived from the master key. */;
  masterKey?: Buffer;
};

export type CheckpointResult = VerifyResult & {
  /** Null when the chain and the checkpoint agree; otherwise why the checkpoint fails. */
  checkpointProblem: string | null;
};

export function makeAudit(d: Deps) {
  let keys: CheckpointKeys | undefined;
  const signingKeys = () => {
    if (!d.masterKey) throw new Error("audit checkpoints need the master key");
    keys ??= checkpointKeys(d.masterKey);
    return keys;
  };
  const listeners = new Set<(e: AuditEntry) => void>();
  function actorFields(actor: Actor | null) {
    if (!actor) return { actorId: null, actorEmail: null };
    return { actorId: actorRef(actor), actorEmail: actor.kind === "user" ? actor.email : null };
  }

  /** The entry for `input` with the given position; the payload is round-tripped through JSON so the hash covers exactly what jsonb will give back. */
  function buildEntry(input: AuditInput<AuditType>, seq: number, prevHash: string, at: Date): AuditEntry {
    const base = {
      seq,
      id: d.ids("audit"),
      at,
      type: input.type,
      ...actorFields(input.actor),
      subject: input.subject ?? null,
      payload: JSON.parse(JSON.stringify(input.data)) as unknown,
      prevHash,
    };
    return { ...base, hash: entryHash(base) };
  }

  /**
   * Appends `inputs` in order inside `t` (which must be a transaction or savepoint): one advisory
   * lock, one head read, one statement inserting every entry and moving the head. The hashes are
   * chained in memory.
   */
  async function appendLocked(t: Tx, inputs: AuditInput<AuditType>[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    await t.execute(sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
    const [head] = await t.select().from(auditHead).where(eq(auditHead.id, 1));
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS;
    const at = d.clock.now();
    const entries: AuditEntry[] = [];
    for (const input of inputs) {
      const entry = buildEntry(input, ++seq, prev, at);
      entries.push(entry);
      prev = entry.hash;
    }
    // One statement for the entries and the head: the entries as columns of `unnest` (the same ten
    // parameters for one entry or ten thousand, so its text never changes), the head's upsert in the
    // same statement. The payload goes as the JSON text its hash was computed over.
    const col = (values: (string | null)[]) => sql`${sql.param(values)}::text[]`;
    await t.execute(sql`
      with entries as (
        insert into ${auditLog} (seq, id, at, type, actor_id, actor_email, subject, payload, prev_hash, hash)
        select v.seq::bigint, v.id, ${at.toISOString()}::timestamptz, v.type, v.actor_id, v.actor_email,
          v.subject, v.payload::jsonb, v.prev_hash, v.hash
        from unnest(${col(entries.map((e) => String(e.seq)))}, ${col(entries.map((e) => e.id))},
          ${col(entries.map((e) => e.type))}, ${col(entries.map((e) => e.actorId))},
          ${col(entries.map((e) => e.actorEmail))}, ${col(entries.map((e) => e.subject))},
          ${col(entries.map((e) => JSON.stringify(e.payload)))}, ${col(entries.map((e) => e.prevHash))},
          ${col(entries.map((e) => e.hash))})
          as v(seq, id, type, actor_id, actor_email, subject, payload, prev_hash, hash)
      )
      insert into ${auditHead} (id, seq, hash) values (1, ${seq}, ${prev})
      on conflict (id) do update set seq = excluded.seq, hash = excluded.hash`);
    return entries;
  }

  /**
   * Appends many events at once, in order, as one step: inside the caller's transaction when `tx` is
   * one (the entries commit or roll back with it), in a transaction of their own otherwise.
   */
  async function appendMany(tx: DbOrTx, inputs: AuditInput<AuditType>[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    const entries = await tx.transaction((t) => appendLocked(t, inputs));
    for (const e of entries) for (const l of listeners) l(e);
    return entries;
  }

  // Group commit: independent appends (no caller transaction) that arrive while the previous group is
  // being written, or in the same turn of the event loop, share one transaction. Each caller's promise
  // resolves only after that transaction committed, so an entry is durable before its request answers.
  type Pending = {
    input: AuditInput<AuditType>;
    work: ((tx: Tx) => Promise<void>) | undefined;
    resolve: (e: AuditEntry) => void;
    reject: (e: unknown) => void;
  };
  const queue: Pending[] = [];
  let flushing = false;
  let scheduled = false;

  function schedule() {
    if (flushing || scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  }

  async function flush() {
    flushing = true;
    const group = queue.splice(0, GROUP_MAX);
    try {
      await writeGroup(group);
    } finally {
      flushing = false;
      schedule();
    }
  }

  async function writeGroup(group: Pending[]) {
    const failed = new Map<Pending, unknown>();
    let entries: AuditEntry[] = [];
    try {
      entries = await d.db.transaction(async (t) => {
        // Each caller's own change runs in a savepoint: one that fails is left out, with its entry.
        for (const p of group) {
          if (!p.work) continue;
          const work = p.work;
          try {
            await t.transaction((sp) => work(sp));
          } catch (e) {
            failed.set(p, e);
          }
        }
        return appendLocked(
          t,
          group.filter((p) => !failed.has(p)).map((p) => p.input),
        );
      });
    } catch (e) {
      // The shared transaction failed (a bad input, a lost connection, a deadlock): every caller is
      // retried alone, so one cannot take its neighbours down with it.
      if (group.length === 1) {
        group[0]?.reject(e);
        return;
      }
      for (const p of group) await writeGroup([p]);
      return;
    }
    let i = 0;
    for (const p of group) {
      if (failed.has(p)) {
        p.reject(failed.get(p));
        continue;
      }
      const entry = entries[i++] as AuditEntry;
      for (const l of listeners) l(entry);
      p.resolve(entry);
    }
  }

  /**
   * Appends one event through group commit, optionally with the caller's own change (`work`, run in a
   * savepoint of the shared transaction, so the change and its entry commit together or not at all).
   * Resolves with the entry once it is committed.
   */
  function recordGrouped<T extends AuditType>(
    input: AuditInput<T>,
    work?: (tx: Tx) => Promise<void>,
  ): Promise<AuditEntry> {
    return new Promise<AuditEntry>((resolve, reject) => {
      queue.push({ input: input as AuditInput<AuditType>, work, resolve, reject });
      schedule();
    });
  }

  /**
   * Appends one event. With a transaction (`tx` not the service's own database handle) the entry is
   * written inside it, as a savepoint, and commits or rolls back with the change it describes; given
   * the database handle itself, the append is independent and goes through group commit.
   */
  async function record<T extends AuditType>(tx: DbOrTx, input: AuditInput<T>): Promise<AuditEntry> {
    if (tx === d.db) return recordGrouped(input);
    const [entry] = await appendMany(tx, [input as AuditInput<AuditType>]);
    return entry as AuditEntry;
  }

  /**
   * Walks the whole chain in order; names the first entry that breaks it. No authorization: callers
   * check. Servers may append while it runs: it verifies the chain up to the head it read first (an
   * entry and the head move in one transaction), then, in one statement, that no entry lies beyond
   * the head as it is then.
   */
  async function verifyChain(batch = 1000): Promise<VerifyResult> {
    const [head] = await d.db.select().from(auditHead).where(eq(auditHead.id, 1));
    const last = head?.seq ?? Number.MAX_SAFE_INTEGER;
    let expected = 1;
    let prev = GENESIS;
    let count = 0;
    const fail = (seq: number, id: string | null, reason: string): VerifyResult => ({
      ok: false,
      entries: count,
      head: prev,
      broken: { seq, id, reason },
    });
    for (;;) {
      const rows = await d.db
        .select()
        .from(auditLog)
        .where(and(gte(auditLog.seq, expected), lte(auditLog.seq, last)))
        .orderBy(auditLog.seq)
        .limit(batch);
      for (const r of rows) {
        if (r.seq !== expected) {
          return fail(
            expected,
            null,
            `entry #${expected} is missing: the chain jumps from #${expected - 1} to #${r.seq}`,
          );
        }
        if (r.prevHash !== prev) {
          return fail(
            r.seq,
            r.id,
            `entry #${r.seq} (${r.id}) does not follow entry #${r.seq - 1}: its prev_hash does not match (entries removed, inserted or reordered)`,
          );
        }
        if (entryHash(r) !== r.hash) {
          return fail(
            r.seq,
            r.id,
            `entry #${r.seq} (${r.id}, ${r.type}) was altered: its content does not match its hash`,
          );
        }
        prev = r.hash;
        expected++;
        count++;
      }
      if (rows.length < batch) break;
    }
    if (head && (head.seq !== count || head.hash !== prev)) {
      return fail(
        count + 1,
        null,
        `the chain ends at entry #${count} but the head records #${head.seq}: entries were removed from the end`,
      );
    }
    if (!head && count > 0) return fail(count, null, "the chain head record is missing");
    const [now] = await d.db
      .select({
        head: auditHead.seq,
        // Written out: in a one-table select Drizzle leaves column names unqualified.
        beyond: sql<number>`(select count(*) from audit_log l where l.seq > audit_head.seq)`.mapWith(Number),
      })
      .from(auditHead)
      .where(eq(auditHead.id, 1));
    if (now && now.beyond > 0)
      return fail(
        now.head + 1,
        null,
        `${now.beyond} entries lie beyond the head (#${now.head}): written to the log outside the chain`,
      );
    return { ok: true, entries: count, head: prev, broken: null };
  }

  /** The current head signed: what `forewarn audit checkpoint` prints. No authorization: callers check. */
  async function makeCheckpoint(): Promise<Checkpoint> {
    const [head] = await d.db.select().from(auditHead).where(eq(auditHead.id, 1));
    return signCheckpoint(signingKeys(), { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS }, d.clock.now());
  }

  /**
   * Verifies the chain and that it still holds the checkpoint's entry with the checkpoint's hash
   * (and that this instance signed the checkpoint). No authorization: callers check.
   */
  async function verifyAgainst(c: Checkpoint): Promise<CheckpointResult> {
    const result = await verifyChain();
    const problem = async (): Promise<string | null> => {
      if (!checkpointSignatureValid(signingKeys(), c))
        return `the checkpoint of entry #${c.seq} (${c.at}) has a bad signature: it was not made by this instance's key, or was altered`;
      if (c.seq === 0) return null;
      const [row] = await d.db.select().from(auditLog).where(eq(auditLog.seq, c.seq));
      if (!row)
        return `the log no longer contains entry #${c.seq} of the checkpoint made ${c.at}: entries were removed from the end`;
      if (row.hash !== c.hash)
        return `entry #${c.seq} no longer has the hash of the checkpoint made ${c.at}: the log was rewritten`;
      return null;
    };
    return { ...result, checkpointProblem: await problem() };
  }

  return {
    record,
    appendMany,
    recordGrouped,
    verifyChain,
    makeCheckpoint,
    verifyAgainst,

    async checkpoint(actor: Actor): Promise<Checkpoint> {
      authorize(actor, "audit:verify");
      const c = await makeCheckpoint();
      await record(d.db, { type: "audit.checkpointed", actor, data: { seq: c.seq, hash: c.hash } });
      return c;
    },

    /** Calls `listener` with each appended entry (the server logs them); returns the unsubscribe. */
    onAppend(listener: (e: AuditEntry) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async verify(actor: Actor): Promise<VerifyResult> {
      authorize(actor, "audit:verify");
      const result = await verifyChain();
      await record(d.db, {
        type: "audit.verified",
        actor,
        data: { ok: result.ok, entries: result.entries, brokenAt: result.broken?.seq ?? null },
      });
      return result;
    },

    async list(actor: Actor, f: AuditFilter) {
      authorize(actor, "audit:read");
      const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
      const where: SQL[] = [];
      // An auditor may know the person by email rather than by ID.
      if (f.actor)
        where.push(
          or(
            eq(auditLog.actorId, f.actor),
            sql`lower(${auditLog.actorEmail}) = ${f.actor.toLowerCase()}`,
          ) as SQL,
        );
      if (f.type) where.push(eq(auditLog.type, f.type));
      if (f.alerts) where.push(inArray(auditLog.type, [...ALERT_TYPES]));
      if (f.from) where.push(gte(auditLog.at, f.from));
      if (f.to) where.push(lte(auditLog.at, f.to));
      if (f.before) where.push(lt(auditLog.seq, f.before));
      const rows = await d.db
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(desc(auditLog.seq))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const filters: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(f))
        if (v !== undefined) filters[k] = v instanceof Date ? v.toISOString() : v === true ? "true" : v;
      // Reading the audit log is itself recorded (after the read, so the page shows what was there).
      await record(d.db, { type: "audit.viewed", actor, data: { filters } });
      return { entries: page, nextBefore: rows.length > limit ? (page.at(-1)?.seq ?? null) : null };
    },

    types(actor: Actor): readonly string[] {
      authorize(actor, "audit:read");
      return AUDIT_TYPES;
    },
  };
}

export type Audit = ReturnType<typeof makeAudit>;
