// CVSS 4.0 and 3.1 vectors: a strict parser (every base metric present once, every value known, so a
// bad vector is refused naming the metric) in front of ae-cvss-calculator, which computes the score.
import * as cvssLib from "ae-cvss-calculator";

// The package is a CommonJS bundle: under Node's ESM its classes sit on the default export.
const lib = (cvssLib as unknown as { default?: typeof cvssLib }).default ?? cvssLib;
const { Cvss3P1, Cvss4P0 } = lib;

const V4: Record<string, readonly string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  AT: ["N", "P"],
  PR: ["N", "L", "H"],
  UI: ["N", "P", "A"],
  VC: ["H", "L", "N"],
  VI: ["H", "L", "N"],
  VA: ["H", "L", "N"],
  SC: ["H", "L", "N"],
  SI: ["H", "L", "N"],
  SA: ["H", "L", "N"],
  E: ["X", "A", "P", "U"],
  CR: ["X", "H", "M", "L"],
  IR: ["X", "H", "M", "L"],
  AR: ["X", "H", "M", "L"],
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MAT: ["X", "N", "P"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "P", "A"],
  MVC: ["X", "H", "L", "N"],
  MVI: ["X", "H", "L", "N"],
  MVA: ["X", "H", "L", "N"],
  MSC: ["X", "H", "L", "N"],
  MSI: ["X", "S", "H", "L", "N"],
  MSA: ["X", "S", "H", "L", "N"],
  S: ["X", "N", "P"],
  AU: ["X", "N", "Y"],
  R: ["X", "A", "U", "I"],
  V: ["X", "D", "C"],
  RE: ["X", "L", "M", "H"],
  U: ["X", "Clear", "Green", "Amber", "Red"],
};
const V4_BASE = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

const V31: Record<string, readonly string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  PR: ["N", "L", "H"],
  UI: ["N", "R"],
  S: ["U", "C"],
  C: ["H", "L", "N"],
  I: ["H", "L", "N"],
  A: ["H", "L", "N"],
  E: ["X", "U", "P", "F", "H"],
  RL: ["X", "O", "T", "W", "U"],
  RC: ["X", "U", "R", "C"],
  CR: ["X", "L", "M", "H"],
  IR: ["X", "L", "M", "H"],
  AR: ["X", "L", "M", "H"],
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "R"],
  MS: ["X", "U", "C"],
  MC: ["X", "N", "L", "H"],
  MI: ["X", "N", "L", "H"],
  MA: ["X", "N", "L", "H"],
};
const V31_BASE = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

export type CvssVersion = "4.0" | "3.1";
export type Severity = "none" | "low" | "medium" | "high" | "critical";
export type CvssResult = { version: CvssVersion; vector: string; score: number; severity: Severity };

export class CvssError extends Error {
  readonly metric: string | null;
  constructor(message: string, metric: string | null = null) {
    super(message);
    this.name = "CvssError";
    this.metric = metric;
  }
}

/** The qualitative rating, the same bands for 3.1 and 4.0. */
export function severityOf(score: number): Severity {
  if (score === 0) return "none";
  if (score < 4) return "low";
  if (score < 7) return "medium";
  if (score < 9) return "high";
  return "critical";
}

/** Parses and scores a vector; throws CvssError naming the first bad metric. */
export function scoreCvss(input: string): CvssResult {
  const vector = input.trim();
  if (vector.length > 300) throw new CvssError("the vector is too long (300 characters at most)");
  const m = /^CVSS:(4\.0|3\.1)\/(.*)$/.exec(vector);
  if (!m) throw new CvssError('a vector starts with "CVSS:4.0/" or "CVSS:3.1/"');
  const version = m[1] as CvssVersion;
  const table = version === "4.0" ? V4 : V31;
  const base = version === "4.0" ? V4_BASE : V31_BASE;
  const seen = new Set<string>();
  for (const part of (m[2] ?? "").split("/")) {
    const [metric, value, extra] = part.split(":");
    if (!metric || value === undefined || extra !== undefined)
      throw new CvssError(`"${part}" is not METRIC:VALUE`);
    // Own properties only: `constructor` or `__proto__` would otherwise find Object.prototype's.
    const allowed = Object.hasOwn(table, metric) ? table[metric] : undefined;
    if (!allowed) throw new CvssError(`unknown CVSS ${version} metric ${metric}`, metric);
    if (seen.has(metric)) throw new CvssError(`metric ${metric} appears twice`, metric);
    if (!allowed.includes(value))
      throw new CvssError(
        `metric ${metric} cannot be ${value} (one of ${allowed.join(", ")} in CVSS ${version})`,
        metric,
      );
    seen.add(metric);
  }
  for (const metric of base)
    if (!seen.has(metric)) throw new CvssError(`base metric ${metric} is missing`, metric);
  const calc = version === "4.0" ? new Cvss4P0(vector) : new Cvss3P1(vector);
  const score = Math.round(Number(calc.calculateScores().overall) * 10) / 10;
  if (!Number.isFinite(score)) throw new CvssError("the vector could not be scored");
  return { version, vector, score, severity: severityOf(score) };
}
