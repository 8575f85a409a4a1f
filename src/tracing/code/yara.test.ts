// Every YARA variant compiles with the real yara and matches exactly the files the original matches.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { planAdvisory, planFile } from "../plan.ts";
import { variants, type YaraMatches, yaraOver } from "./tools.test-helpers.ts";
import { planYara } from "./yara.ts";

const FIXTURE = readFileSync("test/fixtures/advisories/fw-2025-0171-harbor-sync-rce.md", "utf8");
const FIXTURE_RULE = /```yara\n([\s\S]*?)```/.exec(FIXTURE)?.[1] ?? "";

const EXTRA = `import "math"

/* counts, offsets and lengths of named strings */
rule Counted_Strings
{
    meta:
        author = "test"
        version = 2
    strings:
        $a = "alpha" nocase
        $b = { 62 65 74 61 }
        $c = /gam+a/ ascii
        $ = "anon"
    condition:
        #a >= 2 and @a[1] < 100 and !a[1] == 5 and ($b or $c) and any of them
}

rule All_Of_A_Set
{
    strings:
        $x1 = "xray-one"
        $x2 = "xray-two" wide ascii
        $y1 = { 79 79 ?? 79 }
    condition:
        all of ($x*) or for any of ($y*) : ( $ at 0 )
}
`;

const SAMPLES: Record<string, Buffer> = {
  "zip-stage.bin": Buffer.concat([
    Buffer.from("PK\x03\x04"),
    Buffer.from("....harbor-sync-stage....sh -c id"),
  ]),
  "zip-stage-wide.bin": Buffer.concat([
    Buffer.from("PK\x03\x04"),
    Buffer.from("harbor-sync-stage", "utf16le"),
    Buffer.from(" hs_pwn_marker"),
  ]),
  "zip-hex.bin": Buffer.concat([
    Buffer.from("PK\x03\x04"),
    Buffer.from([0x48, 0x53, 0x59, 0x4e, 0x43, 0x00, 0x01, 0x7f]),
    Buffer.from(" ../../../OPT/harbor/agent/plugins/ and ../../../opt/harbor/agent/plugins/"),
  ]),
  "zip-no-cmd.bin": Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.from("harbor-sync-stage only")]),
  "not-zip.bin": Buffer.from("MZ harbor-sync-stage sh -c hs_pwn_marker"),
  "counted.txt": Buffer.from("ALPHAalpha beta gamma anon"),
  "counted-once.txt": Buffer.from("alpha beta"),
  "xray.txt": Buffer.from("xray-one and xray-two"),
  "xray-half.txt": Buffer.from("xray-one only"),
  "yy.txt": Buffer.from("yy.y rest"),
  "empty.txt": Buffer.from(""),
};

let matches: YaraMatches;
beforeAll(() => {
  matches = yaraOver("fw-yara-", SAMPLES);
});

describe("YARA variants", () => {
  it("vary identifiers, modifiers, hex strings, meta, comments and quantifiers", () => {
    const sites = planYara(FIXTURE_RULE).map((e) => e.alts.join(" | "));
    expect(sites).toEqual(
      expect.arrayContaining([
        "s1 | s_1",
        "ascii wide | wide ascii",
        " 48 53 59 4E 43 00 01 ??  |  48 53 59 4e 43 00 01 ?? ",
        '"hs_pwn_marker" | { 68 73 5F 70 77 6E 5F 6D 61 72 6B 65 72 }',
        "any | 1",
        "1 | any",
        "4B50 | 4b50",
        "// marker written by the public exploit | /* marker written by the public exploit */",
      ]),
    );
    expect(planFile("rule.yar", FIXTURE_RULE)?.points.length).toBeGreaterThanOrEqual(15);
  });

  it("keep wildcard sets: a name never leaves or joins a set like $s*", () => {
    const src = `rule W { strings: $s1 = "a" $a1 = "b" $s = "c" condition: any of ($s*) and $a1 }`;
    for (const e of planYara(src)) {
      if (!/^[A-Za-z0-9_]+$/.test(e.alts[0])) continue;
      expect(e.alts[0].startsWith("s")).toBe(e.alts[1].startsWith("s"));
      expect(["s1", "a1", "s"]).not.toContain(e.alts[1]);
    }
  });

  it("leave rule names, tags, string values and regular expressions unchanged", () => {
    const edits = planYara(FIXTURE_RULE + EXTRA);
    for (const e of edits) {
      expect(e.alts[0]).not.toMatch(/FW_2025_0171|webshell|Counted_Strings|gam\+a|harbor-sync-stage"/);
    }
  });

  it("compile and match exactly the same sample files as the original, for random symbol vectors", () => {
    for (const [name, source] of [
      ["fixture", FIXTURE_RULE],
      ["extra", EXTRA],
    ] as const) {
      const plan = planFile(`${name}.yar`, source);
      expect(plan).not.toBeNull();
      if (!plan) return;
      expect(plan.points.length).toBeGreaterThan(5);
      const want = matches(source, `${name}-original`);
      expect(want.length).toBeGreaterThan(2); // the samples exercise the rules both ways
      expect(want.length).toBeLessThan(Object.keys(SAMPLES).length * 2);
      variants(plan, 12).forEach(({ text }, k) => {
        if (k > 0) expect(text).not.toBe(source);
        expect(matches(text, `${name}-${k}`), `${name} variant ${k}:\n${text}`).toEqual(want);
      });
    }
  });

  it("inside an advisory copy, the rule compiles and matches the same files", () => {
    const plan = planAdvisory(FIXTURE);
    const want = matches(FIXTURE_RULE, "advisory-original");
    variants(plan, 8, 5).forEach(({ text }, k) => {
      const rule = /```yara\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
      expect(matches(rule, `advisory-${k}`), rule).toEqual(want);
    });
  });
});
