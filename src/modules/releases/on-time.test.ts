import { describe, expect, it } from "vitest";
import { atItsTime, EARLY_START_S, earlyStart, WAIT_FOR_TIME_MS } from "./on-time.ts";

const AT = new Date("2026-03-01T12:00:00Z");

/** A run that answers "early" until `due` runs have happened, then "fired". */
function runs(earlyTimes: number) {
  let n = 0;
  return {
    calls: () => n,
    run: async () => (n++ < earlyTimes ? { status: "early", at: AT } : { status: "fired" }),
  };
}

describe("waves on time", () => {
  it("queue a job a few seconds before its time, never before now", () => {
    expect(EARLY_START_S).toBe(3);
    expect(earlyStart(60)).toBe(57);
    expect(earlyStart(2)).toBe(0);
    expect(earlyStart(0)).toBe(0);
  });

  it("wait for the time when the job came a little early, then run again", async () => {
    const r = runs(1);
    const slept: number[] = [];
    const out = await atItsTime(
      r.run,
      () => 1500.2,
      async (ms) => {
        slept.push(ms);
      },
    );
    expect(out).toEqual({ status: "fired" });
    expect(r.calls()).toBe(2);
    // Past the time, never before it.
    expect(slept).toEqual([1503]);
  });

  it("do not wait for a time far off, nor run twice what was not early", async () => {
    const far = runs(1);
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    expect(await atItsTime(far.run, () => WAIT_FOR_TIME_MS + 1, sleep)).toEqual({ status: "early", at: AT });
    expect(far.calls()).toBe(1);
    const due = runs(0);
    expect(await atItsTime(due.run, () => -5, sleep)).toEqual({ status: "fired" });
    expect(due.calls()).toBe(1);
    expect(slept).toEqual([]);
  });

  it("say it is still early when the clock has not moved (the caller queues it again)", async () => {
    const r = runs(5);
    const out = await atItsTime(
      r.run,
      () => 800,
      async () => {},
    );
    expect(out).toEqual({ status: "early", at: AT });
    expect(r.calls()).toBe(2);
  });
});
