// Several `forewarn serve` processes on one PostgreSQL, as behind a load balancer: three servers on
// random ports with one DATABASE_URL and one FOREWARN_MASTER_KEY. A plan is armed through one of
// them; the server that runs the wave is killed (SIGKILL) when its first webhook arrives. The two
// others finish the wave: every recipient has exactly one copy, none dated before the wave, one audit
// entry per copy, one webhook message per partner's delivery (each received by the 127.0.0.1 sink
// with a valid signature), and the audit chain verifies. PostgreSQL only: the embedded database
// belongs to one process.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
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
import { makeServices } from "../src/runtime.ts";
import { ApiSession, freePort } from "./e2e/harness.ts";
import { createPgDatabase, PASSWORD, TEST_PG_URL, testPasswords } from "./harness.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const NODE = path.join(ROOT, "node_modules/.bin/node");
const MAIN = path.join(ROOT, "src/main.ts");
const SERVERS = 3;
const PARTNERS = 200;
const MEMBERS = 4;
const RECIPIENTS = PARTNERS * (1 + MEMBERS);

type Hit = { headers: Record<string, string>; body: string; pid: number | null };
type Proc = { proc: ChildProcess; url: string; output: string };

async function until<T>(what: string, ms: number, check: () => Promise<T | null | undefined | false>) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The process (among `pids`) owning the local end of a loopback TCP connection from `port` (Linux /proc). */
function pidOfConnection(port: number, pids: number[]): number | null {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[9]) inodes.add(cols[9]);
    }
  }
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m?.[1] && inodes.has(m[1])) return pid;
      } catch {}
    }
  }
  return null;
}

describe.runIf(TEST_PG_URL)(
  `three servers on one PostgreSQL${TEST_PG_URL ? "" : " (skipped: set TEST_DATABASE_URL to a PostgreSQL server to run it)"}`,
  () => {
    const dirs: string[] = [];
    const hits: Hit[] = [];
    const servers: Proc[] = [];
    let sink: Server | undefined;
    let dropDb: (() => Promise<void>) | undefined;
    let database: Database | undefined;
    let onFirstHit: ((pid: number | null) => void) | undefined;

    afterAll(async () => {
      for (const s of servers)
        if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill("SIGKILL");
      await database?.close();
      await dropDb?.();
      if (sink) await new Promise((r) => sink?.close(r));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    async function serve(dbUrl: string, masterKey: string, certFile: string): Promise<Proc> {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const dataDir = mkdtempSync(path.join(tmpdir(), "fw-servers-"));
      dirs.push(dataDir);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: dbUrl,
        FOREWARN_MASTER_KEY: masterKey,
        FOREWARN_LOG_LEVEL: "warn",
        FOREWARN_WEBHOOKS_ALLOW_PRIVATE: "true",
        NODE_EXTRA_CA_CERTS: certFile,
      };
      const proc = spawn(
        NODE,
        [MAIN, "serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDir],
        { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
      );
      const s: Proc = { proc, url, output: "" };
      servers.push(s);
      const started = new Promise<void>((resolve, reject) => {
        const onData = (b: Buffer) => {
          s.output += b;
          if (s.output.includes(`listening on ${url}`)) resolve();
        };
        proc.stdout?.on("data", onData);
        proc.stderr?.on("data", onData);
        proc.once("exit", (code, signal) =>
          reject(new Error(`serve exited (${code ?? signal}):\n${s.output}`)),
        );
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        started,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`serve did not listen in 60 s:\n${s.output}`)), 60_000);
        }),
      ]).finally(() => clearTimeout(timer));
      return s;
    }

    it("deliver one wave exactly once across them when the one running it is killed mid-wave", async () => {
      const certDir = mkdtempSync(path.join(tmpdir(), "fw-servers-sink-"));
      dirs.push(certDir);
      const certFile = path.join(certDir, "cert.pem");
      execFileSync(
        "openssl",
        [
          ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
          ...["-keyout", path.join(certDir, "key.pem"), "-out", certFile],
          ...["-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        ],
        { stdio: "ignore" },
      );
      sink = createServer(
        { key: readFileSync(path.join(certDir, "key.pem")), cert: readFileSync(certFile) },
        (rq, rs) => {
          const pid = hits.length === 0 ? pidOfConnection(rq.socket.remotePort ?? 0, pidsAlive()) : null;
          const chunks: Buffer[] = [];
          rq.on("data", (c: Buffer) => chunks.push(c));
          rq.on("end", () => {
            hits.push({
              headers: rq.headers as Record<string, string>,
              body: Buffer.concat(chunks).toString(),
              pid,
            });
            if (hits.length === 1) onFirstHit?.(pid);
            rs.statusCode = 204;
            rs.end();
          });
        },
      );
      const pidsAlive = () =>
        servers
          .filter((s) => s.proc.exitCode === null && s.proc.signalCode === null)
          .map((s) => s.proc.pid as number);
      await new Promise<void>((r) => sink?.listen(0, "127.0.0.1", () => r()));
      const address = sink.address();
      const sinkUrl = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

      const created = await createPgDatabase();
      dropDb = created.drop;
      const masterKey = randomBytes(32);
      database = await openDatabase({ url: created.url, onIdleError: () => {} });
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

      const key = masterKey.toString("base64");
      for (let i = 0; i < SERVERS; i++) await serve(created.url, key, certFile);
      const [first, second] = servers as [Proc, Proc, Proc];

      // Plan through one server, approve through another, arm through the first: the wave 6 s ahead.
      const c1 = new ApiSession(first.url);
      const c2 = new ApiSession(second.url);
      await c1.login(seeded.coordinator.email, PASSWORD);
      await c2.login(seeded.approver.email, PASSWORD);
      const planUrl = `/api/advisories/${seeded.advisoryId}/release-plan`;
      const waveAt = Math.ceil((Date.now() + 6000) / 1000) * 1000;
      const planned = await c1.request<{ waves: { id: string }[] }>("POST", planUrl, {
        publicAt: new Date(waveAt + 3600_000).toISOString(),
      });
      expect(planned.status, JSON.stringify(planned.body)).toBe(201);
      const waveId = planned.body.waves[0]?.id as string;
      expect((await c2.request("POST", `${planUrl}/approve`)).status).toBe(200);
      expect((await c1.request("POST", `${planUrl}/arm`)).status).toBe(200);
      expect(Date.now()).toBeLessThan(waveAt);

      // The first webhook comes from the server running the wave: that one is killed, mid-wave.
      let killedAt = 0;
      let killedPid: number | null = null;
      const killed = new Promise<void>((resolve) => {
        onFirstHit = (pid) => {
          const victim = servers.find((x) => x.proc.pid === pid);
          killedPid = pid;
          victim?.proc.kill("SIGKILL");
          killedAt = Date.now();
          resolve();
        };
      });
      await until("the first webhook of the wave", 60_000, async () => killedAt > 0);
      await killed;
      expect(killedPid, "the sink names the server that sent the first webhook").not.toBeNull();
      const survivors = servers.filter((x) => x.proc.pid !== killedPid);
      expect(survivors).toHaveLength(SERVERS - 1);

      // The survivors take the wave over (their sweep each minute; the dead server's lock died with it).
      const watch = new ApiSession((survivors[0] as Proc).url);
      await watch.login(seeded.coordinator.email, PASSWORD);
      type Status = {
        waves: { firedAt: string | null; portal: { copies: number }; webhooks: { succeeded: number } }[];
      };
      let last: unknown = null;
      const done = await until("the survivors to finish the wave and its webhooks", 150_000, async () => {
        const r = await watch.request<Status>("GET", `${planUrl}/status`);
        const w = r.body.waves[0];
        last = w;
        return w?.firedAt && w.webhooks.succeeded === PARTNERS ? w : null;
      }).catch((e: Error) => {
        throw new Error(
          `${e.message}; last status ${JSON.stringify(last)}; servers said:\n${survivors.map((x) => x.output.slice(-2000)).join("\n---\n")}`,
        );
      });
      expect(done.portal.copies).toBe(RECIPIENTS);
      for (const x of survivors) x.proc.kill("SIGTERM");

      const db = database.db;
      const [wave] = await db.select().from(releaseWaves).where(eq(releaseWaves.id, waveId));
      expect(wave?.at.getTime()).toBe(waveAt);
      const rows = await db.select().from(releaseDeliveries).where(eq(releaseDeliveries.waveId, waveId));
      // Each recipient exactly once, none early.
      expect(rows.map((r) => r.recipientId).sort()).toEqual([...seeded.recipientIds].sort());
      expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(RECIPIENTS);
      expect(rows.filter((r) => r.deliveredAt.getTime() < waveAt)).toEqual([]);
      // The kill came mid-wave: the killed server made some copies, the survivors the rest.
      const before = rows.filter((r) => r.deliveredAt.getTime() <= killedAt).length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(RECIPIENTS);
      console.info(
        `three servers: ${before} copies before the kill, ${RECIPIENTS - before} by the survivors`,
      );

      const audited = await db
        .select({ payload: auditLog.payload })
        .from(auditLog)
        .where(and(eq(auditLog.type, "release.delivered"), eq(auditLog.subject, seeded.advisoryId)));
      expect(audited.map((a) => (a.payload as { deliveryId: string }).deliveryId).sort()).toEqual(
        rows.map((r) => r.id).sort(),
      );

      // One webhook message per partner delivery, each received with a valid signature. A message is
      // received twice only if the kill fell between its POST and the record of it (the killed
      // server's 8 in flight at most), with the same webhook-id, which receivers dedupe.
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

      // One audit chain, intact after the kill, written by four processes.
      const verified = await s.audit.verifyChain();
      expect(verified.ok, JSON.stringify(verified.broken)).toBe(true);
    }, 300_000);
  },
);
