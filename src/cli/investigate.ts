// `forewarn investigate`: open an investigation from evidence files and print its findings, against
// a running server (--url with --token or FOREWARN_TOKEN) or the local data folder.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Client } from "../contract/client.ts";
import { idPattern } from "../contract/ids.ts";
import {
  type Command,
  DATA_FLAG,
  JSON_FLAG,
  parseFlags,
  printedHelp,
  REMOTE_FLAGS,
  remoteApi,
  UsageError,
} from "./command.ts";
import { type InvestigateArgs, type InvestigationCalls, investigate } from "./investigate-task.ts";
import { cliConfig, runTask } from "./tasks.ts";

const help = `usage: forewarn investigate --evidence FILE [--evidence FILE]... [options]

Opens an investigation, adds each file as evidence (text, markdown, HTML, PDF, rule files, scripts,
request logs, or a ZIP of these; read together) and prints the findings: the advisory the evidence
comes from, the accused recipients with their bounds, and warnings. Progress goes to standard error.

options:
  --advisory ID     the advisory the leak concerns (adv_...); without it the evidence is matched
                    against every delivered advisory
  --title TEXT      the investigation's title (default: "Evidence from the command line")
  --observed ISO    first exploitation observed (ISO 8601 date-time)
  --json            print { id, findings } as JSON
target (one of):
  --url URL [--token TOKEN]   a running server; the API token may come from FOREWARN_TOKEN
  --data DIR                  the local data folder (default ./.forewarn; DATABASE_URL is honoured)

Exit 0 with findings, 1 when the server refuses (its message is printed), 2 on a usage error.`;

/** The investigation through the API of a running server. */
function remoteCalls(api: Client, args: InvestigateArgs): InvestigationCalls {
  return {
    open: async () =>
      (
        await api.call("openInvestigation", {
          body: {
            title: args.title,
            ...(args.advisoryId ? { advisoryId: args.advisoryId } : {}),
            ...(args.observedAt ? { observedAt: args.observedAt } : {}),
          },
        })
      ).id,
    addFile: async (id, f) => {
      const form = new FormData();
      form.append("file", new Blob([Buffer.from(f.base64, "base64")]), f.name);
      await api.call("addInvestigationEvidence", { params: { id }, body: form });
    },
    findings: async (id) => (await api.call("getInvestigation", { params: { id } })).findings,
  };
}

export const investigateCommand: Command = {
  name: "investigate",
  summary: "open an investigation from evidence files and print whose copy it comes from",
  help,
  async run(argv, io) {
    if (printedHelp(argv, io, help)) return 0;
    const { values } = parseFlags(argv, {
      evidence: { type: "string", multiple: true },
      advisory: { type: "string" },
      title: { type: "string" },
      observed: { type: "string" },
      ...REMOTE_FLAGS,
      ...DATA_FLAG,
      ...JSON_FLAG,
    });
    const paths = values.evidence ?? [];
    if (paths.length === 0) throw new UsageError("give at least one --evidence FILE");
    if (values.advisory && !idPattern("advisory").test(values.advisory))
      throw new UsageError(`"${values.advisory}" is not an advisory ID (adv_...)`);
    if (values.observed && Number.isNaN(Date.parse(values.observed)))
      throw new UsageError(`--observed "${values.observed}" is not an ISO 8601 date-time`);
    const files = paths.map((p) => {
      try {
        return { name: basename(p), base64: readFileSync(p).toString("base64") };
      } catch (e) {
        throw new UsageError(
          `cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    });
    const args: InvestigateArgs = {
      title: values.title?.trim() || "Evidence from the command line",
      ...(values.advisory ? { advisoryId: values.advisory } : {}),
      ...(values.observed ? { observedAt: new Date(values.observed).toISOString() } : {}),
      files,
      json: values.json === true,
    };
    if (values.url) return investigate(args, remoteCalls(remoteApi(values.url, values.token, io), args), io);
    return runTask(
      cliConfig(io, values.data),
      "investigate",
      args as unknown as Record<string, unknown>,
      io,
      {
        existingDatabase: true,
      },
    );
  },
};
