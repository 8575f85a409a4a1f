// Random YARA rules (identifiers, wildcard sets, anonymous strings, counts, offsets, modifiers,
// hex and regular expressions): every variant compiles and matches the same sample files. Rules whose
// condition sees strings only through sets let definitions trade places; they are checked the same way.
import { beforeAll, describe, expect, it } from "vitest";
import { Prng } from "../code.ts";
import { planFile } from "../plan.ts";
import { variants, type YaraMatches, yaraOver } from "./tools.test-helpers.ts";
import { planYara } from "./yara.ts";

const WORDS = ["alpha", "bravo", "charlie", "delta", "echo"];
const hex = (s: string) =>
  [...s].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")).join(" ");

function randomRule(rng: Prng, k: number, setsOnly = false): string {
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)];
  const pool = ["s1", "s2", "s3", "a1", "a2", "h1", "x", "str", "s"];
  const n = 2 + rng.int(4);
  const names: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const anon = !setsOnly && rng.next() < 0.15;
    let name = "";
    if (!anon) {
      do name = pick(pool)!;
      while (names.includes(name));
      names.push(name);
    }
    const w = pick(WORDS);
    const kind = rng.int(4);
    const mods = ["ascii", "wide", "nocase", "fullword", ...(setsOnly ? ["private"] : [])].filter(
      () => rng.next() < 0.35,
    );
    const value =
      kind === 0
        ? `"${w}"${mods.length ? ` ${mods.join(" ")}` : ""}`
        : kind === 1
          ? `{ ${rng.next() < 0.5 ? hex(w!) : hex(w!).toLowerCase()} }`
          : kind === 2
            ? `/${w!.slice(0, 2)}[a-z]+${w!.slice(-1)}/${rng.next() < 0.5 ? "" : " nocase"}`
            : `{ ${hex(w!.slice(0, 2))} ?? ${hex(w!.slice(3, 4))} }`;
    lines.push(`        ${anon ? "$" : `$${name}`} = ${value}`);
  }
  const terms = setsOnly
    ? []
    : names.map((name) =>
        pick([`$${name}`, `#${name} > 1`, `@${name}[1] < 64`, `!${name}[1] >= 4`, `$${name} in (0..40)`]),
      );
  const prefixes = [...new Set(names.map((x) => x[0]))];
  if (setsOnly)
    for (const p of prefixes)
      terms.push(
        pick([
          `2 of ($${p}*)`,
          `all of ($${p}*)`,
          `for any of ($${p}*) : ( # > 1 )`,
          `for all of ($${p}*) : ( @[1] < 64 )`,
          `any of ($${p}*) in (0..40)`,
        ]),
      );
  terms.push(
    pick([`any of ($${pick(prefixes)}*)`, `1 of ($${pick(prefixes)}*)`, `all of ($${pick(prefixes)}*)`]),
  );
  const body = terms
    .sort(() => rng.next() - 0.5)
    .reduce((acc, t) => (acc ? `${acc} ${pick(["and", "or"])} ${t}` : t), "");
  return `rule Random_${k}
{
    meta:
        author = "fuzz"
        index = ${k}
        note = "generated"
    strings:
${lines.join("\n")}
    condition:
        (${body}) and ${pick(["any of them", "1 of them"])}
}
`;
}

let matches: YaraMatches;
beforeAll(() => {
  const rng = new Prng(Buffer.from("yara-random-samples-0001", "utf8"));
  const samples: Record<string, Buffer> = {};
  for (let i = 0; i < 14; i++) {
    const parts = WORDS.filter(() => rng.next() < 0.5).map((w) => {
      const r = rng.int(4);
      return r === 0 ? Buffer.from(w, "utf16le") : Buffer.from(r === 1 ? w.toUpperCase() : `${w} ${w}`);
    });
    samples[`s${i}.bin`] = Buffer.concat([Buffer.from(" ".repeat(rng.int(8))), ...parts]);
  }
  matches = yaraOver("fw-yara-random-", samples);
});

describe("random YARA rules", () => {
  it("keep compiling and matching the same samples in every variant", () => {
    const rng = new Prng(Buffer.from("yara-random-rules-00001", "utf8"));
    let checked = 0;
    let matched = 0;
    for (let k = 0; k < 16; k++) {
      const rule = randomRule(rng, k);
      const want = matches(rule, `r${k}`);
      matched += want.length;
      const plan = planFile(`r${k}.yar`, rule);
      expect(plan, rule).not.toBeNull();
      if (!plan) continue;
      expect(plan.points.length).toBeGreaterThan(2);
      variants(plan, 3, k + 1).forEach(({ text }, v) => {
        expect(matches(text, `r${k}-${v}`), `${rule}\n---\n${text}`).toEqual(want);
        checked++;
      });
    }
    expect(checked).toBe(16 * 5);
    // The samples exercise the rules: some match, most rules do not match everything.
    expect(matched).toBeGreaterThan(16);
    expect(matched).toBeLessThan(16 * 14 * 0.8);
  });

  it("whose condition sees strings only through sets keep matching the same samples when definitions trade places", () => {
    const rng = new Prng(Buffer.from("yara-random-sets-000001", "utf8"));
    let checked = 0;
    let matched = 0;
    let swaps = 0;
    for (let k = 0; k < 16; k++) {
      const rule = randomRule(rng, k, true);
      const want = matches(rule, `sets${k}`);
      matched += want.length;
      swaps += planYara(rule).filter((e) => e.family?.includes("-swap")).length / 2;
      const plan = planFile(`sets${k}.yar`, rule);
      expect(plan, rule).not.toBeNull();
      if (!plan) continue;
      variants(plan, 3, k + 1).forEach(({ text }, v) => {
        expect(matches(text, `sets${k}-${v}`), `${rule}\n---\n${text}`).toEqual(want);
        checked++;
      });
    }
    expect(checked).toBe(16 * 5);
    expect(swaps).toBeGreaterThanOrEqual(4); // pairs of definitions that traded places
    expect(matched).toBeGreaterThan(16);
    expect(matched).toBeLessThan(16 * 14 * 0.8);
  });
});
