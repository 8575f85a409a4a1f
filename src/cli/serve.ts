import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { buildApp, DEFAULT_WEB_DIST } from "../app.ts";
import { defaultPublicUrl } from "../config.ts";
import { jobDefinitions } from "../jobs.ts";
import { type CanaryDnsServer, startCanaryDns } from "../modules/canaries/index.ts";
import { webhookUrlProblem } from "../modules/partners/index.ts";
import { makeJobHealth } from "../platform/jobs/health.ts";
import { startJobs } from "../platform/jobs/jobs.ts";
import { holdDataDir } from "../platform/local-control.ts";
import { openRuntime } from "../runtime.ts";
import { VERSION } from "../version.ts";
import { type Command, DATA_FLAG, parseFlags, UsageError } from "./command.ts";
import { cliConfig, TASKS } from "./tasks.ts";
import { databaseLabel, describeDatabase, printableDatabaseUrl, writeServerRecord } from "./where.ts";

const help = `usage: forewarn serve [--host 127.0.0.1] [--port 8080] [--data DIR]

Starts the HTTP server (API, web UI, jobs). Without DATABASE_URL it runs the embedded PostgreSQL
(PGlite) with its data in DIR; with DATABASE_URL=postgres://... it uses that server. Migrations are
applied at start. It records in DIR/server.json which database it uses (PostgreSQL without the
password), so \`forewarn admin create\` beside it finds or names the right one. Links use
FOREWARN_PUBLIC_URL, by default the address it listens on. Several servers may share one
DATABASE_URL; each needs the same FOREWARN_MASTER_KEY (a server whose key does not match the
database's refuses to start). Stop with Ctrl-C.

options:
  --host HOST   address to listen on (default 127.0.0.1, or FOREWARN_HOST)
  --port PORT   port (default 8080, or FOREWARN_PORT; 0 picks a free port)
  --data DIR    data folder (default ./.forewarn, or FOREWARN_DATA_DIR)

With FOREWARN_CANARY_DNS (e.g. 0.0.0.0:53), FOREWARN_CANARY_DOMAIN and FOREWARN_CANARY_ANSWER set,
it also runs the canary DNS server (UDP and TCP), authoritative for that domain.`;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the server (API, web UI, jobs)",
  help,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      host: { type: "string" },
      port: { type: "string" },
      ...DATA_FLAG,
    });
    const config = cliConfig(
      {
        ...io,
        env: {
          ...io.env,
          ...(values.host ? { FOREWARN_HOST: values.host } : {}),
          ...(values.port ? { FOREWARN_PORT: values.port } : {}),
        },
      },
      values.data,
    );
    if (values.port && !/^\d+$/.test(values.port))
      throw new UsageError(`--port must be a number, not "${values.port}"`);
    // Listen first: with port 0 (or a default public URL) the links the services write must name
    // the address actually served. Requests wait for the app with 503 during the start.
    let route: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
    const http = createServer((req, res) => {
      if (route) route(req, res);
      else res.writeHead(503, { "retry-after": "1" }).end("starting");
    });
    http.keepAliveTimeout = 72_000;
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(config.FOREWARN_PORT, config.FOREWARN_HOST, () => {
        http.off("error", reject);
        resolve();
      });
    });
    const bound = http.address() as AddressInfo;
    const address = `http://${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}`;
    const publicUrl = config.FOREWARN_PUBLIC_URL ?? defaultPublicUrl(config.FOREWARN_HOST, bound.port);
    if (!config.FOREWARN_PUBLIC_URL && config.FOREWARN_TRUST_PROXY)
      io.err(
        `warning: FOREWARN_TRUST_PROXY is set but FOREWARN_PUBLIC_URL is not: links in mail, feeds and advisories will point at ${publicUrl}, not at the proxy; set FOREWARN_PUBLIC_URL to the address users reach`,
      );
    if (config.FOREWARN_CANARY_DNS && !(config.FOREWARN_CANARY_DOMAIN && config.FOREWARN_CANARY_ANSWER)) {
      http.close();
      throw new UsageError(
        "FOREWARN_CANARY_DNS needs FOREWARN_CANARY_DOMAIN (the zone it answers for) and FOREWARN_CANARY_ANSWER (the addresses it answers with)",
      );
    }
    if (!config.FOREWARN_CANARY_WEBHOOK_URL !== !config.FOREWARN_CANARY_WEBHOOK_SECRET) {
      http.close();
      throw new UsageError(
        "FOREWARN_CANARY_WEBHOOK_URL and FOREWARN_CANARY_WEBHOOK_SECRET go together: set both or neither",
      );
    }
    // The SIEM endpoint passes the checks a partner's webhook does (https, no credentials, a public host).
    const hookProblem = config.FOREWARN_CANARY_WEBHOOK_URL
      ? webhookUrlProblem(config.FOREWARN_CANARY_WEBHOOK_URL, config.FOREWARN_WEBHOOKS_ALLOW_PRIVATE)
      : null;
    if (hookProblem) {
      http.close();
      throw new UsageError(`FOREWARN_CANARY_WEBHOOK_URL ${hookProblem}`);
    }
    if (config.DATABASE_URL && !config.FOREWARN_MASTER_KEY)
      io.err(
        `note: DATABASE_URL is set and FOREWARN_MASTER_KEY is not, so this server uses the master key in ${join(config.FOREWARN_DATA_DIR, "master.key")} (created if missing). Every server on one database needs the same master key: give each of them FOREWARN_MASTER_KEY with that file's content, or a server will refuse to start (see docs/deployment.md).`,
      );
    const database = describeDatabase(config);
    const where = databaseLabel(database);
    // A failed start must not leave the socket open (the process would hang instead of exiting).
    let rt: Awaited<ReturnType<typeof openRuntime>> | undefined;
    try {
      rt = await openRuntime(config, { publicUrl });
    } catch (e) {
      http.close();
      throw e;
    }
    const running = rt;
    const control = config.DATABASE_URL
      ? null
      : await holdDataDir(config.FOREWARN_DATA_DIR, async (command, args) => {
          const out: string[] = [];
          const err: string[] = [];
          const task = TASKS[command];
          if (!task) return { exitCode: 2, out, err: [`unknown command ${command}`] };
          try {
            const exitCode = await task({ ...running, where }, args, {
              out: (l) => out.push(l),
              err: (l) => err.push(l),
            });
            return { exitCode, out, err };
          } catch (e) {
            return { exitCode: 1, out, err: [(e as Error).message] };
          }
        }).catch(async (e) => {
          http.close();
          await running.close();
          throw e;
        });
    writeServerRecord(config.FOREWARN_DATA_DIR, {
      pid: process.pid,
      version: VERSION,
      startedAt: new Date().toISOString(),
      publicUrl,
      database,
    });
    const jobHealth = makeJobHealth();
    const app = await buildApp({
      jobHealth,
      services: rt.services,
      database: rt.database.kind,
      version: VERSION,
      logLevel: config.FOREWARN_LOG_LEVEL,
      trustProxy: config.FOREWARN_TRUST_PROXY,
      reportRateLimit: config.FOREWARN_REPORT_RATE_LIMIT,
      webDist: DEFAULT_WEB_DIST,
    });
    const jobs = await startJobs(rt.database, jobDefinitions(rt.services), {
      onError: (e) => app.log.error({ err: e }, "job queue error"),
      health: jobHealth,
    });
    rt.services.jobQueue.connect(jobs.queue);
    let dns: CanaryDnsServer | null = null;
    if (config.FOREWARN_CANARY_DNS && config.FOREWARN_CANARY_DOMAIN && config.FOREWARN_CANARY_ANSWER) {
      const canaries = rt.services.canaries;
      try {
        dns = await startCanaryDns({
          listen: config.FOREWARN_CANARY_DNS,
          zone: { domain: config.FOREWARN_CANARY_DOMAIN, answers: config.FOREWARN_CANARY_ANSWER },
          lookup: (q) => canaries.dnsLookup(q),
          onError: (e) => app.log.warn({ err: e }, "canary DNS error"),
        });
      } catch (e) {
        http.close();
        await app.close();
        await jobs.stop();
        await control?.release();
        await running.close();
        throw new Error(
          `canary DNS server could not listen on ${config.FOREWARN_CANARY_DNS}: ${(e as Error).message}`,
        );
      }
    }
    await app.ready();
    route = app.routing;
    io.out(`forewarn ${VERSION} listening on ${address} (database: ${where}; public URL: ${publicUrl})`);
    if (dns)
      io.out(
        `canary DNS for ${config.FOREWARN_CANARY_DOMAIN} on ${dns.host.includes(":") ? `[${dns.host}]` : dns.host}:${dns.port} (UDP and TCP)`,
      );
    if ((await rt.services.accounts.countAdmins()) === 0) {
      const target = config.DATABASE_URL
        ? `DATABASE_URL='${printableDatabaseUrl(config.DATABASE_URL)}' `
        : "";
      io.out(
        `No administrator yet. Create two (works while the server runs): roles that read embargoed content or grant roles take two people, so a second administrator confirms what the first grants:\n  ${target}FOREWARN_PASSWORD='<at least 12 characters>' npx forewarn admin create --email you@example.org --data ${config.FOREWARN_DATA_DIR}`,
      );
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    io.out("stopping…");
    route = null;
    await dns?.close();
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    await app.close();
    await jobs.stop();
    await control?.release();
    await rt.close();
    return 0;
  },
};
