// Tracing capacity: points per layer and what they buy at a given ε₁.
import {
  chernoffThreshold,
  DECODER_WEIGHTS,
  logHalfBinomialTail,
  SINGLE_NOISE,
  singleTerms,
} from "./accuse.ts";
import { DEFAULT_CUTOFF, Prng, VISIBLE_CUTOFF } from "./code.ts";
import { layerGroup } from "./layers.ts";
import { LAYERS, type Layer, type Plan, planAdvisory, VISIBLE_LAYERS } from "./plan.ts";
import { renderPlain } from "./render.ts";

export type Capacity = {
  words: number;
  points: number;
  visiblePoints: number;
  sites: number;
  perLayer: Record<Layer, { points: number; sites: number }>;
  /**
   * Per layer group as the decoder scores them (visible, order, invisible, and any new layer):
   * points, sites, and what the group alone can trace.
   */
  perGroup: Record<
    string,
    { points: number; sites: number; singleLeakerExcerptWords: number | null; colludersWholeCopy: number }
  >;
  /** What the advisory traces with every layer, and once every invisible mark is stripped. */
  withInvisible: { points: number; singleLeakerExcerptWords: number | null; colludersWholeCopy: number };
  withoutInvisible: { points: number; singleLeakerExcerptWords: number | null; colludersWholeCopy: number };
  epsilon: number;
  recipients: number;
  /** Observed points a single leaker's evidence needs (90% detection, likelihood decoder). */
  singleLeakerPoints: number;
  /** The same for visible points alone (bias 1/2, so fewer): a copy whose invisible marks are stripped. */
  singleLeakerPointsWithoutInvisible: number;
  /** Words of an excerpt that carry that many points on average (all layers / visible only). */
  singleLeakerExcerptWords: number | null;
  singleLeakerExcerptWordsVisible: number | null;
  /** Colluders a whole copy can trace against any strategy (all / visible; see colludersTraced). */
  colludersWholeCopy: number;
  colludersWholeCopyVisible: number;
  summary: string;
};

/**
 * Observed points a single leaker needs: the smallest m where the likelihood decoder accuses in
 * 90% of simulated exact copies (arcsine biases at this cutoff, all 1/2 at 1/2; seeded so the answer
 * is stable).
 * @example singleLeakerPointsNeeded(1e-6) // 36 (invisible points); at VISIBLE_CUTOFF 22
 */
export function singleLeakerPointsNeeded(epsilon: number, cutoff = DEFAULT_CUTOFF): number {
  const rng = new Prng(Buffer.from("forewarn-capacity-seed-0001", "utf8"));
  const rt = Math.asin(Math.sqrt(Math.min(cutoff, 0.5)));
  const detects = (m: number) => {
    let hits = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const p = new Float64Array(m);
      const y = new Int8Array(m);
      for (let i = 0; i < m; i++) {
        const r = rng.next();
        p[i] = cutoff >= 0.5 ? 0.5 : Math.sin(rt + r * (Math.PI / 2 - 2 * rt)) ** 2;
        y[i] = rng.next() < p[i]! ? 1 : 0;
      }
      const terms = singleTerms(y, p, SINGLE_NOISE);
      let score = 0;
      for (let i = 0; i < m; i++) score += y[i]! ? terms.f1[i]! : terms.f0[i]!;
      if (score >= chernoffThreshold(terms, epsilon * DECODER_WEIGHTS.single)) hits++;
    }
    return hits >= 0.9 * trials;
  };
  let lo = 1;
  let hi = 16;
  while (!detects(hi) && hi < 4096) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 2) {
    const mid = (lo + hi) >> 1;
    if (detects(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const singleCache = new Map<number, readonly [number, number]>();

/**
 * Observed points a single leaker's evidence needs at ε₁: [points of any kind (arcsine biases, the
 * invisible layer's), visible points alone (bias 1/2)]. Cached per ε₁.
 * @example singleLeakerNeeds(1e-6) // [36, 22]
 */
export function singleLeakerNeeds(epsilon: number): readonly [number, number] {
  let got = singleCache.get(epsilon);
  if (!got) {
    got = [singleLeakerPointsNeeded(epsilon), singleLeakerPointsNeeded(epsilon, VISIBLE_CUTOFF)];
    singleCache.set(epsilon, got);
  }
  return got;
}

const twoCache = new Map<number, number>();

/**
 * Points at bias 1/2 (the visible layers, VISIBLE_CUTOFF) that name one of two colluders in 90% of
 * leaks whatever they do. Their symmetric scores there are ±1 and sum to twice the number of points
 * where their copies agree (both +1 there; where they differ, whoever's wording was kept gains what
 * the other loses), so one scores at least that number. An innocent's score is a sum of fair ±1; the
 * decoder's threshold Z at ε₁ times the Tardos decoder's share is the exact binomial quantile
 * (chernoffThreshold), and the agreeing points are Binomial(m, 1/2): the answer is the smallest m
 * with P(agree ≥ Z) ≥ 0.9. At ε₁ = 1e-6: 128. Against three or more, points at 1/2 promise nothing
 * (a minority vote scores zero on them).
 * @example twoColludersAtHalf(1e-6) // 128
 */
export function twoColludersAtHalf(epsilon: number): number {
  const cached = twoCache.get(epsilon);
  if (cached !== undefined) return cached;
  let m = 1;
  for (; m < 100_000; m++) {
    const z = chernoffThreshold(
      { f0: new Float64Array(m).fill(-1), f1: new Float64Array(m).fill(1), p: new Float64Array(m).fill(0.5) },
      epsilon * DECODER_WEIGHTS.tardos,
    );
    if (z <= m && Math.exp(logHalfBinomialTail(m, Math.ceil(z))) >= 0.9) break;
  }
  twoCache.set(epsilon, m);
  return m;
}

/**
 * How many colluders whole copies can name against any strategy, from their visible points (bias
 * 1/2) and invisible points (arcsine biases): one leaker from `single` points of any kind or
 * `singleVisible` visible ones (the likelihood decoder, singleLeakerNeeds); two from the Tardos bound
 * on all points or twoColludersAtHalf visible ones (for one or two colluders a point at 1/2 adds at
 * least what Tardos counts on); three or more from the Tardos bound on invisible points only.
 * @example colludersTraced(130, 0, 1e-6) // 2
 */
export function colludersTraced(
  visible: number,
  invisible: number,
  epsilon: number,
  [single, singleVisible]: readonly [number, number] = singleLeakerNeeds(epsilon),
): number {
  const tardos = (c: number) => tardosPoints(c, epsilon * DECODER_WEIGHTS.tardos);
  let c = 0;
  while (tardos(c + 1) <= invisible) c++;
  const all = visible + invisible;
  if (c < 2 && (visible >= twoColludersAtHalf(epsilon) || all >= tardos(2))) c = 2;
  if (c < 1 && (visible >= singleVisible || all >= single)) c = 1;
  return c;
}

/** Tardos points for c colluders: (π²/2) c² ln(1/ε). @example tardosPoints(1, 1e-6) // ≈ 68 */
export function tardosPoints(c: number, epsilon: number): number {
  return Math.ceil((Math.PI ** 2 / 2) * c * c * Math.log(1 / epsilon));
}

/**
 * Capacity report of an advisory (or of an existing plan).
 * @example capacity(markdown, { epsilon: 1e-6 }).summary
 */
export function capacity(
  source: string | Plan,
  options: { epsilon?: number; recipients?: number; cutoff?: number } = {},
): Capacity {
  const plan = typeof source === "string" ? planAdvisory(source) : source;
  const epsilon = options.epsilon ?? 1e-6;
  const recipients = options.recipients ?? 1000;
  const perLayer = Object.fromEntries(
    LAYERS.map((l) => [l, { points: 0, sites: 0 }]),
  ) as Capacity["perLayer"];
  for (const p of plan.points) {
    perLayer[p.layer].points++;
    perLayer[p.layer].sites += p.sites.length;
  }
  const words = (renderPlain(plan).match(/[\p{L}\p{N}][\p{L}\p{N}'.-]*/gu) ?? []).length;
  const points = plan.points.length;
  const visiblePoints = VISIBLE_LAYERS.reduce((n, l) => n + perLayer[l].points, 0);
  const sites = plan.sites.length;
  const visibleSites = VISIBLE_LAYERS.reduce((n, l) => n + perLayer[l].sites, 0);
  const single = singleLeakerPointsNeeded(epsilon, options.cutoff);
  const singleVisible = singleLeakerPointsNeeded(
    epsilon,
    Math.max(options.cutoff ?? DEFAULT_CUTOFF, VISIBLE_CUTOFF),
  );
  const excerptWords = (s: number, need = single) =>
    s > 0 && s >= need ? Math.ceil((need * words) / s) : null;
  const colluders = (visible: number, invisible: number) =>
    colludersTraced(visible, invisible, epsilon, [single, singleVisible]);
  const perGroup: Capacity["perGroup"] = {};
  for (const p of plan.points) {
    const g = layerGroup(p.layer);
    perGroup[g] ??= { points: 0, sites: 0, singleLeakerExcerptWords: null, colludersWholeCopy: 0 };
    perGroup[g].points++;
    perGroup[g].sites += p.sites.length;
  }
  for (const [name, g] of Object.entries(perGroup)) {
    const invisible = name === "invisible";
    g.singleLeakerExcerptWords = excerptWords(g.sites, invisible ? single : singleVisible);
    g.colludersWholeCopy = invisible ? colluders(0, g.points) : colluders(g.points, 0);
  }
  const cap: Capacity = {
    words,
    points,
    visiblePoints,
    sites,
    perLayer,
    perGroup,
    withInvisible: {
      points,
      singleLeakerExcerptWords: excerptWords(sites),
      colludersWholeCopy: colluders(visiblePoints, points - visiblePoints),
    },
    withoutInvisible: {
      points: visiblePoints,
      singleLeakerExcerptWords: excerptWords(visibleSites, singleVisible),
      colludersWholeCopy: colluders(visiblePoints, 0),
    },
    epsilon,
    recipients,
    singleLeakerPoints: single,
    singleLeakerPointsWithoutInvisible: singleVisible,
    singleLeakerExcerptWords: excerptWords(sites),
    singleLeakerExcerptWordsVisible: excerptWords(visibleSites, singleVisible),
    colludersWholeCopy: colluders(visiblePoints, points - visiblePoints),
    colludersWholeCopyVisible: colluders(visiblePoints, 0),
    summary: "",
  };
  const ex = cap.singleLeakerExcerptWords;
  const exv = cap.singleLeakerExcerptWordsVisible;
  cap.summary = [
    `${points} points (${visiblePoints} visible) over ${words} words.`,
    ex
      ? `A single leaker from any ${ex}-word excerpt${exv ? ` (${exv} words once invisible marks are stripped)` : ` (once invisible marks are stripped, ${visiblePoints} visible points against about ${singleVisible} needed: whole copies only, and not reliably)`};`
      : `Not enough points to trace a single leaker (${single} needed).`,
    `up to ${cap.colludersWholeCopy} colluder(s) from whole copies against any strategy (${cap.colludersWholeCopyVisible} without the invisible layer),`,
    `at epsilon_1 = ${epsilon} per innocent recipient (any of ${recipients} recipients: <= ${(epsilon * recipients).toPrecision(2)}).`,
  ].join(" ");
  return cap;
}
