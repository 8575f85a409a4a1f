// Test helpers: render code plans with random symbols and run the real tools on them.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Plan } from "../plan.ts";
import { render } from "../render.ts";

/** Fails (never skips) when a tool the code tests need is missing. */
export function requireTool(cmd: string, args: string[] = ["--version"]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new Error(
      `the code-variant tests need "${cmd}" on the PATH (Debian: apt-get install ${cmd === "python3" ? "python3" : cmd}); it is missing`,
    );
}

export function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
}

/** The "RULE file" lines yara prints for a rule source over the sample folder (written as S), sorted. */
export type YaraMatches = (source: string, tag: string) => string[];

/** Writes the sample files into a fresh folder and returns the matches of rules over it. Needs yara. */
export function yaraOver(prefix: string, samples: Record<string, Buffer>): YaraMatches {
  requireTool("yara", ["--version"]);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const folder = join(dir, "samples");
  mkdirSync(folder);
  for (const [name, bytes] of Object.entries(samples)) writeFileSync(join(folder, name), bytes);
  return (source, tag) => {
    const path = join(dir, `${tag}.yar`);
    writeFileSync(path, source);
    return run("yara", ["-w", path, folder])
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(folder, "S"))
      .sort();
  };
}

/** Symbol vectors: all zeros, all ones, and `n` seeded random ones. */
export function symbolVectors(points: number, n: number, seed = 1): Uint8Array[] {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const out = [new Uint8Array(points), new Uint8Array(points).fill(1)];
  for (let k = 0; k < n; k++) out.push(Uint8Array.from({ length: points }, () => (next() < 0.5 ? 1 : 0)));
  return out;
}

/** Renderings of a plan with each symbol vector. */
export function variants(plan: Plan, n: number, seed = 1): { symbols: Uint8Array; text: string }[] {
  return symbolVectors(plan.points.length, n, seed).map((symbols) => ({
    symbols,
    text: render(plan, symbols),
  }));
}

/**
 * The renaming (variant name → original name) a rendering applied. A site whose variant text is the
 * original text of another site of its point is part of a swap (two dict keys trading places), not
 * a renaming: a fresh name never appears in the original.
 */
export function renames(plan: Plan, symbols: Uint8Array): Record<string, string> {
  const map: Record<string, string> = {};
  const originals = new Map<number, Set<string>>();
  for (const s of plan.sites) {
    if (!originals.has(s.point)) originals.set(s.point, new Set());
    originals.get(s.point)!.add(s.alts[0]);
  }
  for (const s of plan.sites) {
    if (s.layer !== "code" || !symbols[s.point] || originals.get(s.point)!.has(s.alts[1])) continue;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.alts[0]) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.alts[1]))
      map[s.alts[1]] = s.alts[0];
  }
  return map;
}
