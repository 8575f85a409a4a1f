// The per-advisory secret as one JSON document: key, plan (the point map), biases and recipients.
// Everything needed to re-derive any copy and to read and accuse evidence later.
import { createHash } from "node:crypto";
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
import { type Plan, type PlanOptions, planAdvisory } from "./plan.ts";
import { compileReader, type Reader, type Reading, readEvidence } from "./read.ts";
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
};

export class KeyFileError extends Error {}

const RECIPIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export type EmbedOptions = PlanOptions & {
  recipients: readonly string[];
  /** Deterministic key for tests and demos; omit in production. */
  keySeed?: string;
  cutoff?: number;
};

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
    advisorySha256: createHash("sha256").update(markdown).digest("hex"),
    key: key.toString("hex"),
    cutoff,
    visibleCutoff,
    plan,
    biases: Array.from(deriveBiases(key, plan.points.length, planCutoffs(plan, cutoff, visibleCutoff))),
    recipients: ids,
  };
}

/** A loaded key: the parsed file plus what is derived from it. */
export type LoadedKey = {
  file: KeyFile;
  key: Buffer;
  biases: Float64Array;
  reader: Reader;
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
  if (!(cutoff > 0 && cutoff < 0.5 && visibleCutoff > 0 && visibleCutoff < 0.5))
    throw new KeyFileError("the key file's bias cutoffs are out of range");
  const biases = deriveBiases(key, plan.points.length, planCutoffs(plan, cutoff, visibleCutoff));
  if (
    !Array.isArray(f.biases) ||
    f.biases.length !== biases.length ||
    f.biases.some((b, i) => b !== biases[i])
  )
    throw new KeyFileError("the key file is corrupt: its biases do not match its key");
  return { file: f as KeyFile, key, biases, reader: compileReader(plan) };
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
  const reading = readEvidence(k.reader, text);
  const ids = k.file.recipients;
  const words = codewords(k.key, ids, k.biases);
  const layers = k.file.plan.points.map((p) => p.layer);
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
