import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { codeword, defaultRecipientIds, newKey, Prng } from "./code.ts";
import { createKeyFile, KeyFileError, loadKey, traceEvidence } from "./keyfile.ts";
import { normalizeText, tokenize } from "./normalize.ts";
import { planAdvisory } from "./plan.ts";
import { compileReader, EvidenceError, readEvidence } from "./read.ts";
import { render } from "./render.ts";
import { excerpt, normaliseAttack } from "./simulate.ts";

const md = readFileSync("test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md", "utf8");
const other = readFileSync("test/fixtures/advisories/fw-2025-0163-sso-session-fixation.md", "utf8");
const ids = defaultRecipientIds(200);
const loaded = loadKey(JSON.parse(JSON.stringify(createKeyFile(md, { recipients: ids, keySeed: "read" }))));
const plan = loaded.file.plan;

describe("normalisation", () => {
  it("unifies case, quotes, dashes, markup and wrapping", () => {
    expect(tokenize("An “Attacker” — could\n  *allow*").tokens).toEqual(
      tokenize('an "attacker" - could allow').tokens,
    );
    expect(normalizeText("ﬁle")).toBe("file");
  });
});

describe("readEvidence", () => {
  it("reads a full copy back as its codeword exactly", () => {
    for (const id of ["r0001", "r0077", "r0200"]) {
      const x = codeword(loaded.key, id, loaded.biases);
      const r = readEvidence(loaded.reader, render(plan, x));
      let observed = 0;
      r.symbols.forEach((y, i) => {
        if (y >= 0) {
          observed++;
          expect(y).toBe(x[i]);
        }
      });
      expect(observed).toBeGreaterThan(0.97 * plan.points.length);
    }
  });

  it("reads re-wrapped and normalised text (the invisible layer is then simply gone)", () => {
    const x = codeword(loaded.key, "r0005", loaded.biases);
    const copy = render(plan, x);
    const rewrapped = copy.replace(/([^\n]{60,}?) /g, "$1\n");
    const r1 = readEvidence(loaded.reader, rewrapped);
    expect(r1.observedPoints).toBeGreaterThan(0.9 * plan.points.length);
    const r2 = readEvidence(loaded.reader, normaliseAttack(copy));
    const visible = plan.points.filter((p) => p.layer !== "invisible").length;
    expect(r2.observedPoints).toBeGreaterThan(0.8 * visible);
    expect(r2.observedPoints).toBeLessThanOrEqual(visible);
    r2.symbols.forEach((y, i) => {
      if (y >= 0) expect(y).toBe(x[i]);
    });
  });

  it("accuses exactly the leaker from a whole copy, a 150-word excerpt and a normalised copy", () => {
    const rng = new Prng(newKey("excerpts"));
    const copy = render(plan, codeword(loaded.key, "r0123", loaded.biases));
    for (const evidence of [copy, excerpt(copy, 150, rng), excerpt(copy, 150, rng), normaliseAttack(copy)]) {
      const res = traceEvidence(loaded, evidence);
      expect(res.accused).toEqual(["r0123"]);
    }
  });

  it("says clearly when the evidence comes from another advisory or is not text", () => {
    expect(() => readEvidence(loaded.reader, other)).toThrow(/does not come from this advisory/);
    expect(() => readEvidence(loaded.reader, "\u0000\u0001binary")).toThrow(EvidenceError);
    expect(() => readEvidence(loaded.reader, "too short")).toThrow(/too short/);
  });
});

describe("reading reworded alternatives", () => {
  const orrery = readFileSync("test/fixtures/advisories/heldout-orrery-appserver-deserialization.md", "utf8");
  const op = planAdvisory(orrery, { invisible: "off" });
  const reader = compileReader(op);
  const siteOf = (first: string) => op.sites.findIndex((x) => x.alts[0].startsWith(first));
  const copy = (b: number) => render(op, new Uint8Array(op.points.length).fill(b));

  it("reads a phrase or a list order with a word of it replaced, where the other wording is further off", () => {
    const phrase = siteOf("an unauthenticated remote attacker");
    const list = siteOf("- log entries containing");
    expect(phrase).toBeGreaterThanOrEqual(0);
    expect(op.sites[list]?.layer).toBe("list");
    for (const b of [0, 1]) {
      const edited = copy(b)
        .replace("remote attacker to", "remote adversary to")
        .replace("unauthenticated attacker to", "unauthenticated adversary to")
        .replace("log entries containing", "log records containing")
        .replace("outbound connections from", "outbound traffic from");
      expect(edited).not.toBe(copy(b));
      const r = readEvidence(reader, edited);
      expect(r.siteSymbols[phrase], `phrase, symbol ${b}`).toBe(b);
      expect(r.siteSymbols[list], `list, symbol ${b}`).toBe(b);
    }
  });

  it("leaves a site unread where the replaced word makes both wordings equally far", () => {
    const site = siteOf("execute arbitrary code");
    expect(op.sites[site]?.alts[1]).toBe("run arbitrary code");
    for (const b of [0, 1]) {
      const text = copy(b);
      const said = b ? "run arbitrary code" : "execute arbitrary code";
      expect(text).toContain(said);
      const r = readEvidence(reader, text.replace(said, "perform arbitrary code"));
      expect(r.siteSymbols[site]).toBe(-1);
      // The same copy unedited reads it, so the erasure is the edit's.
      expect(readEvidence(reader, text).siteSymbols[site]).toBe(b);
    }
  });
});

describe("key file", () => {
  it("rejects a key file that was tampered with or is not one", () => {
    const file = createKeyFile(md, { recipients: ids.slice(0, 3), keySeed: "k" });
    expect(() => loadKey({ ...file, biases: file.biases.map((b) => b * 0.99) })).toThrow(KeyFileError);
    expect(() => loadKey({ hello: 1 })).toThrow(/not a Forewarn tracing key file/);
    expect(() => loadKey({ ...file, key: "zz" })).toThrow(/malformed/);
  });

  it("refuses bad recipient lists", () => {
    expect(() => createKeyFile(md, { recipients: ["a", "a"] })).toThrow(/twice/);
    expect(() => createKeyFile(md, { recipients: ["bad id"] })).toThrow(/not a valid ID/);
    expect(() => createKeyFile(md, { recipients: [] })).toThrow(/no recipients/);
  });
});
