import { buildApp, DEFAULT_WEB_DIST } from "../app.ts";
import { jobDefinitions } from "../jobs.ts";
import { startJobs } from "../platform/jobs/jobs.ts";
import { holdDataDir } from "../platform/local-control.ts";
import { openRuntime } from "../runtime.ts";
import { VERSION } from "../version.ts";
import { type Command, parseFlags, UsageError } from "./command.ts";
import { cliConfig, TASKS } from "./tasks.ts";

const help = `usage: forewarn serve [--host 127.0.0.1] [--port 8080] [--data DIR]

Starts the HTTP server (API, web UI, jobs). Without DATABASE_URL it runs the embedded PostgreSQL
(PGlite) with its data in DIR; with DATABASE_URL=postgres://... it uses that server. Migrations are
applied at start. Stop with Ctrl-C.

options:
  --host HOST   address to listen on (default 127.0.0.1, or FOREWARN_HOST)
  --port PORT   port (default 8080, or FOREWARN_PORT; 0 picks a free port)
  --data DIR    data folder (default ./.forewarn, or FOREWARN_DATA_DIR)`;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the server (API, web UI, jobs)",
  help,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      host: { type: "string" },
      port: { type: "string" },
      data: { type: "string" },
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
    const rt = await openRuntime(config);
    const control = config.DATABASE_URL
      ? null
      : await holdDataDir(config.FOREWARN_DATA_DIR, async (command, args) => {
          const out: string[] = [];
          const err: string[] = [];
          const task = TASKS[command];
          if (!task) return { exitCode: 2, out, err: [`unknown command ${command}`] };
          try {
            const exitCode = await task(rt, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
            return { exitCode, out, err };
          } catch (e) {
            return { exitCode: 1, out, err: [(e as Error).message] };
          }
        });
    const app = await buildApp({
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
    });
    rt.services.releases.attachQueue({ send: (name, data, options) => jobs.boss.send(name, data, options) });
    const address = await app.listen({ host: config.FOREWARN_HOST, port: config.FOREWARN_PORT });
    io.out(
      `forewarn ${VERSION} listening on ${address} (database: ${rt.database.kind}${config.DATABASE_URL ? "" : `, data in ${config.FOREWARN_DATA_DIR}`})`,
    );
    if ((await rt.services.accounts.countAdmins()) === 0) {
      io.out(
        `No administrator yet. Create one (works while the server runs):\n  FOREWARN_PASSWORD='<at least 12 characters>' npx forewarn admin create --email you@example.org${config.DATABASE_URL ? "" : ` --data ${config.FOREWARN_DATA_DIR}`}`,
      );
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    io.out("stopping…");
    await app.close();
    await jobs.stop();
    await control?.release();
    await rt.close();
    return 0;
  },
};
