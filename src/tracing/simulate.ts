// The evaluation protocol of docs/tracing.md: many random codes, real advisory text, every attack
// applied to rendered text and read back through the same reader the CLI uses.
import * as attacks from "./attacks/index.ts";
import { compileCodeReader, readWithCode } from "./code/read.ts";
import {
  codewords,
  DEFAULT_CUTOFF,
  defaultRecipientIds,
  deriveBiases,
  newKey,
  Prng,
  planCutoffs,
} from "./code.ts";
import { accuseLayers, forensics, type LayeredAccusation } from "./layers.ts";
import { keyInvisibleMarks } from "./marks.ts";
import { type Plan, planAdvisory } from "./plan.ts";
import { compileReader, EvidenceError, type Reader, type Reading, withPlanMarks } from "./read.ts";
import { render, renderPlain, renderSites } from "./render.ts";

export const ATTACKS = [
  "whole",
  "excerpt-150",
  "whole-normalised",
  "excerpt-150-normalised",
  "reworded-10pct",
  "merge2-sentences",
  "merge2-majority",
  "merge2-random",
  "merge3-sentences",
  "merge3-majority",
  "merge3-minority",
  "merge3-random",
  "merge2-random-normalised",
  "merge3-majority-normalised",
  // The informed leaker (src/tracing/attacks/).
  "zw-swap",
  "format-replace",
  "confusables-30",
  "soft-hyphens",
  "padded-5x",
  "strip-format",
  "strip-paraphrase-10",
  "collude2-neutralise",
  "frame-quote",
] as const;
export type Attack = (typeof ATTACKS)[number];

export type SimulationRow = {
  advisory: string;
  attack: Attack;
  colluders: number;
  trials: number;
  /** Mean number of observed points. */
  meanObserved: number;
  /** Share of trials in which at least one true leaker was accused. */
  caught: number;
  /** Share of trials in which every leaker was accused. */
  allCaught: number;
  /** Prose words of the advisory. */
  words: number;
  /** Innocent recipients accused, summed over all trials (must be 0; a framed innocent accused with the stitched warning is counted in framedFlagged instead). */
  innocentsAccused: number;
  /** Framed innocents accused with the stitched warning set (frame-quote only). */
  framedFlagged: number;
  /** Trials with the stitched warning / the mixed-sources warning. */
  stitched: number;
  mixed: number;
  /** Trials where the evidence could not be read at all (e.g. too short). */
  unreadable: number;
};

export type SimulationOptions = {
  advisories: { name: string; markdown: string }[];
  recipients?: number;
  trials?: number;
  epsilon?: number;
  attacks?: readonly Attack[];
  seed?: string;
  cutoff?: number;
  onProgress?: (done: number, total: number, label: string) => void;
};

/**
 * Runs the protocol and returns one row per advisory and attack.
 * @example runSimulation({ advisories: [{ name: "a", markdown }], trials: 5 })[0].innocentsAccused // 0
 */
export function runSimulation(options: SimulationOptions): SimulationRow[] {
  const n = options.recipients ?? 1000;
  const trials = options.trials ?? 20;
  const epsilon = options.epsilon ?? 1e-6;
  const attackList = options.attacks ?? ATTACKS;
  const ids = defaultRecipientIds(n);
  const rows: SimulationRow[] = [];
  const total = options.advisories.length * attackList.length * trials;
  let done = 0;
  for (const adv of options.advisories) {
    const unkeyed = planAdvisory(adv.markdown);
    const baseReader = compileReader(unkeyed);
    // Code sites are not keyed (only invisible marks are), so one code reader serves every trial.
    const codeReader = compileCodeReader(unkeyed);
    const sentenceOf = siteSentences(unkeyed);
    const layers = unkeyed.points.map((p) => p.layer);
    const words = (renderPlain(unkeyed).match(/[\p{L}\p{N}]+/gu) ?? []).length;
    for (const attack of attackList) {
      const c = attack.startsWith("merge3")
        ? 3
        : attack.startsWith("merge2") || attack.startsWith("collude2") || attack === "frame-quote"
          ? 2
          : 1;
      const row: SimulationRow = {
        advisory: adv.name,
        attack,
        colluders: c,
        trials,
        words,
        meanObserved: 0,
        caught: 0,
        allCaught: 0,
        innocentsAccused: 0,
        framedFlagged: 0,
        stitched: 0,
        mixed: 0,
        unreadable: 0,
      };
      for (let t = 0; t < trials; t++) {
        const seed = `${options.seed ?? "simulate"}/${adv.name}/${attack}/${t}`;
        const key = newKey(seed);
        const plan = keyInvisibleMarks(unkeyed, key);
        const reader = withPlanMarks(baseReader, plan);
        const rng = new Prng(key.subarray(16));
        const biases = deriveBiases(
          key,
          plan.points.length,
          planCutoffs(plan, options.cutoff ?? DEFAULT_CUTOFF),
        );
        const codes = codewords(key, ids, biases);
        const picked = pickDistinct(rng, n, attack === "frame-quote" ? c + 1 : c);
        const leakers = picked.slice(0, c);
        const framed = attack === "frame-quote" ? picked[c] : undefined;
        const evidence =
          framed === undefined
            ? attackText(
                attack,
                plan,
                leakers.map((j) => codes[j]!),
                sentenceOf,
                rng,
              )
            : attacks.frameByQuote(
                plan,
                leakers.map((j) => codes[j]!),
                codes[framed]!,
                80 + rng.int(71),
                rng,
              );
        let result: LayeredAccusation | null = null;
        let reading: Reading | null = null;
        try {
          reading = readWithCode(reader, codeReader, evidence);
          result = accuseLayers(ids, codes, biases, reading.symbols, layers, { epsilon, bounds: false });
        } catch (e) {
          if (!(e instanceof EvidenceError)) throw e;
          row.unreadable++;
        }
        if (result && reading) {
          row.meanObserved += result.observedPoints / trials;
          const leakerIds = new Set(leakers.map((j) => ids[j]));
          const caught = result.accused.filter((id) => leakerIds.has(id)).length;
          let innocents = result.accused.length - caught;
          if (innocents > 0 || attack === "frame-quote" || c > 1) {
            const f = forensics(result, reading, ids, codes, biases, words, layers);
            if (f.stitched) row.stitched++;
            if (f.mixedSources) row.mixed++;
            const framedId = framed === undefined ? undefined : ids[framed];
            if (framedId && f.stitched && result.accused.includes(framedId)) {
              innocents--;
              row.framedFlagged++;
            }
          }
          row.innocentsAccused += innocents;
          if (caught > 0) row.caught += 1 / trials;
          if (caught === c) row.allCaught += 1 / trials;
        }
        done++;
        options.onProgress?.(done, total, `${adv.name} ${attack}`);
      }
      rows.push(row);
    }
  }
  return rows;
}

function pickDistinct(rng: Prng, n: number, k: number): number[] {
  const out = new Set<number>();
  while (out.size < Math.min(k, n)) out.add(rng.int(n));
  return [...out];
}

/** Sentence index of every site in the plain rendering (for sentence-by-sentence merges). */
export function siteSentences(plan: Plan): Int32Array {
  const out = new Int32Array(plan.sites.length);
  let sentence = 0;
  for (const seg of plan.segments) {
    if (typeof seg === "number") {
      out[seg] = sentence;
      continue;
    }
    sentence += (seg.match(/[.!?](?=\s)|\n\s*\n/g) ?? []).length;
  }
  return out;
}

/** Whitespace and Unicode normalisation: NFKC, format characters dropped, text re-flowed. */
export function normaliseAttack(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A random excerpt of `count` whitespace-separated words. */
export function excerpt(text: string, count: number, rng: Prng): string {
  const parts = text.match(/\S+\s*/g) ?? [];
  if (parts.length <= count) return text;
  const start = rng.int(parts.length - count + 1);
  return parts.slice(start, start + count).join("");
}

function reword(text: string, share: number, rng: Prng): string {
  const sentences = text.split(/(?<=[.!?])(?=\s)/);
  return sentences
    .map((s) => {
      if (rng.next() >= share) return s;
      // A light human edit: some words dropped, one word added, the rest kept in order.
      const ws = s.split(/(\s+)/);
      const out: string[] = [];
      for (const w of ws) if (/\s/.test(w) || rng.next() > 0.25) out.push(w);
      out.splice(Math.min(out.length, 1 + 2 * rng.int(Math.max(1, out.length >> 1))), 0, " indeed ");
      return out.join("");
    })
    .join("");
}

function attackText(
  attack: Attack,
  plan: Plan,
  leakers: Uint8Array[],
  sentenceOf: Int32Array,
  rng: Prng,
): string {
  const m = plan.points.length;
  if (attack.startsWith("merge") && attack.endsWith("-normalised"))
    return normaliseAttack(
      attackText(attack.slice(0, -"-normalised".length) as Attack, plan, leakers, sentenceOf, rng),
    );
  switch (attack) {
    case "whole":
      return render(plan, leakers[0]!);
    case "excerpt-150":
      return excerpt(render(plan, leakers[0]!), 150, rng);
    case "whole-normalised":
      return normaliseAttack(render(plan, leakers[0]!));
    case "excerpt-150-normalised":
      return normaliseAttack(excerpt(render(plan, leakers[0]!), 150, rng));
    case "reworded-10pct":
      return reword(render(plan, leakers[0]!), 0.1, rng);
    case "zw-swap":
      return attacks.swapInvisible(render(plan, leakers[0]!));
    case "format-replace":
      return attacks.replaceInvisible(render(plan, leakers[0]!));
    case "confusables-30":
      return attacks.confusables(render(plan, leakers[0]!), 0.3, rng);
    case "soft-hyphens":
      return attacks.softHyphens(render(plan, leakers[0]!));
    case "padded-5x":
      return attacks.pad(render(plan, leakers[0]!), 5, rng);
    case "strip-format":
      return attacks.stripFormat(render(plan, leakers[0]!));
    case "strip-paraphrase-10":
      return attacks.paraphrase(attacks.stripFormat(render(plan, leakers[0]!)), 0.1, rng);
    case "collude2-neutralise":
      return attacks.diffAndNeutralise(plan, leakers, rng);
    case "merge2-sentences":
    case "merge3-sentences": {
      const sentences = Math.max(...sentenceOf, 0) + 1;
      const pick = Array.from({ length: sentences }, () => rng.int(leakers.length));
      const siteSymbols = new Uint8Array(plan.sites.length);
      plan.sites.forEach((s, i) => {
        siteSymbols[i] = leakers[pick[sentenceOf[i]!]!]![s.point]!;
      });
      return renderSites(plan, siteSymbols);
    }
    default: {
      const y = new Uint8Array(m);
      for (let i = 0; i < m; i++) {
        let ones = 0;
        for (const x of leakers) ones += x[i]!;
        const zeros = leakers.length - ones;
        if (attack.endsWith("random")) y[i] = leakers[rng.int(leakers.length)]![i]!;
        else if (ones === zeros) y[i] = rng.int(2);
        else if (attack.endsWith("majority")) y[i] = ones > zeros ? 1 : 0;
        else y[i] = ones === 0 ? 0 : zeros === 0 ? 1 : ones < zeros ? 1 : 0; // minority where they differ
      }
      return render(plan, y);
    }
  }
}

/** The table for docs/tracing.md. @example simulationTable(rows) */
export function simulationTable(rows: SimulationRow[]): string {
  const head =
    "| advisory | words | attack | c | trials | points observed (mean) | a leaker accused | all leakers accused | innocents accused | framed, flagged stitched | stitched / mixed warnings | unreadable |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
  const body = rows.map(
    (r) =>
      `| ${r.advisory} | ${r.words} | ${r.attack} | ${r.colluders} | ${r.trials} | ${r.meanObserved.toFixed(0)} | ${(r.caught * 100).toFixed(0)}% | ${(r.allCaught * 100).toFixed(0)}% | ${r.innocentsAccused} | ${r.framedFlagged} | ${r.stitched} / ${r.mixed} | ${r.unreadable} |`,
  );
  return [head, ...body].join("\n");
}

/** Reader for tests: compile once. */
export function readerFor(markdown: string): Reader {
  return compileReader(planAdvisory(markdown));
}
