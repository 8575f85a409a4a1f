// Every rendering of every fixture must read as naturally as the original and survive
// normalisation: checked on many random codewords, against counts taken from the original.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCodeReader, mergeReadings, readCode } from "./code/read.ts";
import { planAdvisory, VISIBLE_LAYERS } from "./plan.ts";
import { compileReader, readEvidence } from "./read.ts";
import { render, renderPlain } from "./render.ts";
import { normaliseAttack } from "./simulate.ts";

const DIR = "test/fixtures/advisories";
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith(".md"))
  .map((f) => ({ name: f, md: readFileSync(`${DIR}/${f}`, "utf8") }));

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

// Prose only: code blocks and inline code may legitimately repeat words or punctuation.
function prose(s: string): string {
  return s
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`[^`\n]*`/g, " CODE ")
    .replace(/\p{Cf}/gu, "");
}

const CHECKS: [string, RegExp][] = [
  ["doubled word", /\b(\p{L}+)\s+\1\b/giu],
  ["a before a vowel", /\ba\s+[aeio]\p{L}*/gu],
  ["an before a consonant", /\ban\s+[bcdfgjklmnpqrstvwxz]\p{L}*/gu],
  ["double punctuation", /[,;:]\s*[,;:.!?]|\.\s*,|,,/g],
  ["lower-case sentence start", /(?:^|\n\n|[.!?]\s+)(?=\p{Ll})(?!e\.g|i\.e)\p{Ll}/gu],
  ["space before punctuation", /\p{L} +[,;:.](?=\s)/gu],
];

describe("renderings read naturally", () => {
  it("introduce no doubled word, a/an mismatch, double punctuation or lower-case sentence start", () => {
    for (const { name, md } of fixtures) {
      const plan = planAdvisory(md, { invisible: "off" });
      const original = prose(renderPlain(plan));
      const base = CHECKS.map(([, re]) => count(original, re));
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: plan.points.length, maxLength: plan.points.length }),
          (bits) => {
            const copy = prose(
              render(
                plan,
                bits.map((b) => b & 1),
              ),
            );
            CHECKS.forEach(([what, re], k) => {
              const found = count(copy, re);
              if (found > base[k]!) {
                const extra = (copy.match(re) ?? []).filter((x) => !original.includes(x));
                expect.fail(`${name}: ${what} introduced: ${JSON.stringify(extra.slice(0, 3))}`);
              }
            });
          },
        ),
        { numRuns: 40 },
      );
    }
  });

  it("keeps the sentence count and the capitalised words of the original", () => {
    for (const { md } of fixtures) {
      const plan = planAdvisory(md, { invisible: "off" });
      const original = prose(renderPlain(plan));
      const caps = (s: string) => (s.match(/(?<![.!?]\s|^|\n)\b\p{Lu}\p{L}*/gu) ?? []).sort().join(" ");
      for (const fill of [0, 1]) {
        const copy = prose(render(plan, new Uint8Array(plan.points.length).fill(fill)));
        expect(count(copy, /[.!?](?=\s)/g)).toBe(count(original, /[.!?](?=\s)/g));
        expect(caps(copy)).toBe(caps(original));
      }
    }
  });
});

describe("visible points survive normalisation", () => {
  it("reading a normalised whole copy returns the visible part of its codeword exactly", () => {
    for (const { name, md } of fixtures) {
      const plan = planAdvisory(md);
      const reader = compileReader(plan);
      const codeReader = compileCodeReader(plan);
      const visible = plan.points.map((p) => VISIBLE_LAYERS.includes(p.layer));
      const nVisible = visible.filter(Boolean).length;
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: plan.points.length, maxLength: plan.points.length }),
          (bits) => {
            const x = bits.map((b) => b & 1);
            const evidence = normaliseAttack(render(plan, x));
            // Code sites that differ only in quotes or case are read by the code reader.
            const r = mergeReadings(plan, readEvidence(reader, evidence), readCode(codeReader, evidence));
            let observed = 0;
            r.symbols.forEach((y, i) => {
              if (y < 0) return;
              expect(visible[i], `${name}: invisible point ${i} read after normalisation`).toBe(true);
              expect(y, `${name}: point ${i} (${plan.points[i]!.layer})`).toBe(x[i]);
              observed++;
            });
            // Points whose whole context is other points may be erasures, never more than a few.
            expect(observed, name).toBeGreaterThanOrEqual(Math.floor(0.9 * nVisible) - 2);
          },
        ),
        { numRuns: 6 },
      );
    }
  });
});
