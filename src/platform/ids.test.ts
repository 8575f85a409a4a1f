import { describe, expect, it } from "vitest";
import { fixedClock } from "./clock.ts";
import { idPattern, makeIds } from "./ids.ts";

describe("ids", () => {
  it("carries its kind's prefix and matches the pattern routes validate with", () => {
    const ids = makeIds(fixedClock());
    expect(ids("user")).toMatch(idPattern("user"));
    expect(ids("token")).toMatch(/^tok_/);
    expect(ids("token")).not.toMatch(idPattern("user"));
  });

  it("sorts by creation time", () => {
    const clock = fixedClock("2026-01-01T00:00:00Z");
    const ids = makeIds(clock);
    const made: string[] = [];
    for (let i = 0; i < 50; i++) {
      made.push(ids("audit"));
      clock.advance(1 + (i % 7) * 1000);
    }
    expect([...made].sort()).toEqual(made);
  });

  it("does not repeat within one millisecond", () => {
    const ids = makeIds(fixedClock());
    const set = new Set(Array.from({ length: 10_000 }, () => ids("session")));
    expect(set.size).toBe(10_000);
  });
});
