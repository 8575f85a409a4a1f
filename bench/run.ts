// Runs every benchmark, baseline and subject in the same process and run, prints the results and
// rewrites docs/benchmarks.md with the machine and the date.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { accuse } from "../src/tracing/accuse.ts";
import {
  codeword,
  codewords,
  defaultRecipientIds,
  deriveBiases,
  newKey,
  planCutoffs,
} from "../src/tracing/code.ts";
import { accuseLayers } from "../src/tracing/layers.ts";
import { planAdvisory } from "../src/tracing/plan.ts";
import { compileReader, readEvidence } from "../src/tracing/read.ts";
import { render, renderPlain } from "../src/tracing/render.ts";
import { forensicsBenchmark } from "./forensics.ts";
import { readBenchmark } from "./reads.ts";
import { releaseBenchmark, wave100kBenchmark } from "./releases.ts";

function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) return m[1].trim();
  } catch {}
  return cpus()[0]?.model ?? "unknown";
}

/** The machine a run measured, stated next to every section it writes (machines differ widely). */
const machine = `${cpuModel()}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}`;

/** The forensics section of docs/benchmarks.md around its one row. */
function forensicsSection(row: string): string {
  return `## Forensics

1,000 delivered advisories in the shingle index, one of them delivered to 10,000 recipients (500
partners, each the organisation and 19 members); a 500-word excerpt of one member's copy with every
format character stripped is the evidence of an investigation that names no advisory, and the
investigation is read (\`bench/forensics.ts\`). The baseline is the tracing library alone reading and
accusing the same evidence in memory (codewords derived from the key, no database). Target: under 5 s.
Measured on ${new Date().toISOString().slice(0, 10)} on ${machine} (load average ${loadavg()[0]?.toFixed(1)} at the end; the machine is shared).

| benchmark | baseline | subject | note |
| --- | --- | --- | --- |
${row}
`;
}

if (process.argv.includes("--forensics-only")) {
  const section = forensicsSection(await forensicsBenchmark());
  console.log(section);
  replaceSection("## Forensics", section);
  process.exit(0);
}

/**
 * Puts `row` into the table of one "## " section of docs/benchmarks.md: in place of the row starting
 * with `prefix`, or after the table's last row.
 */
function addRow(heading: string, prefix: string, row: string): void {
  const doc = readFileSync("docs/benchmarks.md", "utf8");
  const at = doc.indexOf(heading);
  if (at < 0) throw new Error(`docs/benchmarks.md has no section ${heading}`);
  const end = doc.indexOf("\n## ", at + 3);
  const lines = doc.slice(at, end < 0 ? undefined : end).split("\n");
  const same = lines.findIndex((l) => l.startsWith(prefix));
  if (same >= 0) lines[same] = row;
  else lines.splice(lines.findLastIndex((l) => l.startsWith("| ")) + 1, 0, row);
  writeFileSync(
    "docs/benchmarks.md",
    `${doc.slice(0, at)}${lines.join("\n")}${end < 0 ? "" : doc.slice(end)}`,
  );
}

/** Replaces one "## " section of docs/benchmarks.md (or appends it) with a freshly measured one. */
function replaceSection(heading: string, section: string): void {
  const doc = readFileSync("docs/benchmarks.md", "utf8");
  const at = doc.indexOf(heading);
  const end = at < 0 ? -1 : doc.indexOf("\n## ", at + 3);
  writeFileSync(
    "docs/benchmarks.md",
    at < 0
      ? `${doc.trimEnd()}\n\n${section}`
      : `${doc.slice(0, at)}${section}${end < 0 ? "" : `\n${doc.slice(end + 1)}`}`,
  );
}

if (process.argv.includes("--reads-only")) {
  const section = `${await readBenchmark()}\nRe-measured alone with \`npm run bench -- --reads-only\` on ${new Date().toISOString().slice(0, 10)} on ${machine}; load average ${loadavg()[0]?.toFixed(1)} at the end.\n`;
  console.log(section);
  replaceSection("## Reads and the audit append", section);
  process.exit(0);
}

if (process.argv.includes("--wave-100k")) {
  const size = process.argv.find((a) => a.startsWith("--wave-partners="));
  const partners = size ? Number(size.slice("--wave-partners=".length)) : 20_000;
  if (!Number.isInteger(partners) || partners < 1) throw new Error("--wave-partners=N needs a whole number");
  const only = process.argv.find((a) => a.startsWith("--wave-engine="))?.slice("--wave-engine=".length);
  if (only !== undefined && only !== "pglite" && only !== "postgresql")
    throw new Error("--wave-engine= takes pglite or postgresql");
  const measured = `Measured on ${new Date().toISOString().slice(0, 10)} on ${machine}; load average ${loadavg()[0]?.toFixed(1)} at the end.`;
  const section = `${await wave100kBenchmark(partners, only)}\n${measured}\n`;
  console.log(section);
  if (partners === 20_000 && only) {
    // One engine: its row goes into the section's table (replacing that engine's earlier row), with
    // when and where it was measured; the other engine's row and the notes below stay.
    const row = section.split("\n").find((l) => l.startsWith(`| ${only}: `)) as string;
    addRow(
      "## A wave of 100,000 recipients",
      `| ${only}: `,
      row.replace(/ \|$/, ` (${measured.replace(/\.$/, "")}) |`),
    );
  } else if (partners === 20_000) replaceSection("## A wave of 100,000 recipients", section);
  process.exit(0);
}

if (process.argv.includes("--releases-only")) {
  const section = `${await releaseBenchmark()}\nRe-measured alone with \`npm run bench -- --releases-only\` on ${new Date().toISOString().slice(0, 10)} on ${machine}; load average ${loadavg()[0]?.toFixed(1)} at the end.\n`;
  console.log(section);
  replaceSection("## Release engine", section);
  process.exit(0);
}

type Result = { name: string; baseline: string; subject: string; note: string };

function time(fn: () => void, minMs = 1500): { perSecond: number; msEach: number } {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    fn();
    n++;
    now = performance.now();
  }
  return { perSecond: (n * 1000) / (now - start), msEach: (now - start) / n };
}

const results: Result[] = [];
const advisory = "test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md";
const md = readFileSync(advisory, "utf8");
const plan = planAdvisory(md);
const key = newKey("bench");
const biases = deriveBiases(key, plan.points.length, planCutoffs(plan));

{
  // Rendering: plain rendering of the same plan vs a fingerprinted copy (codeword derivation included).
  let i = 0;
  const plain = time(() => renderPlain(plan));
  const copy = time(() => render(plan, codeword(key, `r${i++}`, biases)));
  results.push({
    name: `render one copy (${plan.points.length} points, ${md.length} chars)`,
    baseline: `${plain.perSecond.toFixed(0)} plain renderings/s`,
    subject: `${copy.perSecond.toFixed(0)} fingerprinted copies/s`,
    note: `${(copy.perSecond / plain.perSecond).toFixed(2)}× of plain, one core`,
  });
}

{
  const reader = compileReader(plan);
  const text = render(plan, codeword(key, "r0001", biases));
  const read = time(() => readEvidence(reader, text), 1000);
  results.push({
    name: "read a whole leaked copy",
    baseline: "-",
    subject: `${read.msEach.toFixed(1)} ms`,
    note: "normalise, check shingles, align every site",
  });
}

for (const n of [1000, 10000]) {
  const ids = defaultRecipientIds(n);
  const t0 = performance.now();
  const words = codewords(key, ids, biases);
  const derive = performance.now() - t0;
  const y = Int8Array.from(words[7] ?? []);
  const t1 = performance.now();
  const a = accuse(ids, words, biases, y);
  const acc = performance.now() - t1;
  const t2 = performance.now();
  accuse(ids, words, biases, y, { bounds: false });
  const fast = performance.now() - t2;
  const layers = plan.points.map((p) => p.layer);
  const t3 = performance.now();
  accuseLayers(ids, words, biases, y, layers, { bounds: false });
  const layered = performance.now() - t3;
  results.push({
    name: `accuse among ${n.toLocaleString("en")} recipients (${plan.points.length} points)`,
    baseline: `${derive.toFixed(0)} ms to derive all codewords`,
    subject: `${acc.toFixed(0)} ms with every recipient's bound; ${fast.toFixed(0)} ms verdict only; ${layered.toFixed(0)} ms verdict with layer groups (trace accuse)`,
    note: `accused ${a.accused.join(", ")}`,
  });
}

const date = new Date().toISOString().slice(0, 10);
const table = [
  "| benchmark | baseline | subject | note |",
  "| --- | --- | --- | --- |",
  ...results.map((r) => `| ${r.name} | ${r.baseline} | ${r.subject} | ${r.note} |`),
].join("\n");
console.log(`${machine}\n${date}\n\n${table}`);
if (process.argv.includes("--tracing-only")) {
  // Re-measure the tracing rows only (no database): replace that table in docs/benchmarks.md.
  const doc = readFileSync("docs/benchmarks.md", "utf8");
  const start = doc.indexOf("| benchmark | baseline | subject | note |");
  let end = doc.indexOf("\n\n", start);
  if (doc.startsWith("\n\nTracing rows re-measured", end)) end = doc.indexOf("\n\n", end + 2);
  if (start >= 0 && end > start)
    writeFileSync(
      "docs/benchmarks.md",
      `${doc.slice(0, start)}${table}\n\nTracing rows re-measured on ${date} (${machine}; load average ${loadavg()[0]?.toFixed(1)} at the end; on a loaded machine absolute rates drop, while baseline and subject share the load) with \`npm run bench -- --tracing-only\`.${doc.slice(end)}`,
    );
  process.exit(0);
}
const releases = await releaseBenchmark();
console.log(releases);
const forensics = forensicsSection(await forensicsBenchmark());
console.log(forensics);
const reads = await readBenchmark();
console.log(reads);
const load = `Load average at the end of the run: ${loadavg()[0]?.toFixed(1)} (the machine is shared: absolute rates drop under load, while baseline and subject share it).`;
// A full run replaces the page's head and the sections it measures; the sections measured on their own
// (the 100,000-recipient wave) and the notes written by hand below them stay.
const head = `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts) on ${date}.

Machine: ${machine}.

Baseline and subject are measured in the same run. Advisory: \`${advisory}\`.

`;
const page = readFileSync("docs/benchmarks.md", "utf8");
const first = page.indexOf("\n## ");
writeFileSync("docs/benchmarks.md", `${head}${first < 0 ? "" : page.slice(first + 1)}`);
replaceSection(
  "## Tracing",
  `## Tracing

${table}

Rendering a copy is one pass of string concatenation over the plan's compiled template with one
alternative per site, plus deriving the recipient's codeword (one HMAC and one PRNG draw per
point); plain rendering joins the same segments without a codeword. Accusation time includes deriving every recipient's codeword from the
key, scoring every decoder and, in the first figure, a Chernoff bound for every recipient.
`,
);
replaceSection("## Release engine", `${releases.trimEnd()}\n`);
replaceSection("## Forensics", `${forensics.trimEnd()}\n`);
replaceSection("## Reads and the audit append", `${reads.trimEnd()}\n\n${load}\n`);
