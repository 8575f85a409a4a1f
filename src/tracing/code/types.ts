// What a language planner returns: edits of the planner's internal shape, in the "code" layer,
// with offsets relative to the code it was given.

/** One variation site in code: `alts[0]` is the original text at [start, end). */
export type CodeEdit = {
  start: number;
  end: number;
  alts: [string, string];
  plain: string;
  layer: "code";
  /** Sites with the same family share a point (one identifier renamed everywhere). */
  family?: string;
};

export type Language = "yara" | "python" | "yaml" | "shell" | "http" | "ioc";

/** Builds a site that swaps [start, end) for `alt`; null when the alternative is the same text. */
export function site(
  code: string,
  start: number,
  end: number,
  alt: string,
  family?: string,
): CodeEdit | null {
  const orig = code.slice(start, end);
  if (orig === alt) return null;
  return { start, end, alts: [orig, alt], plain: orig, layer: "code", ...(family ? { family } : {}) };
}

/**
 * Keeps edits that do not overlap an earlier kept one (sorted by start). A family (one identifier
 * renamed everywhere) is kept whole or dropped whole, so no rendering renames half of its uses.
 */
export function nonOverlapping(edits: CodeEdit[]): CodeEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const dropped = new Set<string>();
  for (;;) {
    const out: CodeEdit[] = [];
    let reach = -1;
    let again = false;
    for (const e of sorted) {
      if (e.family && dropped.has(e.family)) continue;
      if (e.start < reach) {
        if (e.family) {
          dropped.add(e.family);
          again = true;
        }
        continue;
      }
      out.push(e);
      reach = e.end;
    }
    if (!again) return out;
  }
}

/** Pairs of adjacent lines [a, b] swap as a unit: one point per pair. */
export function pairSwaps(code: string, lines: { start: number; end: number }[]): CodeEdit[] {
  const out: CodeEdit[] = [];
  for (let k = 0; k + 1 < lines.length; k += 2) {
    const a = lines[k];
    const b = lines[k + 1];
    if (code.slice(a!.end, b!.start) !== "\n") continue;
    const ta = code.slice(a!.start, a!.end);
    const tb = code.slice(b!.start, b!.end);
    if (ta === tb) continue;
    const e = site(code, a!.start, b!.end, `${tb}\n${ta}`);
    if (e) out.push(e);
  }
  return out;
}
