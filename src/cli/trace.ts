// `forewarn trace`: capacity, embed, accuse, copy and simulate on files, around the pure tracing library.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { capacity } from "../tracing/capacity.ts";
import { codeword, defaultRecipientIds } from "../tracing/code.ts";
import {
  type Attachment,
  copyFor,
  createKeyFile,
  fileCopyFor,
  type LoadedKey,
  loadKey,
  traceEvidence,
} from "../tracing/keyfile.ts";
import { DEFAULT_EPSILON, MIN_OBSERVED_POINTS } from "../tracing/layers.ts";
import { MAX_ADVISORY_BYTES } from "../tracing/plan.ts";
import { render } from "../tracing/render.ts";
import { ATTACKS, type Attack, runSimulation, simulationTable } from "../tracing/simulate.ts";
import {
  type CliIo,
  type Command,
  JSON_FLAG,
  parseFlags,
  printedHelp,
  printedJson,
  UsageError,
} from "./command.ts";

const HELP = {
  capacity: `usage: forewarn trace capacity --advisory FILE.md [--epsilon 1e-6] [--recipients N] [--json]

Shows the variation points per layer and what they can trace at epsilon_1.`,
  embed: `usage: forewarn trace embed --advisory FILE.md (--recipients N | --recipients-file F) --out DIR
                            [--attach FILE]... [--key-seed S] [--invisible dense|sentences|off]
                            [--protect "Name; Other"]

Writes DIR/key.json (SECRET, mode 0600: key, point maps, biases, recipients) and
DIR/copies/<recipient-id>.md for recipients r0001 ... rNNNN (or the IDs of F, one per line).
Each --attach file is written to DIR/copies/<recipient-id>/<file name>: rules and proofs of concept
(YARA, Python, Sigma/YAML, shell, raw HTTP) vary where their tools see no difference, and the key
file holds their point maps so a leaked file can be traced; other and binary files are copied as-is.
--key-seed makes the key deterministic: for tests and demos only.`,
  accuse: `usage: forewarn trace accuse --key DIR/key.json --evidence FILE|- [--evidence FILE ...]
                             [--epsilon 1e-6] [--top K] [--json]

Reads the evidence (a leaked copy, an excerpt, reformatted or lightly edited text, or several
pieces of one leak given as repeated --evidence, read together) and prints per recipient: score,
threshold, bound on the false-accusation probability, accused; where the evidence matched the
advisory and where the accusing points lie; and warnings (stitched evidence, mixed sources,
too few points, epsilon above the default). Layers are scored separately as well as together.
A quoted excerpt of a recipient's copy is enough to implicate that recipient.`,
  copy: `usage: forewarn trace copy --key DIR/key.json --recipient ID

Re-derives the copy a recipient received, from the key file alone.`,
  simulate: `usage: forewarn trace simulate [--advisory FILE.md ...] [--recipients 1000] [--trials 20]
                               [--epsilon 1e-6] [--attacks a,b,...] [--seed S] [--json]

Runs the evaluation protocol of docs/tracing.md on the advisories (default: test/fixtures/advisories)
and prints the table. Attacks: ${ATTACKS.join(", ")}.`,
};

const TRACE_HELP = `usage: forewarn trace <capacity|embed|accuse|copy|simulate> [options]

  capacity   variation points of an advisory and what they can trace
  embed      write a fingerprinted copy per recipient and the secret key file
  accuse     name the source of a leaked copy or excerpt, with a false-accusation bound
  copy       re-derive one recipient's copy from the key file
  simulate   run the evaluation protocol (whole copies, excerpts, normalisation, collusion,
             and the informed leaker's attacks of src/tracing/attacks)

forewarn trace <sub-command> --help for details.`;

function number(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number in [${min}, ${max}]`);
  return n;
}

/** Reads a text file, refusing binary data and oversize input with a clear message. */
function readText(path: string, what: string, maxBytes: number): string {
  let buf: Buffer;
  try {
    if (statSync(path).size > maxBytes) throw new Error(`${what} ${path} is larger than ${maxBytes} bytes`);
    buf = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") throw new Error(`${what} ${path} does not exist`);
    if (err.code === "EISDIR") throw new Error(`${what} ${path} is a directory`);
    throw e;
  }
  return decodeText(buf, `${what} ${path}`);
}

function decodeText(buf: Buffer, what: string): string {
  if (buf.includes(0)) throw new Error(`${what} is a binary file, not text`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new Error(`${what} is not valid UTF-8 text`);
  }
}

function loadKeyFile(path: string): LoadedKey {
  const text = readText(path, "key file", 512 * 1024 * 1024);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`key file ${path} is not JSON`);
  }
  return loadKey(json);
}

async function runCapacity(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, {
    advisory: { type: "string" },
    epsilon: { type: "string" },
    recipients: { type: "string" },
    ...JSON_FLAG,
  });
  if (!values.advisory) throw new UsageError("--advisory is required");
  const md = readText(values.advisory, "advisory", MAX_ADVISORY_BYTES);
  const cap = capacity(md, {
    epsilon: number(values.epsilon, "epsilon", 1e-6, 1e-300, 0.5),
    recipients: number(values.recipients, "recipients", 1000, 1, 1_000_000),
  });
  if (printedJson(values.json, cap, io)) return 0;
  io.out(`${basename(values.advisory)}: ${cap.summary}`);
  io.out("");
  io.out("layer         points  sites");
  for (const [layer, v] of Object.entries(cap.perLayer)) {
    io.out(`${layer.padEnd(12)}  ${String(v.points).padStart(6)}  ${String(v.sites).padStart(5)}`);
  }
  io.out(`${"total".padEnd(12)}  ${String(cap.points).padStart(6)}  ${String(cap.sites).padStart(5)}`);
  io.out("");
  io.out("group (scored separately)  points  sites  single-leaker excerpt  colluders (whole copy)");
  for (const [g, v] of Object.entries(cap.perGroup)) {
    io.out(
      `${g.padEnd(25)}  ${String(v.points).padStart(6)}  ${String(v.sites).padStart(5)}  ${(v.singleLeakerExcerptWords ? `${v.singleLeakerExcerptWords} words` : "whole copy not enough").padStart(21)}  ${String(v.colludersWholeCopy).padStart(5)}`,
    );
  }
  for (const [name, v] of [
    ["with invisible marks", cap.withInvisible],
    ["without invisible marks", cap.withoutInvisible],
  ] as const) {
    io.out(
      `${name.padEnd(25)}  ${String(v.points).padStart(6)}  ${"".padStart(5)}  ${(v.singleLeakerExcerptWords ? `${v.singleLeakerExcerptWords} words` : "whole copy not enough").padStart(21)}  ${String(v.colludersWholeCopy).padStart(5)}`,
    );
  }
  io.out("");
  io.out(
    `single leaker: ${cap.singleLeakerPoints} observed points needed (likelihood decoder, 90% detection), ${cap.singleLeakerPointsWithoutInvisible} if they are all visible (bias 1/2); no run accuses on fewer than ${MIN_OBSERVED_POINTS}`,
  );
  return 0;
}

async function runEmbed(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, {
    advisory: { type: "string" },
    recipients: { type: "string" },
    "recipients-file": { type: "string" },
    out: { type: "string" },
    "key-seed": { type: "string" },
    invisible: { type: "string" },
    protect: { type: "string" },
    attach: { type: "string", multiple: true },
  });
  if (!values.advisory) throw new UsageError("--advisory is required");
  if (!values.out) throw new UsageError("--out is required");
  // Attachments: text files may vary; binary ones are copied byte for byte.
  const attached: { name: string; bytes: Buffer; text: string | null }[] = [];
  for (const path of values.attach ?? []) {
    const name = basename(path);
    if (attached.some((a) => a.name === name)) throw new UsageError(`two attachments are named ${name}`);
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true)
      throw new Error(`attachment ${path} is not a file`);
    if (statSync(path).size > MAX_ADVISORY_BYTES)
      throw new Error(`attachment ${path} is larger than ${MAX_ADVISORY_BYTES} bytes`);
    const bytes = readFileSync(path);
    let text: string | null = null;
    try {
      text = decodeText(bytes, "attachment");
    } catch {
      text = null;
    }
    attached.push({ name, bytes, text });
  }
  if (!values.recipients === !values["recipients-file"])
    throw new UsageError("give exactly one of --recipients N and --recipients-file F");
  const invisible = values.invisible ?? "dense";
  if (invisible !== "dense" && invisible !== "sentences" && invisible !== "off")
    throw new UsageError("--invisible must be dense, sentences or off");
  const ids = values["recipients-file"]
    ? readText(values["recipients-file"], "recipients file", 64 * 1024 * 1024)
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("#"))
    : defaultRecipientIds(number(values.recipients, "recipients", 0, 1, 1_000_000));
  const md = readText(values.advisory, "advisory", MAX_ADVISORY_BYTES);
  const file = createKeyFile(md, {
    recipients: ids,
    keySeed: values["key-seed"],
    invisible,
    protect: values.protect?.split(";").map((s) => s.trim()),
    attachments: attached.flatMap((a): Attachment[] =>
      a.text === null ? [] : [{ name: a.name, content: a.text }],
    ),
  });
  const loaded = loadKey(file);
  const dir = join(values.out, "copies");
  mkdirSync(dir, { recursive: true });
  const keyPath = join(values.out, "key.json");
  writeFileSync(keyPath, JSON.stringify(file), { mode: 0o600 });
  chmodSync(keyPath, 0o600); // the file may have existed with wider permissions
  const started = Date.now();
  ids.forEach((id, k) => {
    writeFileSync(join(dir, `${id}.md`), render(file.plan, codeword(loaded.key, id, loaded.biases)));
    if (attached.length) {
      mkdirSync(join(dir, id), { recursive: true });
      for (const a of attached)
        writeFileSync(join(dir, id, a.name), fileCopyFor(loaded, id, a.name) ?? a.bytes);
    }
    if ((k + 1) % 250 === 0 || k + 1 === ids.length) io.err(`embed: ${k + 1}/${ids.length} copies`);
  });
  const cap = capacity(file.plan);
  for (const a of attached) {
    const plan = file.files?.find((f) => f.name === a.name)?.plan;
    io.out(
      plan
        ? `${a.name}: ${plan.points.length} points (code-aware variants)`
        : `${a.name}: copied unchanged (${a.text === null ? "binary" : "no code-aware variants for this file"})`,
    );
  }
  io.out(
    `wrote ${ids.length} copies to ${dir} and the secret key to ${keyPath} (mode 0600) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  io.out(cap.summary);
  return 0;
}

async function runAccuse(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, {
    key: { type: "string" },
    evidence: { type: "string", multiple: true },
    epsilon: { type: "string" },
    top: { type: "string" },
    ...JSON_FLAG,
  });
  if (!values.key) throw new UsageError("--key is required");
  const files = values.evidence ?? [];
  if (files.length === 0) throw new UsageError("--evidence is required (a file, or - for standard input)");
  if (files.length > 64) throw new UsageError("at most 64 --evidence files");
  if (files.filter((f) => f === "-").length > 1) throw new UsageError("standard input (-) can be read once");
  const epsilon = number(values.epsilon, "epsilon", DEFAULT_EPSILON, 1e-300, 0.5);
  const top = number(values.top, "top", Number.POSITIVE_INFINITY, 1, Number.POSITIVE_INFINITY);
  const loaded = loadKeyFile(values.key);
  const evidence: string[] = [];
  let bytes = 0;
  for (const f of files) {
    const text =
      f === "-"
        ? decodeText(Buffer.from(await io.readStdin(), "utf8"), "standard input")
        : readText(f, "evidence", 20_000_000);
    bytes += text.length;
    if (bytes > 20_000_000) throw new Error("the evidence files together are larger than 20 MB");
    evidence.push(text);
  }
  const result = traceEvidence(loaded, evidence, { epsilon });
  const recipients = result.recipients.slice(0, Number.isFinite(top) ? top : undefined);
  const f = result.forensics;
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          verdict: result.verdict,
          observedPoints: result.observedPoints,
          morePointsNeeded: result.morePointsNeeded,
          epsilon: result.epsilon,
          populationBound: result.populationBound,
          minObservedPoints: result.minObservedPoints,
          recipientCount: result.recipientCount,
          accused: result.accused,
          evidence: result.reading,
          located: result.reading.located,
          marked: { spans: f.markedSpans, share: f.markedShare, windows: f.windows },
          stitched: f.stitched,
          mixedSources: f.mixedSources,
          segments: f.segments,
          warnings: result.warnings,
          layers: result.layers,
          decoders: result.decoders,
          recipients: recipients.map((r) => ({
            id: r.id,
            score: r.score,
            threshold: r.threshold,
            bound: r.bound,
            log10Bound: r.log10Bound,
            accused: r.accused,
            decoder: r.decoder,
            layer: r.layer,
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const n = result.recipientCount;
  const spans = result.reading.located.map((l) => `${l.startWord}–${l.endWord}`).join(", ");
  io.out(
    `evidence: ${result.reading.evidenceWords} words, ${result.reading.locatedWords} of them in passages from this advisory (words ${spans}); ${result.observedPoints} points observed`,
  );
  io.out(
    `layers: ${result.layers.map((l) => `${l.name} ${l.observedPoints} points${l.accused.length ? ` (accuses ${l.accused.join(", ")})` : ""}`).join("; ")}`,
  );
  if (result.verdict === "accused") {
    for (const id of result.accused) {
      const r = result.recipients.find((x) => x.id === id);
      const w = f.windows.find((x) => x.id === id);
      io.out(
        `This evidence was produced from ${id}'s copy (false-accusation bound <= ${r ? r.bound.toExponential(2) : "?"}, decoder ${r?.decoder}, layer ${r?.layer}${w ? `; strongest evidence in words ${w.startWord}–${w.endWord}` : ""}).`,
      );
    }
    io.out(
      `Bound per innocent recipient: epsilon_1 = ${epsilon}; over all ${n} recipients epsilon = epsilon_1 * n <= ${result.populationBound.toPrecision(2)}. A recipient's copy being the source does not by itself show who leaked it.`,
    );
  } else {
    io.out(
      `inconclusive: nobody passes the threshold at epsilon_1 = ${epsilon}; roughly ${result.morePointsNeeded} more observed points would be needed.`,
    );
  }
  io.out(
    `marks: ${(f.markedShare * 100).toFixed(0)}% of the evidence's words lie in spans that carried marks`,
  );
  for (const w of result.warnings) io.out(`warning: ${w}`);
  io.out("");
  io.out("recipient   score      threshold  bound      accused  decoder  layer");
  for (const r of recipients.slice(0, Number.isFinite(top) ? undefined : 10)) {
    io.out(
      `${r.id.padEnd(10)}  ${r.score.toFixed(2).padStart(9)}  ${r.threshold.toFixed(2).padStart(9)}  ${r.bound.toExponential(2).padStart(9)}  ${String(r.accused).padEnd(7)}  ${r.decoder.padEnd(7)}  ${r.layer}`,
    );
  }
  return 0;
}

async function runCopy(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { key: { type: "string" }, recipient: { type: "string" } });
  if (!values.key || !values.recipient) throw new UsageError("--key and --recipient are required");
  const loaded = loadKeyFile(values.key);
  if (!loaded.file.recipients.includes(values.recipient))
    throw new Error(`recipient ${values.recipient} is not in this key file`);
  io.out(copyFor(loaded, values.recipient));
  return 0;
}

async function runSimulate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, {
    advisory: { type: "string", multiple: true },
    recipients: { type: "string" },
    trials: { type: "string" },
    epsilon: { type: "string" },
    attacks: { type: "string" },
    seed: { type: "string" },
    ...JSON_FLAG,
  });
  const files = values.advisory?.length
    ? values.advisory
    : readdirSync("test/fixtures/advisories")
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => join("test/fixtures/advisories", f));
  const attacks = values.attacks ? values.attacks.split(",").map((a) => a.trim()) : [...ATTACKS];
  for (const a of attacks)
    if (!(ATTACKS as readonly string[]).includes(a)) throw new UsageError(`unknown attack "${a}"`);
  const advisories = files.map((f) => ({
    name: basename(f).replace(/\.md$/, ""),
    markdown: readText(f, "advisory", MAX_ADVISORY_BYTES),
  }));
  let last = 0;
  const rows = runSimulation({
    advisories,
    recipients: number(values.recipients, "recipients", 1000, 2, 100_000),
    trials: number(values.trials, "trials", 20, 1, 100_000),
    epsilon: number(values.epsilon, "epsilon", 1e-6, 1e-300, 0.5),
    attacks: attacks as Attack[],
    seed: values.seed,
    onProgress: (done, total, label) => {
      const now = Date.now();
      if (now - last > 2000 || done === total) {
        last = now;
        io.err(`simulate: ${done}/${total} trials (${label})`);
      }
    },
  });
  io.out(values.json ? JSON.stringify(rows, null, 2) : simulationTable(rows));
  const innocents = rows.reduce((n, r) => n + r.innocentsAccused, 0);
  if (!values.json) io.out(`\ninnocents accused across all trials: ${innocents}`);
  return innocents === 0 ? 0 : 1;
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  capacity: runCapacity,
  embed: runEmbed,
  accuse: runAccuse,
  copy: runCopy,
  simulate: runSimulate,
};

export const traceCommand: Command = {
  name: "trace",
  summary: "fingerprint advisory copies and trace leaks to their source",
  help: TRACE_HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (!sub || sub === "help") {
      io.out(TRACE_HELP);
      return sub ? 0 : 2;
    }
    const fn = SUBCOMMANDS[sub];
    if (!fn) throw new UsageError(`unknown sub-command "${sub}"`);
    if (printedHelp(rest, io, HELP[sub as keyof typeof HELP])) return 0;
    return fn(rest, io);
  },
};
