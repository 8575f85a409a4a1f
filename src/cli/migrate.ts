import { type Command, DATA_FLAG, parseFlags } from "./command.ts";
import { cliConfig, runTask } from "./tasks.ts";

const help = `usage: forewarn migrate [--data DIR]

Applies the database migrations (the server also applies them at start). Safe to run again, and
from several processes at once on one PostgreSQL.

options:
  --data DIR   data folder of the embedded database (default ./.forewarn; ignored with DATABASE_URL)`;

export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply database migrations",
  help,
  async run(argv, io) {
    const { values } = parseFlags(argv, DATA_FLAG);
    return runTask(cliConfig(io, values.data), "migrate", {}, io);
  },
};
