// The `forewarn` command line: one entry, sub-commands in src/cli/.
import { type Command, processIo, UsageError } from "./cli/command.ts";

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

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/src/main.ts");
if (isEntry) {
  const { allCommands } = await import("./cli/index.ts");
  registerCommands(allCommands);
  process.exitCode = await runCli(process.argv.slice(2));
}
