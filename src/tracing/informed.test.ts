// Regression tests for the informed leaker (issue 10): relabelled or stripped marks, look-alike
// letters, padding, cross-reading of repeated phrases, separate layer scoring and framing.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { traceCommand } from "../cli/trace.ts";
import * as attacks from "./attacks/index.ts";
import { capacity } from "./capacity.ts";
import { codeword, codewords, defaultRecipientIds, newKey, Prng } from "./code.ts";
import { createKeyFile, loadKey, traceEvidence } from "./keyfile.ts";
import { accuseLayers, MIN_OBSERVED_POINTS } from "./layers.ts";
import { INVISIBLE_ALPHABET, normalizeText } from "./normalize.ts";
import { readEvidence } from "./read.ts";
import { render } from "./render.ts";

const md = readFileSync("test/fixtures/advisories/fw-2025-0157-libpcapng-heap-overflow.md", "utf8");
const ids = defaultRecipientIds(300);
const file = createKeyFile(md, { recipients: ids, keySeed: "informed" });
const loaded = loadKey(JSON.parse(JSON.stringify(file)));
const plan = loaded.file.plan;
const copyOf = (id: string) => render(plan, codeword(loaded.key, id, loaded.biases));
const invisiblePoints = plan.points.filter((p) => p.layer === "invisible").length;

function flipsAndReads(evidence: string, id: string, layer?: string) {
  const x = codeword(loaded.key, id, loaded.biases);
  const r = readEvidence(loaded.reader, evidence);
  let flips = 0;
  let reads = 0;
  r.symbols.forEach((y, i) => {
    if (y < 0 || (layer && plan.points[i]?.layer !== layer)) return;
    reads++;
    if (y !== x[i]) flips++;
  });
  return { flips, reads };
}

describe("keyed invisible marks", () => {
  it("use several characters of the alphabet, chosen per site from the key", () => {
    const used = new Set(plan.sites.filter((s) => s.layer === "invisible").flatMap((s) => s.alts));
    expect(used.size).toBe(INVISIBLE_ALPHABET.length);
    const other = createKeyFile(md, { recipients: ids.slice(0, 2), keySeed: "other key" }).plan;
    const differ = plan.sites.filter(
      (s, k) => s.layer === "invisible" && s.alts[0] !== other.sites[k]?.alts[0],
    );
    expect(differ.length).toBeGreaterThan(0.5 * invisiblePoints);
  });

  it("still read key files written before keyed marks (zero-width space / non-joiner everywhere)", () => {
    const old = JSON.parse(JSON.stringify(file));
    for (const site of old.plan.sites) if (site.layer === "invisible") site.alts = ["\u200B", "\u200C"];
    const k = loadKey(old);
    const copy = render(k.file.plan, codeword(k.key, "r0061", k.biases));
    const res = traceEvidence(k, copy);
    expect(res.accused).toEqual(["r0061"]);
    expect(res.observedPoints).toBeGreaterThan(0.95 * plan.points.length);
  });

  it("turn a global swap or replacement of the zero-width characters into erasures, not flips", () => {
    const copy = copyOf("r0042");
    for (const attacked of [attacks.swapInvisible(copy), attacks.replaceInvisible(copy)]) {
      const { flips, reads } = flipsAndReads(attacked, "r0042", "invisible");
      expect(reads).toBeLessThan(0.25 * invisiblePoints);
      expect(flips).toBeLessThan(0.25 * invisiblePoints);
      expect(traceEvidence(loaded, attacked).accused).toEqual(["r0042"]);
    }
  });
});

describe("normal form", () => {
  it("folds look-alike letters of other scripts and drops soft hyphens and in-word joiners", () => {
    expect(normalizeText("Аn аttасkеr cоuld")).toBe("an attacker could");
    expect(normalizeText("vul\u00ADner\u200Dability")).toBe("vulnerability");
  });

  it("reads a copy with 30% look-alike letters and soft hyphens as well as the copy itself", () => {
    const copy = copyOf("r0007");
    const clean = flipsAndReads(copy, "r0007");
    const rng = new Prng(newKey("lookalikes"));
    const attacked = attacks.softHyphens(attacks.confusables(copy, 0.3, rng));
    const read = flipsAndReads(attacked, "r0007");
    expect(read.flips).toBe(0);
    expect(read.reads).toBeGreaterThan(0.95 * clean.reads);
    expect(traceEvidence(loaded, attacked).accused).toEqual(["r0007"]);
  });
});

describe("locate, then read", () => {
  it("finds a whole copy hidden in five times as much unrelated text and reports where it is", () => {
    const rng = new Prng(newKey("padding"));
    const copy = copyOf("r0100");
    const padded = attacks.pad(copy, 5, rng);
    const res = traceEvidence(loaded, padded);
    expect(res.accused).toEqual(["r0100"]);
    expect(res.reading.located.length).toBeGreaterThan(0);
    expect(res.reading.locatedWords).toBeLessThan(0.3 * res.reading.evidenceWords);
    expect(res.reading.locatedWords).toBeGreaterThan(0.1 * res.reading.evidenceWords);
  });

  it("reads a site only where its whole context matches, so repeated phrases are not cross-read", () => {
    const para = (who: string, what: string) =>
      `${who} noted that in order to exploit this flaw, an attacker could send a crafted request to the service and the service would then allow the attacker to read files. ${what}`;
    const text = [
      para("The alpha team", "It was fixed in the spring release of the product."),
      para("Later, the beta group", "Operators should upgrade the package without delay."),
      para("Finally, the gamma reviewers", "No workaround is known for older installations."),
    ].join("\n\n");
    const k = loadKey(
      JSON.parse(JSON.stringify(createKeyFile(text, { recipients: ids.slice(0, 50), keySeed: "x" }))),
    );
    let wrong = 0;
    let reads = 0;
    for (const id of ids.slice(0, 20)) {
      const x = codeword(k.key, id, k.biases);
      const copy = render(k.file.plan, x);
      const second = copy.split("\n\n")[1] ?? "";
      const r = readEvidence(k.reader, second);
      r.symbols.forEach((y, i) => {
        if (y < 0) return;
        reads++;
        if (y !== x[i]) wrong++;
      });
    }
    expect(reads).toBeGreaterThan(200);
    expect(wrong).toBe(0);
  });
});

describe("layers scored separately", () => {
  it("a corrupted invisible layer does not bury intact visible points", () => {
    const copy = copyOf("r0200");
    // Every mark replaced by a random character of the alphabet: noise in the invisible layer.
    const rng = new Prng(newKey("noise"));
    const noisy = copy.replace(
      /\p{Cf}/gu,
      () => INVISIBLE_ALPHABET[rng.int(INVISIBLE_ALPHABET.length)] ?? "",
    );
    const res = traceEvidence(loaded, noisy);
    expect(res.accused).toEqual(["r0200"]);
    expect(res.layers.map((l) => l.name)).toEqual(expect.arrayContaining(["all", "visible", "invisible"]));
    expect(res.layers.find((l) => l.name === "visible")?.accused).toEqual(["r0200"]);
  });

  it("slots in a new layer name as its own group and accuses nobody on too few points", () => {
    const words = codewords(loaded.key, ids, loaded.biases);
    const y = new Int8Array(plan.points.length).fill(-1);
    const layers = plan.points.map((_, i) => (i < 40 ? "code" : "invisible"));
    for (let i = 0; i < 40; i++) y[i] = words[5]?.[i] ?? 0;
    const res = accuseLayers(ids, words, loaded.biases, y, layers);
    expect(res.layers.map((l) => l.name)).toEqual(["all"]);
    const onlyMarks = new Int8Array(plan.points.length).fill(-1);
    for (let i = 40; i < 80; i++) onlyMarks[i] = words[5]?.[i] ?? 0;
    const marks = accuseLayers(ids, words, loaded.biases, onlyMarks, layers);
    expect(marks.layers.map((l) => [l.name, l.weight])).toEqual([
      ["all", 0.5],
      ["invisible-relabelled", 0.5],
    ]);
    for (let i = 40; i < 80; i++) y[i] = words[5]?.[i] ?? 0;
    const both = accuseLayers(ids, words, loaded.biases, y, layers);
    expect(both.layers.map((l) => l.name)).toEqual(["all", "code", "invisible", "invisible-relabelled"]);
    expect(both.populationBound).toBeCloseTo(1e-6 * ids.length);
    const few = new Int8Array(plan.points.length).fill(-1);
    // One point short of the minimum, and an ε₁ loose enough that the bound alone would accuse.
    for (let i = 0; i < MIN_OBSERVED_POINTS - 1; i++) few[i] = words[5]?.[i] ?? 0;
    const none = accuseLayers(ids, words, loaded.biases, few, layers, { epsilon: 0.4 });
    expect(none.accused).toEqual([]);
    expect(none.observedPoints).toBe(MIN_OBSERVED_POINTS - 1);
    expect(
      accuseLayers(ids, words, loaded.biases, few, layers, { epsilon: 0.4, minObservedPoints: 1 }).accused,
    ).toContain(ids[5]);
  });
});

describe("framing and investigator output", () => {
  it("flags a quote of an innocent's copy spliced into neutralised colluder text as stitched", () => {
    const words = codewords(loaded.key, ids, loaded.biases);
    const rng = new Prng(newKey("framing"));
    const innocent = ids[9] ?? "";
    const evidence = attacks.frameByQuote(
      plan,
      [words[1] ?? new Uint8Array(), words[2] ?? new Uint8Array()],
      words[9] ?? new Uint8Array(),
      120,
      rng,
    );
    const res = traceEvidence(loaded, evidence);
    expect(res.accused).toContain(innocent);
    expect(res.forensics.stitched).toBe(true);
    expect(res.warnings.join("\n")).toMatch(/stitched/);
    expect(res.warnings.join("\n")).toMatch(/quoted excerpt/);
  });

  it("flags evidence whose halves come from two different copies as mixed sources", () => {
    const a = copyOf("r0051");
    const b = copyOf("r0052");
    const res = traceEvidence(loaded, `${a.slice(0, a.length >> 1)}${b.slice(a.length >> 1)}`);
    expect(res.forensics.mixedSources).toBe(true);
    expect(res.forensics.segments.map((s) => s.leader)).toEqual(expect.arrayContaining(["r0051", "r0052"]));
    expect(res.forensics.stitched).toBe(false);
    const whole = traceEvidence(loaded, a);
    expect(whole.forensics.mixedSources).toBe(false);
    expect(whole.forensics.stitched).toBe(false);
    expect(whole.forensics.markedShare).toBeGreaterThan(0.5);
    // Colluders who strip every mark leave no marks to survive in a window: never "stitched".
    const words = codewords(loaded.key, ids, loaded.biases);
    const rng = new Prng(newKey("neutralise"));
    const merged = attacks.diffAndNeutralise(
      plan,
      [words[3] ?? new Uint8Array(), words[4] ?? new Uint8Array()],
      rng,
    );
    expect(traceEvidence(loaded, merged).forensics.stitched).toBe(false);
  });

  it("reports capacity per layer group and with and without invisible marks", () => {
    const cap = capacity(plan);
    expect(Object.keys(cap.perGroup)).toEqual(expect.arrayContaining(["visible", "invisible"]));
    expect(cap.withoutInvisible.points).toBe(cap.visiblePoints);
    expect(cap.withInvisible.points).toBe(cap.points);
    expect(cap.perGroup.invisible?.points).toBe(invisiblePoints);
  });

  it("trace accuse reads several evidence files together and prints the documented JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-trace-"));
    writeFileSync(join(dir, "key.json"), JSON.stringify(file));
    const copy = copyOf("r0033");
    const half = Math.floor(copy.length / 2);
    writeFileSync(join(dir, "a.txt"), attacks.stripFormat(copy.slice(0, half)));
    writeFileSync(join(dir, "b.txt"), attacks.stripFormat(copy.slice(half)));
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => {}, readStdin: async () => "", env: {} };
    const argv = [
      "accuse",
      "--key",
      join(dir, "key.json"),
      "--evidence",
      join(dir, "a.txt"),
      "--evidence",
      join(dir, "b.txt"),
    ];
    expect(await traceCommand.run([...argv, "--json", "--epsilon", "1e-4"], io)).toBe(0);
    const json = JSON.parse(out.join("\n"));
    expect(json.verdict).toBe("accused");
    expect(json.accused).toEqual(["r0033"]);
    expect(json.observedPoints).toBeGreaterThan(30);
    expect(json.located.length).toBeGreaterThan(0);
    expect(json.recipients[0]).toMatchObject({ id: "r0033", accused: true });
    expect(Object.keys(json.recipients[0])).toEqual(
      expect.arrayContaining(["id", "score", "threshold", "bound", "accused"]),
    );
    expect(json.warnings.join("\n")).toMatch(/above the default/);
    expect(json.populationBound).toBeCloseTo(1e-4 * ids.length);
  });
});
