// Evidence that accumulates over advisories: one test of a partner over every advisory whose leak
// was read, with a rigorous bound for the combined test.
//
// Per advisory a and decoder d, the terms f_i (tardosTerms or singleTerms) depend on the evidence
// and the biases only, so every recipient's score S_ja = Σ_i f_i(X_ji) has the same null
// distribution, and recipients' codewords are independent draws (codeword(key, id, biases)). Keys
// differ between advisories, so an innocent's codewords on two advisories are independent too.
//
// A partner P has k_a recipients in advisory a (its organisation's machine copy and each member).
// A leak comes from one of them, not necessarily the same one each time, so P's score for a is the
// best of its recipients', M_Pa = max_j S_ja, and its combined score is Σ_a M_Pa. For an innocent
// partner, E[exp(λ M_Pa)] ≤ Σ_j E[exp(λ S_ja)] = k_a · MGF_a(λ) (the max is one of the terms), so
//   P(Σ_a M_Pa ≥ Z) ≤ exp(−λZ) · Π_a k_a · MGF_a(λ)     for every λ > 0,
// which is the Chernoff bound of the concatenated terms times Π_a k_a: a union bound over every
// choice of one recipient per advisory. The decoders share ε by a union bound (COMBINED_WEIGHTS),
// so the chance that an innocent partner is accused stays ≤ ε, and ≤ ε · (partners tested) that any
// is. Adding an advisory never reuses a codeword bit: each advisory enters once.
import {
  chernoffLogBound,
  chernoffThreshold,
  ROBUST_NOISE,
  SINGLE_NOISE,
  scoreAll,
  singleTerms,
  type Terms,
  tardosTerms,
} from "./accuse.ts";

export type CombinedDecoder = "tardos" | "single" | "robust";

/** How ε is split between the decoders of the combined test (union bound; they sum to 1). */
export const COMBINED_WEIGHTS: Readonly<Record<CombinedDecoder, number>> = {
  tardos: 2 / 7,
  single: 3 / 7,
  robust: 2 / 7,
};
const DECODERS = Object.keys(COMBINED_WEIGHTS) as CombinedDecoder[];

/** One advisory's reading: the terms of each decoder over the observed points. */
export type AdvisoryTerms = {
  points: number[];
  observedPoints: number;
  terms: Record<CombinedDecoder, Terms>;
};

/** The terms of every decoder of the combined test for one reading. @example advisoryTerms(reading.symbols, key.biases) */
export function advisoryTerms(symbols: Int8Array, biases: Float64Array): AdvisoryTerms {
  const points: number[] = [];
  for (let i = 0; i < symbols.length; i++) if (symbols[i]! >= 0) points.push(i);
  return {
    points,
    observedPoints: points.length,
    terms: {
      tardos: tardosTerms(symbols, biases, points),
      single: singleTerms(symbols, biases, SINGLE_NOISE, points),
      robust: singleTerms(symbols, biases, ROBUST_NOISE, points),
    },
  };
}

/** Every recipient's score under each decoder. @example advisoryScores(t, codewords).single[j] */
export function advisoryScores(
  t: AdvisoryTerms,
  codewords: readonly Uint8Array[],
): Record<CombinedDecoder, Float64Array> {
  return {
    tardos: scoreAll(t.terms.tardos, t.points, codewords),
    single: scoreAll(t.terms.single, t.points, codewords),
    robust: scoreAll(t.terms.robust, t.points, codewords),
  };
}

/** A partner's part of one advisory: the terms, its best recipient's score per decoder, how many it had. */
export type PartnerPart = {
  terms: AdvisoryTerms;
  best: Record<CombinedDecoder, number>;
  recipients: number;
};

export type CombinedResult = {
  /** Score, threshold and decoder of the decoder giving the strongest evidence. */
  score: number;
  threshold: number;
  decoder: CombinedDecoder;
  /** Bound on the chance that an innocent partner shows evidence this strong (every decoder and recipient choice counted). */
  bound: number;
  log10Bound: number;
  observedPoints: number;
  accused: boolean;
};

function concat(parts: readonly PartnerPart[], d: CombinedDecoder): Terms {
  const n = parts.reduce((s, p) => s + p.terms.terms[d].p.length, 0);
  const out: Terms = { f0: new Float64Array(n), f1: new Float64Array(n), p: new Float64Array(n) };
  let o = 0;
  for (const part of parts) {
    const t = part.terms.terms[d];
    out.f0.set(t.f0, o);
    out.f1.set(t.f1, o);
    out.p.set(t.p, o);
    o += t.p.length;
  }
  return out;
}

/**
 * The combined test of one partner over its parts (one per advisory, each advisory once): accused
 * when some decoder's summed score reaches its threshold at ε·weight / Π k_a, on at least
 * `minObservedPoints` observed points in all.
 * @example combinedTest([partOfAdvisory1, partOfAdvisory2], 1e-6, 30).accused
 */
export function combinedTest(
  parts: readonly PartnerPart[],
  epsilon: number,
  minObservedPoints: number,
): CombinedResult {
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError("epsilon must be in (0, 1)");
  const used = parts.filter((p) => p.recipients > 0 && p.terms.observedPoints > 0);
  const observedPoints = used.reduce((s, p) => s + p.terms.observedPoints, 0);
  // ln Π k_a: the union bound over the choice of one recipient per advisory.
  const logChoices = used.reduce((s, p) => s + Math.log(p.recipients), 0);
  let best: CombinedResult | null = null;
  for (const d of DECODERS) {
    const terms = concat(used, d);
    const score = used.reduce((s, p) => s + p.best[d], 0);
    const share = Math.log(epsilon * COMBINED_WEIGHTS[d]) - logChoices;
    const threshold = terms.p.length ? chernoffThreshold(terms, Math.exp(share)) : Number.POSITIVE_INFINITY;
    const logBound = Math.min(0, chernoffLogBound(terms, score) + logChoices - Math.log(COMBINED_WEIGHTS[d]));
    const r: CombinedResult = {
      score,
      threshold,
      decoder: d,
      bound: Math.exp(logBound),
      log10Bound: logBound / Math.LN10,
      observedPoints,
      accused: observedPoints >= minObservedPoints && score >= threshold && Math.exp(logBound) <= epsilon,
    };
    if (
      !best ||
      (r.accused && !best.accused) ||
      (r.accused === best.accused && r.log10Bound < best.log10Bound)
    )
      best = r;
  }
  return (
    best ?? {
      score: 0,
      threshold: Number.POSITIVE_INFINITY,
      decoder: "single",
      bound: 1,
      log10Bound: 0,
      observedPoints: 0,
      accused: false,
    }
  );
}
