// Tracing capacity: points per layer and what they buy at a given ε₁.
import { chernoffThreshold, DECODER_WEIGHTS, SINGLE_NOISE, singleTerms } from "./accuse.ts";
import { DEFAULT_CUTOFF, Prng } from "./code.ts";
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
  /** Words of an excerpt that carry that many points on average (all layers / visible only). */
  singleLeakerExcerptWords: number | null;
  singleLeakerExcerptWordsVisible: number | null;
  /** Colluders a whole copy can trace by the Tardos formula m ≈ (π²/2) c² ln(1/ε) (all / visible). */
  colludersWholeCopy: number;
  colludersWholeCopyVisible: number;
  summary: string;
};

/**
 * Observed points a single leaker needs: the smallest m where the likelihood decoder accuses in
 * 90% of simulated exact copies (arcsine biases, seeded so the answer is stable).
 * @example singleLeakerPointsNeeded(1e-6) // about 45–60
 */
export function singleLeakerPointsNeeded(epsilon: number, cutoff = DEFAULT_CUTOFF): number {
  const rng = new Prng(Buffer.from("forewarn-capacity-seed-0001", "utf8"));
  const rt = Math.asin(Math.sqrt(cutoff));
  const detects = (m: number) => {
    let hits = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const p = new Float64Array(m);
      const y = new Int8Array(m);
      for (let i = 0; i < m; i++) {
        p[i] = Math.sin(rt + rng.next() * (Math.PI / 2 - 2 * rt)) ** 2;
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
  const excerptWords = (s: number) => (s > 0 && s >= single ? Math.ceil((single * words) / s) : null);
  const colluders = (m: number) => {
    let c = 0;
    while (tardosPoints(c + 1, epsilon * DECODER_WEIGHTS.tardos) <= m) c++;
    return c;
  };
  const perGroup: Capacity["perGroup"] = {};
  for (const p of plan.points) {
    const g = layerGroup(p.layer);
    perGroup[g] ??= { points: 0, sites: 0, singleLeakerExcerptWords: null, colludersWholeCopy: 0 };
    perGroup[g].points++;
    perGroup[g].sites += p.sites.length;
  }
  for (const g of Object.values(perGroup)) {
    g.singleLeakerExcerptWords = excerptWords(g.sites);
    g.colludersWholeCopy = colluders(g.points);
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
      colludersWholeCopy: colluders(points),
    },
    withoutInvisible: {
      points: visiblePoints,
      singleLeakerExcerptWords: excerptWords(visibleSites),
      colludersWholeCopy: colluders(visiblePoints),
    },
    epsilon,
    recipients,
    singleLeakerPoints: single,
    singleLeakerExcerptWords: excerptWords(sites),
    singleLeakerExcerptWordsVisible: excerptWords(visibleSites),
    colludersWholeCopy: colluders(points),
    colludersWholeCopyVisible: colluders(visiblePoints),
    summary: "",
  };
  const ex = cap.singleLeakerExcerptWords;
  const exv = cap.singleLeakerExcerptWordsVisible;
  cap.summary = [
    `${points} points (${visiblePoints} visible) over ${words} words.`,
    ex
      ? `A single leaker from any ${ex}-word excerpt${exv ? ` (${exv} words once invisible marks are stripped)` : ` (once invisible marks are stripped, ${visiblePoints} visible points against about ${single} needed: whole copies only, and not reliably)`};`
      : `Not enough points to trace a single leaker (${single} needed).`,
    `up to ${cap.colludersWholeCopy} colluder(s) from whole copies by the Tardos bound (${cap.colludersWholeCopyVisible} without the invisible layer),`,
    `at epsilon_1 = ${epsilon} per innocent recipient (any of ${recipients} recipients: <= ${(epsilon * recipients).toPrecision(2)}).`,
  ].join(" ");
  return cap;
}
