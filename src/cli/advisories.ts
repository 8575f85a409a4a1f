// `forewarn advisories list|export`: the advisories with their tracking and CVE IDs, and the staff
// export (all sections, TLP AMBER while embargoed), audited like the API's.

import { writeFileSync } from "node:fs";
import { systemActor } from "../authz/authorize.ts";
import { idPattern } from "../contract/ids.ts";
import { CVE_ID_MISSING, EXPORT_FORMATS, type ExportFormat } from "../modules/advisories/index.ts";
import { everyPage } from "../platform/db/page.ts";
import { DATA_FLAG, JSON_FLAG, parseFlags, printedJson, UsageError, withSubCommands } from "./command.ts";
import { cliConfig, runTask, TASKS, type TaskRuntime } from "./tasks.ts";

const help = `usage: forewarn advisories list [--json] [--data DIR]
       forewarn advisories export ADVISORY --format csaf|cve|osv [--revision N] [--out FILE] [--data DIR]

list     the advisories, last changed first: tracking ID, state, public or embargoed, CVE ID, title
         and internal ID (at most 500).
export   prints the advisory as a CSAF 2.0 document, a CVE JSON 5 record or an OSV entry (JSON).
         ADVISORY is its tracking ID (FW-2025-0142), its CVE ID or its internal ID (adv_...).
         Embargoed advisories export with TLP AMBER and every section; the export is audited.

options:
  --json         print JSON instead of text (list)
  --format F     csaf, cve or osv
  --revision N   a given revision (default: the current one)
  --out FILE     write to FILE instead of standard output (created owner-only)
  --data DIR     data folder of the embedded database (default ./.forewarn; ignored with DATABASE_URL)`;

const TRACKING_ID = /^[A-Z][A-Z0-9]{0,15}-\d{4}-\d{4,}$/i;
const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;
const ADVISORY_ID = idPattern("advisory");

/** Every advisory with the CVE ID of its case. */
async function listWithCve(rt: TaskRuntime) {
  const actor = systemActor("cli");
  const [list, cases] = await Promise.all([
    everyPage((p) => rt.services.advisories.list(actor, p)),
    everyPage((p) => rt.services.cases.list(actor, p)),
  ]);
  const cve = new Map(cases.map((c) => [c.id, c.cveId]));
  return list.map((a) => ({ ...a, cveId: cve.get(a.caseId) ?? null }));
}

/** The internal ID of the advisory a tracking ID, CVE ID or internal ID names. */
async function resolveAdvisory(rt: TaskRuntime, ref: string): Promise<string> {
  if (ADVISORY_ID.test(ref)) return ref;
  const list = await listWithCve(rt);
  const upper = ref.toUpperCase();
  const found = CVE_ID.test(ref)
    ? list.filter((a) => a.cveId?.toUpperCase() === upper)
    : list.filter((a) => a.trackingId.toUpperCase() === upper);
  if (found.length === 0)
    throw new Error(`no advisory ${ref}: \`forewarn advisories list\` shows the tracking and CVE IDs`);
  if (found.length > 1)
    throw new Error(
      `${ref} names ${found.length} advisories (${found.map((a) => a.trackingId).join(", ")}): give a tracking ID`,
    );
  return (found[0] as { id: string }).id;
}

Object.assign(TASKS, {
  async "advisories-list"(rt, args, io) {
    const list = await listWithCve(rt);
    if (printedJson(args.json, list, io)) return 0;
    if (list.length === 0) {
      io.out("no advisories");
      return 0;
    }
    for (const a of list) {
      const status = a.publishedAt ? "public" : "embargoed";
      io.out(
        `${a.trackingId}  ${a.state.padEnd(9)}  ${status.padEnd(9)}  ${(a.cveId ?? "-").padEnd(16)}  ${a.title}  (${a.id})`,
      );
    }
    return 0;
  },

  async "advisories-export"(rt, args, io) {
    const { doc } = await rt.services.advisories.export(
      systemActor("cli"),
      await resolveAdvisory(rt, String(args.id)),
      args.format as ExportFormat,
      args.revision === undefined ? undefined : Number(args.revision),
    );
    if (args.format === "cve" && !("cveMetadata" in doc)) io.err(`warning: ${CVE_ID_MISSING}`);
    const text = JSON.stringify(doc, null, 2);
    if (args.out) {
      writeFileSync(String(args.out), `${text}\n`, { mode: 0o600 });
      io.out(`wrote ${args.out}`);
    } else io.out(text);
    return 0;
  },
} satisfies Record<string, (typeof TASKS)[string]>);

export const advisoriesCommand = withSubCommands(
  { name: "advisories", summary: "list advisories; export one as CSAF 2.0, CVE JSON 5 or OSV", help },
  {
    async list(argv, io) {
      const { values } = parseFlags(argv, { ...JSON_FLAG, ...DATA_FLAG });
      return runTask(cliConfig(io, values.data), "advisories-list", { json: values.json ?? false }, io);
    },
    async export(argv, io) {
      const { values, positionals } = parseFlags(
        argv,
        { format: { type: "string" }, revision: { type: "string" }, out: { type: "string" }, ...DATA_FLAG },
        true,
      );
      const id = positionals[0];
      if (!id || !(ADVISORY_ID.test(id) || CVE_ID.test(id) || TRACKING_ID.test(id)))
        throw new UsageError(
          "give an advisory: its tracking ID (FW-2025-0142), CVE ID or internal ID (adv_...)",
        );
      if (!values.format || !(EXPORT_FORMATS as readonly string[]).includes(values.format))
        throw new UsageError("--format must be csaf, cve or osv");
      if (values.revision !== undefined && !/^[1-9]\d{0,5}$/.test(values.revision))
        throw new UsageError("--revision must be a revision number");
      return runTask(
        cliConfig(io, values.data),
        "advisories-export",
        { id, format: values.format, revision: values.revision, out: values.out },
        io,
      );
    },
  },
);
