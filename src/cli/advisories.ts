// `forewarn advisories export ID --format csaf|cve|osv`: the staff export (all sections, TLP AMBER
// while embargoed), audited like the API's.
import { writeFileSync } from "node:fs";
import { systemActor } from "../authz/authorize.ts";
import { CVE_ID_MISSING } from "../modules/advisories/export/cve.ts";
import { EXPORT_FORMATS, type ExportFormat } from "../modules/advisories/service.ts";
import { type Command, parseFlags, UsageError } from "./command.ts";
import { cliConfig, runTask, TASKS } from "./tasks.ts";

const help = `usage: forewarn advisories export ADVISORY_ID --format csaf|cve|osv [--revision N] [--out FILE] [--data DIR]

Prints the advisory as a CSAF 2.0 document, a CVE JSON 5 record or an OSV entry (JSON). Embargoed
advisories export with TLP AMBER and every section; the export is recorded in the audit log.

options:
  --format F     csaf, cve or osv
  --revision N   a given revision (default: the current one)
  --out FILE     write to FILE instead of standard output (created owner-only)
  --data DIR     data folder of the embedded database (default ./.forewarn; ignored with DATABASE_URL)`;

Object.assign(TASKS, {
  async "advisories-export"(rt, args, io) {
    const { doc } = await rt.services.advisories.export(
      systemActor("cli"),
      String(args.id),
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

export const advisoriesCommand: Command = {
  name: "advisories",
  summary: "export an advisory as CSAF 2.0, CVE JSON 5 or OSV",
  help,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(help);
      return 0;
    }
    if (sub !== "export")
      throw new UsageError(sub ? `unknown sub-command "${sub}"` : "missing sub-command (export)");
    const { values, positionals } = parseFlags(
      rest,
      {
        format: { type: "string" },
        revision: { type: "string" },
        out: { type: "string" },
        data: { type: "string" },
      },
      true,
    );
    const id = positionals[0];
    if (!id || !/^adv_[0-9A-HJKMNP-TV-Z]{26}$/.test(id))
      throw new UsageError("give an advisory ID (adv_...)");
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
};
