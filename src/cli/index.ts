// Every sub-command of `forewarn`, in the order `forewarn --help` lists them.
import { adminCommand } from "./admin.ts";
import { advisoriesCommand } from "./advisories.ts";
import { auditCommand } from "./audit.ts";
import { casesCommand } from "./cases.ts";
import type { Command } from "./command.ts";
import { demoCommand } from "./demo.ts";
import { investigateCommand } from "./investigate.ts";
import { migrateCommand } from "./migrate.ts";
import { partnersCommand } from "./partners.ts";
import { serveCommand } from "./serve.ts";
import { traceCommand } from "./trace.ts";

export const allCommands: Command[] = [
  serveCommand,
  adminCommand,
  auditCommand,
  migrateCommand,
  traceCommand,
  partnersCommand,
  casesCommand,
  advisoriesCommand,
  investigateCommand,
  demoCommand,
];
