// Reading code sites. The generic reader compares normalised tokens (lower case, quotes dropped),
// so it cannot tell 'x' from "x" or 4B50 from 4b50. This reader looks for each code site's exact
// text between its fixed neighbours, with whitespace removed (re-indented or re-wrapped code still
// reads; spacing-only sites are left to the token reader). A site whose both renderings appear, or whose context is not unique in the
// advisory, is an erasure.
import type { Plan } from "../plan.ts";
import { EvidenceError, pointSymbols, type Reader, type Reading, readEvidence } from "../read.ts";
import { render } from "../render.ts";

const CONTEXT = 24; // non-space characters of fixed text taken on each side
const MIN_CONTEXT = 8; // non-space characters the two sides must have together
const MAX_CROSSED = 3; // neighbouring sites a context may reach across (either rendering accepted)

export type CodeReader = {
  plan: Plan;
  /** Per site: patterns (over text without whitespace) that show symbol 0 and 1, or null. */
  needles: ([RegExp, RegExp] | null)[];
};

/** Code read without any whitespace: re-indented, re-wrapped or collapsed copies still read. */
const squash = (s: string) =>
  s
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\s+/g, "");
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function count(hay: string, re: RegExp): number {
  return (hay.match(re) ?? []).length;
}

function context(plan: Plan, k: number, dir: 1 | -1): { source: string; fixed: number } {
  let need = CONTEXT;
  let crossed = 0;
  const parts: string[] = [];
  for (let j = k + dir; j >= 0 && j < plan.segments.length && need > 0; j += dir) {
    const seg = plan.segments[j];
    if (typeof seg === "string") {
      const t = squash(seg);
      const piece = dir < 0 ? t.slice(-need) : t.slice(0, need);
      need -= piece.length;
      parts.push(escapeRe(piece));
    } else {
      if (++crossed > MAX_CROSSED) break;
      parts.push(`(?:${plan.sites[seg!]!.alts.map((a) => escapeRe(squash(a))).join("|")})`);
    }
  }
  if (dir < 0) parts.reverse();
  return { source: parts.join(""), fixed: CONTEXT - need };
}

/** Compiles the exact-text contexts of every code site of a plan. @example compileCodeReader(plan) */
export function compileCodeReader(plan: Plan): CodeReader {
  const needles: CodeReader["needles"] = plan.sites.map(() => null);
  const all = [0, 1].map((b) => squash(render(plan, new Uint8Array(plan.points.length).fill(b))));
  plan.segments.forEach((seg, k) => {
    if (typeof seg !== "number" || plan.sites[seg]!.layer !== "code") return;
    const left = context(plan, k, -1);
    const right = context(plan, k, 1);
    if (left.fixed + right.fixed < MIN_CONTEXT) return;
    const [a, b] = plan.sites[seg]!.alts.map((x) => squash(x));
    if (a === b) return;
    const pair: [RegExp, RegExp] = [
      new RegExp(left.source + escapeRe(a!) + right.source, "g"),
      new RegExp(left.source + escapeRe(b!) + right.source, "g"),
    ];
    // Each rendering shows its own needle exactly once and never the other one.
    if (count(all[0]!, pair[0]) !== 1 || count(all[1]!, pair[1]) !== 1) return;
    if (count(all[0]!, pair[1]) !== 0 || count(all[1]!, pair[0]) !== 0) return;
    needles[seg] = pair;
  });
  return { plan, needles };
}

/**
 * Reads every code site whose context appears in the evidence. Same shape as readEvidence.
 * @example readCode(compileCodeReader(plan), leakedRule).symbols
 */
export function readCode(reader: CodeReader, evidence: string): Reading {
  const text = squash(evidence);
  const { plan } = reader;
  const siteSymbols = new Int8Array(plan.sites.length).fill(-1);
  let read = 0;
  let codeSites = 0;
  reader.needles.forEach((pair, s) => {
    if (plan.sites[s]!.layer === "code") codeSites++;
    if (!pair) return;
    const zero = count(text, pair[0]) > 0;
    const one = count(text, pair[1]) > 0;
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
    null,
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
    const a = generic.siteSymbols[s]!;
    const b = code.siteSymbols[s]!;
    siteSymbols[s] = a === -1 ? b : b === -1 || a === b ? a : -1;
  }
  return finish(plan, siteSymbols, generic.evidenceWords, generic.match, generic);
}

/** Point symbols from site symbols; where the prose was located comes from the generic reading. */
function finish(
  plan: Plan,
  siteSymbols: Int8Array,
  evidenceWords: number,
  match: number,
  generic: Reading | null,
): Reading {
  const { symbols, pointWord, observedPoints } = pointSymbols(plan, siteSymbols, (i, symbol) =>
    generic && generic.symbols[i] === symbol ? (generic.pointWord[i] ?? -1) : -1,
  );
  return {
    symbols,
    siteSymbols,
    observedPoints,
    evidenceWords,
    match,
    located: generic?.located ?? [],
    locatedWords: generic?.locatedWords ?? 0,
    pointWord,
  };
}

/**
 * The generic reading merged with the code reading. Evidence the generic reader refuses (too
 * short, or mostly unrelated text around a leaked rule) is read by the code reader alone.
 * @example readWithCode(compileReader(plan), compileCodeReader(plan), leakedFile).symbols
 */
export function readWithCode(reader: Reader, codeReader: CodeReader, evidence: string): Reading {
  const code = readCode(codeReader, evidence);
  try {
    return mergeReadings(reader.plan, readEvidence(reader, evidence), code);
  } catch (e) {
    if (e instanceof EvidenceError && code.observedPoints > 0) return code;
    throw e;
  }
}
