import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accuse,
  chernoffLogBound,
  chernoffThreshold,
  conditionalTerms,
  singleTerms,
  type Terms,
  tardosTerms,
} from "./accuse.ts";
import { codeword, defaultRecipientIds, deriveBiases, newKey, Prng } from "./code.ts";

const rngOf = (s: string) => new Prng(newKey(s));

function randomCase(rng: Prng, m: number) {
  const p = new Float64Array(m);
  const y = new Int8Array(m);
  for (let i = 0; i < m; i++) {
    p[i] = 0.05 + 0.9 * rng.next();
    y[i] = rng.next() < 0.5 ? 1 : 0;
  }
  return { p, y };
}

/** Exact innocent tail P(S ≥ z) by enumerating all 2^m codewords (small m only). */
function exactTail(t: Terms, z: number): number {
  const m = t.p.length;
  let tail = 0;
  for (let mask = 0; mask < 1 << m; mask++) {
    let s = 0;
    let prob = 1;
    for (let i = 0; i < m; i++) {
      const x = (mask >> i) & 1;
      s += x ? t.f1[i]! : t.f0[i]!;
      prob *= x ? t.p[i]! : 1 - t.p[i]!;
    }
    if (s >= z - 1e-12) tail += prob;
  }
  return tail;
}

describe("Chernoff bound", () => {
  it("bounds the exact innocent tail for every decoder (enumeration, small m)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.string(),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        (m, seed, eps) => {
          const { p, y } = randomCase(rngOf(seed), m);
          const other = codeword(newKey(seed), "x", p);
          for (const t of [
            tardosTerms(y, p),
            singleTerms(y, p, 0.01),
            conditionalTerms(y, p, [other], 0.05),
          ]) {
            const z = chernoffThreshold(t, eps);
            expect(exactTail(t, z)).toBeLessThanOrEqual(eps * (1 + 1e-9));
            for (const s of [z - 1, z, z + 1]) {
              expect(exactTail(t, s)).toBeLessThanOrEqual(Math.exp(chernoffLogBound(t, s)) * (1 + 1e-9));
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is the exact binomial tail where every bias is 1/2: valid, tight, and never above Chernoff's", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14 }),
        fc.string(),
        fc.double({ min: 0.0001, max: 0.5, noNaN: true }),
        (m, seed, eps) => {
          const rng = rngOf(seed);
          const p = new Float64Array(m).fill(0.5);
          const y = Int8Array.from({ length: m }, () => (rng.next() < 0.5 ? 1 : 0));
          for (const t of [tardosTerms(y, p), singleTerms(y, p, 0.01), singleTerms(y, p, 0.2)]) {
            const z = chernoffThreshold(t, eps);
            const step = Math.abs(t.f1[0]! - t.f0[0]!);
            // Valid, and one match fewer would not be: the threshold is the exact quantile.
            expect(exactTail(t, z)).toBeLessThanOrEqual(eps * (1 + 1e-9));
            if (Number.isFinite(z) && z - step >= Math.min(t.f0[0]!, t.f1[0]!) * m - 1e-9)
              expect(exactTail(t, z - step)).toBeGreaterThan(eps * (1 - 1e-9));
            // The bound at a score is the exact tail there.
            for (const s of [z - step, z, z + step])
              expect(Math.exp(chernoffLogBound(t, s))).toBeCloseTo(Math.min(1, exactTail(t, s)), 12);
          }
        },
      ),
      { numRuns: 80 },
    );
    // At arcsine biases it stays the Chernoff bound (at or above the exact tail).
    const { p, y } = randomCase(rngOf("mixed"), 12);
    const t = tardosTerms(y, p);
    const z = chernoffThreshold(t, 0.01);
    expect(Math.exp(chernoffLogBound(t, z))).toBeGreaterThan(exactTail(t, z));
  });

  it("holds empirically: innocents pass a loose threshold no more often than ε", () => {
    const rng = rngOf("empirical");
    const m = 60;
    const eps = 0.01;
    let passes = 0;
    const trials = 4000;
    for (let k = 0; k < trials; k++) {
      const { p, y } = randomCase(rng, m);
      const t = tardosTerms(y, p);
      const z = chernoffThreshold(t, eps);
      let s = 0;
      for (let i = 0; i < m; i++) s += rng.next() < p[i]! ? t.f1[i]! : t.f0[i]!;
      if (s >= z) passes++;
    }
    // Binomial(4000, 0.01) has mean 40 and sd 6.3; the Chernoff bound is conservative, so far fewer.
    expect(passes).toBeLessThanOrEqual(60);
  });
});

describe("Tardos scores of innocents", () => {
  it("have mean 0 and variance 1 per point over many codes", () => {
    const rng = rngOf("moments");
    const m = 40;
    const samples: number[] = [];
    for (let k = 0; k < 3000; k++) {
      const key = newKey(`code-${k}`);
      const p = deriveBiases(key, m, 0.05);
      const y = new Int8Array(m).map(() => (rng.next() < 0.5 ? 1 : 0));
      const x = codeword(key, "innocent", p);
      // Independent of the library's term tables: the score formula of symmetric Tardos (docs/tracing.md).
      let s = 0;
      for (let i = 0; i < m; i++) {
        const q = p[i];
        const u = x[i] ? Math.sqrt((1 - q!) / q!) : -Math.sqrt(q! / (1 - q!));
        s += y[i] ? u : -u;
      }
      samples.push(s / Math.sqrt(m));
    }
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
  });
});

describe("accuse", () => {
  const ids = defaultRecipientIds(300);
  const key = newKey("accuse");
  const m = 400;
  const p = deriveBiases(key, m, 0.05);
  const words = ids.map((id) => codeword(key, id, p));

  it("accuses exactly a single leaker whose copy is read in full", () => {
    const a = accuse(ids, words, p, Int8Array.from(words[17]!));
    expect(a.verdict).toBe("accused");
    expect(a.accused).toEqual([ids[17]]);
    expect(a.recipients[0]!.id).toBe(ids[17]);
    expect(a.recipients[0]!.bound).toBeLessThanOrEqual(1e-6);
    expect(a.recipients.filter((r) => r.accused)).toHaveLength(1);
  });

  it("accuses only colluders when two or three merge by majority", () => {
    for (const group of [
      [3, 99],
      [5, 150, 201],
    ]) {
      const y = new Int8Array(m);
      for (let i = 0; i < m; i++) {
        const ones = group.reduce((n, j) => n + words[j]![i]!, 0);
        y[i] = 2 * ones > group.length ? 1 : 2 * ones < group.length ? 0 : i & 1;
      }
      const a = accuse(ids, words, p, y);
      expect(a.accused.length).toBeGreaterThan(0);
      for (const id of a.accused) expect(group.map((j) => ids[j])).toContain(id);
    }
  });

  it("is inconclusive on evidence with few points and estimates how many more are needed", () => {
    const y = new Int8Array(m).fill(-1);
    for (let i = 0; i < 8; i++) y[i] = words[4]![i]!;
    const a = accuse(ids, words, p, y);
    expect(a.verdict).toBe("inconclusive");
    expect(a.observedPoints).toBe(8);
    expect(a.morePointsNeeded).toBeGreaterThan(5);
  });

  it("reports bounds consistent with the verdict", () => {
    const a = accuse(ids, words, p, Int8Array.from(words[2]!), { epsilon: 1e-6 });
    for (const r of a.recipients) {
      if (r.accused) expect(r.bound).toBeLessThanOrEqual(1e-6);
      expect(r.bound).toBeGreaterThanOrEqual(0);
      expect(r.bound).toBeLessThanOrEqual(1);
    }
  });
});
