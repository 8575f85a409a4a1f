// The local half of `forewarn investigate`: opens an investigation, adds each evidence file and reads
// the findings, on the runtime (the CLI's own, or inside the server holding the data folder).
import { systemActor } from "../authz/authorize.ts";
import { type CliIo, failureLine } from "./command.ts";
import type { Task } from "./tasks.ts";

type TaskIo = Pick<CliIo, "out" | "err">;

export type InvestigateArgs = {
  title: string;
  advisoryId?: string;
  observedAt?: string;
  files: { name: string; base64: string }[];
  json: boolean;
};

export type FindingsSummary = {
  verdict: string;
  advisoryIds: string[];
  observedPoints: number;
  recipientCount: number;
  accused: {
    recipientId: string;
    kind: string;
    partnerName: string;
    score: number;
    threshold: number;
    bound: number;
  }[];
  warnings: string[];
};

/** The findings as text lines. */
export function renderFindings(id: string, f: FindingsSummary, out: (l: string) => void) {
  out(`investigation ${id}`);
  out(`verdict: ${f.verdict}${f.advisoryIds.length ? ` (advisory ${f.advisoryIds.join(", ")})` : ""}`);
  out(`${f.observedPoints} points observed; ${f.recipientCount} delivered recipients scored`);
  for (const a of f.accused)
    out(
      `accused: ${a.recipientId} (${a.kind} of ${a.partnerName}) score ${a.score.toFixed(2)} ≥ threshold ${a.threshold.toFixed(2)}, bound ${a.bound.toExponential(1)}`,
    );
  for (const w of f.warnings) out(`warning: ${w}`);
}

/** The three calls an investigation from the command line makes: on the services, or through the API. */
export type InvestigationCalls = {
  open(): Promise<string>;
  addFile(id: string, file: InvestigateArgs["files"][number]): Promise<void>;
  findings(id: string): Promise<FindingsSummary>;
};

/** Opens the investigation, adds each file (progress on standard error) and prints the findings. */
export async function investigate(args: InvestigateArgs, calls: InvestigationCalls, io: TaskIo) {
  try {
    const id = await calls.open();
    let n = 0;
    for (const file of args.files) {
      n++;
      io.err(`adding ${file.name} (${n}/${args.files.length})`);
      await calls.addFile(id, file);
    }
    io.err("reading the evidence against every delivered recipient");
    const findings = await calls.findings(id);
    if (args.json) io.out(JSON.stringify({ id, findings }, null, 2));
    else renderFindings(id, findings, io.out);
    return 0;
  } catch (e) {
    io.err(failureLine(e));
    return 1;
  }
}

export const INVESTIGATE_TASKS: Record<string, Task> = {
  async investigate(rt, raw, io) {
    const args = raw as unknown as InvestigateArgs;
    const actor = systemActor("cli");
    const f = rt.services.forensics;
    return investigate(
      args,
      {
        open: async () =>
          (
            await f.open(actor, {
              title: args.title,
              advisoryId: args.advisoryId,
              observedAt: args.observedAt ? new Date(args.observedAt) : undefined,
            })
          ).id,
        addFile: async (id, file) => {
          await f.addEvidence(actor, id, async () => ({
            kind: "file",
            filename: file.name,
            bytes: Buffer.from(file.base64, "base64"),
          }));
        },
        findings: async (id) => (await f.get(actor, id)).findings,
      },
      io,
    );
  },
};
