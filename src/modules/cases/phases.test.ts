// Phases and deadlines as pure functions of the transition table and the clock.
import { describe, expect, it } from "vitest";
import { canTransition, deadlineState, dueWarnings, PHASES, TRANSITIONS } from "./phases.ts";

const DAY = 86_400_000;
const deadline = new Date("2026-06-01T00:00:00Z");
const daysBefore = (days: number) => new Date(deadline.getTime() - days * DAY);

describe("phases", () => {
  it("has no transition into or out of an unknown phase, and closed is final", () => {
    for (const from of PHASES) for (const to of TRANSITIONS[from]) expect(PHASES).toContain(to);
    expect(TRANSITIONS.closed).toEqual([]);
    expect(canTransition("received", "released")).toBe(false);
    expect(canTransition("pre-release", "remediation")).toBe(true);
  });

  it("reaches closed from received along the ISO 30111 path", () => {
    const path = ["received", "verified", "remediation", "pre-release", "released", "closed"] as const;
    for (let i = 1; i < path.length; i++)
      expect(canTransition(path[i - 1] ?? "received", path[i] ?? "closed")).toBe(true);
  });
});

describe("deadlines", () => {
  it("is on track, then near within 14 days, then overdue; finished phases stop the clock", () => {
    expect(deadlineState("remediation", deadline, daysBefore(30)).status).toBe("on_track");
    expect(deadlineState("remediation", deadline, daysBefore(14)).status).toBe("near");
    expect(deadlineState("remediation", deadline, daysBefore(14)).daysLeft).toBe(14);
    expect(deadlineState("remediation", deadline, daysBefore(-2))).toMatchObject({
      status: "overdue",
      daysLeft: -2,
    });
    expect(deadlineState("released", deadline, daysBefore(-2)).status).toBe("finished");
  });

  it("warns at 14 and 3 days and when overdue, cumulatively", () => {
    expect(dueWarnings("verified", deadline, daysBefore(15))).toEqual([]);
    expect(dueWarnings("verified", deadline, daysBefore(14))).toEqual(["14d"]);
    expect(dueWarnings("verified", deadline, daysBefore(3))).toEqual(["14d", "3d"]);
    expect(dueWarnings("verified", deadline, daysBefore(-0.001))).toEqual(["14d", "3d", "overdue"]);
    expect(dueWarnings("declined", deadline, daysBefore(-10))).toEqual([]);
  });
});
