// Reading evidence: normalise, check it comes from this advisory (shingles over every rendered
// alternative), align each site by its context and read its symbol. Sites cut away, edited or
// ambiguous are erasures.
import { readGap, tokenize } from "./normalize.ts";
import type { Plan } from "./plan.ts";

const ANCHOR = 3; // tokens of left context that locate a site
const RIGHT = 3; // tokens of right context that confirm it
const MAX_LEFT_ITEMS = 40;
const SHINGLE = 4;

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
    for (let i = siteItem[s] - 1; i >= 0 && i >= siteItem[s] - MAX_LEFT_ITEMS; i--) {
      const site = itemSite[i];
      if (site === -1) {
        run++;
        if (run === ANCHOR) {
          siteAnchor[s] = i;
          break;
        }
      } else if (!siteInvisible[site]) run = 0;
    }
  }
  const shingles = new Set<string>();
  for (const b of [0, 1]) {
    const stream: string[] = [];
    for (let i = 0; i < itemToken.length; i++) {
      if (itemSite[i] === -1) stream.push(itemToken[i]);
      else stream.push(...siteAlts[itemSite[i]][b]);
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
    shingles,
  };
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
};

/**
 * Reads the symbol of every point visible in the evidence.
 * @example readEvidence(reader, leakedText).symbols // Int8Array of 0, 1, -1
 */
export function readEvidence(reader: Reader, evidence: string): Reading {
  checkText(evidence);
  const { tokens: E, gaps } = tokenize(evidence);
  const evidenceWords = E.filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
  if (evidenceWords < 10) throw new EvidenceError("the evidence is too short (fewer than 10 words)");
  let hits = 0;
  let total = 0;
  for (let k = 0; k + SHINGLE <= E.length; k++) {
    total++;
    if (reader.shingles.has(E.slice(k, k + SHINGLE).join(" "))) hits++;
  }
  const match = total ? hits / total : 0;
  if (match < 0.2 || hits < 5)
    throw new EvidenceError(
      `evidence does not come from this advisory (${(match * 100).toFixed(0)}% of its shingles match)`,
    );

  const index = new Map<string, number[]>();
  for (let e = 0; e + ANCHOR <= E.length; e++) {
    const k = E.slice(e, e + ANCHOR).join("\u0001");
    const list = index.get(k);
    if (list) list.push(e);
    else index.set(k, [e]);
  }

  const { plan } = reader;
  const siteSymbols = new Int8Array(plan.sites.length).fill(-1);
  for (let s = 0; s < plan.sites.length; s++) {
    const a = reader.siteAnchor[s];
    if (a < 0) continue;
    const key: string[] = [];
    for (let i = a; key.length < ANCHOR; i++) if (reader.itemSite[i] === -1) key.push(reader.itemToken[i]);
    const starts = index.get(key.join("\u0001"));
    if (!starts) continue;
    const found = new Set<number>();
    const budget = { left: 400 };
    for (const e of starts) walk(reader, E, gaps, a, e, s, -1, 0, found, budget);
    if (found.size === 1) {
      const [sym] = found;
      siteSymbols[s] = sym;
    }
  }

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

/**
 * Walks the template from item i against evidence position e; records the target site's symbol
 * (or -1 when the invisible mark is missing) for every alignment that reaches RIGHT tokens past it.
 */
function walk(
  r: Reader,
  E: string[],
  gaps: string[],
  i: number,
  e: number,
  target: number,
  sym: number,
  right: number,
  found: Set<number>,
  budget: { left: number },
): void {
  if (--budget.left < 0) return;
  const passed = sym !== -1 || (r.siteInvisible[target] && i > r.siteItem[target]);
  while (i < r.itemToken.length) {
    if (passed && right >= RIGHT) break;
    const site = r.itemSite[i];
    if (site === -1) {
      if (e >= E.length || E[e] !== r.itemToken[i]) return;
      e++;
      i++;
      if (i > r.siteItem[target]) right++;
      continue;
    }
    if (r.siteInvisible[site]) {
      if (site === target) {
        if (e >= E.length) return;
        const g = readGap(gaps[e]);
        if (g === -1) return; // the mark is gone: an erasure, not a symbol
        walk(r, E, gaps, i + 1, e, target, g, right, found, budget);
        return;
      }
      i++;
      continue;
    }
    const alts = r.siteAlts[site];
    for (let b = 0; b < 2; b++) {
      const alt = alts[b];
      let ok = e + alt.length <= E.length;
      for (let k = 0; ok && k < alt.length; k++) ok = E[e + k] === alt[k];
      if (!ok) continue;
      const nextSym = site === target ? b : sym;
      const gained = i > r.siteItem[target] ? alt.length : 0;
      walk(r, E, gaps, i + 1, e + alt.length, target, nextSym, right + gained, found, budget);
    }
    return;
  }
  if (sym === -1) return;
  if (right >= RIGHT || i >= r.itemToken.length) found.add(sym);
}

/** Rejects binary or absurd input with a clear message. @example checkText("\u0000") // throws */
export function checkText(s: string): void {
  if (s.includes("\u0000")) throw new EvidenceError("the evidence is a binary file, not text");
  const bad = (s.match(/\uFFFD/g) ?? []).length;
  if (bad > 16 && bad > s.length / 100) throw new EvidenceError("the evidence is not valid UTF-8 text");
  if (s.length > 20_000_000) throw new EvidenceError("the evidence is larger than 20 MB");
}
