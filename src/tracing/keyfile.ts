// The per-advisory secret as one JSON document: key, plan (the point map), biases and recipients.
// Everything needed to re-derive any copy and to read and accuse evidence later.
import { createHash } from "node:crypto";
import { type CodeReader, compileCodeReader, readWithCode } from "./code/read.ts";
import {
  codeword,
  codewords,
  DEFAULT_CUTOFF,
  deriveBiases,
  newKey,
  planCutoffs,
  VISIBLE_CUTOFF,
} from "./code.ts";
import {
  accuseLayers,
  DEFAULT_EPSILON,
  type Forensics,
  forensics,
  type LayeredAccusation,
  type LayeredOptions,
} from "./layers.ts";
import { keyInvisibleMarks } from "./marks.ts";
import { type Plan, type PlanOptions, planAdvisory, planFile } from "./plan.ts";
import { compileReader, EvidenceError, type Reader, type Reading } from "./read.ts";
import { render, renderPlain } from "./render.ts";

export const KEY_FORMAT = "forewarn-trace-key";

export type KeyFile = {
  format: typeof KEY_FORMAT;
  version: 1;
  notice: string;
  advisorySha256: string;
  key: string;
  cutoff: number;
  visibleCutoff: number;
  plan: Plan;
  biases: number[];
  recipients: string[];
  /**
   * Attached text files that vary (rules, proofs of concept). Their points follow the advisory's in
   * the codeword: file k's point j is codeword position `offset + j`. Files without a plan (binary,
   * unknown language) are sent unchanged and not listed.
   */
  files?: KeyFileAttachment[];
};

export type KeyFileAttachment = { name: string; sha256: string; offset: number; plan: Plan };

/** A file sent with the advisory. */
export type Attachment = { name: string; content: string };

export class KeyFileError extends Error {}

const RECIPIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export type EmbedOptions = PlanOptions & {
  recipients: readonly string[];
  /** Deterministic key for tests and demos; omit in production. */
  keySeed?: string;
  cutoff?: number;
  /** Attached text files; those with a code-aware plan get their own points. */
  attachments?: readonly Attachment[];
};

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Every point of the key: the advisory's, then each attached file's. */
function allPoints(plan: Plan, files: readonly KeyFileAttachment[]): { layer: string }[] {
  return [...plan.points, ...files.flatMap((f) => f.plan.points)];
}

/**
 * Plans the advisory and draws a fresh code for it.
 * @example const k = createKeyFile(markdown, { recipients: defaultRecipientIds(1000), keySeed: "demo" });
 */
export function createKeyFile(markdown: string, options: EmbedOptions): KeyFile {
  const ids = [...options.recipients];
  if (ids.length === 0) throw new KeyFileError("no recipients");
  if (ids.length > 1_000_000) throw new KeyFileError("more than 1,000,000 recipients");
  const seen = new Set<string>();
  for (const id of ids) {
    if (!RECIPIENT_ID.test(id)) throw new KeyFileError(`recipient ID "${id.slice(0, 40)}" is not a valid ID`);
    if (seen.has(id)) throw new KeyFileError(`recipient ID "${id}" appears twice`);
    seen.add(id);
  }
  const unkeyed = planAdvisory(markdown, options);
  const files: KeyFileAttachment[] = [];
  let offset = unkeyed.points.length;
  const names = new Set<string>();
  for (const a of options.attachments ?? []) {
    if (names.has(a.name)) throw new KeyFileError(`attachment "${a.name}" appears twice`);
    names.add(a.name);
    const filePlan = planFile(a.name, a.content);
    if (!filePlan || filePlan.points.length === 0) continue;
    files.push({ name: a.name, sha256: sha256(a.content), offset, plan: filePlan });
    offset += filePlan.points.length;
  }
  if (unkeyed.points.length === 0)
    throw new KeyFileError("the advisory has no variation points (no prose to vary)");
  const key = newKey(options.keySeed);
  const plan = keyInvisibleMarks(unkeyed, key);
  const cutoff = options.cutoff ?? DEFAULT_CUTOFF;
  const visibleCutoff = Math.max(cutoff, VISIBLE_CUTOFF);
  return {
    format: KEY_FORMAT,
    version: 1,
    notice: "SECRET: this file identifies every recipient's copy. Keep it encrypted and never share it.",
    advisorySha256: sha256(markdown),
    key: key.toString("hex"),
    cutoff,
    visibleCutoff,
    plan,
    biases: Array.from(
      deriveBiases(key, offset, planCutoffs({ points: allPoints(plan, files) }, cutoff, visibleCutoff)),
    ),
    recipients: ids,
    ...(files.length ? { files } : {}),
  };
}

/** A loaded key: the parsed file plus what is derived from it. */
export type LoadedKey = {
  file: KeyFile;
  key: Buffer;
  biases: Float64Array;
  reader: Reader;
  codeReader: CodeReader;
  /** Readers of each attached file's plan, in the order of `file.files`. */
  fileReaders: { reader: Reader; codeReader: CodeReader }[];
};

/**
 * Parses and checks a key file (format, consistency of biases with the key, plan shape).
 * @example const k = loadKey(JSON.parse(readFileSync("key.json", "utf8")));
 */
export function loadKey(json: unknown): LoadedKey {
  const f = json as Partial<KeyFile> | null;
  if (!f || typeof f !== "object" || f.format !== KEY_FORMAT)
    throw new KeyFileError("not a Forewarn tracing key file");
  if (f.version !== 1) throw new KeyFileError(`unsupported key file version ${String(f.version)}`);
  if (typeof f.key !== "string" || !/^[0-9a-f]{64}$/.test(f.key))
    throw new KeyFileError("the key is malformed");
  const plan = f.plan;
  if (!plan || !Array.isArray(plan.segments) || !Array.isArray(plan.sites) || !Array.isArray(plan.points))
    throw new KeyFileError("the key file has no valid plan");
  for (const seg of plan.segments) {
    if (typeof seg === "number" && !(seg >= 0 && seg < plan.sites.length))
      throw new KeyFileError("the key file's plan is corrupt");
  }
  if (!Array.isArray(f.recipients) || f.recipients.length === 0)
    throw new KeyFileError("the key file lists no recipients");
  const key = Buffer.from(f.key, "hex");
  const cutoff = typeof f.cutoff === "number" ? f.cutoff : DEFAULT_CUTOFF;
  const visibleCutoff = typeof f.visibleCutoff === "number" ? f.visibleCutoff : VISIBLE_CUTOFF;
  if (!(cutoff > 0 && cutoff < 0.5 && visibleCutoff > 0 && visibleCutoff <= 0.5))
    throw new KeyFileError("the key file's bias cutoffs are out of range");
  const files = Array.isArray(f.files) ? f.files : [];
  let offset = plan.points.length;
  for (const a of files) {
    if (!a?.plan || !Array.isArray(a.plan.points) || !Array.isArray(a.plan.segments) || a.offset !== offset)
      throw new KeyFileError("the key file's attachment plans are corrupt");
    offset += a.plan.points.length;
  }
  const biases = deriveBiases(
    key,
    offset,
    planCutoffs({ points: allPoints(plan, files) }, cutoff, visibleCutoff),
  );
  if (
    !Array.isArray(f.biases) ||
    f.biases.length !== biases.length ||
    f.biases.some((b, i) => b !== biases[i])
  )
    throw new KeyFileError("the key file is corrupt: its biases do not match its key");
  return {
    file: f as KeyFile,
    key,
    biases,
    reader: compileReader(plan),
    codeReader: compileCodeReader(plan),
    fileReaders: files.map((a) => ({ reader: compileReader(a.plan), codeReader: compileCodeReader(a.plan) })),
  };
}

/**
 * The copy of an attached file for one recipient, or null when the file does not vary.
 * @example fileCopyFor(loaded, "r0001", "detect.yar")
 */
export function fileCopyFor(k: LoadedKey, id: string, name: string): string | null {
  const a = k.file.files?.find((x) => x.name === name);
  if (!a) return null;
  const x = codeword(k.key, id, k.biases);
  return render(a.plan, x.subarray(a.offset, a.offset + a.plan.points.length));
}

/**
 * Reads evidence against the advisory and every attached file: one symbol per codeword position
 * (-1 where nothing was seen). Evidence can be a copy, an excerpt, a leaked rule or PoC file.
 * @example readKeyEvidence(loaded, leakedRule).observedPoints
 */
export function readKeyEvidence(k: LoadedKey, evidence: string): Reading {
  const parts: { offset: number; reading: Reading | null }[] = [];
  let error: unknown = null;
  const attempt = (offset: number, reader: Reader, codeReader: CodeReader) => {
    try {
      parts.push({ offset, reading: readWithCode(reader, codeReader, evidence) });
    } catch (e) {
      if (!(e instanceof EvidenceError)) throw e;
      error ??= e;
    }
  };
  attempt(0, k.reader, k.codeReader);
  (k.file.files ?? []).forEach((a, i) => {
    attempt(a.offset, k.fileReaders[i]!.reader, k.fileReaders[i]!.codeReader);
  });
  if (parts.length === 0) throw error;
  const symbols = new Int8Array(k.biases.length).fill(-1);
  for (const { offset, reading } of parts)
    reading?.symbols.forEach((y, i) => {
      symbols[offset + i] = y;
    });
  const pointWord = new Int32Array(k.biases.length).fill(-1);
  for (const { offset, reading } of parts)
    reading?.pointWord.forEach((w, i) => {
      pointWord[offset + i] = w;
    });
  const main = parts[0]!.reading as Reading;
  const located = parts.flatMap((p) => p.reading?.located ?? []);
  return {
    symbols,
    siteSymbols: parts[0]!.offset === 0 ? main.siteSymbols : new Int8Array(0),
    observedPoints: symbols.filter((y) => y !== -1).length,
    evidenceWords: main.evidenceWords,
    match: Math.max(...parts.map((p) => p.reading?.match ?? 0)),
    located,
    locatedWords: Math.max(...parts.map((p) => p.reading?.locatedWords ?? 0)),
    pointWord,
  };
}

/** The copy of one recipient. @example copyFor(loaded, "r0001") */
export function copyFor(k: LoadedKey, id: string): string {
  return render(k.file.plan, codeword(k.key, id, k.biases));
}

export type TraceResult = LayeredAccusation & {
  reading: Omit<Reading, "symbols" | "siteSymbols" | "pointWord">;
  forensics: Forensics;
  /** Everything an investigator must read before acting on the result. */
  warnings: string[];
};

/** Advisory prose words (for deciding whether evidence is a complete copy). */
function advisoryWords(plan: Plan): number {
  return (renderPlain(plan).match(/[\p{L}\p{N}]+/gu) ?? []).length;
}

/**
 * Reads evidence (one or several pieces of one leak, read together) and accuses: the whole
 * pipeline of `forewarn trace accuse`.
 * @example traceEvidence(loaded, leakedText, { epsilon: 1e-6 }).accused // ["r0042"]
 */
export function traceEvidence(
  k: LoadedKey,
  evidence: string | readonly string[],
  options: LayeredOptions = {},
): TraceResult {
  const text = typeof evidence === "string" ? evidence : evidence.join("\n\n");
  const reading = readKeyEvidence(k, text);
  const ids = k.file.recipients;
  const words = codewords(k.key, ids, k.biases);
  const layers = allPoints(k.file.plan, k.file.files ?? []).map((p) => p.layer);
  const result = accuseLayers(ids, words, k.biases, reading.symbols, layers, options);
  const f = forensics(result, reading, ids, words, k.biases, advisoryWords(k.file.plan), layers);
  const warnings = [...f.warnings];
  if (result.epsilon > DEFAULT_EPSILON)
    warnings.push(
      `epsilon_1 = ${result.epsilon} is above the default ${DEFAULT_EPSILON}: an innocent recipient is more likely to be accused (up to ${result.populationBound.toPrecision(2)} over all ${result.recipientCount} recipients)`,
    );
  if (result.observedPoints < result.minObservedPoints)
    warnings.push(
      `only ${result.observedPoints} points observed; nobody is accused on fewer than ${result.minObservedPoints}`,
    );
  if (result.verdict === "accused")
    warnings.push(
      "a quoted excerpt of a recipient's copy is enough to implicate that recipient: the result says whose copy the marks come from, not who leaked it",
    );
  const { symbols: _s, siteSymbols: _ss, pointWord: _pw, ...summary } = reading;
  return { ...result, reading: summary, forensics: f, warnings };
}
