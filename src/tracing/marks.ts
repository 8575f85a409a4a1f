// Keyed invisible marks. Every invisible site draws from the key which two characters of the
// invisible alphabet write its symbol 0 and symbol 1. The characters are public (the code is open
// source); the per-site choice is not. A leaker who swaps or replaces invisible characters
// globally (without the key) therefore turns most marks into characters the site does not use,
// which the reader treats as erasures: a global swap of two characters flips a site's symbol only
// where the key happened to pick exactly that pair (2 of the 56 ordered pairs).
import { prngFor } from "./code.ts";
import { INVISIBLE_ALPHABET } from "./normalize.ts";
import type { Plan } from "./plan.ts";

/**
 * The plan with keyed marks on its invisible sites (other sites shared, not copied).
 * @example keyInvisibleMarks(planAdvisory(md), key).sites.filter((s) => s.layer === "invisible")
 */
export function keyInvisibleMarks(plan: Plan, key: Uint8Array): Plan {
  const rng = prngFor(key, "invisible-marks");
  const k = INVISIBLE_ALPHABET.length;
  const sites = plan.sites.map((s) => {
    if (s.layer !== "invisible") return s;
    const a = rng.int(k);
    let b = rng.int(k - 1);
    if (b >= a) b++;
    return { ...s, alts: [INVISIBLE_ALPHABET[a] ?? "", INVISIBLE_ALPHABET[b] ?? ""] as [string, string] };
  });
  return { ...plan, sites };
}
