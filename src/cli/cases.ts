// `forewarn cases list|show`: the case list with deadlines, and one case with its timeline.

import { systemActor } from "../authz/authorize.ts";
import { PHASES, type Phase } from "../contract/enums.ts";
import { idPattern } from "../contract/ids.ts";
import { everyPage } from "../platform/db/page.ts";
import { DATA_FLAG, JSON_FLAG, parseFlags, printedJson, UsageError, withSubCommands } from "./command.ts";
import { cliConfig, runTask, TASKS } from "./tasks.ts";

const help = `usage: forewarn cases list [--phase PHASE] [--status open|near|overdue] [--json] [--data DIR]
       forewarn cases show CASE_ID [--json] [--data DIR]

list   cases, overdue and near-deadline first: ID, phase, days to the remediation deadline, title.
show   one case: phase, reporter, scoring, CVE, deadline and its timeline. Reading a case is audited.

options:
  --phase PHASE   only cases in this phase (${PHASES.join(", ")})
  --status S      open (not finished), near (deadline within 14 days) or overdue
  --json          print JSON instead of text
  --data DIR      data folder of the embedded database (default ./.forewarn; ignored with DATABASE_URL)`;

const day = (d: string | Date) => new Date(d).toISOString().slice(0, 10);

Object.assign(TASKS, {
  async "cases-list"(rt, args, io) {
    const list = await everyPage((p) =>
      rt.services.cases.list(systemActor("cli"), {
        ...p,
        phase: args.phase as Phase | undefined,
        status: args.status as "open" | "near" | "overdue" | undefined,
      }),
    );
    if (printedJson(args.json, list, io)) return 0;
    if (list.length === 0) {
      io.out("no cases");
      return 0;
    }
    for (const c of list) {
      const due =
        c.deadline.status === "finished"
          ? "done"
          : c.deadline.status === "overdue"
            ? `OVERDUE ${-c.deadline.daysLeft}d`
            : `${c.deadline.daysLeft}d left`;
      io.out(`${c.id}  ${c.phase.padEnd(11)}  ${due.padEnd(14)}  ${c.cveId ?? "-".padEnd(14)}  ${c.title}`);
    }
    return 0;
  },

  async "cases-show"(rt, args, io) {
    const { view: _view, ...c } = await rt.services.cases.get(systemActor("cli"), String(args.id));
    if (printedJson(args.json, c, io)) return 0;
    if (!("timeline" in c)) return 1;
    io.out(`${c.id}  ${c.title}`);
    io.out(`product    ${c.product} ${c.version}`);
    io.out(`phase      ${c.phase} (next: ${c.allowedTransitions.join(", ") || "none"})`);
    io.out(
      `received   ${day(c.receivedAt)}; deadline ${day(c.deadline.deadlineAt)} (${c.deadline.status}, ${c.deadline.daysLeft} days)`,
    );
    io.out(
      `reporter   ${c.reporter.kind}${c.reporter.name ? ` ${c.reporter.name}` : ""}${c.reporter.email ? ` <${c.reporter.email}>` : ""}`,
    );
    io.out(`cvss       ${c.cvss ? `${c.cvss.score} ${c.cvss.severity} ${c.cvss.vector}` : "-"}`);
    io.out(`cve        ${c.cveId ?? "-"}   cwe ${c.cwe ?? "-"}`);
    if (c.credits.length) io.out(`credits    ${c.credits.map((x) => `${x.name} (${x.type})`).join(", ")}`);
    if (c.bounty)
      io.out(`bounty     ${c.bounty.amount} ${c.bounty.currency} minor units, ${c.bounty.status}`);
    io.out("timeline");
    for (const e of c.timeline) {
      const what = e.kind === "transition" ? `${e.fromPhase} -> ${e.toPhase}` : e.kind;
      io.out(`  ${new Date(e.at).toISOString()}  ${what}${e.body ? `: ${e.body}` : ""}`);
    }
    io.out(`messages   ${c.messages.length}; attachments ${c.attachments.length}`);
    return 0;
  },
} satisfies Record<string, (typeof TASKS)[string]>);

export const casesCommand = withSubCommands(
  { name: "cases", summary: "list cases with their deadlines, show one case", help },
  {
    async list(argv, io) {
      const { values } = parseFlags(argv, {
        phase: { type: "string" },
        status: { type: "string" },
        ...JSON_FLAG,
        ...DATA_FLAG,
      });
      if (values.phase && !(PHASES as readonly string[]).includes(values.phase))
        throw new UsageError(`--phase must be one of ${PHASES.join(", ")}`);
      if (values.status && !["open", "near", "overdue"].includes(values.status))
        throw new UsageError("--status must be open, near or overdue");
      return runTask(
        cliConfig(io, values.data),
        "cases-list",
        { phase: values.phase, status: values.status, json: values.json },
        io,
      );
    },
    async show(argv, io) {
      const { values, positionals } = parseFlags(argv, { ...JSON_FLAG, ...DATA_FLAG }, true);
      const id = positionals[0];
      if (!id || !idPattern("case").test(id)) throw new UsageError("give a case ID (cas_...)");
      return runTask(cliConfig(io, values.data), "cases-show", { id, json: values.json }, io);
    },
  },
);
