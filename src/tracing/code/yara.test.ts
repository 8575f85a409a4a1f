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

// Strings seen only through sets: definitions trade places (private, xor and base64 included).
const SETS = `rule Sets_Only
{
    strings:
        $s1 = "cmd.exe /c" ascii wide
        $s2 = "powershell -enc" nocase
        $s3 = "invoke-mimikatz" wide
        $s4 = /evil[0-9]+/ nocase
        $s5 = /https?:\\/\\/[a-z]+\\.bad/
        $k1 = "secret" xor(0x01-0x10) private
        $k2 = "hidden" xor(0x01-0x10) private
        $b1 = "payload" base64
        $b2 = "dropper" base64
    condition:
        2 of ($s*) or all of ($k*) or for any of ($b*) : ( # >= 2 and @[1] < 64 )
}
`;

// Strings whose order must stay: named in the condition, in different sets, anonymous strings in
// the rule, a value with a site of its own, a comment on the line, two definitions on one line,
// modifiers on the next line.
const KEPT = `rule Kept_Named
{
    strings:
        $a1 = /alpha[0-9]/
        $a2 = /bravo[0-9]/
        $b1 = "charlie" nocase
        $c1 = "delta" wide
    condition:
        $a1 or (any of ($a*) and #b1 > 1) or any of ($c*)
}

rule Kept_Anonymous
{
    strings:
        $ = "echo" nocase
        $x1 = /fox+/
        $x2 = /golf+/
    condition:
        any of them
}

rule Kept_Busy
{
    strings:
        $h1 = { 41 42 }
        $h2 = "hotel"
        $h3 = "india" ascii wide
        $h4 = /juliet/ // a note
        $h5 = /kilo/
        $y1 = /lima/ $y2 = /mike/
    condition:
        any of them
}

rule Kept_Wrapped
{
    strings:
        $w1 = "november"
            nocase
        $w2 = /oscar/
    condition:
        any of them
}
`;

const xor = (s: string, k: number) => Buffer.from([...Buffer.from(s)].map((b) => b ^ k));
const b64 = (s: string) => Buffer.from(s).toString("base64");

const SAMPLES: Record<string, Buffer> = {
  "s-two.bin": Buffer.from("cmd.exe /c and EVIL42"),
  "s-one.bin": Buffer.from("cmd.exe /c only"),
  "s-url.bin": Buffer.from("http://www.bad POWERSHELL -ENC"),
  "s-wide.bin": Buffer.concat([Buffer.from("invoke-mimikatz", "utf16le"), Buffer.from(" evil7")]),
  "k-both.bin": Buffer.concat([xor("secret", 5), Buffer.from(" .. "), xor("hidden", 7)]),
  "k-one.bin": xor("secret", 5),
  "b-twice.bin": Buffer.from(`${b64("payload")} ${b64("xpayload")}`),
  "b-once.bin": Buffer.from(b64("dropper")),
  "b-late.bin": Buffer.concat([Buffer.alloc(100, 32), Buffer.from(`${b64("dropper")} ${b64("xxdropper")}`)]),
  "kept-a.txt": Buffer.from("alpha1 bravo2 CHARLIE charlie"),
  "kept-b.txt": Buffer.from("bravo2 charlie charlie"),
  "kept-c.txt": Buffer.from("bravo2 charlie"),
  "kept-x.txt": Buffer.from("foxx golff"),
  "kept-h.txt": Buffer.from("AB"),
  "kept-l.txt": Buffer.from("mike"),
  "kept-n.txt": Buffer.from("NOVEMBER"),
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
      ["sets", SETS],
      ["kept", KEPT],
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

  it("swap the values of string definitions the condition sees only through sets holding both", () => {
    const swaps = new Map<string, string[]>();
    for (const e of planYara(SETS))
      if (e.family?.includes("-swap"))
        swaps.set(e.family, [...(swaps.get(e.family) ?? []), e.alts.join(" > ")]);
    expect([...swaps.values()]).toEqual([
      [
        '"powershell -enc" nocase > "invoke-mimikatz" wide',
        '"invoke-mimikatz" wide > "powershell -enc" nocase',
      ],
      [
        "/evil[0-9]+/ nocase > /https?:\\/\\/[a-z]+\\.bad/",
        "/https?:\\/\\/[a-z]+\\.bad/ > /evil[0-9]+/ nocase",
      ],
      // Same modifiers: only the text moves, the modifiers stay with their position.
      ['"secret" > "hidden"', '"hidden" > "secret"'],
      ['"payload" > "dropper"', '"dropper" > "payload"'],
    ]);
    // $s1's modifiers keep their own site; every identifier is still renamed.
    expect(planYara(SETS).map((e) => e.alts.join(" > "))).toEqual(
      expect.arrayContaining(["ascii wide > wide ascii", "s1 > s_1", "s3 > s_3", "k2 > k_2", "b1 > b_1"]),
    );
    const plan = planFile("sets.yar", SETS);
    expect(plan?.sites.length).toBe(planYara(SETS).length); // nothing dropped: all compose
  });

  it("keep the order of string definitions where it could show", () => {
    expect(planYara(KEPT).filter((e) => e.family?.includes("-swap"))).toEqual([]);
    const values = (src: string) => src.match(/\/[-a-z+[\]0-9]+\/|"[a-z]+" (?:nocase|wide)$/gm);
    const plan = planFile("kept.yar", KEPT);
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect(values(KEPT)?.length).toBe(12);
    for (const { text } of variants(plan, 10)) expect(values(text)).toEqual(values(KEPT));
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
