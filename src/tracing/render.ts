// Rendering a recipient's copy from the plan and a codeword (one symbol per point).
import type { Plan } from "./plan.ts";

/**
 * The copy for a codeword: every site of point i shows alternative `symbols[i]`.
 * @example render(plan, codeword(key, "r0001", biases))
 */
export function render(plan: Plan, symbols: ArrayLike<number>): string {
  const parts = new Array<string>(plan.segments.length);
  for (let k = 0; k < plan.segments.length; k++) {
    const seg = plan.segments[k];
    if (typeof seg === "string") parts[k] = seg;
    else {
      const site = plan.sites[seg];
      parts[k] = site.alts[symbols[site.point] ? 1 : 0];
    }
  }
  return parts.join("");
}

/**
 * A copy with a symbol chosen per site (what colluders merging sentence by sentence produce).
 * @example renderSites(plan, new Uint8Array(plan.sites.length))
 */
export function renderSites(plan: Plan, siteSymbols: ArrayLike<number>): string {
  const parts = new Array<string>(plan.segments.length);
  for (let k = 0; k < plan.segments.length; k++) {
    const seg = plan.segments[k];
    parts[k] = typeof seg === "string" ? seg : plan.sites[seg].alts[siteSymbols[seg] ? 1 : 0];
  }
  return parts.join("");
}

/**
 * The advisory without fingerprints (author markup resolved to its first alternative, directives
 * removed): the baseline for benchmarks and what a public release shows.
 * @example renderPlain(planAdvisory("It {{may|might}} crash.")) // "It may crash."
 */
export function renderPlain(plan: Plan): string {
  return plan.segments.map((s) => (typeof s === "string" ? s : plan.sites[s].plain)).join("");
}
