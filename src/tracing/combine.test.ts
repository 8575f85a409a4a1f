import { describe, expect, it } from "vitest";
import { codeword, deriveBiases, newKey } from "./code.ts";
import { advisoryScores, advisoryTerms, combinedTest, type PartnerPart } from "./combine.ts";

// One advisory: its own key and biases, `members` recipients for each of `partners` partners, and
// evidence that copies `leaker`'s symbols on `leaked` points (erasures elsewhere).
function advisory(
  seed: string,
  partners: number,
  members: number,
  points: number,
  leaked: number,
  leaker: string,
) {
  const key = newKey(seed);
  const biases = deriveBiases(key, points);
  const ids: string[] = [];
  const partnerOf: number[] = [];
  for (let p = 0; p < partners; p++)
    for (let m = 0; m < members; m++) {
      ids.push(`p${p}-m${m}`);
      partnerOf.push(p);
    }
  const words = ids.map((id) => codeword(key, id, biases));
  const symbols = new Int8Array(points).fill(-1);
  const source = codeword(key, leaker, biases);
  for (let i = 0; i < leaked; i++) symbols[i] = source[i]!;
  const terms = advisoryTerms(symbols, biases);
  const scores = advisoryScores(terms, words);
  const part = (p: number): PartnerPart => {
    const best = { tardos: -Infinity, single: -Infinity, robust: -Infinity };
    let recipients = 0;
    for (let j = 0; j < ids.length; j++) {
      if (partnerOf[j] !== p) continue;
      recipients++;
      for (const d of ["tardos", "single", "robust"] as const) best[d] = Math.max(best[d], scores[d][j]!);
    }
    return { terms, best, recipients };
  };
  return { part };
}

describe("combinedTest", () => {
  it("a partner leaking a little from each of two advisories is accused only when they are combined", () => {
    // Each excerpt alone: about 30 points, below what one test needs at ε = 1e-6 with 3 recipients.
    const a = advisory("combine-a", 20, 3, 400, 32, "p7-m1");
    const b = advisory("combine-b", 20, 3, 400, 32, "p7-m2");
    const alone = [combinedTest([a.part(7)], 1e-6, 30), combinedTest([b.part(7)], 1e-6, 30)];
    for (const r of alone) expect(r.accused).toBe(false);
    for (const r of alone) expect(r.bound).toBeGreaterThan(1e-6);
    const both = combinedTest([a.part(7), b.part(7)], 1e-6, 30);
    expect(both.observedPoints).toBe(64);
    expect(both.accused).toBe(true);
    expect(both.bound).toBeLessThanOrEqual(1e-6);
    expect(both.score).toBeGreaterThanOrEqual(both.threshold);
    for (let p = 0; p < 20; p++)
      if (p !== 7) expect(combinedTest([a.part(p), b.part(p)], 1e-6, 30).accused).toBe(false);
  });

  it("the bound holds for innocent partners: P(bound ≤ x) ≤ x", () => {
    // 600 innocent partners, 3 recipients each, on two advisories whose leak came from outside them.
    const a = advisory("combine-h0-a", 601, 3, 300, 120, "p600-m0");
    const b = advisory("combine-h0-b", 601, 3, 300, 120, "p600-m1");
    const bounds: number[] = [];
    for (let p = 0; p < 600; p++) bounds.push(combinedTest([a.part(p), b.part(p)], 0.05, 30).bound);
    for (const x of [0.05, 0.1, 0.3])
      expect(bounds.filter((v) => v <= x).length).toBeLessThanOrEqual(600 * x);
    expect(bounds.filter((v) => v <= 0.05).length).toBeLessThan(bounds.length);
    expect(combinedTest([a.part(600), b.part(600)], 1e-6, 30).accused).toBe(true);
  });

  it("counts the union over recipients: more recipients per partner need stronger evidence", () => {
    const few = advisory("combine-k", 4, 1, 300, 60, "p1-m0");
    const many = advisory("combine-k", 4, 40, 300, 60, "p1-m0");
    const r1 = combinedTest([few.part(1)], 1e-6, 30);
    const r40 = combinedTest([many.part(1)], 1e-6, 30);
    // Same evidence and leaker codeword (same key, same ID): the threshold rises by about ln 40.
    expect(r40.score).toBeCloseTo(r1.score, 9);
    expect(r40.threshold).toBeGreaterThan(r1.threshold);
    expect(r40.bound).toBeGreaterThan(r1.bound);
  });

  it("nothing observed gives no evidence", () => {
    const a = advisory("combine-none", 3, 2, 100, 0, "p0-m0");
    expect(combinedTest([a.part(0)], 1e-6, 30)).toMatchObject({
      accused: false,
      bound: 1,
      observedPoints: 0,
    });
    expect(() => combinedTest([], 0, 30)).toThrow(RangeError);
  });
});
