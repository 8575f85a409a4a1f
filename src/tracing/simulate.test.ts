import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSimulation } from "./simulate.ts";

describe("evaluation protocol at reduced size", () => {
  it("never accuses an innocent and catches leakers", () => {
    const markdown = readFileSync("test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md", "utf8");
    const rows = runSimulation({
      advisories: [{ name: "fw-0142", markdown }],
      recipients: 200,
      trials: 3,
      attacks: ["whole", "excerpt-150", "whole-normalised", "merge2-majority", "merge3-sentences"],
      seed: "ci",
    });
    for (const r of rows) expect(r.innocentsAccused).toBe(0);
    const by = Object.fromEntries(rows.map((r) => [r.attack, r]));
    expect(by.whole!.caught).toBe(1);
    expect(by["excerpt-150"]!.caught).toBe(1);
    expect(by["merge2-majority"]!.caught).toBe(1);
    expect(by["whole-normalised"]!.caught).toBeGreaterThan(0.5);
  });

  it("runs the informed leaker's attacks: the leaker still caught, a framed innocent only flagged", () => {
    const markdown = readFileSync("test/fixtures/advisories/fw-2025-0157-libpcapng-heap-overflow.md", "utf8");
    const rows = runSimulation({
      advisories: [{ name: "fw-0157", markdown }],
      recipients: 200,
      trials: 2,
      attacks: ["zw-swap", "confusables-30", "padded-5x", "strip-format", "frame-quote"],
      seed: "ci-informed",
    });
    for (const r of rows) expect(r.innocentsAccused).toBe(0);
    const by = Object.fromEntries(rows.map((r) => [r.attack, r]));
    for (const a of ["zw-swap", "confusables-30", "padded-5x", "strip-format"]) expect(by[a]?.caught).toBe(1);
    expect(by["frame-quote"]?.stitched).toBeGreaterThan(0);
  });
});
