// Accusation with a rigorous false-accusation bound. Every decoder scores recipient j as
// S_j = Σ_i f_i(y_i, X_ji), where f_i depends on the evidence, the biases and codewords of
// recipients accused at an earlier stage, never on X_j except through its own argument. For an
// innocent, X_ji ~ Bernoulli(p_i) independently of all of that, so the Chernoff bound
//   P(S_j ≥ Z) ≤ min_λ exp(−λZ) Π_i E[exp(λ f_i(y_i, X))]
// holds whatever the leakers did. Decoders share ε₁ by a union bound (weights below).

export type DecoderName = "tardos" | "single" | "robust" | "stage2" | "stage3";

/** How ε₁ is split between decoders (union bound; weights sum to 1). */
export const DECODER_WEIGHTS: Readonly<Record<DecoderName, number>> = {
  tardos: 0.2,
  single: 0.3,
  robust: 0.2,
  stage2: 0.15,
  stage3: 0.15,
};

/** Noise allowance of the single-leaker likelihood decoder (robust to light edits and misreads). */
export const SINGLE_NOISE = 0.01;
/** Noise allowance of the robust likelihood decoder (a leader among 2–3 colluders). */
export const ROBUST_NOISE = 0.2;
/** Noise allowance of the conditional (iterative) decoder's collusion model. */
export const STAGE_NOISE = 0.05;

/** Per observed point: score of a recipient whose symbol there is 0 (f0) or 1 (f1), and the bias. */
export type Terms = { f0: Float64Array; f1: Float64Array; p: Float64Array };

/** Log of Π_i E[exp(λ f_i(X))] for X_i ~ Bernoulli(p_i), computed stably. */
export function logMgf(t: Terms, lambda: number): number {
  let sum = 0;
  for (let i = 0; i < t.p.length; i++) {
    const a = lambda * t.f1[i]!;
    const b = lambda * t.f0[i]!;
    const m = Math.max(a, b);
    sum += m + Math.log(t.p[i]! * Math.exp(a - m) + (1 - t.p[i]!) * Math.exp(b - m));
  }
  return sum;
}

const LOG_LAMBDA_MIN = Math.log(1e-6);
const LOG_LAMBDA_MAX = Math.log(50);

function goldenMin(fn: (x: number) => number, lo: number, hi: number, iterations = 80): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = fn(c);
  let fd = fn(d);
  for (let k = 0; k < iterations; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = fn(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = fn(d);
    }
  }
  return fc < fd ? c : d;
}

/**
 * Where every observed point has bias exactly 1/2 (the visible layers) and takes the same two values
 * everywhere (a match `hi`, a mismatch `lo`: the symmetric Tardos, single and robust decoders), an
 * innocent's score is hi·M + lo·(m − M) with M ~ Binomial(m, 1/2) exactly: its tail needs no bound.
 * Null otherwise (arcsine biases, or terms that differ by point such as the conditional decoder's).
 */
function halfBinomial(t: Terms): { hi: number; lo: number } | null {
  const m = t.p.length;
  if (m === 0) return null;
  const hi = Math.max(t.f0[0]!, t.f1[0]!);
  const lo = Math.min(t.f0[0]!, t.f1[0]!);
  if (!(hi > lo)) return null;
  const tol = 1e-12 * (Math.abs(hi) + Math.abs(lo) + 1);
  for (let i = 0; i < m; i++) {
    if (t.p[i] !== 0.5) return null;
    const a = Math.max(t.f0[i]!, t.f1[i]!);
    const b = Math.min(t.f0[i]!, t.f1[i]!);
    if (Math.abs(a - hi) > tol || Math.abs(b - lo) > tol) return null;
  }
  return { hi, lo };
}

/** ln(e^a + e^b), stable. */
function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/**
 * ln P(Binomial(m, 1/2) ≥ k) for every k = 0..m, summed from the top in logs (exact up to rounding).
 * @example Math.exp(logHalfBinomialTails(3)[2]!) // 0.5
 */
export function logHalfBinomialTails(m: number): Float64Array {
  const out = new Float64Array(m + 1);
  let logTerm = -m * Math.LN2; // ln P(M = m)
  let tail = logTerm;
  out[m] = tail;
  for (let k = m; k > 0; k--) {
    logTerm += Math.log(k / (m - k + 1)); // ln P(M = k − 1)
    tail = logAdd(tail, logTerm);
    out[k - 1] = Math.min(0, tail);
  }
  out[0] = 0;
  return out;
}

/** ln P(Binomial(m, 1/2) ≥ k). @example Math.exp(logHalfBinomialTail(3, 2)) // 0.5 */
export function logHalfBinomialTail(m: number, k: number): number {
  if (k <= 0) return 0;
  if (k > m) return Number.NEGATIVE_INFINITY;
  return logHalfBinomialTails(m)[k]!;
}

/**
 * Smallest Z the Chernoff bound certifies: P(innocent score ≥ Z) ≤ ε. Any λ gives a valid Z; we
 * search for the best one. Where every bias is 1/2 the exact binomial tail gives Z instead (never
 * larger; see halfBinomial).
 * @example chernoffThreshold(tardosTerms(y, p), 1e-6)
 */
export function chernoffThreshold(t: Terms, epsilon: number): number {
  if (t.p.length === 0) return Number.POSITIVE_INFINITY;
  const half = halfBinomial(t);
  if (half) {
    // Smallest k with P(M ≥ k) ≤ ε: a score reaching hi·k + lo·(m − k) has M ≥ k.
    const m = t.p.length;
    const logEps = Math.log(epsilon);
    const tails = logHalfBinomialTails(m);
    let k = m + 1;
    while (k > 0 && tails[k - 1]! <= logEps) k--;
    if (k <= m) {
      // Scores lie on the lattice hi·M + lo·(m − M): half a step below k matches is reached only
      // with M ≥ k, and a sum that rounds a hair below the lattice value still passes.
      return half.hi * k + half.lo * (m - k) - (half.hi - half.lo) / 2;
    }
  }
  const L = -Math.log(epsilon);
  const z = (u: number) => {
    const lambda = Math.exp(u);
    return (logMgf(t, lambda) + L) / lambda;
  };
  return z(goldenMin(z, LOG_LAMBDA_MIN, LOG_LAMBDA_MAX));
}

/**
 * Natural log of the Chernoff bound on P(innocent score ≥ score); 0 means no evidence. Where every
 * bias is 1/2, the exact binomial tail instead.
 * @example Math.exp(chernoffLogBound(terms, 12.5)) // ≤ 1
 */
export function chernoffLogBound(t: Terms, score: number): number {
  if (t.p.length === 0) return 0;
  const half = halfBinomial(t);
  if (half) {
    // The fewest matches M that give this score (with a little room for rounding in the sum).
    const m = t.p.length;
    const k = Math.ceil((score - half.lo * m) / (half.hi - half.lo) - 1e-6);
    return Math.min(0, logHalfBinomialTail(m, k));
  }
  const h = (u: number) => {
    const lambda = Math.exp(u);
    return logMgf(t, lambda) - lambda * score;
  };
  return Math.min(0, h(goldenMin(h, LOG_LAMBDA_MIN, LOG_LAMBDA_MAX)));
}

function observed(symbols: Int8Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < symbols.length; i++) if (symbols[i]! >= 0) idx.push(i);
  return idx;
}

/** Terms at the observed points: `at(i, q)` gives [f0, f1] at codeword position i, whose bias is q. */
function termsAt(
  points: number[],
  biases: Float64Array,
  at: (i: number, q: number) => readonly [number, number],
): Terms {
  const n = points.length;
  const f0 = new Float64Array(n);
  const f1 = new Float64Array(n);
  const p = new Float64Array(n);
  points.forEach((i, k) => {
    const q = biases[i]!;
    p[k] = q;
    [f0[k], f1[k]] = at(i, q);
  });
  return { f0, f1, p };
}

/**
 * Symmetric Tardos terms: U(1,1,p) = √((1−p)/p), U(1,0,p) = −√(p/(1−p)) and mirrored for y = 0.
 * @example tardosTerms(Int8Array.of(1), Float64Array.of(0.5)).f1[0] // 1
 */
export function tardosTerms(symbols: Int8Array, biases: Float64Array, points = observed(symbols)): Terms {
  return termsAt(points, biases, (i, q) => {
    const up = Math.sqrt((1 - q) / q);
    const down = Math.sqrt(q / (1 - q));
    return symbols[i] === 1 ? [-down, up] : [down, -up];
  });
}

/**
 * Single-leaker log-likelihood ratio terms with a noise allowance δ: the evidence copies the
 * leaker's symbol with probability 1 − δ, against a random recipient's copy.
 * @example singleTerms(Int8Array.of(1), Float64Array.of(0.5), 0.05).f1[0] > 0 // true
 */
export function singleTerms(
  symbols: Int8Array,
  biases: Float64Array,
  noise: number,
  points = observed(symbols),
): Terms {
  return termsAt(points, biases, (i, q) => {
    const q1 = q * (1 - noise) + (1 - q) * noise;
    if (symbols[i] === 1) return [Math.log(noise / q1), Math.log((1 - noise) / q1)];
    const q0 = 1 - q1;
    return [Math.log((1 - noise) / q0), Math.log(noise / q0)];
  });
}

/**
 * Conditional terms given recipients already accused: the candidate joins them as a colluder
 * (where all colluders agree the evidence shows their symbol with probability 1 − δ, elsewhere
 * either symbol), against a random recipient joining them.
 * @example conditionalTerms(y, biases, [codewordOfAccused], 0.05)
 */
export function conditionalTerms(
  symbols: Int8Array,
  biases: Float64Array,
  accused: readonly Uint8Array[],
  noise: number,
  points = observed(symbols),
): Terms {
  const c = accused.length + 1;
  const pOne = (ones: number) => (ones === c ? 1 - noise : ones === 0 ? noise : 0.5);
  return termsAt(points, biases, (i, q) => {
    let ones = 0;
    for (const x of accused) ones += x[i]!;
    const y = symbols[i];
    const like1 = y === 1 ? pOne(ones + 1) : 1 - pOne(ones + 1);
    const like0 = y === 1 ? pOne(ones) : 1 - pOne(ones);
    const mix = q * like1 + (1 - q) * like0;
    return [Math.log(like0 / mix), Math.log(like1 / mix)];
  });
}

/** Scores of many recipients: S_j = Σ f0 + Σ X_ji (f1 − f0). */
export function scoreAll(t: Terms, points: number[], codewords: readonly Uint8Array[]): Float64Array {
  let base = 0;
  const diff = new Float64Array(points.length);
  for (let k = 0; k < points.length; k++) {
    base += t.f0[k]!;
    diff[k] = t.f1[k]! - t.f0[k]!;
  }
  const out = new Float64Array(codewords.length);
  for (let j = 0; j < codewords.length; j++) {
    const x = codewords[j];
    let s = base;
    for (let k = 0; k < points.length; k++) if (x![points[k]!]) s += diff[k]!;
    out[j] = s;
  }
  return out;
}

export type RecipientResult = {
  id: string;
  /** Score under the decoder that gives this recipient's strongest evidence. */
  score: number;
  threshold: number;
  /** Bound on the chance that an innocent recipient shows evidence this strong (all decoders counted). */
  bound: number;
  log10Bound: number;
  accused: boolean;
  decoder: DecoderName;
};

export type Accusation = {
  verdict: "accused" | "inconclusive";
  observedPoints: number;
  epsilon: number;
  recipientCount: number;
  accused: string[];
  /** Roughly how many more observed points would be needed (inconclusive only). */
  morePointsNeeded: number | null;
  decoders: { name: DecoderName; weight: number; threshold: number; leader: string | null }[];
  recipients: RecipientResult[];
};

export type AccuseOptions = {
  epsilon?: number;
  /** Compute every recipient's bound (default); false computes bounds for accused recipients only. */
  bounds?: boolean;
};

type DecoderRun = { name: DecoderName; terms: Terms; scores: Float64Array; threshold: number };

/**
 * Runs every decoder and returns per recipient score, threshold, bound and verdict.
 * @example
 * const a = accuse(ids, codewords, biases, reading.symbols, { epsilon: 1e-6 });
 * a.verdict // "accused" | "inconclusive"
 */
export function accuse(
  ids: readonly string[],
  codewords: readonly Uint8Array[],
  biases: Float64Array,
  symbols: Int8Array,
  options: AccuseOptions = {},
): Accusation {
  const epsilon = options.epsilon ?? 1e-6;
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError("epsilon must be in (0, 1)");
  const points = observed(symbols);
  const runs: DecoderRun[] = [];
  const accusedIdx = new Set<number>();
  const run = (name: DecoderName, terms: Terms) => {
    const threshold = chernoffThreshold(terms, epsilon * DECODER_WEIGHTS[name]);
    const scores = scoreAll(terms, points, codewords);
    runs.push({ name, terms, scores, threshold });
    for (let j = 0; j < scores.length; j++) if (scores[j]! >= threshold) accusedIdx.add(j);
  };
  if (points.length > 0) {
    run("tardos", tardosTerms(symbols, biases, points));
    run("single", singleTerms(symbols, biases, SINGLE_NOISE, points));
    run("robust", singleTerms(symbols, biases, ROBUST_NOISE, points));
    for (const stage of ["stage2", "stage3"] as const) {
      if (accusedIdx.size === 0) break;
      const given = [...accusedIdx].sort((a, b) => a - b).map((j) => codewords[j]!);
      const before = accusedIdx.size;
      const terms = conditionalTerms(symbols, biases, given, STAGE_NOISE, points);
      const threshold = chernoffThreshold(terms, epsilon * DECODER_WEIGHTS[stage]);
      const scores = scoreAll(terms, points, codewords);
      // Recipients already accused keep their earlier verdict; the stage only adds.
      runs.push({ name: stage, terms, scores, threshold });
      for (let j = 0; j < scores.length; j++) if (scores[j]! >= threshold) accusedIdx.add(j);
      if (accusedIdx.size === before) break;
    }
  }

  const logW = (name: DecoderName) => Math.log(DECODER_WEIGHTS[name]);
  const best = ids.map(() => ({ logP: 0, run: runs[0] as DecoderRun | undefined, score: 0 }));
  for (const r of runs) {
    const logB = options.bounds === false ? accusedBounds(r, accusedIdx) : boundsFor(r, accusedIdx);
    for (let j = 0; j < ids.length; j++) {
      const lp = Math.min(0, logB[j]! - logW(r.name));
      if (best[j]!.run === undefined || lp < best[j]!.logP || (lp === best[j]!.logP && r.name === "tardos")) {
        best[j] = { logP: lp, run: r, score: r.scores[j]! };
      }
    }
  }
  const recipients: RecipientResult[] = ids.map((id, j) => {
    const b = best[j];
    return {
      id,
      score: b!.run ? b!.score : 0,
      threshold: b!.run ? b!.run.threshold : Number.POSITIVE_INFINITY,
      bound: Math.exp(b!.logP),
      log10Bound: b!.logP / Math.LN10,
      accused: accusedIdx.has(j),
      decoder: b!.run?.name ?? "tardos",
    };
  });
  const order = recipients
    .map((r, j) => ({ r, j }))
    .sort((a, b) => a.r.log10Bound - b.r.log10Bound || b.r.score - a.r.score || a.j - b.j)
    .map(({ r }) => r);
  const accused = order.filter((r) => r.accused).map((r) => r.id);
  return {
    verdict: accused.length ? "accused" : "inconclusive",
    observedPoints: points.length,
    epsilon,
    recipientCount: ids.length,
    accused,
    morePointsNeeded: accused.length ? null : estimateMore(runs, points.length, epsilon),
    decoders: runs.map((r) => {
      let lead = -1;
      for (let j = 0; j < r.scores.length; j++) if (lead < 0 || r.scores[j]! > r.scores[lead]!) lead = j;
      return {
        name: r.name,
        weight: DECODER_WEIGHTS[r.name],
        threshold: r.threshold,
        leader: lead >= 0 ? ids[lead]! : null,
      };
    }),
    recipients: order,
  };
}

function accusedBounds(r: DecoderRun, accused: Set<number>): Float64Array {
  const out = new Float64Array(r.scores.length);
  for (const j of accused) out[j] = r.scores[j]! >= r.threshold ? chernoffLogBound(r.terms, r.scores[j]!) : 0;
  return out;
}

// Exact bounds for the strongest scores and every accused recipient; for the rest a conservative
// grid value (the bound at the nearest grid score below theirs, which is larger).
function boundsFor(r: DecoderRun, accused: Set<number>): Float64Array {
  const n = r.scores.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const order = Array.from(r.scores.keys()).sort((a, b) => r.scores[b]! - r.scores[a]!);
  const exact = new Set<number>(order.slice(0, 32));
  for (const j of accused) exact.add(j);
  for (const j of exact) out[j] = chernoffLogBound(r.terms, r.scores[j]!);
  let mean = 0;
  for (let k = 0; k < r.terms.p.length; k++)
    mean += r.terms.p[k]! * r.terms.f1[k]! + (1 - r.terms.p[k]!) * r.terms.f0[k]!;
  const top = r.scores[order[0]!];
  const steps = 48;
  const grid: number[] = [];
  const gridLog: number[] = [];
  if (top! > mean) {
    for (let k = 0; k <= steps; k++) {
      const s = mean + ((top! - mean) * k) / steps;
      grid.push(s);
      gridLog.push(chernoffLogBound(r.terms, s));
    }
  }
  for (let j = 0; j < n; j++) {
    if (exact.has(j)) continue;
    const s = r.scores[j];
    let v = 0;
    for (let k = grid.length - 1; k >= 0; k--) {
      if (grid[k]! <= s!) {
        v = gridLog[k]!;
        break;
      }
    }
    out[j] = v;
  }
  return out;
}

function estimateMore(runs: DecoderRun[], m: number, epsilon: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const r of runs) {
    let top = Number.NEGATIVE_INFINITY;
    for (const s of r.scores) if (s > top) top = s;
    if (!(top > 0) || m === 0) continue;
    // The leader's score grows like r·m. A likelihood threshold tends to ln(1/ε_d) (at λ = 1 the
    // moment generating function of a true likelihood ratio is 1); a Tardos threshold grows like
    // √(2 m ln(1/ε_d)). With few points the exact threshold can be lower only because no score
    // can reach it yet, so take the larger of the two.
    const L = -Math.log(epsilon * DECODER_WEIGHTS[r.name]);
    const rate = top / m;
    const need =
      r.name === "tardos"
        ? Math.max((2 * L) / rate ** 2, m * (r.threshold / top) ** 2)
        : Math.max(L, r.threshold) / rate;
    best = Math.min(best, need);
  }
  if (!Number.isFinite(best)) best = Math.max(2 * m, m + 45);
  return Math.max(1, Math.ceil(best - m));
}
