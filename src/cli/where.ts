// Which database a command works on. `forewarn serve` records in DATA_DIR/server.json which database
// it uses (PostgreSQL only by host, port, name, user and a fingerprint of the URL without its
// password), so that a CLI command run beside it can tell a folder that belongs to a PostgreSQL
// server from a fresh one, and every command can say where it wrote.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config.ts";

export type DatabaseRecord =
  | { kind: "pglite"; path: string }
  | { kind: "postgresql"; host: string; port: string; database: string; user: string; fingerprint: string };

export type ServerRecord = {
  pid: number;
  version: string;
  startedAt: string;
  publicUrl: string;
  database: DatabaseRecord;
};

const recordFile = (dir: string) => join(dir, "server.json");

/** The database a configuration points at, without secrets. */
export function describeDatabase(config: Pick<Config, "DATABASE_URL" | "FOREWARN_DATA_DIR">): DatabaseRecord {
  if (!config.DATABASE_URL) return { kind: "pglite", path: resolve(config.FOREWARN_DATA_DIR, "pgdata") };
  const u = new URL(config.DATABASE_URL);
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres";
  const withoutPassword = new URL(config.DATABASE_URL);
  withoutPassword.password = "";
  return {
    kind: "postgresql",
    host: u.hostname || "localhost",
    port: u.port || "5432",
    database,
    user: decodeURIComponent(u.username),
    fingerprint: createHash("sha256").update(withoutPassword.toString()).digest("hex").slice(0, 16),
  };
}

/** "the embedded database at DIR/pgdata" or "PostgreSQL db NAME on HOST:PORT". */
export function databaseLabel(d: DatabaseRecord): string {
  return d.kind === "pglite"
    ? `the embedded database at ${d.path}`
    : `PostgreSQL db ${d.database} on ${d.host}:${d.port}`;
}

/** DATABASE_URL as it may be printed: the password, if any, replaced by a placeholder. */
export function printableDatabaseUrl(url: string): string {
  const u = new URL(url);
  if (!u.password) return url;
  u.password = "PASSWORD";
  return u.toString().replace(":PASSWORD@", ":<password>@");
}

export function writeServerRecord(dir: string, record: ServerRecord): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(recordFile(dir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

export function readServerRecord(dir: string): ServerRecord | null {
  try {
    return JSON.parse(readFileSync(recordFile(dir), "utf8")) as ServerRecord;
  } catch {
    return null;
  }
}

/**
 * Refuses (with the reason and the way out) when a command would create or write a database other
 * than the server's: no DATABASE_URL, no running server and no embedded database in the folder.
 * `init` allows creating a new embedded database there on purpose.
 */
export function checkTarget(
  config: Pick<Config, "DATABASE_URL" | "FOREWARN_DATA_DIR">,
  opts: { serverRunning: boolean; init: boolean },
): { warning?: string } {
  const dir = config.FOREWARN_DATA_DIR;
  const record = readServerRecord(dir);
  if (config.DATABASE_URL) {
    const mine = describeDatabase(config);
    if (
      record?.database.kind === "postgresql" &&
      mine.kind === "postgresql" &&
      record.database.fingerprint !== mine.fingerprint
    )
      return {
        warning: `warning: the server that last started on ${dir} used ${databaseLabel(record.database)}; DATABASE_URL points at ${databaseLabel(mine)}`,
      };
    return {};
  }
  if (opts.serverRunning || opts.init || existsSync(join(dir, "pgdata"))) return {};
  if (record?.database.kind === "postgresql")
    throw new Error(
      `the server that uses ${dir} runs on ${databaseLabel(record.database)}, not on an embedded database: set DATABASE_URL to that server's URL (as \`forewarn serve\` printed it) and run the command again`,
    );
  throw new Error(
    `no database in ${resolve(dir)}: no server runs on that folder and it holds no embedded database. Point the command at the server's database: --data with the folder \`forewarn serve\` uses, or DATABASE_URL when the server runs on PostgreSQL; or add --init to create a new embedded database there`,
  );
}
