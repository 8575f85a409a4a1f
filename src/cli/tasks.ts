// CLI work that needs the database. It runs on a runtime the CLI opens itself or, while a server
// holds the embedded database's folder, inside that server (see platform/local-control.ts).

import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from "../audit/checkpoint.ts";
import type { VerifyResult } from "../audit/service.ts";
import { systemActor } from "../authz/authorize.ts";
import { type Config, loadConfig } from "../config.ts";
import { runningServer, sendToServer } from "../platform/local-control.ts";
import { openRuntime, type Runtime } from "../runtime.ts";
import type { CliIo } from "./command.ts";
import { INVESTIGATE_TASKS } from "./investigate-task.ts";
import { PARTNER_TASKS } from "./partners-task.ts";
import { checkTarget, databaseLabel, describeDatabase, readServerRecord } from "./where.ts";

type TaskIo = Pick<CliIo, "out" | "err">;
/** A runtime and the words that name its database ("the embedded database at …"). */
export type TaskRuntime = Runtime & { where: string };
export type Task = (rt: TaskRuntime, args: Record<string, unknown>, io: TaskIo) => Promise<number>;

/** What a chain that does not verify prints: why, and the first entry that breaks it; exit 1. */
function printBroken(r: VerifyResult, io: TaskIo): number {
  io.out(`broken: ${r.broken?.reason}`);
  io.out(
    `first broken entry: #${r.broken?.seq}${r.broken?.id ? ` (${r.broken.id})` : ""}; ${r.entries} entries before it verify`,
  );
  return 1;
}

export const TASKS: Record<string, Task> = {
  async "admin-create"(rt, args, io) {
    const email = String(args.email);
    const user = await rt.services.accounts.createUser(systemActor("cli"), {
      email,
      name: String(args.name ?? email.split("@")[0]),
      role: "admin",
      password: String(args.password),
    });
    io.out(`created admin ${user.email} (${user.id}) in ${rt.where}`);
    return 0;
  },

  async "audit-verify"(rt, _args, io) {
    // Read-only on purpose: verifying must not change the log it verifies.
    const r = await rt.services.audit.verifyChain();
    if (r.ok) {
      io.out(`ok: ${r.entries} entries, head ${r.head}`);
      return 0;
    }
    return printBroken(r, io);
  },

  async "audit-checkpoint"(rt, _args, io) {
    // Read-only as well: the checkpoint pins the head as it is.
    const c = await rt.services.audit.makeCheckpoint();
    io.out(encodeCheckpoint(c));
    io.err(`checkpoint of entry #${c.seq}, head ${c.hash}: keep this line outside this instance`);
    return 0;
  },

  async "audit-verify-checkpoint"(rt, args, io) {
    let c: Checkpoint;
    try {
      c = decodeCheckpoint(String(args.checkpoint));
    } catch (e) {
      io.err((e as Error).message);
      return 2;
    }
    const r = await rt.services.audit.verifyAgainst(c);
    if (!r.ok) return printBroken(r, io);
    if (r.checkpointProblem) {
      io.out(`broken: ${r.checkpointProblem}`);
      return 1;
    }
    io.out(`ok: ${r.entries} entries, head ${r.head}; contains checkpoint entry #${c.seq} (${c.at})`);
    return 0;
  },

  async migrate(rt, _args, io) {
    await rt.database.migrate();
    io.out(`migrations applied (${rt.database.kind})`);
    return 0;
  },

  ...PARTNER_TASKS,
  ...INVESTIGATE_TASKS,
};

export function cliConfig(io: CliIo, dataDir: string | undefined): Config {
  return loadConfig({ ...io.env, ...(dataDir ? { FOREWARN_DATA_DIR: dataDir } : {}) });
}

export async function runTask(
  config: Config,
  name: keyof typeof TASKS,
  args: Record<string, unknown>,
  io: TaskIo,
  /** Refuse to create a database: the command must write where the server's data is (see where.ts). */
  opts: { existingDatabase?: boolean; init?: boolean } = {},
) {
  const task = TASKS[name];
  if (!task) throw new Error(`unknown task ${name}`);
  const pid = config.DATABASE_URL ? null : runningServer(config.FOREWARN_DATA_DIR);
  if (opts.existingDatabase) {
    const { warning } = checkTarget(config, { serverRunning: pid !== null, init: opts.init ?? false });
    if (warning) io.err(warning);
  }
  if (!config.DATABASE_URL) {
    if (pid) {
      const r = await sendToServer(config.FOREWARN_DATA_DIR, name, args);
      for (const l of r.out) io.out(l);
      for (const l of r.err) io.err(l);
      return r.exitCode;
    }
  }
  // Links the command writes (mail, invitations) use the address the server last served on.
  const served = config.FOREWARN_PUBLIC_URL
    ? undefined
    : readServerRecord(config.FOREWARN_DATA_DIR)?.publicUrl;
  const rt = await openRuntime(config, served ? { publicUrl: served } : {});
  try {
    return await task({ ...rt, where: databaseLabel(describeDatabase(config)) }, args, io);
  } finally {
    await rt.close();
  }
}
