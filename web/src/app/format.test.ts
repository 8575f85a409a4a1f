import { describe, expect, it } from "vitest";
import { durationSeconds, formatLead, formatSeconds } from "./format.ts";

describe("durations in words", () => {
  it("reads ISO 8601 lead times", () => {
    expect(durationSeconds("P5D")).toBe(5 * 86400);
    expect(durationSeconds("PT12H")).toBe(12 * 3600);
    expect(durationSeconds("PT0S")).toBe(0);
    expect(durationSeconds("P1DT6H")).toBe(30 * 3600);
    expect(durationSeconds("5 days")).toBeNull();
    expect(durationSeconds("P")).toBeNull();
  });

  it("says them as people do", () => {
    expect(formatLead("PT0S")).toBe("at T0");
    expect(formatLead("P5D")).toBe("5 days before T0");
    expect(formatLead("P1D")).toBe("1 day before T0");
    expect(formatLead("P1DT12H")).toBe("1 day 12 hours before T0");
    expect(formatLead(5400)).toBe("1 hour 30 minutes before T0");
    expect(formatLead("soon")).toBe("soon");
    expect(formatSeconds(0)).toBe("no time");
  });
});
