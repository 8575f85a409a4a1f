import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COUNTRY_CODES, isCountryCode } from "../../contract/countries.ts";
import { formatDuration, parseDuration } from "./duration.ts";

describe("ISO 8601 lead times", () => {
  it("parses the tier defaults and seconds", () => {
    expect(parseDuration("P5D")).toEqual({ seconds: 5 * 24 * 3600 });
    expect(parseDuration("P1D")).toEqual({ seconds: 86_400 });
    expect(parseDuration("PT0S")).toEqual({ seconds: 0 });
    expect(parseDuration("PT30S")).toEqual({ seconds: 30 });
    expect(parseDuration("P1W")).toEqual({ seconds: 604_800 });
    expect(parseDuration("P1DT2H3M4S")).toEqual({ seconds: 86_400 + 7_200 + 180 + 4 });
  });

  it("refuses malformed durations and calendar units with a message", () => {
    for (const bad of ["", "P", "PT", "5D", "P1.5D", "p1d", "P1DT", "PT-1S", "P1D ", "P1H"])
      expect(parseDuration(bad), bad).toHaveProperty("error");
    expect(parseDuration("P1M")).toEqual({ error: expect.stringContaining("months") });
    expect(parseDuration("P1Y")).toEqual({ error: expect.stringContaining("years") });
    expect(parseDuration("PT1M")).toEqual({ seconds: 60 });
  });

  it("round-trips any number of seconds through its canonical form", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 90 * 86_400 }), (s) => {
        expect(parseDuration(formatDuration(s))).toEqual({ seconds: s });
      }),
    );
  });
});

describe("ISO 3166-1 alpha-2", () => {
  it("has all 249 codes, unique, each a region Intl knows", () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    for (const c of COUNTRY_CODES) expect(names.of(c), c).not.toBe(c);
    expect(isCountryCode("CN")).toBe(true);
    expect(isCountryCode("XX")).toBe(false);
    expect(isCountryCode("UK")).toBe(false);
  });
});
