// Read benchmark: a partner's tool fetching its copy of an advisory over HTTP, 64 connections at once
// (autocannon), every read audited, next to a Fastify hello-world on the same machine in the same run;
// and the audit append itself, 64 appenders at once, one transaction each vs group commit.
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import { and, eq, sql } from "drizzle-orm";
import Fastify from "fastify";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import { systemActor, type UserActor } from "../src/authz/authorize.ts";
import { loadConfig } from "../src/config.ts";
import { makePasswordHasher } from "../src/modules/accounts/passwords.ts";
import { users } from "../src/modules/accounts/schema.ts";
import { systemClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { makeServices } from "../src/runtime.ts";
import { database } from "./releases.ts";
import { seedRelease } from "./releases-seed.ts";

/**
 * Kept because the page is regenerated: the same benchmark earlier on 2026-11-29 on two other machines
 * of the same kind, whose speed differed a lot from this run's (see each hello-world).
 */
const OTHER_MACHINES = `Earlier the same day on two other machines of this kind (2 cores; compare each run with its own
hello-world, not across machines):

- Intel Xeon, with autocannon sharing the server's thread and the audit entries inserted by a
  multi-row insert and a separate head update: PostgreSQL 2,142 copy reads/s, p99 62 ms (hello-world
  27,112 req/s); PGlite 467 reads/s, p99 416 ms (hello-world 29,624 req/s); audit appends through
  group commit 11,257/s on PostgreSQL, 10,676/s on PGlite.
- A much slower AMD EPYC, same code as this run: PostgreSQL 869 copy reads/s, p99 133 ms
  (hello-world 13,090 req/s, p99 14 ms); PGlite 156 reads/s, p99 778 ms (hello-world 12,730 req/s);
  audit appends through group commit 7,659/s on PostgreSQL, 6,338/s on PGlite.`;

const CONNECTIONS = 64;
const SECONDS = 10;

type Load = { perSecond: number; p99: number; ok: number; errors: number };

/** autocannon in one worker thread: the server keeps the main thread to itself. */
async function load(url: string, headers: Record<string, string> = {}): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers, workers: 1 });
  return {
    perSecond: r.requests.average,
    p99: r.latency.p99,
    ok: r["2xx"],
    errors: r.non2xx + r.errors + r.timeouts,
  };
}

async function helloWorld(): Promise<Load> {
  const app = Fastify({ logger: false });
  app.get("/", async () => ({ hello: "world" }));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    return await load(url);
  } finally {
    await app.close();
  }
}

type Figures = { engine: DbKind; hello: Load; reads: Load; audited: number; perTx: number; grouped: number };

async function runOne(engine: DbKind, pgUrl: string | undefined): Promise<Figures> {
  const { d, drop } = await database(engine, pgUrl);
  try {
    const masterKey = randomBytes(32);
    const s = makeServices({
      database: d,
      clock: systemClock,
      masterKey,
      passwords: makePasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      sessionHours: 12,
    });
    const seeded = await seedRelease(
      s,
      { db: d.db, sealer: makeSealer(masterKey), ids: makeIds(systemClock), clock: systemClock },
      {
        partners: 10,
        members: 1,
        leadTime: "PT1H",
        webhookUrl: null,
        password: "correct horse battery staple",
      },
    );
    // A wave two seconds ahead, fired directly (no job queue here).
    const waveAt = Math.ceil((Date.now() + 2000) / 1000) * 1000;
    const plan = await s.releases.createPlan(seeded.coordinator.actor, seeded.advisoryId, {
      publicAt: new Date(waveAt + 3600_000),
    });
    await s.releases.approve(seeded.approver.actor, seeded.advisoryId);
    await s.releases.arm(seeded.coordinator.actor, seeded.advisoryId);
    await new Promise((r) => setTimeout(r, Math.max(0, waveAt - Date.now() + 50)));
    await s.releases.fireWave(plan.waves[0]?.id as string);

    // A partner admin's API token, as a partner's tool would use.
    const [member] = await d.db
      .select()
      .from(users)
      .where(and(eq(users.organisationId, seeded.partnerIds[0] as string), eq(users.role, "partner_admin")));
    if (!member) throw new Error("benchmark: no partner admin seeded");
    const { token } = await s.accounts.createToken(
      {
        kind: "user",
        userId: member.id as UserActor["userId"],
        email: member.email,
        role: "partner_admin",
        organisationId: member.organisationId as UserActor["organisationId"],
        via: "session",
      },
      { name: "bench" },
    );
    const app = await buildApp({ services: s, database: d.kind, version: "bench", logLevel: "silent" });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const hello = await helloWorld();
    let reads: Load;
    try {
      reads = await load(`${base}/api/partner/advisories/${seeded.advisoryId}`, {
        authorization: `Bearer ${token}`,
      });
    } finally {
      await app.close();
    }
    const [row] = await d.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(eq(auditLog.type, "release.copy_read"));

    // The audit append alone: 64 appenders, each append its own transaction, then group commit.
    const appendRate = async (append: (i: number) => Promise<unknown>) => {
      let n = 0;
      const end = performance.now() + 3000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (performance.now() < end) await append(n++);
        }),
      );
      return (n * 1000) / (performance.now() - t0);
    };
    const actor = systemActor("bench");
    const event = (i: number) => ({ type: "token.revoked" as const, actor, data: { tokenId: `t${i}` } });
    const perTx = await appendRate((i) => d.db.transaction((tx) => s.audit.record(tx, event(i))));
    const grouped = await appendRate((i) => s.audit.record(d.db, event(i)));
    const verified = await s.audit.verifyChain();
    if (!verified.ok) throw new Error(`benchmark: the audit chain broke: ${JSON.stringify(verified.broken)}`);
    return { engine, hello, reads, audited: row?.n ?? 0, perTx, grouped };
  } finally {
    await d.close();
    await drop();
  }
}

/** Runs the read benchmark on PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL. */
export async function readBenchmark(): Promise<string> {
  const pgUrl = loadConfig().TEST_DATABASE_URL;
  const engines: DbKind[] = pgUrl ? ["pglite", "postgresql"] : ["pglite"];
  const figures: Figures[] = [];
  for (const engine of engines) figures.push(await runOne(engine, pgUrl));
  const rows = figures.flatMap((f) => [
    `| ${f.engine}: partner copy reads, ${CONNECTIONS} connections, ${SECONDS} s | Fastify hello-world: ${f.hello.perSecond.toFixed(0)} req/s, p99 ${f.hello.p99} ms | ${f.reads.perSecond.toFixed(0)} req/s, p99 ${f.reads.p99} ms | ${(f.reads.perSecond / f.hello.perSecond).toFixed(3)}×; ${f.reads.ok.toLocaleString("en")} reads answered 200, ${f.reads.errors} errors; ${f.audited.toLocaleString("en")} release.copy_read audit entries |`,
    `| ${f.engine}: audit appends, ${CONNECTIONS} at once, 3 s | one transaction each: ${f.perTx.toFixed(0)} appends/s | group commit: ${f.grouped.toFixed(0)} appends/s | ${(f.grouped / f.perTx).toFixed(1)}×; chain verified after both |`,
  ]);
  return `## Reads and the audit append

A partner admin's API token fetching the partner's copy of an advisory (\`GET
/api/partner/advisories/:id\`) with autocannon, ${CONNECTIONS} connections for ${SECONDS} s, against the
app on 127.0.0.1 in the same process (autocannon in a worker thread of its own, so the load generator
does not share the server's thread); the baseline is a Fastify hello-world measured the same way in
the same run (\`bench/reads.ts\`). Every read is audited: the audit entries are counted after the
run. A read is three round trips: the token's actor, the delivery with the partner's status, the
plan's T0, the identifiers and the latest acknowledgement in one query, and the audit entry through
group commit (ADR 0005), which answers only once the entry is durable. The second row is the audit
append alone: ${CONNECTIONS} concurrent appenders, each append in its own transaction, then through
group commit.

| benchmark | baseline | subject | note |
| --- | --- | --- | --- |
${rows.join("\n")}

${OTHER_MACHINES}
`;
}
