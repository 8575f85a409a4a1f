// Rendering a recipient's copy from the plan and a codeword (one symbol per point).
import type { Plan } from "./plan.ts";

// Per plan, the segments flattened into two arrays of text (symbol 0 / symbol 1) and the point of
// each (-1 for fixed text), so rendering a copy is one pass of string concatenation. Plans are not
// mutated after planning (keying the invisible marks makes a new plan object).
type Compiled = { zero: string[]; one: string[]; point: Int32Array };
const COMPILED = new WeakMap<Plan, Compiled>();

function compiled(plan: Plan): Compiled {
  let c = COMPILED.get(plan);
  if (c) return c;
  const n = plan.segments.length;
  c = { zero: new Array<string>(n), one: new Array<string>(n), point: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    const seg = plan.segments[k];
    if (typeof seg === "string") {
      c.zero[k] = seg;
      c.one[k] = seg;
      c.point[k] = -1;
    } else {
      const site = plan.sites[seg!];
      c.zero[k] = site!.alts[0];
      c.one[k] = site!.alts[1];
      c.point[k] = site!.point;
    }
  }
  COMPILED.set(plan, c);
  return c;
}

/**
 * The copy for a codeword: every site of point i shows alternative `symbols[i]`.
 * @example render(plan, codeword(key, "r0001", biases))
 */
export function render(plan: Plan, symbols: ArrayLike<number>): string {
  const { zero, one, point } = compiled(plan);
  let out = "";
  for (let k = 0; k < point.length; k++) {
    const p = point[k];
    out += p! >= 0 && symbols[p!] ? one[k] : zero[k];
  }
  return out;
}

/**
 * A copy with a symbol chosen per site (what colluders merging sentence by sentence produce).
 * @example renderSites(plan, new Uint8Array(plan.sites.length))
 */
export function renderSites(plan: Plan, siteSymbols: ArrayLike<number>): string {
  const parts = new Array<string>(plan.segments.length);
  for (let k = 0; k < plan.segments.length; k++) {
    const seg = plan.segments[k];
    parts[k] = typeof seg === "string" ? seg : plan.sites[seg!]!.alts[siteSymbols[seg!] ? 1 : 0];
  }
  return parts.join("");
}

/**
 * The advisory without fingerprints (author markup resolved to its first alternative, directives
 * removed): the baseline for benchmarks and what a public release shows.
 * @example renderPlain(planAdvisory("It {{may|might}} crash.")) // "It may crash."
 */
export function renderPlain(plan: Plan): string {
  return plan.segments.map((s) => (typeof s === "string" ? s : plan.sites[s]!.plain)).join("");
}
