// The `forewarn` command line: one entry, sub-commands in src/cli/.
import { type Command, processIo, UsageError } from "./cli/command.ts";
import { VERSION } from "./version.ts";

const commands: Command[] = [];

export function registerCommands(list: Command[]): void {
  commands.push(...list);
}

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "forewarn — run a vulnerability early-alert programme with traceable copies",
    "",
    "usage: forewarn <command> [options]   (forewarn <command> --help for details)",
    "       forewarn --version             (or -V: prints the version)",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

export async function runCli(argv: string[], io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    io.out(`forewarn ${VERSION}`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`forewarn: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  if (rest[0] === "--help" || rest[0] === "-h") {
    io.out(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`forewarn ${name}: ${e.message}\n\n${cmd.help}`);
      return 2;
    }
    io.err(`forewarn ${name}: ${(e as Error).message}`);
    return 1;
  }
}

/** Runs the CLI with every command registered; the bin shim and `node src/main.ts` both call this. */
export async function main(argv: string[]): Promise<number> {
  // `forewarn ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const { allCommands } = await import("./cli/index.ts");
  if (commands.length === 0) registerCommands(allCommands);
  return runCli(argv);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
