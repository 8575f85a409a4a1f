// Every code point can be read back from a rendered rule or PoC: alone, inside unrelated text,
// and after whitespace and Unicode normalisation.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planAdvisory, planFile } from "../plan.ts";
import { compileReader } from "../read.ts";
import { render } from "../render.ts";
import { normaliseAttack } from "../simulate.ts";
import { compileCodeReader, readWithCode } from "./read.ts";
import { symbolVectors } from "./tools.test-helpers.ts";

const MD = readFileSync("test/fixtures/advisories/fw-2025-0171-harbor-sync-rce.md", "utf8");
const block = (md: string, info: string) =>
  new RegExp(`\`\`\`${info}\\n([\\s\\S]*?)\`\`\``).exec(md)?.[1] ?? "";
const FILLER =
  "Forwarded without comment by a mailing list digest, together with unrelated notes about the weather and a recipe for bread. ";

describe("reading code points", () => {
  for (const [name, info] of [
    ["rule.yar", "yara"],
    ["poc.py", "python"],
  ] as const) {
    it(`recovers every point of an attached ${info} file alone, embedded in text and normalised`, () => {
      const source = block(MD, info);
      const plan = planFile(name, source);
      expect(plan).not.toBeNull();
      if (!plan) return;
      const reader = compileReader(plan);
      const codeReader = compileCodeReader(plan);
      for (const x of symbolVectors(plan.points.length, 8, 7)) {
        const text = render(plan, x);
        for (const evidence of [text, FILLER.repeat(6) + text + FILLER.repeat(6), normaliseAttack(text)]) {
          const r = readWithCode(reader, codeReader, evidence);
          expect(r.observedPoints).toBe(plan.points.length);
          plan.points.forEach((_, i) => {
            expect(r.symbols[i], `${name}: point ${i}`).toBe(x[i]);
          });
        }
      }
    });
  }

  it("recovers every code point of the advisory from the rule or the PoC cut out of a copy", () => {
    const plan = planAdvisory(MD, { invisible: "off" });
    const reader = compileReader(plan);
    const codeReader = compileCodeReader(plan);
    for (const x of symbolVectors(plan.points.length, 6, 11)) {
      const copy = render(plan, x);
      // Where each site sits in this copy.
      const at: number[] = [];
      let offset = 0;
      for (const seg of plan.segments) {
        if (typeof seg === "number") at[seg] = offset;
        offset += (typeof seg === "string" ? seg : plan.sites[seg]!.alts[x[plan.sites[seg]!.point]!]!).length;
      }
      for (const info of ["yara", "python"]) {
        const from = copy.indexOf(`\`\`\`${info}\n`);
        const to = copy.indexOf("```", from + 4);
        const code = copy.slice(from + info.length + 4, to);
        const points = new Set(
          plan.sites.flatMap((s, k) => (s.layer === "code" && at[k]! > from && at[k]! < to ? [s.point] : [])),
        );
        const r = readWithCode(reader, codeReader, `${FILLER}\n\n${code}\n${FILLER}`);
        expect(points.size).toBeGreaterThan(10);
        // Never a wrong symbol; a point whose context runs past the block may be an erasure.
        for (const p of points)
          if (r.symbols[p] !== -1) expect(r.symbols[p], `${info}: point ${p}`).toBe(x[p]);
        const read = [...points].filter((p) => r.symbols[p] !== -1).length;
        expect(read).toBeGreaterThanOrEqual(points.size - 2);
      }
    }
  });
});
