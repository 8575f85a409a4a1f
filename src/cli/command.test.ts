import { describe, expect, it } from "vitest";
import { type CliIo, UsageError, withSubCommands } from "./command.ts";

function io() {
  const out: string[] = [];
  const cli: CliIo = { out: (l) => out.push(l), err: () => {}, readStdin: async () => "", env: {} };
  return { cli, out };
}

describe("withSubCommands", () => {
  const ran: string[][] = [];
  const cmd = withSubCommands(
    { name: "things", summary: "things", help: "usage: forewarn things list|show" },
    {
      list: async (argv) => {
        ran.push(["list", ...argv]);
        return 0;
      },
      show: async (argv) => {
        ran.push(["show", ...argv]);
        return 3;
      },
    },
  );

  it("runs the named sub-command with the arguments after it", async () => {
    expect(await cmd.run(["show", "x", "--json"], io().cli)).toBe(3);
    expect(ran.at(-1)).toEqual(["show", "x", "--json"]);
  });

  it("prints the command's help for --help after a sub-command, without running it", async () => {
    const { cli, out } = io();
    const before = ran.length;
    expect(await cmd.run(["list", "--help"], cli)).toBe(0);
    expect(out).toEqual(["usage: forewarn things list|show"]);
    expect(ran.length).toBe(before);
  });

  it("refuses a missing or unknown sub-command, naming the choices", async () => {
    await expect(cmd.run([], io().cli)).rejects.toThrow(new UsageError("missing sub-command (list or show)"));
    await expect(cmd.run(["frob"], io().cli)).rejects.toThrow('unknown sub-command "frob"');
    await expect(cmd.run(["toString"], io().cli)).rejects.toThrow('unknown sub-command "toString"');
  });
});
