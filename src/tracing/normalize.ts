// One normal form for advisory text and evidence, so a point can be found again after copying,
// re-wrapping, rendering the markdown, Unicode normalisation or look-alike letters. The invisible
// layer is read from the gaps between tokens, which keep the format characters the normal form
// otherwise drops.
import { createRequire } from "node:module";

/** Zero-width characters of the original two-symbol invisible layer: symbol 0 and symbol 1. */
export const INVISIBLE: readonly [string, string] = ["\u200B", "\u200C"];

/**
 * The invisible alphabet: format characters that are invisible, survive copy and paste and NFKC,
 * and have no effect on text direction. Each invisible site draws (from the key) which two of them
 * write symbol 0 and symbol 1, so a global swap or replacement of these characters turns most
 * symbols into erasures rather than flips (see docs/tracing.md, "The informed leaker").
 */
export const INVISIBLE_ALPHABET: readonly string[] = [
  "\u200B", // zero-width space
  "\u200C", // zero-width non-joiner
  "\u200D", // zero-width joiner
  "\u2060", // word joiner
  "\u2061", // function application
  "\u2062", // invisible times
  "\u2063", // invisible separator
  "\u2064", // invisible plus
];

// UTS #39 confusable skeleton data (Unicode confusables.txt, packaged by `unhomoglyph`, MIT).
// Only non-ASCII characters are folded: the table also maps ASCII ("m" → "rn", "1" → "l"), which
// would fold real words together for no gain, since look-alike attacks use other scripts.
const CONFUSABLES = createRequire(import.meta.url)("unhomoglyph/data.json") as Record<string, string>;
const SKELETON = new Map<string, string>();
for (const [from, to] of Object.entries(CONFUSABLES)) {
  if (from.charCodeAt(0) < 0x80 || /\p{Cf}/u.test(from)) continue;
  SKELETON.set(from, to.toLowerCase());
}
const NON_ASCII = /[^\p{ASCII}]/gu;

/** Maps look-alike letters of other scripts (Cyrillic, Greek, …) to their Latin skeleton. @example confusableSkeleton("аttасk") // "attack" */
export function confusableSkeleton(s: string): string {
  return s.replace(NON_ASCII, (c) => SKELETON.get(c) ?? c);
}

const QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB"']/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/g;
// Markdown syntax and quotes carry no meaning once normalised: rendered HTML and raw markdown agree.
const MARKUP = /[*_#>|[\]~\\]/g;
const BULLET = /(^|\s)[-+•·▪◦‣](?=\s)/g;
const TOKEN = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}\p{Cf}]/gu;
// Format characters inside a word (soft hyphens, joiners planted between letters) split tokens; the
// invisible layer never writes there (its marks follow a space), so they are dropped.
const IN_WORD_FORMAT = /(?<=[\p{L}\p{N}\p{M}])\p{Cf}+(?=[\p{L}\p{N}\p{M}])/gu;
const SOFT_HYPHEN = /\u00AD/g;

/**
 * Normal form of a text: NFKC, lower case, look-alike letters folded to their Latin skeleton
 * (UTS #39), soft hyphens and in-word format characters dropped, quotes dropped, dashes unified,
 * markdown syntax and list bullets removed. Format characters between words are kept for the gap
 * reader.
 * @example normalizeText("An “Attacker” — could") // "an attacker - could"
 */
export function normalizeText(s: string): string {
  const folded = s
    .normalize("NFKC")
    .replace(SOFT_HYPHEN, "")
    .replace(IN_WORD_FORMAT, "")
    .toLowerCase()
    .replace(QUOTES, "")
    .replace(DASHES, "-");
  return confusableSkeleton(folded)
    .toLowerCase()
    .replace(QUOTES, "")
    .replace(DASHES, "-")
    .replace(MARKUP, " ")
    .replace(BULLET, "$1 ");
}

export type Tokens = {
  tokens: string[];
  /** gaps[k]: the characters between token k-1 and token k (what the invisible layer is read from). */
  gaps: string[];
};

/**
 * Tokens (words, numbers, single punctuation marks) of the normal form, with the gaps between them.
 * @example tokenize("Could  allow, e.g.").tokens // ["could", "allow", ",", "e", ".", "g", "."]
 */
export function tokenize(s: string): Tokens {
  const n = normalizeText(s);
  const tokens: string[] = [];
  const gaps: string[] = [];
  let last = 0;
  for (const m of n.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    tokens.push(m[0]);
    gaps.push(n.slice(last, at));
    last = at + m[0].length;
  }
  return { tokens, gaps };
}

/** Tokens only. @example words("Allows  X") // ["allows", "x"] */
export function words(s: string): string[] {
  return tokenize(s).tokens;
}

/**
 * Reads the invisible symbol in a gap given the site's two marks: 0, 1, or -1 when absent or
 * ambiguous (any other format character is an erasure, never a symbol).
 * @example readGap(" \u200B") // 0
 */
export function readGap(gap: string, marks: readonly [string, string] = INVISIBLE): number {
  const zero = gap.includes(marks[0]);
  const one = gap.includes(marks[1]);
  if (zero === one) return -1;
  return zero ? 0 : 1;
}
