import { type Command, parseFlags, UsageError } from "./command.ts";
import { cliConfig, runTask } from "./tasks.ts";

const help = `usage: forewarn audit verify [--data DIR]

Recomputes the audit log's hash chain from the first entry. Exit 0 printing
"ok: N entries, head <hash>"; exit 1 naming the first entry that breaks the chain (changed, deleted,
inserted or reordered). Read-only. With DATABASE_URL it checks that PostgreSQL database.

options:
  --data DIR   data folder of the embedded database (default ./.forewarn)`;

export const auditCommand: Command = {
  name: "audit",
  summary: "verify the audit log's hash chain",
  help,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== "verify") throw new UsageError(sub ? `unknown sub-command "${sub}"` : "missing sub-command");
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(help);
      return 0;
    }
    const { values } = parseFlags(rest, { data: { type: "string" } });
    return runTask(cliConfig(io, values.data), "audit-verify", {}, io);
  },
};
