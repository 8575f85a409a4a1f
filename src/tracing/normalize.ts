// One normal form for advisory text and evidence, so a point can be found again after copying,
// re-wrapping, rendering the markdown or Unicode normalisation. The invisible layer is read from
// the gaps between tokens, which keep the format characters the normal form otherwise drops.

/** Zero-width characters the invisible layer writes: symbol 0 and symbol 1. */
export const INVISIBLE: readonly [string, string] = ["\u200B", "\u200C"];

const QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB"']/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/g;
// Markdown syntax and quotes carry no meaning once normalised: rendered HTML and raw markdown agree.
const MARKUP = /[*_#>|[\]~\\]/g;
const BULLET = /(^|\s)[-+•·▪◦‣](?=\s)/g;
const TOKEN = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}\p{Cf}]/gu;

/**
 * Normal form of a text: NFKC, lower case, quotes dropped, dashes unified, markdown syntax and
 * list bullets removed. Format characters (zero-width) are kept for the gap reader.
 * @example normalizeText("An “Attacker” — could") // "an attacker - could"
 */
export function normalizeText(s: string): string {
  return s
    .normalize("NFKC")
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

/** Reads the invisible symbol in a gap: 0, 1, or -1 when absent or ambiguous. @example readGap(" \u200B") // 0 */
export function readGap(gap: string): number {
  const zero = gap.includes(INVISIBLE[0]);
  const one = gap.includes(INVISIBLE[1]);
  if (zero === one) return -1;
  return zero ? 0 : 1;
}
