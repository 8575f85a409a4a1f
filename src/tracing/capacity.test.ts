// Visible points at bias 1/2: what they cost and buy, and that key files made before keep reading.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { accuse } from "./accuse.ts";
import { colludersTraced, singleLeakerPointsNeeded, tardosPoints, twoColludersAtHalf } from "./capacity.ts";
import {
  codewords,
  DEFAULT_CUTOFF,
  defaultRecipientIds,
  deriveBiases,
  newKey,
  Prng,
  planCutoffs,
  VISIBLE_CUTOFF,
} from "./code.ts";
import { createKeyFile, loadKey } from "./keyfile.ts";
import { planAdvisory } from "./plan.ts";

const advisory = readFileSync("test/fixtures/advisories/heldout-kestrel-driver-eop.md", "utf8");

describe("visible points at bias 1/2", () => {
  it("gives every visible point bias exactly 1/2 and invisible points the arcsine spread", () => {
    const plan = planAdvisory(advisory);
    const p = deriveBiases(newKey("half"), plan.points.length, planCutoffs(plan));
    const visible = plan.points.map((pt, i) => [pt.layer, p[i]!] as const).filter(([l]) => l !== "invisible");
    const invisible = plan.points
      .map((pt, i) => [pt.layer, p[i]!] as const)
      .filter(([l]) => l === "invisible");
    expect(visible.length).toBeGreaterThan(20);
    for (const [, q] of visible) expect(q).toBe(0.5);
    for (const [, q] of invisible) {
      expect(q).toBeGreaterThanOrEqual(DEFAULT_CUTOFF - 1e-12);
      expect(q).toBeLessThanOrEqual(1 - DEFAULT_CUTOFF + 1e-12);
    }
    expect(new Set(invisible.map(([, q]) => q)).size).toBeGreaterThan(invisible.length / 2);
  });

  it("still reads a key file made with the earlier visible cutoff, with the biases it was made with", () => {
    const file = createKeyFile(advisory, { recipients: ["r1", "r2"], keySeed: "older" });
    expect(file.visibleCutoff).toBe(VISIBLE_CUTOFF);
    const key = Buffer.from(file.key, "hex");
    const older = {
      ...file,
      visibleCutoff: 0.15,
      biases: Array.from(
        deriveBiases(key, file.plan.points.length, planCutoffs(file.plan, file.cutoff, 0.15)),
      ),
    };
    const loaded = loadKey(JSON.parse(JSON.stringify(older)));
    const visible = file.plan.points.findIndex((pt) => pt.layer !== "invisible");
    expect(loaded.biases[visible]).not.toBe(0.5);
    expect(loaded.biases[visible]).toBeGreaterThanOrEqual(0.15);
    expect(() => loadKey({ ...older, visibleCutoff: 0.6 })).toThrow(/cutoffs are out of range/);
  });

  it("needs fewer points for one leaker than arcsine biases do", () => {
    const half = singleLeakerPointsNeeded(1e-6, VISIBLE_CUTOFF);
    // An exact copy at bias 1/2 matches an innocent everywhere with probability 2^-m: m ≥ log2(1/ε)
    // for ε = 1e-6 times the single decoder's share can never be beaten.
    expect(half).toBeGreaterThanOrEqual(Math.ceil(Math.log2(1 / 0.3e-6)));
    expect(half).toBeLessThan(singleLeakerPointsNeeded(1e-6, 0.15));
    expect(singleLeakerPointsNeeded(1e-6, 0.15)).toBeLessThan(singleLeakerPointsNeeded(1e-6, DEFAULT_CUTOFF));
  });

  it("names one of two colluders from twoColludersAtHalf points in 90% of leaks, whatever they pick where they differ", () => {
    const m = twoColludersAtHalf(1e-6);
    // Between the exact-match floor (m/2 agreeing points must beat a fair ±1 walk at 0.2·ε₁: at
    // least log(1/(0.2e-6)) / D(3/4‖1/2) points) and what the Tardos formula asks with arcsine biases.
    const d = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5);
    expect(m).toBeGreaterThanOrEqual(Math.log(1 / 0.2e-6) / d);
    expect(m).toBeLessThan(tardosPoints(2, 0.2e-6) / 2);
    const ids = defaultRecipientIds(1000);
    const biases = new Float64Array(m).fill(0.5);
    const rng = new Prng(newKey("two colluders"));
    const strategies: Record<string, (a: number, b: number, i: number) => number> = {
      "always the first": (a) => a,
      "always the second": (_a, b) => b,
      alternate: (a, b, i) => (i % 2 ? a : b),
      random: (a, b) => (rng.next() < 0.5 ? a : b),
    };
    const caught: Record<string, number> = {};
    const trials = 30;
    for (let trial = 0; trial < trials; trial++) {
      const words = codewords(newKey(`two colluders ${trial}`), ids, biases);
      const [a, b] = [words[3]!, words[700]!];
      for (const [name, pick] of Object.entries(strategies)) {
        const y = Int8Array.from({ length: m }, (_, i) => (a[i] === b[i] ? a[i]! : pick(a[i]!, b[i]!, i)));
        const res = accuse(ids, words, biases, y, { epsilon: 1e-6, bounds: false });
        expect(
          res.accused.filter((id) => id !== ids[3] && id !== ids[700]),
          `${name}: an innocent`,
        ).toEqual([]);
        if (res.accused.length) caught[name] = (caught[name] ?? 0) + 1;
      }
    }
    for (const name of Object.keys(strategies))
      expect(caught[name] ?? 0, name).toBeGreaterThanOrEqual(0.8 * trials);
  });

  it("never promises three colluders from visible points, and counts the Tardos bound on invisible ones", () => {
    expect(colludersTraced(1_000_000, 0, 1e-6)).toBe(2);
    expect(colludersTraced(twoColludersAtHalf(1e-6) - 1, 0, 1e-6)).toBe(1);
    expect(colludersTraced(singleLeakerPointsNeeded(1e-6, VISIBLE_CUTOFF) - 1, 0, 1e-6)).toBe(0);
    const three = tardosPoints(3, 0.2e-6);
    expect(colludersTraced(0, three, 1e-6)).toBe(3);
    expect(colludersTraced(1_000_000, three - 1, 1e-6)).toBe(2);
  });
});
