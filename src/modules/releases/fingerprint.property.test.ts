// Property (fast-check, bounded and seeded): for random advisories with prose, a YARA rule file and a
// Python PoC, the copies the release engine renders (renderCopy through fingerprintCopy with the
// plan's tracing key, the code path of every delivery) differ pairwise in text and in each varied
// file; every YARA variant is compiled by the real `yara` and matches exactly the samples the
// original matches; every PoC variant passes `python3 -m py_compile`; canary tokens are fresh per
// recipient and the variation never touches them.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonProbe } from "../../../test/fixtures/poc.ts";
import { SECTIONS } from "../advisories/content.ts";
import { type Recipient, type RenderSource, renderCopy } from "./render.ts";
import { fingerprintCopy, planTracingKey, tracingRuntime } from "./tracing.ts";

const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/advisories");
/** Prose sentences of real-looking advisories (the Forewarn fixtures), split at sentence ends. */
const SENTENCES = [
  "fw-2025-0157-libpcapng-heap-overflow.md",
  "fw-2025-0163-sso-session-fixation.md",
  "heldout-nimbus-console-ssrf.md",
]
  .flatMap((f) => readFileSync(join(FIXTURES, f), "utf8").split("\n"))
  .filter((l) => /^[A-Z][^#|`<>]{40,}$/.test(l) && !l.includes("{{"))
  .flatMap((l) => l.split(/(?<=\.)\s+(?=[A-Z])/))
  .filter((s) => s.length > 30 && s.endsWith("."));

const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"];
const hex = (s: string) =>
  [...s].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")).join(" ");

const arbRule = fc
  .record({
    strings: fc.uniqueArray(fc.constantFrom(...WORDS), { minLength: 5, maxLength: 7 }),
    kinds: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 7, maxLength: 7 }),
    nocase: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    condition: fc.constantFrom("any of them", "1 of them", "2 of them", "all of them"),
  })
  .map(({ strings, kinds, nocase, condition }) => {
    const lines = strings.map((w, i) => {
      const k = kinds[i] ?? 0;
      const value =
        k === 0 ? `"${w}"${nocase[i] ? " nocase" : ""}` : k === 1 ? `{ ${hex(w)} }` : `"${w}" wide ascii`;
      return `        $s${i} = ${value}`;
    });
    return `rule Random_Rule
{
    meta:
        author = "property test"
        description = "random rule"
        reference = "FW-TEST"
    strings:
${lines.join("\n")}
    condition:
        ${condition}
}
`;
  });

const arbPoc = fc
  .record({
    host: fc.constantFrom("127.0.0.1", "192.0.2.10", "lab.invalid"),
    port: fc.integer({ min: 1024, max: 65535 }),
    path: fc.constantFrom("/api/v2/admin/status", "/login", "/upload.php"),
    header: fc.constantFrom("X-Probe", "X-Forwarded-User", "X-Debug"),
    canary: fc.boolean(),
  })
  .map(({ host, port, path, header, canary }) =>
    pythonProbe({
      doc: "Probe for the flaw (lab use only).",
      beacon: canary ? "{{canary:dns}}" : "none",
      path,
      header,
      agent: "probe/1.0",
      accept: "*/*",
      vulnerable: "status_code == 200 and len(body_text) > 0",
      target: `http://${host}:${port}`,
    }),
  );

const arbAdvisory = fc.record({
  summary: fc.array(fc.constantFrom(...SENTENCES), { minLength: 2, maxLength: 4 }),
  details: fc.array(fc.constantFrom(...SENTENCES), { minLength: 10, maxLength: 25 }),
  detection: fc.array(fc.constantFrom(...SENTENCES), { minLength: 2, maxLength: 5 }),
  dnsCanary: fc.boolean(),
  rule: arbRule,
  poc: arbPoc,
});

const RECIPIENTS: Recipient[] = [
  { kind: "organisation", id: "org_01PROPERTYTESTPARTNERA000", partnerId: "org_A", partnerName: "A" },
  { kind: "user", id: "usr_01PROPERTYTESTMEMBERA100", partnerId: "org_A", partnerName: "A" },
  { kind: "user", id: "usr_01PROPERTYTESTMEMBERA200", partnerId: "org_A", partnerName: "A" },
  { kind: "user", id: "usr_01PROPERTYTESTMEMBERA300", partnerId: "org_A", partnerName: "A" },
];
const CANARY = { domain: "canary.test", publicUrl: "http://127.0.0.1:8080" };

let dir = "";
let samples = "";
beforeAll(() => {
  for (const [cmd, args] of [
    ["yara", ["--version"]],
    ["python3", ["--version"]],
  ] as const) {
    const r = spawnSync(cmd, args);
    if (r.error || r.status !== 0) throw new Error(`this test needs "${cmd}" on the PATH; it is missing`);
  }
  dir = mkdtempSync(join(tmpdir(), "fw-fingerprint-property-"));
  samples = join(dir, "samples");
  mkdirSync(samples);
  // Samples holding some of the words, plain, upper-case or UTF-16: rules match some, not all.
  WORDS.forEach((w, i) => {
    writeFileSync(join(samples, `plain-${w}.bin`), `xx ${w} yy`);
    writeFileSync(join(samples, `upper-${w}.bin`), `xx ${w.toUpperCase()} yy`);
    writeFileSync(join(samples, `wide-${w}.bin`), Buffer.from(`${w}`, "utf16le"));
    writeFileSync(join(samples, `pair-${i}.bin`), `${w} ${WORDS[(i + 1) % WORDS.length]}`);
  });
  writeFileSync(join(samples, "none.bin"), "nothing here");
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function yaraMatches(rule: string): string[] {
  const path = join(dir, `r${n++}.yar`);
  writeFileSync(path, rule);
  const r = spawnSync("yara", ["-w", path, samples], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`yara refused the rule:\n${r.stderr}\n${rule}`);
  return r.stdout.split("\n").filter(Boolean).sort();
}
function pyCompiles(code: string): string | null {
  const path = join(dir, `p${n++}.py`);
  writeFileSync(path, code);
  const r = spawnSync("python3", ["-m", "py_compile", path], { encoding: "utf8" });
  return r.status === 0 ? null : r.stderr;
}

describe("fingerprinted copies of random advisories", () => {
  it("differ pairwise in text and in every varied file; every rule and PoC variant still works", () => {
    let checked = 0;
    let matched = 0;
    fc.assert(
      fc.property(arbAdvisory, fc.integer({ min: 1, max: 1_000_000 }), (a, seed) => {
        const source: RenderSource = {
          advisoryId: "adv_01PROPERTYTEST00000000000",
          trackingId: "FW-TEST-0001",
          revision: 1,
          content: {
            title: "Random advisory",
            products: [{ vendor: "Acme", product: "Gateway", affected: ["1.0"], fixed: ["1.1"] }],
            sections: {
              summary: a.summary.join(" "),
              details: a.details.join(" "),
              detection: `${a.detection.join(" ")}${a.dnsCanary ? " Resolve {{canary:dns}} from the lab." : ""}`,
              poc: "Run probe.py against a lab host.",
              indicators: "- 203.0.113.7",
            },
          },
          files: [
            {
              id: "afl_rule",
              section: "detection",
              filename: "rule.yar",
              mediaType: "text/plain",
              size: 0,
              sha256: "",
              text: a.rule,
            },
            {
              id: "afl_poc",
              section: "poc",
              filename: "probe.py",
              mediaType: "text/plain",
              size: 0,
              sha256: "",
              text: a.poc,
            },
          ],
        };
        const key = planTracingKey(source, [], `property-${seed}`);
        expect(key).not.toBeNull();
        if (!key) return;
        expect(key.files?.map((f) => f.name.split("/")[1]).sort()).toEqual(["probe.py", "rule.yar"]);
        const rt = tracingRuntime("trk_property", key);
        const copies = RECIPIENTS.map((r) =>
          renderCopy(source, [...SECTIONS], r, (c, who) => fingerprintCopy(rt, CANARY, c, who)),
        );
        const want = yaraMatches(a.rule);
        matched += want.length;
        for (let i = 0; i < copies.length; i++) {
          const c = copies[i]?.copy;
          if (!c) continue;
          expect(c.markdown).not.toContain("{{canary:");
          const rule = c.files.find((f) => f.filename === "rule.yar")?.text ?? "";
          const poc = c.files.find((f) => f.filename === "probe.py")?.text ?? "";
          expect(yaraMatches(rule), rule).toEqual(want);
          expect(pyCompiles(poc), poc).toBeNull();
          // A token is whole: 20 base32 characters under the domain, never varied.
          if (a.dnsCanary) expect(c.sections.detection).toMatch(/ [a-z2-7]{20}\.canary\.test /);
          if (a.poc.includes("{{canary:dns}}"))
            expect(poc).toMatch(/BEACON = (["'])[a-z2-7]{20}\.canary\.test\1/);
          for (let j = i + 1; j < copies.length; j++) {
            const d = copies[j]?.copy;
            if (!d) continue;
            expect(c.markdown).not.toBe(d.markdown);
            for (const f of c.files) expect(f.text).not.toBe(d.files.find((g) => g.id === f.id)?.text);
          }
          checked++;
        }
      }),
      { numRuns: 6, seed: 20261129 },
    );
    expect(checked).toBe(6 * RECIPIENTS.length);
    // The samples exercise the rules (the equality above compares real match lists).
    expect(matched).toBeGreaterThan(6);
  });
});
