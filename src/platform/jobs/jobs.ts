// Durable jobs on pg-boss, on either database: PostgreSQL by URL, PGlite through pg-boss's adapter.
import { fromPglite, PgBoss } from "pg-boss";
import type { Database } from "../db/client.ts";

export type JobDef = {
  name: string;
  /** Cron expression (UTC) for periodic jobs. */
  cron?: string;
  /** Must be idempotent: it may run again after a crash. */
  handler: (data: unknown) => Promise<void>;
};

export type Jobs = {
  send(name: string, data?: object): Promise<string | null>;
  stop(): Promise<void>;
  boss: PgBoss;
};

export async function startJobs(
  database: Database,
  defs: JobDef[],
  opts: { pollingIntervalSeconds?: number; onError?: (e: Error) => void } = {},
): Promise<Jobs> {
  const boss =
    database.engine.kind === "pglite"
      ? new PgBoss({ db: fromPglite(database.engine.pglite), backend: "pglite", schema: "pgboss" })
      : new PgBoss({ connectionString: database.engine.url, schema: "pgboss", max: 4 });
  boss.on("error", (e: Error) => opts.onError?.(e));
  await boss.start();
  for (const def of defs) {
    await boss.createQueue(def.name);
    await boss.work(def.name, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 }, async (jobs) => {
      for (const job of jobs) await def.handler(job.data);
    });
    if (def.cron) await boss.schedule(def.name, def.cron);
  }
  return {
    boss,
    send: (name, data) => boss.send(name, data ?? {}),
    stop: () => boss.stop({ graceful: true, timeout: 5000 }),
  };
}
