// Crash test: a real `forewarn serve` process is killed (SIGKILL) in the middle of a wave of 1,250
// deliveries (250 partners, each the partner itself and 4 members), then started again on the same
// database. The restarted server finishes the wave: every recipient has exactly one copy (no
// duplicate, no gap), none dated before the wave, one audit entry per copy, and one webhook message
// per partner's delivery, each received by the sink with a valid Standard Webhooks signature.
// PostgreSQL when TEST_DATABASE_URL is set (a fresh database), the embedded PGlite otherwise.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { seedRelease } from "../bench/releases-seed.ts";
import { auditLog } from "../src/audit/schema.ts";
import { releaseDeliveries, releaseWaves, releaseWebhookMessages } from "../src/modules/releases/schema.ts";
import { standardSecret } from "../src/modules/releases/webhooks.ts";
import { systemClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import { type Database, openDatabase } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { loadMasterKey, makeServices } from "../src/runtime.ts";
import { ApiSession, freePort } from "./e2e/harness.ts";
import { createPgDatabase, PASSWORD, TEST_PG_URL, testPasswords } from "./harness.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const NODE = path.join(ROOT, "node_modules/.bin/node");
const MAIN = path.join(ROOT, "src/main.ts");
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

type Hit = { headers: Record<string, string>; body: string };

async function until<T>(what: string, ms: number, check: () => Promise<T | null | undefined | false>) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`a server killed mid-wave on ${engine}`, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fw-crash-"));
  const hits: Hit[] = [];
  let sink: Server | undefined;
  let child: ChildProcess | undefined;
  let output = "";
  let dropDb: (() => Promise<void>) | undefined;
  let database: Database | undefined;
  let onKillPoint: (() => void) | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await database?.close();
    await dropDb?.();
    if (sink) await new Promise((r) => sink?.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `forewarn serve` on a free port; resolves once it listens (30 s at most). */
  async function serve(dbUrl: string | undefined, certFile: string): Promise<string> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FOREWARN_LOG_LEVEL: "warn",
      FOREWARN_WEBHOOKS_ALLOW_PRIVATE: "true",
      // The sink's self-signed certificate, trusted by this server process only.
      NODE_EXTRA_CA_CERTS: certFile,
    };
    delete env.FOREWARN_MASTER_KEY;
    if (dbUrl) env.DATABASE_URL = dbUrl;
    else delete env.DATABASE_URL;
    const proc = spawn(
      NODE,
      [MAIN, "serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDir],
      { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    const started = new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        output += b;
        if (output.includes(`listening on ${url}`)) resolve();
      };
      proc.stdout?.on("data", onData);
      proc.stderr?.on("data", onData);
      proc.once("exit", (code, signal) => reject(new Error(`serve exited (${code ?? signal}):\n${output}`)));
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      started,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`serve did not listen in 30 s:\n${output}`)), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    return url;
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
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", path.join(dataDir, "sink-key.pem"), "-out", path.join(dataDir, "sink-cert.pem")],
        ...["-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
    const certFile = path.join(dataDir, "sink-cert.pem");
    sink = createServer(
      { key: readFileSync(path.join(dataDir, "sink-key.pem")), cert: readFileSync(certFile) },
      (rq, rs) => {
        const chunks: Buffer[] = [];
        rq.on("data", (c: Buffer) => chunks.push(c));
        rq.on("end", () => {
          hits.push({
            headers: rq.headers as Record<string, string>,
            body: Buffer.concat(chunks).toString(),
          });
          if (hits.length === KILL_AT_HIT) onKillPoint?.();
          rs.statusCode = 204;
          rs.end();
        });
      },
    );
    await new Promise<void>((r) => sink?.listen(0, "127.0.0.1", () => r()));
    const address = sink.address();
    const sinkUrl = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

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

    // Plan, approve and arm through the API of the running server: the wave five seconds ahead.
    const base = await serve(dbUrl, certFile);
    const c1 = new ApiSession(base);
    const c2 = new ApiSession(base);
    await c1.login(seeded.coordinator.email, PASSWORD);
    await c2.login(seeded.approver.email, PASSWORD);
    const planUrl = `/api/advisories/${seeded.advisoryId}/release-plan`;
    const waveAt = Math.ceil((Date.now() + 5000) / 1000) * 1000;
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
    const base2 = await serve(dbUrl, certFile);
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
        `${e.message}; last status ${JSON.stringify(last)}; server said:\n${output.slice(-3000)}`,
      );
    });
    expect(done.portal.copies).toBe(RECIPIENTS);
    await stop("SIGTERM");

    // What is stored, read directly from the database.
    if (!database) database = await openDatabase({ dataDir });
    const db = database.db;
    const [wave] = await db.select().from(releaseWaves).where(eq(releaseWaves.id, waveId));
    expect(wave?.at.getTime()).toBe(waveAt);
    const rows = await db.select().from(releaseDeliveries).where(eq(releaseDeliveries.waveId, waveId));
    // No gap, no duplicate: exactly the recipients the set-up made, each once.
    expect(rows.map((r) => r.recipientId).sort()).toEqual([...seeded.recipientIds].sort());
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(RECIPIENTS);
    // Never early.
    expect(rows.filter((r) => r.deliveredAt.getTime() < waveAt)).toEqual([]);
    // The kill really came mid-wave: the first process made some copies, the second the rest.
    const byFirst = rows.filter((r) => r.deliveredAt.getTime() <= killedAt).length;
    const bySecond = rows.filter((r) => r.deliveredAt.getTime() >= restartedAt).length;
    expect(byFirst).toBeGreaterThanOrEqual(KILL_AT_HIT * (1 + MEMBERS));
    expect(bySecond).toBeGreaterThan(0);
    expect(byFirst + bySecond).toBe(RECIPIENTS);
    console.info(`crash test: ${byFirst} copies before the kill, ${bySecond} after the restart`);

    // One audit entry per copy.
    const audited = await db
      .select({ payload: auditLog.payload })
      .from(auditLog)
      .where(and(eq(auditLog.type, "release.delivered"), eq(auditLog.subject, seeded.advisoryId)));
    const auditedIds = audited.map((a) => (a.payload as { deliveryId: string }).deliveryId).sort();
    expect(auditedIds).toEqual(rows.map((r) => r.id).sort());

    // One webhook message per partner's delivery (the partner has one endpoint), each received by the
    // sink and verifiable with that partner's secret. A message reaches the sink twice only if the
    // kill fell between its POST and the record of it (at most the 8 in flight): the same webhook-id,
    // which receivers dedupe.
    const messages = await db
      .select()
      .from(releaseWebhookMessages)
      .where(eq(releaseWebhookMessages.advisoryId, seeded.advisoryId));
    const orgDeliveries = rows.filter((r) => r.recipientKind === "organisation").map((r) => r.id);
    expect(messages.map((m) => m.deliveryId).sort()).toEqual(orgDeliveries.sort());
    expect(messages.every((m) => m.status === "succeeded")).toBe(true);
    expect([...new Set(hits.map((h) => h.headers["webhook-id"]))].sort()).toEqual(
      messages.map((m) => m.id).sort(),
    );
    expect(hits.length - messages.length).toBeLessThanOrEqual(8);
    for (const h of hits) {
      const { data } = JSON.parse(h.body) as { data: { partnerId: string } };
      const secret = seeded.secrets.get(data.partnerId) as string;
      expect(() => new Webhook(standardSecret(secret)).verify(h.body, h.headers)).not.toThrow();
    }

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
