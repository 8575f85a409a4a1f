import { existsSync, readFileSync } from "node:fs";
import { CHECKPOINT_PREFIX, decodeCheckpoint } from "../audit/checkpoint.ts";
import { DATA_FLAG, parseFlags, UsageError, withSubCommands } from "./command.ts";
import { cliConfig, runTask } from "./tasks.ts";

const help = `usage: forewarn audit verify [--checkpoint FILE|LINE] [--data DIR]
       forewarn audit checkpoint [--data DIR]

verify      Recomputes the audit log's hash chain from the first entry. Exit 0 printing
            "ok: N entries, head <hash>"; exit 1 naming the first entry that breaks the chain
            (changed, deleted, inserted or reordered). Read-only.
            With --checkpoint it also fails (exit 1, naming the entry) when the log no longer
            contains the checkpoint's entry with the checkpoint's hash (entries cut off the end,
            or the log rewritten), or when the checkpoint's signature is not this instance's.
checkpoint  Prints a signed checkpoint of the chain's head, one line starting with ${CHECKPOINT_PREFIX}:
            keep it outside this instance (a ticket, a mail, another system). Signed with an
            Ed25519 key derived from the master key. Read-only.

With DATABASE_URL it works on that PostgreSQL database.

options:
  --checkpoint FILE|LINE  a checkpoint line, or a file holding one
  --data DIR              data folder of the embedded database (default ./.forewarn)`;

export const auditCommand = withSubCommands(
  { name: "audit", summary: "verify the audit log's hash chain; make signed checkpoints of its head", help },
  {
    async verify(argv, io) {
      const { values } = parseFlags(argv, { ...DATA_FLAG, checkpoint: { type: "string" } });
      if (values.checkpoint === undefined) return runTask(cliConfig(io, values.data), "audit-verify", {}, io);
      const arg = values.checkpoint.trim();
      let checkpoint = arg;
      if (!arg.startsWith(CHECKPOINT_PREFIX) && !arg.startsWith("{")) {
        if (!existsSync(arg))
          throw new UsageError(`--checkpoint: no such file, and not a checkpoint line: ${arg.slice(0, 80)}`);
        checkpoint = readFileSync(arg, "utf8");
      }
      try {
        decodeCheckpoint(checkpoint);
      } catch (e) {
        throw new UsageError(`--checkpoint: ${(e as Error).message}`);
      }
      return runTask(cliConfig(io, values.data), "audit-verify-checkpoint", { checkpoint }, io);
    },
    async checkpoint(argv, io) {
      const { values } = parseFlags(argv, DATA_FLAG);
      return runTask(cliConfig(io, values.data), "audit-checkpoint", {}, io);
    },
  },
);
