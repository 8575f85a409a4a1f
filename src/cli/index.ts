// Every sub-command of `forewarn`, in the order `forewarn --help` lists them.
import type { Command } from "./command.ts";

export const allCommands: Command[] = [];
