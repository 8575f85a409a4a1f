// Attacks of an informed leaker (one who has read this code, the phrase table and the reader, but
// not the key). Each works on rendered text, as a leaker would; docs/tracing.md reports how the
// decoder fares against each, and `forewarn trace simulate` reruns them.
import type { Prng } from "../code.ts";
import { INVISIBLE_ALPHABET } from "../normalize.ts";
import type { Plan } from "../plan.ts";

const FORMAT = /\p{Cf}/gu;

/** Swaps the characters of the invisible alphabet pairwise (200B↔200C, 200D↔2060, …). */
export function swapInvisible(text: string): string {
  const swap = new Map<string, string>();
  for (let k = 0; k + 1 < INVISIBLE_ALPHABET.length; k += 2) {
    const a = INVISIBLE_ALPHABET[k] ?? "";
    const b = INVISIBLE_ALPHABET[k + 1] ?? "";
    swap.set(a, b);
    swap.set(b, a);
  }
  return text.replace(FORMAT, (c) => swap.get(c) ?? c);
}

/**
 * Replaces every format character by another one: each character of the invisible alphabet by the
 * next one (a fixed relabelling without fixed points); any other format character by a word joiner.
 */
export function replaceInvisible(text: string): string {
  const next = new Map<string, string>();
  INVISIBLE_ALPHABET.forEach((c, k) => {
    next.set(c, INVISIBLE_ALPHABET[(k + 1) % INVISIBLE_ALPHABET.length] ?? c);
  });
  return text.replace(FORMAT, (c) => next.get(c) ?? "\u2060");
}

/** Removes every format character (zero-width marks, joiners, soft hyphens). */
export function stripFormat(text: string): string {
  return text.replace(FORMAT, "");
}

/** Latin letters and their Cyrillic / Greek look-alikes. */
const LOOKALIKE: Readonly<Record<string, string>> = {
  a: "\u0430",
  c: "\u0441",
  e: "\u0435",
  i: "\u0456",
  j: "\u0458",
  o: "\u043E",
  p: "\u0440",
  s: "\u0455",
  x: "\u0445",
  y: "\u0443",
  A: "\u0391",
  B: "\u0392",
  E: "\u0395",
  H: "\u0397",
  K: "\u039A",
  M: "\u039C",
  O: "\u039F",
  T: "\u03A4",
};

/** Replaces a share of the letters that have look-alikes in other scripts. */
export function confusables(text: string, share: number, rng: Prng): string {
  return text.replace(/[acei jopsxyABEHKMOT]/g, (c) =>
    c !== " " && rng.next() < share ? (LOOKALIKE[c] ?? c) : c,
  );
}

/** Puts a soft hyphen in the middle of every word of six letters or more. */
export function softHyphens(text: string): string {
  return text.replace(/\p{L}{6,}/gu, (w) => `${w.slice(0, w.length >> 1)}\u00AD${w.slice(w.length >> 1)}`);
}

const FILLER_WORDS =
  "the of and to in is was for on that with as by at from this be are it or an have not which but had they one were there all we when your can said use each she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part over new sound take only little work know place year live me back give most very after thing our just name good sentence man think say great where help through much before line right too mean old any same tell boy follow came want show also around form three small set put end does another well large must big even such because turn here why ask went men read need land different home us move try kind hand picture again change off play spell air away animal house point page letter mother answer found study still learn should America world high every near add food between own below country plant last school father keep tree never start city earth eye light thought head under story saw left few while along might close something seem next hard open example begin life always those both paper together got group often run important until children side feet car mile night walk white sea began grow took river four carry state once book hear stop without second later miss idea enough eat face watch far really almost let above girl sometimes mountain cut young talk soon list song being leave family".split(
    " ",
  );

/** Unrelated English-like text of about `words` words, in sentences. */
export function filler(words: number, rng: Prng): string {
  const out: string[] = [];
  let sentence: string[] = [];
  for (let k = 0; k < words; k++) {
    sentence.push(FILLER_WORDS[rng.int(FILLER_WORDS.length)] ?? "the");
    if (sentence.length >= 8 + rng.int(10)) {
      const s = sentence.join(" ");
      out.push(`${s[0]?.toUpperCase() ?? ""}${s.slice(1)}.`);
      sentence = [];
    }
  }
  if (sentence.length) out.push(`${sentence.join(" ")}.`);
  return out.join(" ");
}

/** Hides the text inside `factor` times as much unrelated text (half before, half after). */
export function pad(text: string, factor: number, rng: Prng): string {
  const words = (text.match(/\S+/g) ?? []).length;
  const half = Math.ceil((words * factor) / 2);
  return `${filler(half, rng)}\n\n${text}\n\n${filler(half, rng)}`;
}

const SYNONYMS: Readonly<Record<string, string>> = {
  attacker: "adversary",
  vulnerability: "weakness",
  allows: "lets",
  could: "might",
  user: "account",
  server: "host",
  request: "call",
  remote: "distant",
  affected: "impacted",
  versions: "releases",
  update: "upgrade",
  issue: "problem",
  arbitrary: "any",
  execute: "run",
  access: "entry",
  specially: "carefully",
  crafted: "built",
  information: "data",
  fixed: "resolved",
  application: "program",
};

/** Rewords a share of the words: a synonym where one is known, otherwise a near-synonymous filler. */
export function paraphrase(text: string, share: number, rng: Prng): string {
  return text.replace(/\p{L}{3,}/gu, (w) => {
    if (rng.next() >= share) return w;
    const lower = w.toLowerCase();
    const s = SYNONYMS[lower] ?? (lower.endsWith("s") ? `${lower.slice(0, -1)}es` : `${lower}s`);
    return w[0] === w[0]?.toUpperCase() ? `${s[0]?.toUpperCase() ?? ""}${s.slice(1)}` : s;
  });
}

/**
 * Two colluders diff their copies: every invisible mark goes (they see the marks differ), and
 * where their visible wording differs each such point shows a random one of the two; where they
 * agree they cannot see the point. Returns the point symbols and the text.
 */
export function diffAndNeutralise(plan: Plan, colluders: readonly Uint8Array[], rng: Prng): string {
  const y = mergeRandom(plan, colluders, rng);
  return renderMasked(plan, (site) =>
    plan.sites[site]?.layer === "invisible" ? null : (y[plan.sites[site]?.point ?? 0] ?? 0),
  );
}

function mergeRandom(plan: Plan, colluders: readonly Uint8Array[], rng: Prng): Uint8Array {
  const y = new Uint8Array(plan.points.length);
  for (let i = 0; i < y.length; i++) y[i] = colluders[rng.int(colluders.length)]?.[i] ?? 0;
  return y;
}

/**
 * Framing: colluders neutralise their own copy as in diffAndNeutralise and splice in a quote of
 * about `quoteWords` words of an innocent partner's copy (its marks intact) at a random place.
 * Returns the text and the word window of the quote.
 */
export function frameByQuote(
  plan: Plan,
  colluders: readonly Uint8Array[],
  innocent: Uint8Array,
  quoteWords: number,
  rng: Prng,
): string {
  const y = mergeRandom(plan, colluders, rng);
  // Word offset of every segment, to place the quote window.
  const wordsBefore: number[] = [];
  let words = 0;
  for (const seg of plan.segments) {
    wordsBefore.push(words);
    words += typeof seg === "string" ? (seg.match(/\S+/g) ?? []).length : 0;
  }
  const start = rng.int(Math.max(1, words - quoteWords));
  const inQuote = new Uint8Array(plan.sites.length);
  plan.segments.forEach((seg, k) => {
    const w = wordsBefore[k] ?? 0;
    if (typeof seg === "number" && w >= start && w < start + quoteWords) inQuote[seg] = 1;
  });
  return renderMasked(plan, (site) => {
    const s = plan.sites[site];
    if (!s) return null;
    if (inQuote[site]) return innocent[s.point] ?? 0;
    return s.layer === "invisible" ? null : (y[s.point] ?? 0);
  });
}

/** Renders with a symbol per site, or nothing where `pick` returns null (a stripped mark). */
function renderMasked(plan: Plan, pick: (site: number) => number | null): string {
  let out = "";
  for (const seg of plan.segments) {
    if (typeof seg === "string") {
      out += seg;
      continue;
    }
    const b = pick(seg);
    const site = plan.sites[seg];
    if (!site) continue;
    out += b === null ? site.plain : site.alts[b ? 1 : 0];
  }
  return out;
}
