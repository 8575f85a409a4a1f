// The shape every `forewarn` sub-command has, and the small argument helpers they share.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ApiError, type Client, makeClient } from "../contract/client.ts";

export type CliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Reads all of standard input (for passwords and piped evidence). */
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
};

export type Command = {
  name: string;
  summary: string;
  /** Full help text, printed for `forewarn NAME --help`. */
  help: string;
  run: (argv: string[], io: CliIo) => Promise<number>;
};

export class UsageError extends Error {}

/** One sub-command of a command (`forewarn NAME SUB …`), given the arguments after SUB. */
export type SubCommand = (argv: string[], io: CliIo) => Promise<number>;

/**
 * A command made of sub-commands: refuses a missing or unknown SUB, prints the command's help for
 * `--help` after it, and otherwise runs SUB with the arguments that follow it.
 */
export function withSubCommands(command: Omit<Command, "run">, subs: Record<string, SubCommand>): Command {
  const names = Object.keys(subs);
  const choices = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
  return {
    ...command,
    async run(argv, io) {
      const [sub, ...rest] = argv;
      if (!sub) throw new UsageError(`missing sub-command (${choices})`);
      const run = Object.hasOwn(subs, sub) ? subs[sub] : undefined;
      if (!run) throw new UsageError(`unknown sub-command "${sub}"`);
      if (printedHelp(rest, io, command.help)) return 0;
      return run(rest, io);
    },
  };
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with strict checking, turning its errors into a UsageError the CLI prints with the help. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Options several commands share: the data folder, a server to call instead, and JSON output. */
export const DATA_FLAG = { data: { type: "string" } } as const;
export const REMOTE_FLAGS = { url: { type: "string" }, token: { type: "string" } } as const;
export const JSON_FLAG = { json: { type: "boolean" } } as const;

export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** Prints `help` when the arguments ask for it (`--help`, `-h`); the command then returns 0. */
export function printedHelp(argv: string[], io: Pick<CliIo, "out">, help: string): boolean {
  if (!wantsHelp(argv)) return false;
  io.out(help);
  return true;
}

/** The API client of `--url URL`, authenticated by `--token` or FOREWARN_TOKEN (neither: a UsageError). */
export function remoteApi(url: string, token: string | undefined, io: Pick<CliIo, "env">): Client {
  const bearer = token ?? io.env.FOREWARN_TOKEN;
  if (!bearer)
    throw new UsageError("--url needs --token or FOREWARN_TOKEN (an API token from your account page)");
  return makeClient({ baseUrl: url, headers: () => ({ authorization: `Bearer ${bearer}` }) });
}

/** The line a failed call prints: the server's status and message, or the error's own message. */
export function failureLine(e: unknown): string {
  return e instanceof ApiError && e.status > 0 ? `${e.status}: ${e.message}` : (e as Error).message;
}

/** With `--json`, prints the value as indented JSON and returns true: the command prints nothing else. */
export function printedJson(json: unknown, value: unknown, io: Pick<CliIo, "out">): boolean {
  if (!json) return false;
  io.out(JSON.stringify(value, null, 2));
  return true;
}

export const processIo = (): CliIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    if (process.stdin.isTTY) return "";
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
  env: process.env,
});
