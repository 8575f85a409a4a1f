// Durable jobs on pg-boss, on either database: PostgreSQL by URL, PGlite through pg-boss's adapter.
import { fromPglite, PgBoss } from "pg-boss";
import type { Database } from "../db/client.ts";
import type { JobHealth } from "./health.ts";
import type { Queue } from "./queue.ts";

export type JobDef = {
  name: string;
  /** Cron expression (UTC) for periodic jobs. */
  cron?: string;
  /** Must be idempotent: it may run again after a crash. */
  handler: (data: unknown) => Promise<void>;
  /**
   * High-volume queues (one job per recipient) fetch this many at once and keep fetching while
   * batches come back full, instead of one job per polling interval. Default 1.
   */
  batchSize?: number;
  /** How many jobs of one batch run at the same time. Default 1. */
  concurrency?: number;
};

export type Jobs = {
  send(name: string, data?: object): Promise<string | null>;
  stop(): Promise<void>;
  boss: PgBoss;
  /** The queue services send through (connect it with `jobQueue.connect(jobs.queue)`). */
  queue: Queue;
};

export async function startJobs(
  database: Database,
  defs: JobDef[],
  opts: {
    pollingIntervalSeconds?: number;
    onError?: (e: Error) => void;
    /** Told each job's outcome: repeated identical failures become an alert in GET /api/health. */
    health?: JobHealth;
  } = {},
): Promise<Jobs> {
  const boss =
    database.engine.kind === "pglite"
      ? new PgBoss({ db: fromPglite(database.engine.pglite), backend: "pglite", schema: "pgboss" })
      : new PgBoss({ connectionString: database.engine.url, schema: "pgboss", max: 4 });
  boss.on("error", (e: Error) => opts.onError?.(e));
  await boss.start();
  for (const def of defs) {
    await boss.createQueue(def.name);
    const batchSize = def.batchSize ?? 1;
    const options = {
      pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2,
      batchSize,
      burstWhenBatchFull: batchSize > 1,
      // Each job succeeds or fails on its own: one failure does not send its batch-mates back.
      perJobResults: true,
    } as const;
    await boss.work(def.name, options, async (jobs) =>
      runEach(jobs, def.concurrency ?? 1, async (job) => {
        try {
          await def.handler(job.data);
          opts.health?.record(def.name, { ok: true });
          return { id: job.id, status: "completed" as const };
        } catch (e) {
          opts.health?.record(def.name, { ok: false, error: e as Error });
          opts.onError?.(e as Error);
          return { id: job.id, status: "failed" as const, output: { message: (e as Error).message } };
        }
      }),
    );
    if (def.cron) await boss.schedule(def.name, def.cron);
  }
  return {
    boss,
    send: (name, data) => boss.send(name, data ?? {}),
    stop: () => boss.stop({ graceful: true, timeout: 5000 }),
    queue: {
      send: (name, data, options) => boss.send(name, data, options),
      sendMany: (name, jobs) =>
        jobs.length
          ? boss.insert(
              name,
              jobs.map((j) => ({ ...j.options, data: j.data })),
            )
          : Promise.resolve(null),
    },
  };
}

/** Maps `items` through `fn`, at most `limit` at a time, keeping their order. */
async function runEach<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  });
  await Promise.all(lanes);
  return out;
}
