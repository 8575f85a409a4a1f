// Coincidence analysis: how likely is it that someone outside the programme independently started
// exploiting the bug inside the window between a wave and the observed first exploitation?
//
// Model: independent discovery-and-exploitation of this bug starts as a Poisson process of constant
// rate λ per day, unaffected by the embargo. The chance of at least one independent start in a
// window of w days is 1 − e^(−λw). λ comes either from a prior rate per year (default
// DEFAULT_RATE_PER_YEAR) or from the bug's age D: it stayed unexploited for D days, and "one event
// in the bug's life" gives λ = 1/D, a deliberately generous (high) estimate, since no event was seen.

export const DEFAULT_RATE_PER_YEAR = 1;
const DAY = 86_400_000;

export type CoincidenceInput = {
  observedAt: Date | null;
  waves: { id: string; at: Date; tier: string | null }[];
  /** Prior rate of independent discovery per year. */
  ratePerYear?: number | undefined;
  /** Days the bug existed before the first wave; when given, λ = 1/bugAgeDays. */
  bugAgeDays?: number | undefined;
};

export type Coincidence = {
  model: string;
  assumptions: string[];
  ratePerDay: number;
  rateSource: "prior" | "bug_age";
  windows: { waveId: string; tier: string | null; at: Date; days: number; probability: number }[];
  /** Probability for the earliest wave's window (the widest), or null without observedAt. */
  probability: number | null;
  summary: string;
};

/**
 * Probability of an independent start inside each wave's window.
 * @example coincidence({ observedAt, waves, ratePerYear: 1 }).windows[0].probability
 */
export function coincidence(input: CoincidenceInput): Coincidence {
  const byAge = input.bugAgeDays !== undefined && input.bugAgeDays > 0;
  const ratePerDay = byAge
    ? 1 / (input.bugAgeDays as number)
    : (input.ratePerYear ?? DEFAULT_RATE_PER_YEAR) / 365;
  const model =
    "Independent discovery and exploitation start as a Poisson process of constant rate λ per day; P(an independent start within w days) = 1 − exp(−λ·w).";
  const assumptions = [
    byAge
      ? `λ = 1/${input.bugAgeDays} per day: the bug existed ${input.bugAgeDays} days without known exploitation, counted generously as one event in its life`
      : `λ = ${input.ratePerYear ?? DEFAULT_RATE_PER_YEAR} per year (a prior, not measured for this bug)`,
    "independent discoverers do not know of the embargo and their rate does not change when partners are told",
    "the window of a wave runs from its delivery to the observed first exploitation (observedAt)",
    "a small probability says chance is an unlikely explanation; it does not say who leaked",
  ];
  if (!input.observedAt)
    return {
      model,
      assumptions,
      ratePerDay,
      rateSource: byAge ? "bug_age" : "prior",
      windows: [],
      probability: null,
      summary: "No observed time of first exploitation: set observedAt on the investigation to compute it.",
    };
  const observed = input.observedAt.getTime();
  const windows = input.waves
    .filter((w) => w.at.getTime() <= observed)
    .map((w) => {
      const days = (observed - w.at.getTime()) / DAY;
      return { waveId: w.id, tier: w.tier, at: w.at, days, probability: -Math.expm1(-ratePerDay * days) };
    });
  const first = windows[0];
  return {
    model,
    assumptions,
    ratePerDay,
    rateSource: byAge ? "bug_age" : "prior",
    windows,
    probability: first ? first.probability : null,
    summary: first
      ? `An independent start within the ${first.days.toFixed(1)} days between the first wave and the observed exploitation has probability ${first.probability.toPrecision(2)} under this model.`
      : "Exploitation was observed before any wave: the programme's deliveries cannot explain it.",
  };
}
