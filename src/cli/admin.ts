import { DATA_FLAG, parseFlags, UsageError, withSubCommands } from "./command.ts";
import { cliConfig, runTask } from "./tasks.ts";

const help = `usage: forewarn admin create --email EMAIL [--name NAME] [--data DIR] [--init]

Creates an administrator. The password comes from FOREWARN_PASSWORD or, if unset, from the first
line of standard input (at least 12 characters). Works whether or not the server is running, and
prints which database it wrote to. Without DATABASE_URL it writes to the server running on the data
folder, or to the embedded database already in it; a folder with neither is refused (a server on
PostgreSQL needs DATABASE_URL set here too) unless --init asks for a new embedded database there.

options:
  --email EMAIL   the administrator's email (login name)
  --name NAME     display name (default: the part of the email before @)
  --data DIR      data folder of the embedded database (default ./.forewarn; ignored with DATABASE_URL)
  --init          create a new embedded database in the data folder if it holds none yet`;

export const adminCommand = withSubCommands(
  { name: "admin", summary: "create an administrator account", help },
  {
    async create(argv, io) {
      const { values } = parseFlags(argv, {
        email: { type: "string" },
        name: { type: "string" },
        ...DATA_FLAG,
        init: { type: "boolean" },
      });
      if (!values.email) throw new UsageError("--email is required");
      const config = cliConfig(io, values.data);
      const password = config.FOREWARN_PASSWORD ?? (await io.readStdin()).split(/\r?\n/)[0] ?? "";
      if (!password) throw new UsageError("no password: set FOREWARN_PASSWORD or pipe it on standard input");
      return runTask(config, "admin-create", { email: values.email, name: values.name, password }, io, {
        existingDatabase: true,
        init: values.init ?? false,
      });
    },
  },
);
