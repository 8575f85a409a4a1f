// Release benchmark: one wave to 2,000 partners × (the partner + 4 members) = 10,000 recipients, fired
// by its pg-boss job on the real clock as `forewarn serve` runs it, with one webhook endpoint per
// partner on an HTTPS sink on 127.0.0.1. Measured: lateness of the first copy after the wave's time,
// time to the last copy, copies per second, and the same for the webhooks next to the raw rate at
// which this machine POSTs to the same sink (the baseline, measured in the same run).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { jobDefinitions } from "../src/jobs.ts";
import { makePasswordHasher } from "../src/modules/accounts/passwords.ts";
import {
  releaseDeliveries,
  releaseWaves,
  releaseWebhookAttempts,
  releaseWebhookMessages,
} from "../src/modules/releases/schema.ts";
import { httpTransport } from "../src/modules/releases/webhooks.ts";
import { systemClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import { type Database, type DbKind, openDatabase } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { startJobs } from "../src/platform/jobs/jobs.ts";
import { makeServices } from "../src/runtime.ts";
import { seedRelease } from "./releases-seed.ts";

const PARTNERS = 2000;
const MEMBERS = 4;
/**
 * The wave must be done in this time (at least 15 minutes, more for a big wave: 30 recipients a
 * second), and the webhooks this long after it; then the figures say so.
 */
export const LIMIT_MS = 15 * 60_000;
const waveLimitMs = (recipients: number) => Math.max(LIMIT_MS, (recipients / 30) * 1000);
const WEBHOOK_LIMIT_MS = 3 * 60_000;
const PASSWORD = "correct horse battery staple";

type Figures = {
  engine: DbKind;
  fingerprinted: boolean;
  planMs: number;
  baselinePerSecond: number;
  firstLateMs: number;
  lastMs: number;
  perSecond: number;
  webhooksLastMs: number;
  webhooksPerSecond: number;
  /** The sender alone on a backlog of the wave's messages (see `backlog`); null when not measured. */
  backlog: { perSecond: number; lastMs: number; checks: string } | null;
  checks: string;
  /** Memory of this process: before the wave, and the most while it ran (sampled every 100 ms). */
  memory: { rssBefore: number; rssPeak: number; heapBefore: number; heapPeak: number };
};

/**
 * Figures of earlier runs on the same kind of machine, kept here because the page is regenerated:
 * the engine as it was before the bulk eligibility call and batched deliveries.
 */
const BEFORE: Record<string, string> = {
  pglite:
    "planning 6.4 s; first copy 1.3 s after the wave's time, last 48.6 s, 212 copies/s; webhooks one per job poll (2 s): 90 of 2,000 sent 3 min after the wave",
  postgresql:
    "planning 1.6 s; first copy 1.8 s after the wave's time, last 54.0 s, 191 copies/s; webhooks one per job poll (2 s): 90 of 2,000 sent 3 min after the wave",
};

/**
 * Measured alone on 2026-11-29 before members were read 100 partners per query, a batch's copies
 * inserted by one unnest statement (sealed before the transaction, the next batch rendered while
 * one is written) and a batch's mail jobs queued in one insert.
 */
const BEFORE_BULK: Record<string, string> = {
  pglite:
    "planning 5.8 s; first copy 1.4 s after the wave's time, last 171.2 s, 59 copies/s; webhooks: last 193.8 s after the wave's time, 11/s, 4% of the raw rate",
  postgresql:
    "planning 4.7 s; first copy 0.8 s after the wave's time, last 63.3 s, 160 copies/s; webhooks: last 63.9 s after the wave's time, 32/s, 13% of the raw rate",
};

/**
 * The same benchmark measured alone earlier on 2026-11-29 on two other machines of the same kind: an
 * Intel Xeon (same code but the webhook backlog row and the single-statement audit append; a Fastify
 * hello-world answered about 27,000 req/s there in the read benchmark) and a much slower AMD EPYC (same
 * code as now; hello-world about 13,000 req/s).
 */
const OTHER_MACHINES: Record<string, string> = {
  "pglite, Intel Xeon":
    "plain copies last 62.1 s (162 copies/s); fingerprinted copies first 0.4 s after the wave's time, last 64.3 s, 156 copies/s; webhooks 11/s, 2% of a raw rate of 608/s",
  "postgresql, Intel Xeon":
    "plain copies last 9.3 s (1,100 copies/s); fingerprinted copies first 0.2 s after the wave's time, last 9.5 s, 1,080 copies/s; webhooks last 9.8 s after the wave's time, 213/s, 38% of a raw rate of 567/s",
  "pglite, slower AMD EPYC":
    "plain copies last 118.3 s (85 copies/s); fingerprinted copies first 0.8 s after the wave's time, last 116.6 s, 86 copies/s; webhooks during the wave 9/s, 2% of a raw rate of 402/s; sender on a backlog 226/s, 0.56× the raw rate",
  "postgresql, slower AMD EPYC":
    "plain copies last 14.4 s (718 copies/s); fingerprinted copies first 0.5 s after the wave's time, last 17.5 s, 590 copies/s; webhooks during the wave 108/s, 39% of a raw rate of 275/s; sender on a backlog 178/s, 0.65× the raw rate",
};

/**
 * Measured alone on 2026-11-29 (the machine busier than for the table above) before wave jobs were
 * queued early to wait for their time in process, webhook transports shared one TLS context and
 * PostgreSQL took 200 recipients per delivery transaction.
 */
const BEFORE_ON_TIME: Record<string, string> = {
  pglite:
    "planning 1.5 s; first copy 1.8 s after the wave's time, last 143.5 s, 71 copies/s; webhooks: last 269.9 s after the wave's time, 8/s, 2% of a raw rate of 322/s",
  postgresql:
    "planning 0.9 s; first copy 2.2 s after the wave's time, last 25.6 s, 426 copies/s; webhooks: last 26.0 s after the wave's time, 85/s, 39% of a raw rate of 220/s",
};

/** Earlier figures per engine as a markdown list, one line each. */
const bullets = (figures: Record<string, string>) =>
  Object.entries(figures)
    .map(([k, v]) => `- ${k}: ${v}`)
    .join("\n");

function certificate() {
  const dir = mkdtempSync(join(tmpdir(), "fw-bench-sink-"));
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2"],
      ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  const out = {
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
  };
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** An HTTPS sink on loopback answering 204, counting requests and the time of each. */
async function startSink() {
  const { key, cert } = certificate();
  const hits: { at: number; id: string }[] = [];
  const server = createServer({ key, cert, keepAlive: true }, (rq, rs) => {
    rq.resume();
    rq.on("end", () => {
      hits.push({ at: Date.now(), id: String(rq.headers["webhook-id"] ?? "") });
      rs.statusCode = 204;
      rs.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `https://127.0.0.1:${port}/hook`,
    cert,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function until(check: () => Promise<boolean>, what: string, ms = LIMIT_MS) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`benchmark: gave up waiting for ${what} after ${ms / 1000} s`);
}

export async function database(engine: DbKind, pgUrl: string | undefined, onDisk = false) {
  if (engine === "pglite" && onDisk) {
    // On disk, as `forewarn serve` runs it: an in-memory database would put every stored copy into
    // this process's memory and hide what the engine itself holds.
    const dir = mkdtempSync(join(tmpdir(), "fw-bench-db-"));
    const d = await openDatabase({ dataDir: dir });
    await d.migrate();
    return { d, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (engine === "pglite") {
    const d = await openDatabase({ inMemory: true });
    await d.migrate();
    return { d, drop: async () => {} };
  }
  const name = `fw_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl as string);
  url.pathname = `/${name}`;
  const d = await openDatabase({ url: url.toString(), onIdleError: () => {} });
  await d.migrate();
  return {
    d,
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A real-sized advisory (the fixture the tracing benchmark renders), as the seeded advisory's sections. */
function advisorySections() {
  const md = readFileSync("test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md", "utf8");
  const parts = new Map<string, string>();
  for (const chunk of md.split(/^## /m).slice(1)) {
    const nl = chunk.indexOf("\n");
    parts.set(chunk.slice(0, nl).trim(), chunk.slice(nl + 1).trim());
  }
  const get = (k: string) => parts.get(k) ?? "";
  return {
    summary: get("Summary"),
    details: [get("Details"), get("Workarounds"), get("Fixed software")].join("\n\n"),
    detection: get("Indicators of compromise"),
    poc: "```sh\ncurl -H 'X-Forwarded-User: admin' https://gateway/admin\n```",
    indicators: "- 203.0.113.7",
  };
}

/**
 * The webhook sender alone, not paced by a wave: the wave's messages are made unsent again (first
 * attempt pending, made six minutes ago, as a crash would leave them) and the engine's sweep sends them
 * as it would after a restart: the same sender as in a wave (batches of 64 POSTed at once, two batches
 * at a time, each attempt logged), signed per Standard Webhooks. Measured from the sweep's start to the
 * last request the sink received.
 */
async function backlog(
  db: Database,
  sweep: () => Promise<unknown>,
  sink: { hits: { at: number; id: string }[] },
  advisoryId: string,
): Promise<{ perSecond: number; lastMs: number; checks: string }> {
  const mine = eq(releaseWebhookMessages.advisoryId, advisoryId);
  const ids = (
    await db.db.select({ id: releaseWebhookMessages.id }).from(releaseWebhookMessages).where(mine)
  ).map((m) => m.id);
  await db.db.transaction(async (tx) => {
    await tx.delete(releaseWebhookAttempts).where(inArray(releaseWebhookAttempts.messageId, ids));
    await tx
      .update(releaseWebhookMessages)
      .set({
        status: "pending",
        attempts: 0,
        succeededAt: null,
        lastAttemptAt: null,
        lastStatusCode: null,
        lastError: null,
        createdAt: sql`now() - interval '6 minutes'`,
      })
      .where(mine);
  });
  sink.hits.length = 0;
  const t0 = Date.now();
  await sweep();
  await until(
    async () => new Set(sink.hits.map((h) => h.id)).size >= ids.length,
    "the backlog's webhooks",
    WEBHOOK_LIMIT_MS,
  );
  const last = Math.max(...sink.hits.map((h) => h.at));
  const [counts] = await db.db
    .select({
      succeeded: sql<number>`count(*) filter (where ${releaseWebhookMessages.status} = 'succeeded')::int`,
      all: sql<number>`count(*)::int`,
    })
    .from(releaseWebhookMessages)
    .where(mine);
  const extra = sink.hits.length - ids.length;
  return {
    perSecond: (ids.length * 1000) / Math.max(1, last - t0),
    lastMs: last - t0,
    checks:
      counts && counts.succeeded === counts.all
        ? `${ids.length.toLocaleString("en")} webhooks, each logged as succeeded${extra > 0 ? ` (${extra} sent twice with the same webhook-id)` : ""}`
        : `FAILED: ${counts?.succeeded} of ${counts?.all} messages logged as succeeded`,
  };
}

async function runOne(
  engine: DbKind,
  pgUrl: string | undefined,
  partners: number,
  fingerprinted: boolean,
  onDisk = false,
  measureBacklog = false,
): Promise<Figures> {
  const sink = await startSink();
  const transport = httpTransport({ ca: sink.cert });
  const { d, drop } = await database(engine, pgUrl, onDisk);
  let sampler: NodeJS.Timeout | undefined;
  const db: Database = d;
  let stopJobs: (() => Promise<void>) | null = null;
  try {
    // Baseline: the same transport POSTing a webhook-sized body to the same sink, one after another.
    const body = JSON.stringify({ type: "advisory.released", data: { pad: "x".repeat(300) } });
    const n = Math.min(partners, 2000);
    const b0 = performance.now();
    for (let i = 0; i < n; i++) await transport(sink.url, { "webhook-id": `baseline-${i}` }, body);
    const baselinePerSecond = (n * 1000) / (performance.now() - b0);
    sink.hits.length = 0;

    const masterKey = randomBytes(32);
    const s = makeServices({
      database: db,
      clock: systemClock,
      masterKey,
      passwords: makePasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      sessionHours: 12,
      allowPrivateWebhooks: true,
      webhookTransport: transport,
      plainCopiesForBenchmark: !fingerprinted,
    });
    const seeded = await seedRelease(
      s,
      { db: db.db, sealer: makeSealer(masterKey), ids: makeIds(systemClock), clock: systemClock },
      {
        partners,
        members: MEMBERS,
        leadTime: "PT1H",
        webhookUrl: sink.url,
        password: PASSWORD,
        sections: advisorySections(),
      },
    );
    const coordinator = seeded.coordinator.actor;
    // The preview derives the same plan (every partner's eligibility): its time says how far ahead
    // the wave must be so that planning and arming finish before it.
    const p0 = performance.now();
    await s.releases.preview(coordinator, seeded.advisoryId, {
      publicAt: new Date(Date.now() + 2 * 3600_000),
    });
    const planMs = performance.now() - p0;
    const waveAt = Math.ceil((Date.now() + 2 * planMs + 4000) / 1000) * 1000;
    const plan = await s.releases.createPlan(coordinator, seeded.advisoryId, {
      publicAt: new Date(waveAt + 3600_000),
    });
    const jobs = await startJobs(db, jobDefinitions(s), { onError: (e) => console.error("job error", e) });
    stopJobs = () => jobs.stop();
    s.jobQueue.connect(jobs.queue);
    await s.releases.approve(seeded.approver.actor, seeded.advisoryId);
    await s.releases.arm(coordinator, seeded.advisoryId);
    const waveId = plan.waves[0]?.id as string;
    if (Date.now() >= waveAt) throw new Error("benchmark: armed after the wave's time; plan further ahead");
    const before = process.memoryUsage();
    const memory = {
      rssBefore: before.rss,
      rssPeak: before.rss,
      heapBefore: before.heapUsed,
      heapPeak: before.heapUsed,
    };
    sampler = setInterval(() => {
      const m = process.memoryUsage();
      memory.rssPeak = Math.max(memory.rssPeak, m.rss);
      memory.heapPeak = Math.max(memory.heapPeak, m.heapUsed);
    }, 100);

    // Progress every 30 s on stderr: copies delivered so far (a big wave on PGlite takes many minutes).
    let nextProgress = Date.now() + 30_000;
    await until(
      async () => {
        const [w] = await db.db.select().from(releaseWaves).where(eq(releaseWaves.id, waveId));
        if (!w?.firedAt && Date.now() >= nextProgress) {
          nextProgress = Date.now() + 30_000;
          const [c] = await db.db
            .select({ n: sql<number>`count(*)::int` })
            .from(releaseDeliveries)
            .where(eq(releaseDeliveries.waveId, waveId));
          console.error(
            `${engine}: ${(c?.n ?? 0).toLocaleString("en")} of ${seeded.recipients.toLocaleString("en")} copies ${((Date.now() - waveAt) / 1000).toFixed(0)} s after the wave's time`,
          );
        }
        return Boolean(w?.firedAt);
      },
      "the wave",
      waveLimitMs(seeded.recipients),
    );
    const webhooksDone = await until(
      async () => new Set(sink.hits.map((h) => h.id)).size >= partners,
      "the webhooks",
      WEBHOOK_LIMIT_MS,
    ).then(
      () => true,
      () => false,
    );
    clearInterval(sampler);
    const waveHits = [...sink.hits];

    const rows = await db.db
      .select({ at: releaseDeliveries.deliveredAt, recipient: releaseDeliveries.recipientId })
      .from(releaseDeliveries)
      .where(eq(releaseDeliveries.waveId, waveId));
    const times = rows.map((r) => r.at.getTime()).sort((a, b) => a - b);
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    const hitTimes = waveHits.map((h) => h.at).sort((a, b) => a - b);
    const distinct = new Set(rows.map((r) => r.recipient)).size;
    const early = times.filter((t) => t < waveAt).length;
    const problems = [
      rows.length !== seeded.recipients ? `${rows.length} copies for ${seeded.recipients} recipients` : "",
      distinct !== rows.length ? `${rows.length - distinct} duplicates` : "",
      early ? `${early} copies early` : "",
      webhooksDone && new Set(waveHits.map((h) => h.id)).size !== partners
        ? `${new Set(waveHits.map((h) => h.id)).size} webhook IDs for ${partners} events`
        : "",
    ].filter(Boolean);
    const backlogFigures =
      measureBacklog && webhooksDone
        ? await backlog(db, () => s.releases.sweep(), sink, seeded.advisoryId)
        : null;
    return {
      engine,
      fingerprinted,
      planMs,
      baselinePerSecond,
      firstLateMs: first - waveAt,
      lastMs: last - waveAt,
      perSecond: (rows.length * 1000) / Math.max(1, last - first),
      webhooksLastMs: (hitTimes.at(-1) ?? Number.NaN) - waveAt,
      webhooksPerSecond: (hitTimes.length * 1000) / Math.max(1, (hitTimes.at(-1) ?? 0) - (hitTimes[0] ?? 0)),
      memory,
      backlog: backlogFigures,
      checks: problems.length
        ? `FAILED: ${problems.join("; ")}`
        : `${rows.length.toLocaleString("en")} copies, one per recipient, none early; ${
            webhooksDone
              ? `${partners.toLocaleString("en")} webhooks, one each${
                  waveHits.length > partners
                    ? ` (${waveHits.length - partners} sent again with the same webhook-id after a timeout on our side; receivers dedupe by it)`
                    : ""
                }`
              : `only ${new Set(waveHits.map((h) => h.id)).size.toLocaleString("en")} of ${partners.toLocaleString("en")} webhooks (${waveHits.length.toLocaleString("en")} requests, retries included) ${WEBHOOK_LIMIT_MS / 60_000} min after the wave`
          }`,
    };
  } finally {
    clearInterval(sampler);
    await stopJobs?.();
    await db.close();
    await drop();
    await sink.close();
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the release benchmark on PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL. */
export async function releaseBenchmark(partners = PARTNERS): Promise<string> {
  const pgUrl = loadConfig().TEST_DATABASE_URL;
  const engines: DbKind[] = pgUrl ? ["pglite", "postgresql"] : ["pglite"];
  const figures: Figures[] = [];
  // Per engine the same wave twice in one run: plain copies (the baseline), then fingerprinted ones.
  for (const engine of engines)
    for (const fingerprinted of [false, true])
      figures.push(await runOne(engine, pgUrl, partners, fingerprinted, false, fingerprinted));
  const recipients = (partners * (1 + MEMBERS)).toLocaleString("en");
  const rows = figures.flatMap((f) => {
    const plain = figures.find((g) => g.engine === f.engine && !g.fingerprinted);
    if (!f.fingerprinted || !plain) return [];
    const slower = (100 * (f.lastMs - plain.lastMs)) / plain.lastMs;
    return [
      `| ${f.engine}: fingerprinted copies to ${recipients} recipients | plain copies in the same run: first ${secs(plain.firstLateMs)} after the wave's time, last ${secs(plain.lastMs)}; ${plain.perSecond.toFixed(0)} copies/s | first ${secs(f.firstLateMs)} after the wave's time, last ${secs(f.lastMs)}; ${f.perSecond.toFixed(0)} copies/s | ${slower >= 0 ? `${slower.toFixed(0)}% slower` : `${(-slower).toFixed(0)}% faster`} than plain to the last copy; ${f.checks} |`,
      `| ${f.engine}: planning | - | ${secs(f.planMs)} (${partners.toLocaleString("en")} partners' eligibility, members counted, capacity of the advisory) | preview of the plan |`,
      `| ${f.engine}: webhooks (one per partner) | ${f.baselinePerSecond.toFixed(0)} raw POSTs/s to the same sink | last ${secs(f.webhooksLastMs)} after the wave's time; ${f.webhooksPerSecond.toFixed(0)} webhooks/s | ${((100 * f.webhooksPerSecond) / f.baselinePerSecond).toFixed(0)}% of the raw rate; signed and logged, first attempts in batches of 64 (two at a time), sharing the database with the wave |`,
      ...(f.backlog
        ? [
            `| ${f.engine}: webhook sender on a backlog (the wave's ${partners.toLocaleString("en")} messages unsent, sent by the sweep) | ${f.baselinePerSecond.toFixed(0)} raw POSTs/s to the same sink | last ${secs(f.backlog.lastMs)} after the sweep's start; ${f.backlog.perSecond.toFixed(0)} webhooks/s | ${(f.backlog.perSecond / f.baselinePerSecond).toFixed(2)}× the raw rate; ${f.backlog.checks} |`,
          ]
        : []),
    ];
  });
  const before = bullets(BEFORE);
  return `## Release engine

One wave to ${partners.toLocaleString("en")} partners × (the partner + ${MEMBERS} members) = ${recipients}
recipients with one webhook endpoint per partner on an HTTPS sink on 127.0.0.1, fired by its pg-boss
job on the real clock with the server's polling interval (\`bench/releases.ts\`). Each copy is its own
transaction-guarded delivery (idempotency key, sealed copy, audit entry). The advisory is
\`test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md\` as its sections. Per engine the same
wave runs twice in one run: plain copies (the baseline, \`plainCopiesForBenchmark\`), then fingerprinted
copies (each recipient's wording and codeword, sealed with the copy; the tracing key made at
approval). The webhook baseline is the same transport POSTing to the same sink one request at a time.

| benchmark | baseline | subject | note |
| --- | --- | --- | --- |
${rows.join("\n")}

Webhooks go out as their partners are delivered, so they cannot finish before the wave: on PostgreSQL
the last one follows the last copy within a few seconds at most, and their rate is the wave's.
Against the raw rate (one POST after another, which a shared TLS context made faster too) that is
under half; the rate a partner sees is the wave's. On PGlite the engine, the database and the sink
share one thread, and webhooks left when the wave's first-attempt window closes wait for the queue.
The sender's own rate is the backlog row: the wave's messages made unsent again (as a crash leaves
them) and sent by the engine's sweep through the same sender a wave uses, signed and logged, with
nothing else running; that is the rate the webhook path itself reaches against the raw POSTs.

The same benchmark earlier the same day on two other machines of this kind; compare a run with its
own plain-copy baseline, not across machines:

${bullets(OTHER_MACHINES)}

Earlier the same day, before wave jobs waited for their time in process (they started up to 3 s
late), one TLS context per webhook transport and 200-recipient transactions on PostgreSQL:

${bullets(BEFORE_ON_TIME)}

Before that, before reading members 100 partners per query, one unnest insert per batch of
copies (sealed before its transaction, the next batch rendered while one is written) and one insert
for a batch's mail jobs (fingerprinted copies; same benchmark and machine):

${bullets(BEFORE_BULK)}
${before ? `\nBefore the bulk eligibility call, batched deliveries and first webhook attempts at once (same benchmark and machine, run on 2026-11-25):\n\n${before}\n` : ""}`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * One fingerprinted wave of `partners` × (the partner + 4 members) recipients (20,000 partners: the
 * 100,000-recipient wave), on PGlite on disk and, when TEST_DATABASE_URL is set, on PostgreSQL: the
 * time to the last copy and this process's peak memory while the wave ran, next to its memory before
 * the wave. The engine streams the wave (a partner's members are loaded when it is reached, copies
 * are written 100 (PGlite) or 200 (PostgreSQL) recipients per transaction), so the peak should not grow with the wave:
 * compare a smaller run with `--wave-partners=N`.
 */
export async function wave100kBenchmark(partners = 20_000, only?: DbKind): Promise<string> {
  const pgUrl = loadConfig().TEST_DATABASE_URL;
  if (only === "postgresql" && !pgUrl) throw new Error("--wave-engine=postgresql needs TEST_DATABASE_URL");
  const engines: DbKind[] = (pgUrl ? (["pglite", "postgresql"] as const) : (["pglite"] as const)).filter(
    (e) => !only || e === only,
  );
  const recipients = (partners * (1 + MEMBERS)).toLocaleString("en");
  const rows: string[] = [];
  for (const engine of engines) {
    const f = await runOne(engine, pgUrl, partners, true, true);
    rows.push(
      `| ${f.engine}: fingerprinted wave to ${recipients} recipients | memory before the wave: ${mib(f.memory.rssBefore)} resident, ${mib(f.memory.heapBefore)} JS heap | last copy ${secs(f.lastMs)} after the wave's time (first ${secs(f.firstLateMs)}); ${f.perSecond.toFixed(0)} copies/s; peak ${mib(f.memory.rssPeak)} resident, ${mib(f.memory.heapPeak)} JS heap | ${f.checks}; webhooks last ${secs(f.webhooksLastMs)} after the wave's time |`,
    );
  }
  return `## A wave of ${recipients} recipients

One fingerprinted wave to ${partners.toLocaleString("en")} partners × (the partner + ${MEMBERS} members) = ${recipients}
recipients, set up and fired as in the release engine benchmark, on ${engines.map((e) => (e === "pglite" ? "PGlite on disk" : "PostgreSQL")).join(" and ")} (\`bench/releases.ts\`,
\`npm run bench -- --wave-100k\`; \`--wave-partners=N\` for another size, \`--wave-engine=pglite|postgresql\`
for one engine). Memory is this process's (server, engine and load generator together), sampled every
100 ms from arming to the last webhook.

| benchmark | baseline | subject | note |
| --- | --- | --- | --- |
${rows.join("\n")}
`;
}
