// Reading evidence: normalise, locate the passages that come from this advisory (shingles over
// every rendered alternative, so padding with unrelated text cannot hide a copy), align each site
// by its context inside them and read its symbol. Sites cut away, edited or ambiguous are
// erasures. Where two sites could be read at the same place in the evidence (a repeated phrase),
// the one whose surrounding text matches further wins, and a tie is an erasure.
import { readGap, tokenize } from "./normalize.ts";
import type { Plan } from "./plan.ts";

const ANCHOR = 3; // tokens of left context that locate a site
const RIGHT = 3; // tokens of right context that confirm it
const MAX_LEFT_ITEMS = 40;
const SHINGLE = 4;
/** Tokens compared on each side of a site to decide between sites claiming the same place. */
const CONTEXT_LIMIT = 24;
/** Hit shingles within this many tokens of each other belong to one located passage. */
const LOCATE_GAP = 8;
/** A located passage needs this many matching shingles and this share of its shingles matching. */
const LOCATE_MIN_HITS = 8;
const LOCATE_MIN_DENSITY = 0.4;

export class EvidenceError extends Error {}

export type Reader = {
  plan: Plan;
  /** Item kinds: a fixed token (site = -1) or a site. */
  itemToken: string[];
  itemSite: Int32Array;
  siteItem: Int32Array;
  siteAnchor: Int32Array;
  siteAlts: string[][][];
  siteInvisible: Uint8Array;
  /** The two marks (symbol 0, symbol 1) of each invisible site; null for other sites. */
  siteMarks: ([string, string] | null)[];
  shingles: Set<string>;
};

/**
 * Compiles the token template of a plan for reading evidence (once per advisory).
 * @example const reader = compileReader(planAdvisory(markdown));
 */
export function compileReader(plan: Plan): Reader {
  const itemToken: string[] = [];
  const itemSite: number[] = [];
  const siteItem = new Int32Array(plan.sites.length).fill(-1);
  for (const seg of plan.segments) {
    if (typeof seg === "string") {
      for (const t of tokenize(seg).tokens) {
        itemToken.push(t);
        itemSite.push(-1);
      }
    } else {
      siteItem[seg] = itemToken.length;
      itemToken.push("");
      itemSite.push(seg);
    }
  }
  const siteAlts = plan.sites.map((s) => s.alts.map((a) => tokenize(a).tokens));
  const siteInvisible = new Uint8Array(plan.sites.map((s) => (s.layer === "invisible" ? 1 : 0)));
  const siteAnchor = new Int32Array(plan.sites.length).fill(-1);
  for (let s = 0; s < plan.sites.length; s++) {
    let run = 0;
    for (let i = siteItem[s]! - 1; i >= 0 && i >= siteItem[s]! - MAX_LEFT_ITEMS; i--) {
      const site = itemSite[i];
      if (site === -1) {
        run++;
        if (run === ANCHOR) {
          siteAnchor[s] = i;
          break;
        }
      } else if (!siteInvisible[site!]) run = 0;
    }
  }
  const shingles = new Set<string>();
  for (const b of [0, 1]) {
    const stream: string[] = [];
    for (let i = 0; i < itemToken.length; i++) {
      if (itemSite[i] === -1) stream.push(itemToken[i]!);
      else stream.push(...siteAlts[itemSite[i]!]![b]!);
    }
    for (let k = 0; k + SHINGLE <= stream.length; k++) shingles.add(stream.slice(k, k + SHINGLE).join(" "));
  }
  return {
    plan,
    itemToken,
    itemSite: Int32Array.from(itemSite),
    siteItem,
    siteAnchor,
    siteAlts,
    siteInvisible,
    siteMarks: marksOf(plan),
    shingles,
  };
}

function marksOf(plan: Plan): ([string, string] | null)[] {
  return plan.sites.map((s) => (s.layer === "invisible" ? s.alts : null));
}

/**
 * The same reader for a plan that differs only in its invisible marks (keyed per advisory key),
 * without recompiling the template.
 * @example withPlanMarks(reader, keyInvisibleMarks(plan, key))
 */
export function withPlanMarks(reader: Reader, plan: Plan): Reader {
  if (plan.sites.length !== reader.plan.sites.length) throw new Error("the plan does not match the reader");
  return { ...reader, plan, siteMarks: marksOf(plan) };
}

export type Reading = {
  /** Per point: 0, 1, or -1 (erasure). */
  symbols: Int8Array;
  /** Per site: 0, 1, or -1. */
  siteSymbols: Int8Array;
  observedPoints: number;
  evidenceWords: number;
  /** Share of the evidence's shingles found in this advisory. */
  match: number;
  /** Passages of the evidence that come from this advisory, as word spans [start, end). */
  located: { startWord: number; endWord: number }[];
  /** Words of the evidence inside located passages. */
  locatedWords: number;
  /** Per point: the evidence word index where it was read, or -1. */
  pointWord: Int32Array;
};

/**
 * Reads the symbol of every point visible in the evidence.
 * @example readEvidence(reader, leakedText).symbols // Int8Array of 0, 1, -1
 */
export function readEvidence(reader: Reader, evidence: string): Reading {
  checkText(evidence);
  const { tokens: E, gaps } = tokenize(evidence);
  const isWord = E.map((t) => /[\p{L}\p{N}]/u.test(t));
  const evidenceWords = isWord.filter(Boolean).length;
  if (evidenceWords < 10) throw new EvidenceError("the evidence is too short (fewer than 10 words)");
  // Word index of every token (punctuation takes the index of the next word).
  const wordOf = new Int32Array(E.length + 1);
  let w = 0;
  for (let k = 0; k < E.length; k++) {
    wordOf[k] = w;
    if (isWord[k]) w++;
  }
  wordOf[E.length] = w;

  // Locate: runs of shingles that occur in some rendering of this advisory.
  const hitAt: number[] = [];
  let total = 0;
  for (let k = 0; k + SHINGLE <= E.length; k++) {
    total++;
    if (reader.shingles.has(E.slice(k, k + SHINGLE).join(" "))) hitAt.push(k);
  }
  const match = total ? hitAt.length / total : 0;
  const regions: { start: number; end: number; hits: number }[] = [];
  for (const k of hitAt) {
    const last = regions[regions.length - 1];
    if (last && k - (last.end - SHINGLE) <= LOCATE_GAP) {
      last.end = k + SHINGLE;
      last.hits++;
    } else regions.push({ start: k, end: k + SHINGLE, hits: 1 });
  }
  const found = regions.filter(
    (r) => r.hits >= LOCATE_MIN_HITS && r.hits >= LOCATE_MIN_DENSITY * (r.end - r.start - SHINGLE + 1),
  );
  if (found.length === 0)
    throw new EvidenceError(
      `evidence does not come from this advisory (no passage of it was found; ${(match * 100).toFixed(0)}% of its shingles match)`,
    );
  const inside = new Uint8Array(E.length + 1);
  for (const r of found)
    for (let k = Math.max(0, r.start - 2); k < Math.min(E.length, r.end + 2); k++) inside[k] = 1;

  // Anchors: exact, and with any one of the tokens replaced (a reworded word), for the second pass.
  const index = new Map<string, number[]>();
  const add = (k: string, e: number) => {
    const list = index.get(k);
    if (list) list.push(e);
    else index.set(k, [e]);
  };
  for (let e = 0; e + ANCHOR <= E.length; e++) {
    if (!inside[e]) continue;
    const t = E.slice(e, e + ANCHOR);
    add(t.join("\u0001"), e);
    for (let w = 0; w < ANCHOR; w++) add(t.map((x, k) => (k === w ? "\u0002" : x)).join("\u0001"), e);
  }

  const { plan } = reader;
  // Every place in the evidence where a site could be read, with how far its context matches.
  const claims: Claim[] = [];
  for (let s = 0; s < plan.sites.length; s++) {
    const a = reader.siteAnchor[s];
    if (a! < 0) continue;
    const key: string[] = [];
    for (let i = a; key.length < ANCHOR; i!++)
      if (reader.itemSite[i!] === -1) key.push(reader.itemToken[i!]!);
    const hits = new Map<number, Claim>();
    const budget = { left: 400 };
    for (const e of index.get(key.join("\u0001")) ?? [])
      walk(reader, E, gaps, a!, e, s, -1, -1, -1, 0, 0, hits, budget);
    if (hits.size === 0) {
      // Second pass: up to two context tokens (one in the anchor) may have been replaced (paraphrase).
      const starts = new Set<number>();
      for (let w = 0; w < ANCHOR; w++)
        for (const e of index.get(key.map((x, k) => (k === w ? "\u0002" : x)).join("\u0001")) ?? [])
          starts.add(e);
      budget.left = 400;
      for (const e of starts) walk(reader, E, gaps, a!, e, s, -1, -1, -1, 0, 2, hits, budget);
    }
    for (const c of hits.values()) {
      c.context = contextLength(reader, E, s, c.at, c.after);
      claims.push(c);
    }
  }
  // A place claimed by sites of different points goes to the one whose context matches furthest.
  const bestAt = new Map<number, { context: number; point: number; tie: boolean }>();
  for (const c of claims) {
    const k = c.at * 2 + (reader.siteInvisible[c.site] ? 1 : 0);
    const point = plan.sites[c.site]!.point;
    const b = bestAt.get(k);
    if (!b || c.context > b.context) bestAt.set(k, { context: c.context, point, tie: false });
    else if (c.context === b.context && point !== b.point) b.tie = true;
  }
  const siteSymbols = new Int8Array(plan.sites.length).fill(-1);
  const siteAt = new Int32Array(plan.sites.length).fill(-1);
  const conflict = new Uint8Array(plan.sites.length);
  for (const c of claims) {
    const b = bestAt.get(c.at * 2 + (reader.siteInvisible[c.site] ? 1 : 0));
    if (!b || b.tie || b.context !== c.context || b.point !== plan.sites[c.site]!.point) continue;
    if (c.sym < 0) continue;
    if (siteSymbols[c.site] === -1 && !conflict[c.site]) {
      siteSymbols[c.site] = c.sym;
      siteAt[c.site] = c.at;
    } else if (siteSymbols[c.site] !== c.sym) {
      conflict[c.site] = 1;
      siteSymbols[c.site] = -1;
    }
  }

  // A point stands where the earliest of its read sites does.
  const { symbols, pointWord, observedPoints } = pointSymbols(plan, siteSymbols, (_i, _symbol, sites) => {
    let at = -1;
    for (const s of sites) if (siteSymbols[s]! >= 0 && (at < 0 || siteAt[s]! < at)) at = siteAt[s]!;
    return wordOf[Math.max(0, Math.min(E.length, at))]!;
  });
  const located = found.map((r) => ({
    startWord: wordOf[r.start]!,
    endWord: wordOf[Math.min(E.length, r.end)]!,
  }));
  const locatedWords = located.reduce((n, r) => n + r.endWord - r.startWord, 0);
  return { symbols, siteSymbols, observedPoints, evidenceWords, match, located, locatedWords, pointWord };
}

/**
 * Point symbols from site symbols: each point's by majority of its sites read (all sites of a point
 * show the same symbol), -1 where none was read or they tie; how many points were read; and the
 * evidence word each read point stands at, as `wordOf` places it (-1: unknown).
 */
export function pointSymbols(
  plan: Plan,
  siteSymbols: Int8Array,
  wordOf: (point: number, symbol: number, sites: readonly number[]) => number,
): Pick<Reading, "symbols" | "pointWord" | "observedPoints"> {
  const symbols = new Int8Array(plan.points.length).fill(-1);
  const pointWord = new Int32Array(plan.points.length).fill(-1);
  let observedPoints = 0;
  plan.points.forEach((p, i) => {
    let ones = 0;
    let zeros = 0;
    for (const s of p.sites) {
      if (siteSymbols[s] === 1) ones++;
      else if (siteSymbols[s] === 0) zeros++;
    }
    if (ones === zeros) return;
    symbols[i] = ones > zeros ? 1 : 0;
    pointWord[i] = wordOf(i, symbols[i]!, p.sites);
    observedPoints++;
  });
  return { symbols, pointWord, observedPoints };
}

type Claim = { site: number; sym: number; at: number; after: number; context: number };

/**
 * Walks the template from item i against evidence position e; records the target site's symbol
 * (or -1 when the invisible mark is missing) and where in the evidence it sits, for every
 * alignment that reaches RIGHT tokens past it.
 */
function walk(
  r: Reader,
  E: string[],
  gaps: string[],
  i: number,
  e: number,
  target: number,
  sym: number,
  at: number,
  after: number,
  right: number,
  slack: number,
  found: Map<number, Claim>,
  budget: { left: number },
): void {
  if (--budget.left < 0) return;
  const passed = sym !== -1 || (r.siteInvisible[target] && i > r.siteItem[target]!);
  while (i < r.itemToken.length) {
    if (passed && right >= RIGHT) break;
    const site = r.itemSite[i];
    if (site === -1) {
      if (e >= E.length) return;
      if (E[e] !== r.itemToken[i]) {
        // A replaced word (second pass only); never as the last token that confirms the site.
        if (slack <= 0 || right + 1 >= RIGHT) return;
        slack--;
      }
      e++;
      i++;
      if (i > r.siteItem[target]!) right++;
      continue;
    }
    if (r.siteInvisible[site!]) {
      if (site === target) {
        if (e >= E.length) return;
        const g = readGap(gaps[e]!, r.siteMarks[site] ?? undefined);
        if (g === -1) return; // the mark is gone or foreign: an erasure, not a symbol
        walk(r, E, gaps, i + 1, e, target, g, e, e, right, slack, found, budget);
        return;
      }
      i++;
      continue;
    }
    const alts = r.siteAlts[site!]!;
    const misses = [mismatches(alts[0]!, E, e), mismatches(alts[1]!, E, e)];
    // An alternative as written, or (second pass) with some of its words replaced (one in two to
    // eleven tokens, one more per six tokens beyond) where the other alternative is further off:
    // "an unauthenticated remote attackers" still reads as "an unauthenticated remote attacker",
    // not as "a remote unauthenticated attacker", and two list items in their order still read
    // after a word of each was reworded. Equally far is an erasure.
    const fuzzy =
      misses[0] !== 0 && misses[1] !== 0 && slack > 0
        ? ([0, 1] as const).filter(
            (b) =>
              alts[b]!.length >= 2 &&
              misses[b]! <= Math.max(1, Math.floor(alts[b]!.length / 6)) &&
              misses[1 - b]! > misses[b]!,
          )
        : [];
    for (let b = 0; b < 2; b++) {
      const alt = alts[b]!;
      if (misses[b] !== 0 && !(fuzzy as readonly number[]).includes(b)) continue;
      const isTarget = site === target;
      const gained = i > r.siteItem[target]! ? alt.length : 0;
      walk(
        r,
        E,
        gaps,
        i + 1,
        e + alt.length,
        target,
        isTarget ? b : sym,
        isTarget ? e : at,
        isTarget ? e + alt.length : after,
        right + gained,
        misses[b] === 0 ? slack : slack - 1,
        found,
        budget,
      );
    }
    return;
  }
  if (sym === -1) return;
  if (right >= RIGHT || i >= r.itemToken.length) {
    const prev = found.get(at);
    if (!prev) found.set(at, { site: target, sym, at, after, context: 0 });
    else if (prev.sym !== sym) prev.sym = -2; // two readings at one place: ambiguous
  }
}

/** Tokens of `alt` that differ from the evidence at e (its length + 1 when the evidence ends first). */
function mismatches(alt: readonly string[], E: readonly string[], e: number): number {
  if (e + alt.length > E.length) return alt.length + 1;
  let n = 0;
  for (let k = 0; k < alt.length; k++) if (E[e + k] !== alt[k]) n++;
  return n;
}

/** Tokens of template context that match the evidence around a site read at [at, after). */
function contextLength(r: Reader, E: string[], site: number, at: number, after: number): number {
  let n = 0;
  // Leftwards.
  let i = r.siteItem[site]! - 1;
  let e = at - 1;
  while (n < CONTEXT_LIMIT && i >= 0 && e >= 0) {
    const s = r.itemSite[i];
    if (s === -1) {
      if (E[e] !== r.itemToken[i]) break;
      n++;
      e--;
      i--;
      continue;
    }
    if (r.siteInvisible[s!]) {
      i--;
      continue;
    }
    const alt = r.siteAlts[s!]!.find((a) => a.every((t, k) => E[e - a.length + 1 + k] === t));
    if (!alt) break;
    n += alt.length;
    e -= alt.length;
    i--;
  }
  // Rightwards.
  let m = 0;
  i = r.siteItem[site]! + 1;
  e = after;
  while (m < CONTEXT_LIMIT && i < r.itemToken.length && e < E.length) {
    const s = r.itemSite[i];
    if (s === -1) {
      if (E[e] !== r.itemToken[i]) break;
      m++;
      e++;
      i++;
      continue;
    }
    if (r.siteInvisible[s!]) {
      i++;
      continue;
    }
    const alt = r.siteAlts[s!]!.find((a) => a.every((t, k) => E[e + k] === t));
    if (!alt) break;
    m += alt.length;
    e += alt.length;
    i++;
  }
  return n + m;
}

/** Rejects binary or absurd input with a clear message. @example checkText("\u0000") // throws */
export function checkText(s: string): void {
  if (s.includes("\u0000")) throw new EvidenceError("the evidence is a binary file, not text");
  const bad = (s.match(/\uFFFD/g) ?? []).length;
  if (bad > 16 && bad > s.length / 100) throw new EvidenceError("the evidence is not valid UTF-8 text");
  if (s.length > 20_000_000) throw new EvidenceError("the evidence is larger than 20 MB");
}
