// Reading code sites. The generic reader compares normalised tokens (lower case, quotes dropped),
// so it cannot tell 'x' from "x" or 4B50 from 4b50. This reader looks for each code site's exact
// text between its fixed neighbours, with runs of whitespace collapsed (re-indented or re-wrapped
// code still reads). A site whose both renderings appear, or whose context is not unique in the
// advisory, is an erasure.
import type { Plan } from "../plan.ts";
import type { Reading } from "../read.ts";
import { render } from "../render.ts";

const CONTEXT = 24; // characters of fixed text taken on each side
const MIN_CONTEXT = 6; // non-space characters the two sides must have together

export type CodeReader = {
  plan: Plan;
  /** Per site: the two whitespace-collapsed strings that show symbol 0 and 1, or null (not read). */
  needles: ([string, string] | null)[];
};

const ws = (s: string) =>
  s
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\s+/g, " ");

function count(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) n++;
  return n;
}

/** Compiles the exact-text contexts of every code site of a plan. @example compileCodeReader(plan) */
export function compileCodeReader(plan: Plan): CodeReader {
  const needles: CodeReader["needles"] = plan.sites.map(() => null);
  const all = [0, 1].map((b) => ws(render(plan, new Uint8Array(plan.points.length).fill(b))));
  plan.segments.forEach((seg, k) => {
    if (typeof seg !== "number" || plan.sites[seg].layer !== "code") return;
    const before = plan.segments[k - 1];
    const after = plan.segments[k + 1];
    const left = typeof before === "string" ? before.slice(-CONTEXT) : "";
    const right = typeof after === "string" ? after.slice(0, CONTEXT) : "";
    if ((left + right).replace(/\s/g, "").length < MIN_CONTEXT) return;
    const alts = plan.sites[seg].alts;
    const pair: [string, string] = [ws(left + alts[0] + right).trim(), ws(left + alts[1] + right).trim()];
    // Each rendering shows its own needle exactly once and never the other one.
    if (count(all[0], pair[0]) !== 1 || count(all[1], pair[1]) !== 1) return;
    if (count(all[0], pair[1]) !== 0 || count(all[1], pair[0]) !== 0) return;
    needles[seg] = pair;
  });
  return { plan, needles };
}

/**
 * Reads every code site whose context appears in the evidence. Same shape as readEvidence.
 * @example readCode(compileCodeReader(plan), leakedRule).symbols
 */
export function readCode(reader: CodeReader, evidence: string): Reading {
  const text = ws(evidence);
  const { plan } = reader;
  const siteSymbols = new Int8Array(plan.sites.length).fill(-1);
  let read = 0;
  let codeSites = 0;
  reader.needles.forEach((pair, s) => {
    if (plan.sites[s].layer === "code") codeSites++;
    if (!pair) return;
    const zero = text.includes(pair[0]);
    const one = text.includes(pair[1]);
    if (zero !== one) {
      siteSymbols[s] = zero ? 0 : 1;
      read++;
    }
  });
  return finish(
    plan,
    siteSymbols,
    (evidence.match(/[\p{L}\p{N}]+/gu) ?? []).length,
    codeSites ? read / codeSites : 0,
  );
}

/**
 * Combines the generic reading with the code reading site by site: a site read by one only takes
 * that symbol; a site the two read differently is an erasure.
 * @example mergeReadings(plan, readEvidence(reader, e), readCode(codeReader, e))
 */
export function mergeReadings(plan: Plan, generic: Reading, code: Reading): Reading {
  const siteSymbols = new Int8Array(plan.sites.length).fill(-1);
  for (let s = 0; s < siteSymbols.length; s++) {
    const a = generic.siteSymbols[s];
    const b = code.siteSymbols[s];
    siteSymbols[s] = a === -1 ? b : b === -1 || a === b ? a : -1;
  }
  return finish(plan, siteSymbols, generic.evidenceWords, generic.match);
}

function finish(plan: Plan, siteSymbols: Int8Array, evidenceWords: number, match: number): Reading {
  const symbols = new Int8Array(plan.points.length).fill(-1);
  let observedPoints = 0;
  plan.points.forEach((p, i) => {
    let ones = 0;
    let zeros = 0;
    for (const s of p.sites) {
      if (siteSymbols[s] === 1) ones++;
      else if (siteSymbols[s] === 0) zeros++;
    }
    if (ones !== zeros) {
      symbols[i] = ones > zeros ? 1 : 0;
      observedPoints++;
    }
  });
  return { symbols, siteSymbols, observedPoints, evidenceWords, match };
}
