import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedRelease } from "../bench/releases-seed.ts";
import { systemClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import { type Database, openDatabase } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { makeServices } from "../src/runtime.ts";
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

const SERVERS = 3;
const PARTNERS = 200;
const MEMBERS = 4;
const RECIPIENTS = PARTNERS * (1 + MEMBERS);

type Hit = SinkHit & { pid: number | null };
type Proc = ServeProcess;

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
    let sink: Awaited<ReturnType<typeof webhookSink>> | undefined;
    let dropDb: (() => Promise<void>) | undefined;
    let database: Database | undefined;
    let onFirstHit: ((pid: number | null) => void) | undefined;

    afterAll(async () => {
      for (const s of servers)
        if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill("SIGKILL");
      await database?.close();
      await dropDb?.();
      await sink?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    async function startServer(dbUrl: string, masterKey: string, certFile: string): Promise<Proc> {
      const dataDir = mkdtempSync(path.join(tmpdir(), "fw-servers-"));
      dirs.push(dataDir);
      return serve({
        dataDir,
        env: { ...process.env, DATABASE_URL: dbUrl, FOREWARN_MASTER_KEY: masterKey },
        certFile,
        timeoutMs: 60_000,
        onSpawn: (s) => servers.push(s),
      });
    }

    it("deliver one wave exactly once across them when the one running it is killed mid-wave", async () => {
      const tls = loopbackCertificate();
      dirs.push(tls.dir);
      const certFile = tls.certFile;
      sink = await webhookSink(tls, {
        // The connection of a webhook that arrives first names the process that sent it.
        onRequest: (port) => (hits.length === 0 ? pidOfConnection(port, pidsAlive()) : null),
        onHit: (hit, pid) => {
          hits.push({ ...hit, pid: pid ?? null });
          if (hits.length === 1) onFirstHit?.(pid ?? null);
        },
      });
      const pidsAlive = () =>
        servers
          .filter((s) => s.proc.exitCode === null && s.proc.signalCode === null)
          .map((s) => s.proc.pid as number);
      const sinkUrl = sink.url;

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
      for (let i = 0; i < SERVERS; i++) await startServer(created.url, key, certFile);
      const [first, second] = servers as [Proc, Proc, Proc];

      // Plan through one server, approve through another, arm through the first: the wave 15 s ahead
      // (planning and arming take seconds on a loaded machine).
      const c1 = new ApiSession(first.url);
      const c2 = new ApiSession(second.url);
      await c1.login(seeded.coordinator.email, PASSWORD);
      await c2.login(seeded.approver.email, PASSWORD);
      const planUrl = `/api/advisories/${seeded.advisoryId}/release-plan`;
      const waveAt = Math.ceil((Date.now() + 15_000) / 1000) * 1000;
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

      const rows = await expectWaveExactlyOnce(
        database.db,
        { waveId, at: waveAt, advisoryId: seeded.advisoryId },
        seeded,
        hits,
      );
      // The kill came mid-wave: the killed server made some copies, the survivors the rest.
      const before = rows.filter((r) => r.deliveredAt.getTime() <= killedAt).length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(RECIPIENTS);
      console.info(
        `three servers: ${before} copies before the kill, ${RECIPIENTS - before} by the survivors`,
      );

      // One audit chain, intact after the kill, written by four processes.
      const verified = await s.audit.verifyChain();
      expect(verified.ok, JSON.stringify(verified.broken)).toBe(true);
    }, 300_000);
  },
);
