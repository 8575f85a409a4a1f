// Crash test: a real `forewarn serve` process is killed (SIGKILL) in the middle of a wave of 1,250
// deliveries (250 partners, each the partner itself and 4 members), then started again on the same
// database. The restarted server finishes the wave: every recipient has exactly one copy (no
// duplicate, no gap), none dated before the wave, one audit entry per copy, and one webhook message
// per partner's delivery, each received by the sink with a valid Standard Webhooks signature.
// PostgreSQL when TEST_DATABASE_URL is set (a fresh database), the embedded PGlite otherwise.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedRelease } from "../bench/releases-seed.ts";
import { systemClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import { type Database, openDatabase } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { loadMasterKey, makeServices } from "../src/runtime.ts";
import { ApiSession } from "./e2e/harness.ts";
import { createPgDatabase, PASSWORD, TEST_PG_URL, testPasswords } from "./harness.ts";
import {
  expectWaveExactlyOnce,
  loopbackCertificate,
  type ServeProcess,
  type SinkHit,
  serve,
  until,
  webhookSink,
} from "./servers.ts";

const PARTNERS = 250;
const MEMBERS = 4;
const RECIPIENTS = PARTNERS * (1 + MEMBERS);
/**
 * Killed from the sink's handler when this many webhooks arrived: the server starts sending them as
 * each batch of copies commits, so at least this many partners (5 copies each) have theirs by then,
 * while later batches are still to come.
 */
const KILL_AT_HIT = 1;
const engine = TEST_PG_URL ? "postgresql" : "pglite";

describe(`a server killed mid-wave on ${engine}`, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fw-crash-"));
  const hits: SinkHit[] = [];
  let sink: Awaited<ReturnType<typeof webhookSink>> | undefined;
  let child: ChildProcess | undefined;
  let current: ServeProcess | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  let database: Database | undefined;
  let onKillPoint: (() => void) | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await database?.close();
    await dropDb?.();
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `forewarn serve` on the data folder (and PostgreSQL when given); resolves once it listens. */
  async function startServer(dbUrl: string | undefined, certFile: string): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.FOREWARN_MASTER_KEY;
    if (dbUrl) env.DATABASE_URL = dbUrl;
    else delete env.DATABASE_URL;
    const started = await serve({
      dataDir,
      env,
      certFile,
      timeoutMs: 30_000,
      onSpawn: (s) => {
        child = s.proc;
        current = s;
      },
    });
    return started.url;
  }

  async function stop(signal: "SIGKILL" | "SIGTERM") {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  it("restarted after SIGKILL, finishes the wave: each recipient once, none early, one webhook each", async () => {
    // The webhook sink: HTTPS on loopback with a certificate made for this run.
    const tls = loopbackCertificate(dataDir);
    const certFile = tls.certFile;
    sink = await webhookSink(tls, {
      onHit: (hit) => {
        hits.push(hit);
        if (hits.length === KILL_AT_HIT) onKillPoint?.();
      },
    });
    const sinkUrl = sink.url;

    // Set-up in this process, before the server starts: partners in bulk, staff and the advisory.
    let dbUrl: string | undefined;
    if (TEST_PG_URL) {
      const created = await createPgDatabase();
      dropDb = created.drop;
      dbUrl = created.url;
    }
    const masterKey = loadMasterKey({ FOREWARN_DATA_DIR: dataDir, FOREWARN_MASTER_KEY: undefined });
    database = await openDatabase(dbUrl ? { url: dbUrl, onIdleError: () => {} } : { dataDir });
    await database.migrate();
    const s = makeServices({
      database,
      clock: systemClock,
      masterKey,
      passwords: testPasswords,
      sessionHours: 12,
      allowPrivateWebhooks: true,
    });
    const seeded = await seedRelease(
      s,
      { db: database.db, sealer: makeSealer(masterKey), ids: makeIds(systemClock), clock: systemClock },
      { partners: PARTNERS, members: MEMBERS, leadTime: "PT1H", webhookUrl: sinkUrl, password: PASSWORD },
    );
    expect(seeded.recipientIds).toHaveLength(RECIPIENTS);
    if (!dbUrl) {
      // The embedded database belongs to the server process from now on.
      await database.close();
      database = undefined;
    }

    // Plan, approve and arm through the API of the running server: the wave fifteen seconds ahead
    // (planning and arming take seconds on a loaded machine).
    const base = await startServer(dbUrl, certFile);
    const c1 = new ApiSession(base);
    const c2 = new ApiSession(base);
    await c1.login(seeded.coordinator.email, PASSWORD);
    await c2.login(seeded.approver.email, PASSWORD);
    const planUrl = `/api/advisories/${seeded.advisoryId}/release-plan`;
    const waveAt = Math.ceil((Date.now() + 15_000) / 1000) * 1000;
    const planned = await c1.request<{ waves: { id: string; at: string; partnerIds: string[] }[] }>(
      "POST",
      planUrl,
      { publicAt: new Date(waveAt + 3600_000).toISOString() },
    );
    expect(planned.status, JSON.stringify(planned.body)).toBe(201);
    expect(planned.body.waves.map((w) => [new Date(w.at).getTime(), w.partnerIds.length])).toEqual([
      [waveAt, PARTNERS],
    ]);
    const waveId = planned.body.waves[0]?.id as string;
    expect((await c2.request("POST", `${planUrl}/approve`)).status).toBe(200);
    expect((await c1.request("POST", `${planUrl}/arm`)).status).toBe(200);
    expect(Date.now()).toBeLessThan(waveAt);

    type Status = {
      waves: { firedAt: string | null; portal: { copies: number }; webhooks: { succeeded: number } }[];
    };

    // Mid-wave: the process dies without any chance to clean up.
    const proc = child as ChildProcess;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    let killedAt = 0;
    const killed = new Promise<void>((resolve) => {
      onKillPoint = () => {
        proc.kill("SIGKILL");
        killedAt = Date.now();
        resolve();
      };
    });
    await until("the first webhooks of the wave", 30_000, async () => killedAt > 0);
    await killed;
    await exited;

    // Started again on the same database: it catches up at once and completes the wave.
    const restartedAt = Date.now();
    const base2 = await startServer(dbUrl, certFile);
    const again = new ApiSession(base2);
    await again.login(seeded.coordinator.email, PASSWORD);
    let last: unknown = null;
    const done = await until("the wave and its webhooks after the restart", 45_000, async () => {
      const r = await again.request<Status>("GET", `${planUrl}/status`);
      const w = r.body.waves[0];
      last = w;
      return w?.firedAt && w.webhooks.succeeded === PARTNERS ? w : null;
    }).catch((e: Error) => {
      throw new Error(
        `${e.message}; last status ${JSON.stringify(last)}; server said:\n${current?.output.slice(-3000)}`,
      );
    });
    expect(done.portal.copies).toBe(RECIPIENTS);
    await stop("SIGTERM");

    // What is stored, read directly from the database.
    if (!database) database = await openDatabase({ dataDir });
    const rows = await expectWaveExactlyOnce(
      database.db,
      { waveId, at: waveAt, advisoryId: seeded.advisoryId },
      seeded,
      hits,
    );
    // The kill really came mid-wave: the first process made some copies, the second the rest.
    const byFirst = rows.filter((r) => r.deliveredAt.getTime() <= killedAt).length;
    const bySecond = rows.filter((r) => r.deliveredAt.getTime() >= restartedAt).length;
    expect(byFirst).toBeGreaterThanOrEqual(KILL_AT_HIT * (1 + MEMBERS));
    expect(bySecond).toBeGreaterThan(0);
    expect(byFirst + bySecond).toBe(RECIPIENTS);
    console.info(`crash test: ${byFirst} copies before the kill, ${bySecond} after the restart`);

    // The audit chain survived the kill intact.
    const verified = await makeServices({
      database,
      clock: systemClock,
      masterKey,
      passwords: testPasswords,
      sessionHours: 12,
    }).audit.verifyChain();
    expect(verified.ok, JSON.stringify(verified.broken)).toBe(true);
  }, 120_000);
});
