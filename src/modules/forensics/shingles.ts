// "Which advisory": word 5-shingles of the normal form (the tracing library's: look-alike letters,
// quotes, dashes and format characters folded), hashed with a keyed HMAC to 32 bits. Every delivered
// revision (the plain text of its tracing plan and of its varied files) is indexed once; evidence is
// matched by counting its shingles in the index, never by scanning copies.
import { createHmac } from "node:crypto";
import type { KeyFile } from "../../tracing/keyfile.ts";
import { words } from "../../tracing/normalize.ts";
import { renderPlain } from "../../tracing/render.ts";

export const SHINGLE_WORDS = 5;
/** A revision matches when at least this many distinct shingles of the evidence are in it... */
export const MIN_SHARED_SHINGLES = 8;
/** ...and they are at least this share of the smaller of the two texts (evidence or revision). */
export const MIN_CONTAINMENT = 0.1;

const WORD = /[\p{L}\p{N}]/u;

/**
 * Distinct keyed hashes of the text's word 5-shingles (punctuation dropped).
 * @example shingleHashes("a b c d e f", key).length // 2
 */
export function shingleHashes(text: string, key: Buffer): number[] {
  const w = words(text).filter((t) => WORD.test(t));
  const out = new Set<number>();
  for (let i = 0; i + SHINGLE_WORDS <= w.length; i++) {
    const h = createHmac("sha256", key)
      .update(w.slice(i, i + SHINGLE_WORDS).join(" "))
      .digest();
    out.add(h.readInt32BE(0));
  }
  return [...out];
}

/** The plain text a key's copies vary around: the advisory and each varied attached file. */
export function keyPlainText(k: KeyFile): string {
  return [renderPlain(k.plan), ...(k.files ?? []).map((f) => renderPlain(f.plan))].join("\n\n");
}

/**
 * Whether evidence with `evidence` distinct shingles sharing `shared` with a revision of `revision`
 * shingles comes from it.
 * @example isMatch(40, 60, 500) // true
 */
export function isMatch(shared: number, evidence: number, revision: number): boolean {
  return shared >= MIN_SHARED_SHINGLES && shared >= MIN_CONTAINMENT * Math.min(evidence, revision);
}
