import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Attack, runSimulation } from "./simulate.ts";

/** The protocol with 200 recipients on one fixture advisory: no attack may accuse an innocent. Rows by attack. */
function simulate(file: string, name: string, opts: { trials: number; attacks: Attack[]; seed: string }) {
  const markdown = readFileSync(`test/fixtures/advisories/${file}`, "utf8");
  const rows = runSimulation({ advisories: [{ name, markdown }], recipients: 200, ...opts });
  for (const r of rows) expect(r.innocentsAccused).toBe(0);
  return Object.fromEntries(rows.map((r) => [r.attack, r]));
}

describe("evaluation protocol at reduced size", () => {
  it("never accuses an innocent and catches leakers", () => {
    const by = simulate("fw-2025-0142-gateway-auth-bypass.md", "fw-0142", {
      trials: 3,
      attacks: ["whole", "excerpt-150", "whole-normalised", "merge2-majority", "merge3-sentences"],
      seed: "ci",
    });
    expect(by.whole!.caught).toBe(1);
    expect(by["excerpt-150"]!.caught).toBe(1);
    expect(by["merge2-majority"]!.caught).toBe(1);
    expect(by["whole-normalised"]!.caught).toBeGreaterThan(0.5);
  });

  it("runs the informed leaker's attacks: the leaker still caught, a framed innocent only flagged", () => {
    const caught: Attack[] = ["zw-swap", "confusables-30", "padded-5x", "strip-format"];
    const by = simulate("fw-2025-0157-libpcapng-heap-overflow.md", "fw-0157", {
      trials: 2,
      attacks: [...caught, "frame-quote"],
      seed: "ci-informed",
    });
    for (const a of caught) expect(by[a]?.caught).toBe(1);
    expect(by["frame-quote"]?.stitched).toBeGreaterThan(0);
  });
});
