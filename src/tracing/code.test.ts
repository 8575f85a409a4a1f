import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { codeword, defaultRecipientIds, derive, deriveBiases, derivePermutation, newKey } from "./code.ts";

describe("code", () => {
  it("derives labels with standard HMAC-SHA256, so existing key files give the same copies", () => {
    const key = newKey("hmac");
    for (const label of ["biases", "recipient/r0001", "recipient/é"])
      expect(
        derive(key, label).equals(createHmac("sha256", key).update(`forewarn/tracing/v1/${label}`).digest()),
      ).toBe(true);
  });

  it("derives the same key, biases and codewords from the same seed", () => {
    const a = newKey("seed");
    expect(newKey("seed").equals(a)).toBe(true);
    expect(newKey("other").equals(a)).toBe(false);
    const p = deriveBiases(a, 50);
    expect(deriveBiases(newKey("seed"), 50)).toEqual(p);
    expect(codeword(a, "r0001", p)).toEqual(codeword(newKey("seed"), "r0001", p));
    expect(codeword(a, "r0001", p)).not.toEqual(codeword(a, "r0002", p));
  });

  it("draws biases inside the cutoff with the arcsine shape", () => {
    const p = deriveBiases(newKey("b"), 20000, 0.05);
    let outer = 0;
    for (const q of p) {
      expect(q).toBeGreaterThanOrEqual(0.05 - 1e-12);
      expect(q).toBeLessThanOrEqual(0.95 + 1e-12);
      if (q < 0.2 || q > 0.8) outer++;
    }
    // Arcsine on [0.05, 0.95]: r uniform, so P(p < 0.2 or p > 0.8) = 2 (asin√0.2 − asin√0.05) / (π/2 − 2 asin√0.05).
    const rt = Math.asin(Math.sqrt(0.05));
    const expected = (2 * (Math.asin(Math.sqrt(0.2)) - rt)) / (Math.PI / 2 - 2 * rt);
    expect(outer / p.length).toBeGreaterThan(expected - 0.02);
    expect(outer / p.length).toBeLessThan(expected + 0.02);
  });

  it("gives symbol 1 with probability p", () => {
    const key = newKey("freq");
    const p = Float64Array.from({ length: 8 }, (_, i) => 0.1 + i * 0.1);
    const ones = new Float64Array(p.length);
    const n = 4000;
    for (const id of defaultRecipientIds(n))
      codeword(key, id, p).forEach((x, i) => {
        ones[i]! += x;
      });
    p.forEach((q, i) => {
      expect(Math.abs(ones[i]! / n - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / n));
    });
  });

  it("places positions through a permutation", () => {
    const perm = derivePermutation(newKey("perm"), 100);
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
