// Test harness: a fresh database per suite on each engine under test (PGlite always; PostgreSQL too
// when TEST_DATABASE_URL names a server), and an app built on it with a frozen clock.
import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import type { Role } from "../src/authz/actions.ts";
import { systemActor } from "../src/authz/authorize.ts";
import type { CliIo } from "../src/cli/command.ts";
import { loadConfig } from "../src/config.ts";
import { makePasswordHasher } from "../src/modules/accounts/passwords.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { type Database, type DbKind, openDatabase, pgliteDatabase } from "../src/platform/db/client.ts";
import type { JobHealth } from "../src/platform/jobs/health.ts";
import { makeServices, type Services } from "../src/runtime.ts";

const config = loadConfig();
export const TEST_PG_URL = config.TEST_DATABASE_URL;
export const engines: DbKind[] = TEST_PG_URL ? ["pglite", "postgresql"] : ["pglite"];

/** Still argon2id, with parameters light enough for hundreds of logins in a test run. */
export const testPasswords = makePasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
export const PASSWORD = "correct horse battery staple";

/**
 * Creates a database on the test server, empty or a copy of `template` (a database nobody is
 * connected to), and returns its name, its URL and a way to drop it.
 */
export async function createPgDatabase(
  template?: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  if (!TEST_PG_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `fw_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type TestDatabase = Database & {
  dispose(): Promise<void>;
  /**
   * Freezes this database as it is now: it may no longer be used, and each `clone()` is a new
   * database with its content, so every test can start from the same prepared state whatever ran
   * before it.
   */
  snapshot(): Promise<DatabaseSnapshot>;
};
export type DatabaseSnapshot = { clone(): Promise<TestDatabase>; dispose(): Promise<void> };

/**
 * The saved stages of a journey, for a file whose tests build on one another: the first stage ("world")
 * is made from nothing; each later one is made once, when first asked for, by restoring the stage it starts
 * from and taking its steps, then frozen (`freeze` closes what uses the database and snapshots it).
 * Every test then starts from its own clone of a stage (the file's `from`), so it passes alone and in
 * any order. `releases.test.ts` is the example.
 */
export function journey<Step extends string, Stage extends { snapshot: DatabaseSnapshot }>(d: {
  /** Makes the first stage from nothing (on a database it opens). */
  world(): Promise<unknown>;
  steps: Record<Step, { from: Step | "world"; make(): Promise<unknown> }>;
  /** Services over a clone of the stage, with the state it saved (clock, IDs, what was sent). */
  restore(stage: Stage): Promise<void>;
  freeze(): Promise<Stage>;
}) {
  type Name = Step | "world";
  const made = new Map<Name, Promise<Stage>>();
  function stage(name: Name): Promise<Stage> {
    let st = made.get(name);
    if (!st) {
      st = (async () => {
        if (name === "world") await d.world();
        else {
          const step = d.steps[name as Step];
          await d.restore(await stage(step.from));
          await step.make();
        }
        return d.freeze();
      })();
      made.set(name, st);
    }
    return st;
  }
  return {
    stage,
    /** Every stage, in order: made before any test, so a test run alone is not charged for them. */
    async makeAll() {
      await stage("world");
      for (const name of Object.keys(d.steps) as Step[]) await stage(name);
    },
    async dispose() {
      for (const st of made.values()) await (await st).snapshot.dispose();
    },
  };
}

export async function testDatabase(engine: DbKind): Promise<TestDatabase> {
  if (engine === "pglite") {
    const d = await openDatabase({ inMemory: true });
    await d.migrate();
    return pgliteTestDatabase(d);
  }
  const created = await createPgDatabase();
  const d = await openPgTestDatabase(created);
  await d.migrate();
  return d;
}

function pgliteTestDatabase(d: Database): TestDatabase {
  return {
    ...d,
    dispose: () => d.close(),
    async snapshot() {
      if (d.engine.kind !== "pglite") throw new Error("not an embedded database");
      const frozen = d.engine.pglite;
      return {
        // clone() answers an interface; the instance it makes is a PGlite like the one cloned.
        clone: async () => pgliteTestDatabase(pgliteDatabase((await frozen.clone()) as PGlite)),
        dispose: () => d.close(),
      };
    },
  };
}

async function openPgTestDatabase(
  created: Awaited<ReturnType<typeof createPgDatabase>>,
): Promise<TestDatabase> {
  // Dropping the test database at the end terminates its connections: expected, not an error.
  const d = await openDatabase({ url: created.url, onIdleError: () => {} });
  return {
    ...d,
    async dispose() {
      await d.close();
      await created.drop();
    },
    async snapshot() {
      // A template database must have no connections: close ours, keep the database.
      await d.close();
      return {
        clone: async () => openPgTestDatabase(await createPgDatabase(created.name)),
        dispose: () => created.drop(),
      };
    },
  };
}

export type TestApp = {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
  /** Creates a user with the role (partner roles get a fresh partner organisation unless given one). */
  user(
    role: Role,
    opts?: { email?: string; organisationId?: string },
  ): Promise<{ id: string; email: string; organisationId: string }>;
  /** Logs in and returns headers that authenticate (cookie + CSRF) for app.inject. */
  login(email: string, password?: string): Promise<Record<string, string>>;
  /** A Bearer token for the user. */
  bearer(email: string): Promise<Record<string, string>>;
};

let counter = 0;

export async function testApp(
  engine: DbKind,
  opts: {
    loginRateLimit?: number;
    trustProxy?: boolean;
    jobHealth?: JobHealth;
    /** A database to open (a snapshot's clone, say) instead of a fresh one; the app disposes it. */
    database?: TestDatabase;
    /** The key the database's sealed values were made with, when it is not a fresh database. */
    masterKey?: Buffer;
    /** Where the frozen clock stands. */
    now?: Date | string;
  } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await testDatabase(engine));
  const clock = fixedClock(opts.now ?? "2026-03-01T12:00:00Z");
  const services = makeServices({
    database,
    clock,
    masterKey: opts.masterKey ?? randomBytes(32),
    passwords: testPasswords,
    sessionHours: 12,
  });
  const app = await buildApp({
    services,
    database: database.kind,
    version: "test",
    logLevel: "silent",
    loginRateLimit: opts.loginRateLimit ?? 1000,
    trustProxy: opts.trustProxy ?? false,
    ...(opts.jobHealth ? { jobHealth: opts.jobHealth } : {}),
  });
  const t: TestApp = {
    app,
    services,
    database,
    clock,
    async close() {
      await app.close();
      await database.dispose();
    },
    async user(role, o = {}) {
      counter++;
      let organisationId = o.organisationId;
      if (!organisationId && !["admin", "coordinator", "investigator", "auditor"].includes(role)) {
        organisationId = (
          await services.accounts.createOrganisation(systemActor("test"), { name: `Org ${counter}` })
        ).id;
      }
      const u = await services.accounts.createUser(systemActor("test"), {
        email: o.email ?? `${role}.${counter}@example.org`,
        name: `${role} ${counter}`,
        role,
        password: PASSWORD,
        organisationId,
      });
      return { id: u.id, email: u.email, organisationId: u.organisationId };
    },
    async login(email, password = PASSWORD) {
      const res = await app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === "fw_session");
      return { cookie: `fw_session=${cookie?.value}`, "x-csrf-token": res.json().csrfToken };
    },
    async bearer(email) {
      const h = await t.login(email);
      const res = await app.inject({
        method: "POST",
        url: "/api/tokens",
        headers: h,
        payload: { name: "test" },
      });
      return { authorization: `Bearer ${res.json().token}` };
    },
  };
  return t;
}

/** A CLI io that records what a command prints, with a silent server log and the given environment. */
export function fakeIo(env: Record<string, string> = {}, stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: async () => stdin,
    env: { FOREWARN_LOG_LEVEL: "silent", ...env },
  };
  return { io, out, err, text: () => out.join("\n"), errors: () => err.join("\n") };
}
