// Scoring layers separately as well as together, and what an investigator needs to defend an
// accusation: where in the evidence the accusing points lie, whether the marks survive only in one
// window of an otherwise complete copy ("stitched"), and whether parts of the evidence point at
// different recipients ("mixed sources").
//
// Union bound: ε₁ is split between the run over all observed points (weight ALL_WEIGHT) and one
// run per layer group that has observed points (the rest, in equal shares). Each run is the full
// set of decoders of accuse() at ε₁·weight, so a recipient's bound is min over runs of
// (run bound / run weight) and the chance that an innocent is accused by any run stays ≤ ε₁. The
// weights depend only on which points were observed, never on an innocent's codeword, so the
// bound holds whatever the leakers did. A corrupted layer (flipped or random symbols) can then
// bury at most its own run and the joint one, never an intact layer's.
import {
  type Accusation,
  type AccuseOptions,
  accuse,
  type RecipientResult,
  singleTerms,
  type Terms,
  tardosTerms,
} from "./accuse.ts";

/**
 * Layer group of each plan layer. A layer that is not listed (for example a new "code" layer)
 * forms a group of its own name, so it is scored separately without any change here.
 */
export const LAYER_GROUP: Readonly<Record<string, string>> = {
  phrase: "visible",
  spelling: "visible",
  punctuation: "visible",
  number: "visible",
  author: "visible",
  list: "order",
  order: "order",
  invisible: "invisible",
};

/** The group a layer is scored in. @example layerGroup("phrase") // "visible" */
export function layerGroup(layer: string): string {
  return LAYER_GROUP[layer] ?? layer;
}

/**
 * Groups whose alphabet a leaker can relabel for free: they are also scored with every symbol
 * flipped (one more run inside the union bound). With keyed marks a global swap of two invisible
 * characters turns most marks into erasures; the few that remain readable are flips, which this
 * run turns back into evidence.
 */
export const RELABELLED_GROUPS: readonly string[] = ["invisible"];
/** Groups of dense marks (about one a word): evidence where they survive in one window only is "stitched". */
export const MARK_GROUPS: readonly string[] = ["invisible"];

/** Share of ε₁ for the run over all observed points; the rest is split between layer groups. */
export const ALL_WEIGHT = 0.5;
/** Default ε₁ per innocent recipient. */
export const DEFAULT_EPSILON = 1e-6;
/**
 * No run accuses anybody on fewer observed points than this (policy; the bound holds regardless). It
 * keeps a run from resting on a handful of rare invisible symbols (at bias 0.05 one matching point
 * weighs ln 20 ≈ 3 nats); a run of visible points at bias 1/2, ln 2 each at most, needs about 22
 * matching points for the bound anyway (`trace capacity`), so the minimum sits just below that.
 */
export const MIN_OBSERVED_POINTS = 20;

export type LayerRun = {
  name: string;
  weight: number;
  observedPoints: number;
  accused: string[];
  /** Recipient with the strongest evidence in this run and that evidence's bound (run-adjusted). */
  leader: string | null;
  leaderBound: number;
};

export type LayeredRecipient = RecipientResult & { layer: string };

export type LayeredAccusation = Omit<Accusation, "recipients"> & {
  /** ε = ε₁·n: bound on the chance that any innocent among the n recipients is accused. */
  populationBound: number;
  minObservedPoints: number;
  layers: LayerRun[];
  recipients: LayeredRecipient[];
};

export type LayeredOptions = AccuseOptions & { minObservedPoints?: number };

/**
 * Accuses from all observed points and from each layer group separately (see the file comment).
 * @example accuseLayers(ids, words, biases, reading.symbols, plan.points.map((p) => p.layer))
 */
export function accuseLayers(
  ids: readonly string[],
  codewords: readonly Uint8Array[],
  biases: Float64Array,
  symbols: Int8Array,
  pointLayers: readonly string[],
  options: LayeredOptions = {},
): LayeredAccusation {
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  const minPoints = options.minObservedPoints ?? MIN_OBSERVED_POINTS;
  const groups = new Map<string, number[]>();
  let observed = 0;
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i]! < 0) continue;
    observed++;
    const g = layerGroup(pointLayers[i] ?? "visible");
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  }
  const runs: { name: string; weight: number; symbols: Int8Array; observed: number }[] = [];
  // One run per group (a single group is the joint run itself) and per relabelled group.
  const parts: { name: string; points: number[]; flip: boolean }[] = [];
  for (const [name, points] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (groups.size > 1) parts.push({ name, points, flip: false });
    if (RELABELLED_GROUPS.includes(name)) parts.push({ name: `${name}-relabelled`, points, flip: true });
  }
  runs.push({ name: "all", weight: parts.length ? ALL_WEIGHT : 1, symbols, observed });
  for (const { name, points, flip } of parts) {
    const masked = new Int8Array(symbols.length).fill(-1);
    for (const i of points) masked[i] = flip ? 1 - symbols[i]! : symbols[i]!;
    runs.push({ name, weight: (1 - ALL_WEIGHT) / parts.length, symbols: masked, observed: points.length });
  }
  const best = new Map<string, LayeredRecipient>();
  const accused = new Set<string>();
  const layers: LayerRun[] = [];
  let allRun: Accusation | null = null;
  for (const run of runs) {
    // Below the minimum nobody is accused, but the joint run still ranks recipients by score, so an
    // investigator sees whose copy the few marks agree with.
    const tooFew = run.observed < minPoints;
    if (tooFew && (run.name !== "all" || run.observed === 0)) {
      layers.push({
        name: run.name,
        weight: run.weight,
        observedPoints: run.observed,
        accused: [],
        leader: null,
        leaderBound: 1,
      });
      continue;
    }
    const a = accuse(ids, codewords, biases, run.symbols, { ...options, epsilon: epsilon * run.weight });
    if (tooFew) {
      for (const r of a.recipients) r.accused = false;
      a.accused = [];
      a.verdict = "inconclusive";
    }
    if (run.name === "all") allRun = a;
    const shift = Math.log10(run.weight);
    for (const r of a.recipients) {
      const log10Bound = Math.min(0, r.log10Bound - shift);
      const prev = best.get(r.id);
      if (!prev || log10Bound < prev.log10Bound || (r.accused && !prev.accused)) {
        best.set(r.id, {
          ...r,
          log10Bound,
          bound: 10 ** log10Bound,
          accused: r.accused || (prev?.accused ?? false),
          layer: run.name,
        });
      } else if (r.accused) prev.accused = true;
      if (r.accused) accused.add(r.id);
    }
    const lead = a.recipients[0];
    layers.push({
      name: run.name,
      weight: run.weight,
      observedPoints: run.observed,
      accused: a.accused,
      leader: lead?.id ?? null,
      leaderBound: lead ? Math.min(1, lead.bound / run.weight) : 1,
    });
  }
  const recipients = ids
    .map((id, j) => ({ r: best.get(id) ?? blank(id), j }))
    .sort((a, b) => a.r.log10Bound - b.r.log10Bound || b.r.score - a.r.score || a.j - b.j)
    .map(({ r }) => r);
  const accusedList = recipients.filter((r) => r.accused).map((r) => r.id);
  return {
    verdict: accusedList.length ? "accused" : "inconclusive",
    observedPoints: observed,
    epsilon,
    populationBound: Math.min(1, epsilon * ids.length),
    minObservedPoints: minPoints,
    recipientCount: ids.length,
    accused: accusedList,
    morePointsNeeded: accusedList.length
      ? null
      : allRun
        ? allRun.morePointsNeeded
        : Math.max(1, minPoints - observed),
    decoders: allRun?.decoders ?? [],
    layers,
    recipients,
  };
}

function blank(id: string): LayeredRecipient {
  return {
    id,
    score: 0,
    threshold: Number.POSITIVE_INFINITY,
    bound: 1,
    log10Bound: 0,
    accused: false,
    decoder: "tardos",
    layer: "all",
  };
}

export type Forensics = {
  /** Word spans of the evidence where observed points lie, with how many points each holds. */
  markedSpans: { startWord: number; endWord: number; points: number }[];
  /** Share of the evidence's words inside marked spans. */
  markedShare: number;
  /** Per accused recipient: the window holding their strongest evidence. */
  windows: { id: string; startWord: number; endWord: number; shareOfScore: number }[];
  stitched: boolean;
  mixedSources: boolean;
  /** Leader per segment of the evidence, when segments point at different recipients. */
  segments: { startWord: number; endWord: number; points: number; leader: string | null }[];
  warnings: string[];
};

const SPAN_GAP = 40;
/**
 * Evidence no longer than a quote, in the reader's word tokens: a framer who holds an excerpt of
 * ~150 words of someone's copy can plant it (identifiers, versions and paths split into several
 * tokens, so such a quote spans up to ~250 tokens), and on a short advisory such a quote is the whole
 * copy, so nothing else in the evidence can tell a planted quote from a leak.
 */
export const QUOTE_WORDS = 250;
const FORENSIC_NOISE = 0.05;

/**
 * Maximum-sum window of one recipient's per-point evidence (points in evidence order): where its
 * evidence concentrates, the window's sum and the sum over all points.
 */
function bestWindow(
  terms: Terms,
  x: Uint8Array,
  pts: readonly number[],
): { start: number; end: number; sum: number; total: number } {
  let best = { start: 0, end: -1, sum: 0 };
  let sum = 0;
  let start = 0;
  let total = 0;
  for (let k = 0; k < pts.length; k++) {
    const v = x[pts[k]!] ? terms.f1[k]! : terms.f0[k]!;
    total += v;
    if (sum <= 0) {
      sum = 0;
      start = k;
    }
    sum += v;
    if (sum > best.sum) best = { start, end: k, sum };
  }
  return { ...best, total };
}

/**
 * Where the accusing points lie and whether the evidence looks stitched or mixed.
 * @example forensics(result, reading, ids, words, biases, advisoryWords)
 */
export function forensics(
  result: LayeredAccusation,
  reading: { symbols: Int8Array; pointWord: Int32Array; evidenceWords: number; locatedWords: number },
  ids: readonly string[],
  codewords: readonly Uint8Array[],
  biases: Float64Array,
  advisoryWords: number,
  pointLayers: readonly string[],
): Forensics {
  const pts: number[] = [];
  for (let i = 0; i < reading.symbols.length; i++)
    if (reading.symbols[i]! >= 0 && reading.pointWord[i]! >= 0) pts.push(i);
  pts.sort((a, b) => reading.pointWord[a]! - reading.pointWord[b]! || a - b);
  const markedSpans: Forensics["markedSpans"] = [];
  for (const i of pts) {
    const w = reading.pointWord[i];
    const last = markedSpans[markedSpans.length - 1];
    if (last && w! - last.endWord <= SPAN_GAP) {
      last.endWord = w! + 1;
      last.points++;
    } else markedSpans.push({ startWord: w!, endWord: w! + 1, points: 1 });
  }
  const marked = markedSpans.reduce((n, s) => n + s.endWord - s.startWord, 0);
  const warnings: string[] = [];
  const windows: Forensics["windows"] = [];
  let stitched = false;
  const terms = singleTerms(reading.symbols, biases, FORENSIC_NOISE, pts);
  // The symmetric Tardos score has mean zero for a copy independent of the evidence and a positive
  // mean for anyone whose copy went into it, a colluder included; the likelihood score above is
  // negative for a colluder whose partner's wording won half the differing points.
  const symmetric = tardosTerms(reading.symbols, biases, pts);
  // Words spanned by a recipient's window under the symmetric score: a quote stays short there too,
  // a colluder's evidence spreads over the copy.
  const symmetricSpan = (x: Uint8Array) => {
    const w = bestWindow(symmetric, x, pts);
    return w.end < 0 ? 0 : reading.pointWord[pts[w.end]!]! + 1 - reading.pointWord[pts[w.start]!]!;
  };
  const complete = reading.locatedWords >= Math.max(100, 0.5 * advisoryWords);
  for (const id of result.accused) {
    const j = ids.indexOf(id);
    const x = codewords[j];
    if (!x) continue;
    const { start: bestStart, end: bestEnd, sum: bestSum, total } = bestWindow(terms, x, pts);
    if (bestEnd < 0) continue;
    const startWord = reading.pointWord[pts[bestStart]!];
    const endWord = reading.pointWord[pts[bestEnd]!]! + 1;
    windows.push({
      id,
      startWord: startWord!,
      endWord,
      shareOfScore: total > 0 ? Math.min(1, bestSum / Math.max(total, 1e-9)) : 1,
    });
    const outside = total - bestSum;
    // Marks outside the window: a neutralised rest has (almost) none; another copy has many.
    let marksIn = 0;
    let marksOut = 0;
    for (const i of pts) {
      if (!MARK_GROUPS.includes(layerGroup(pointLayers[i] ?? ""))) continue;
      const w = reading.pointWord[i];
      if (w! >= startWord! && w! < endWord) marksIn++;
      else marksOut++;
    }
    if (
      complete &&
      endWord - startWord! <= 0.6 * reading.locatedWords &&
      outside <= 0.2 * bestSum &&
      marksIn >= 20 &&
      marksOut <= 0.2 * marksIn
    ) {
      stitched = true;
      warnings.push(
        `stitched: the evidence against ${id} lies only in words ${startWord}–${endWord} of an otherwise complete copy whose other marks do not point at ${id}; it may be a quoted excerpt of ${id}'s copy planted by others`,
      );
    } else if (endWord - startWord! <= QUOTE_WORDS && symmetricSpan(x) <= QUOTE_WORDS) {
      stitched = true;
      warnings.push(
        `stitched: the evidence against ${id} lies within ${endWord - startWord!} words (words ${startWord}–${endWord}), no longer than a quote; a quoted excerpt of ${id}'s copy planted by others would look the same`,
      );
    }
  }
  // Marks that survive only in one window of an otherwise complete copy (whoever they accuse).
  const markWords: number[] = [];
  for (const i of pts)
    if (MARK_GROUPS.includes(layerGroup(pointLayers[i] ?? ""))) markWords.push(reading.pointWord[i]!);
  if (complete && markWords.length >= 20) {
    const keep = Math.ceil(0.9 * markWords.length);
    let span = Number.POSITIVE_INFINITY;
    let from = 0;
    for (let k = 0; k + keep - 1 < markWords.length; k++) {
      const d = (markWords[k + keep - 1] ?? 0) - (markWords[k] ?? 0);
      if (d < span) {
        span = d;
        from = markWords[k] ?? 0;
      }
    }
    if (span <= 0.6 * reading.locatedWords && !stitched) {
      stitched = true;
      warnings.push(
        `stitched: invisible marks survive only in words ${from}–${from + span + 1} of an otherwise complete copy; that passage may be a quoted excerpt of someone's copy planted by others${result.accused.length ? ` (accused: ${result.accused.join(", ")})` : ""}`,
      );
    }
  }
  // Segments: consecutive runs of observed points; each names its own leader at a loose level.
  const segments: Forensics["segments"] = [];
  const size = Math.max(40, Math.ceil(pts.length / 4));
  if (pts.length >= 2 * 40) {
    for (let k = 0; k < pts.length; k += size) {
      const chunk = pts.slice(k, k + size);
      if (chunk.length < 30) break;
      const masked = new Int8Array(reading.symbols.length).fill(-1);
      for (const i of chunk) masked[i] = reading.symbols[i]!;
      const a = accuse(ids, codewords, biases, masked, { epsilon: 1e-3 / ids.length, bounds: false });
      segments.push({
        startWord: reading.pointWord[chunk[0] ?? 0]!,
        endWord: reading.pointWord[chunk[chunk.length - 1]! ?? 0]! + 1,
        points: chunk.length,
        leader: a.accused[0] ?? null,
      });
    }
  }
  const leaders = new Set(segments.map((s) => s.leader).filter((l): l is string => l !== null));
  const mixedSources = leaders.size >= 2;
  if (mixedSources)
    warnings.push(
      `mixed sources: parts of the evidence point at different recipients (${[...leaders].join(", ")}); it may combine several copies`,
    );
  return {
    markedSpans,
    markedShare: reading.evidenceWords ? Math.min(1, marked / reading.evidenceWords) : 0,
    windows,
    stitched,
    mixedSources,
    segments,
    warnings,
  };
}
