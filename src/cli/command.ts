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

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with strict checking, turning its errors into a UsageError the CLI prints with the help. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

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
