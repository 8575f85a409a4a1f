// Helpers for the tests that run real `forewarn serve` processes against a webhook sink: waiting on
// the real clock (vi.waitFor), a self-signed certificate for loopback, the HTTPS sink, starting a
// server, and checking what a killed wave left in the database.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { expect, vi } from "vitest";
import { auditLog } from "../src/audit/schema.ts";
import { releaseDeliveries, releaseWaves, releaseWebhookMessages } from "../src/modules/releases/schema.ts";
import { standardSecret } from "../src/modules/releases/webhooks.ts";
import type { Db } from "../src/platform/db/client.ts";
import { freePort } from "./e2e/harness.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const NODE = path.join(ROOT, "node_modules/.bin/node");
const MAIN = path.join(ROOT, "src/main.ts");

/**
 * Waits (real time: these tests watch other processes) until `check` gives a value, asking again
 * every `interval` ms; a check that throws counts as "not yet". Fails naming `what` after `ms`.
 */
export async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | null | undefined | false>,
  interval = 100,
): Promise<T> {
  return vi
    .waitFor(
      async () => {
        const v = await check().catch(() => null);
        if (!v) throw new Error(`not yet: ${what}`);
        return v;
      },
      { timeout: ms, interval },
    )
    .catch(() => {
      throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    });
}

/** A self-signed certificate for 127.0.0.1, made for this run in a fresh folder (or `dir`). */
export function loopbackCertificate(dir = mkdtempSync(path.join(tmpdir(), "fw-sink-"))) {
  const keyFile = path.join(dir, "sink-key.pem");
  const certFile = path.join(dir, "sink-cert.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", keyFile, "-out", certFile],
      ...["-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  return { dir, certFile, key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
}

export type SinkHit = { headers: Record<string, string>; body: string };

/**
 * An HTTPS webhook receiver on loopback answering `status()` (204 unless told otherwise); `onRequest`
 * sees each request's client port as it arrives, and what it returns is given to `onHit` with the
 * request once read.
 */
export async function webhookSink<C = undefined>(
  tls: { key: string; cert: string },
  opts: {
    status?: () => number;
    onRequest?: (remotePort: number) => C;
    onHit?: (hit: SinkHit, context: C | undefined) => void;
  } = {},
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (rq, rs) => {
    const context = opts.onRequest?.(rq.socket.remotePort ?? 0);
    const chunks: Buffer[] = [];
    rq.on("data", (c: Buffer) => chunks.push(c));
    rq.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      opts.onHit?.({ headers: rq.headers as Record<string, string>, body }, context);
      rs.statusCode = opts.status?.() ?? 204;
      rs.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    server,
    url: `https://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type ServeProcess = { proc: ChildProcess; url: string; output: string };

/**
 * `forewarn serve` on a free port with the data folder and environment given (the webhook sink's
 * certificate trusted by this process only); resolves once it listens, fails after `timeoutMs`.
 */
export async function serve(opts: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  certFile: string;
  timeoutMs: number;
  onSpawn?: (s: ServeProcess) => void;
}): Promise<ServeProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...opts.env,
    FOREWARN_LOG_LEVEL: "warn",
    FOREWARN_WEBHOOKS_ALLOW_PRIVATE: "true",
    NODE_EXTRA_CA_CERTS: opts.certFile,
  };
  const proc = spawn(
    NODE,
    [MAIN, "serve", "--host", "127.0.0.1", "--port", String(port), "--data", opts.dataDir],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const s: ServeProcess = { proc, url, output: "" };
  opts.onSpawn?.(s);
  const started = new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      s.output += b;
      if (s.output.includes(`listening on ${url}`)) resolve();
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code, signal) => reject(new Error(`serve exited (${code ?? signal}):\n${s.output}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    started,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`serve did not listen in ${opts.timeoutMs / 1000} s:\n${s.output}`)),
        opts.timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return s;
}

/**
 * What a wave interrupted by a kill must have left, read from the database: every recipient exactly
 * once, none before the wave, one audit entry per copy, one webhook message per partner delivery, each
 * received by the sink with a valid signature (a message reaches it twice only if the kill fell between
 * its POST and the record of it, at most the 8 in flight: the same webhook-id, which receivers dedupe).
 * Returns the copies.
 */
export async function expectWaveExactlyOnce(
  db: Db,
  wave: { waveId: string; at: number; advisoryId: string },
  seeded: { recipientIds: string[]; secrets: Map<string, string> },
  hits: SinkHit[],
) {
  const [row] = await db.select().from(releaseWaves).where(eq(releaseWaves.id, wave.waveId));
  expect(row?.at.getTime()).toBe(wave.at);
  const rows = await db.select().from(releaseDeliveries).where(eq(releaseDeliveries.waveId, wave.waveId));
  expect(rows.map((r) => r.recipientId).sort()).toEqual([...seeded.recipientIds].sort());
  expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(seeded.recipientIds.length);
  expect(rows.filter((r) => r.deliveredAt.getTime() < wave.at)).toEqual([]);

  const audited = await db
    .select({ payload: auditLog.payload })
    .from(auditLog)
    .where(and(eq(auditLog.type, "release.delivered"), eq(auditLog.subject, wave.advisoryId)));
  expect(audited.map((a) => (a.payload as { deliveryId: string }).deliveryId).sort()).toEqual(
    rows.map((r) => r.id).sort(),
  );

  const messages = await db
    .select()
    .from(releaseWebhookMessages)
    .where(eq(releaseWebhookMessages.advisoryId, wave.advisoryId));
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
  return rows;
}
