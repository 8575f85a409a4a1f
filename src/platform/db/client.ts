// One Drizzle handle over either the embedded PGlite (data in a local folder) or a PostgreSQL server.
// Both run the same SQL migrations from drizzle/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Either the database or an open transaction: services take this so callers can compose them. */
export type DbOrTx = Db | Tx;
export type DbKind = "pglite" | "postgresql";

/**
 * Runs raw SQL and answers its rows, typed by the caller. Both drivers (node-postgres and PGlite)
 * answer `{ rows }`; drizzle types the result as unknown because it depends on the driver.
 */
export async function queryRows<T>(tx: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await tx.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

export type Database = {
  db: Db;
  kind: DbKind;
  /** The PGlite instance (pg-boss runs on it through its adapter), or the PostgreSQL URL. */
  engine: { kind: "pglite"; pglite: PGlite } | { kind: "postgresql"; url: string };
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `fn` unless another process on the same database is running work under the same `key`
   * (PostgreSQL: a session advisory lock on a connection held for the duration, so a process that dies
   * releases it with its connection). The embedded database has one process: `fn` always runs there.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
};

const MIGRATIONS = fileURLToPath(new URL("../../../drizzle", import.meta.url));
// Any constant works; it only has to be the same for every Forewarn process on a server.
const MIGRATION_LOCK = 7_401_901;
/** The first half of the two-part advisory lock of `exclusive` (the second is the key's hash). */
const EXCLUSIVE_LOCK = 7_401_903;

export type OpenOptions = {
  url?: string | undefined;
  dataDir?: string | undefined;
  inMemory?: boolean;
  /** Errors of idle PostgreSQL connections (server restart, admin kill); the pool replaces them. */
  onIdleError?: (e: Error) => void;
};

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.onIdleError);
  let pglite: PGlite;
  if (opts.inMemory) {
    pglite = await PGlite.create();
  } else {
    if (!opts.dataDir) throw new Error("openDatabase needs a url, a dataDir or inMemory");
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    pglite = await PGlite.create(join(opts.dataDir, "pgdata"));
  }
  return pgliteDatabase(pglite);
}

/** The handle over an embedded database already open (the tests open clones of a prepared one). */
export function pgliteDatabase(pglite: PGlite): Database {
  const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    engine: { kind: "pglite", pglite },
    migrate: () => migratePglite(drizzlePglite({ client: pglite, schema }), { migrationsFolder: MIGRATIONS }),
    close: () => pglite.close(),
    exclusive: async (_key, fn) => ({ ran: true, value: await fn() }),
  };
}

async function openPostgres(url: string, onIdleError?: (e: Error) => void): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Without a listener an idle connection dropped by the server (a restart, a terminated backend)
  // would crash the process; the pool simply opens a new one on the next query.
  pool.on("error", (e) => {
    if (onIdleError) onIdleError(e);
    else process.stderr.write(`database connection lost (the pool reconnects): ${e.message}\n`);
  });
  // Surface a wrong URL now, with the server's own words, rather than at the first request.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: "postgresql",
    engine: { kind: "postgresql", url },
    async migrate() {
      // Several servers may start at once on one database: migrate under a session lock on one
      // connection so exactly one of them applies each migration.
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
        await migratePg(drizzlePg({ client, schema }), { migrationsFolder: MIGRATIONS });
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },
    close: () => pool.end(),
    async exclusive(key, fn) {
      const client = await pool.connect();
      let locked = false;
      try {
        const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [
          EXCLUSIVE_LOCK,
          key,
        ]);
        locked = r.rows[0]?.ok === true;
        if (!locked) return { ran: false };
        return { ran: true, value: await fn() };
      } finally {
        // A connection whose unlock failed is closed rather than pooled (closing releases the lock).
        const unlocked = locked
          ? await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [EXCLUSIVE_LOCK, key]).then(
              () => true,
              () => false,
            )
          : true;
        client.release(!unlocked);
      }
    },
  };
}
