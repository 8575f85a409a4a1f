// The plan's state table: every allowed transition goes where the lifecycle says, every other event
// is refused, and the state properties the engine queries by are the sets it always used.
import { describe, expect, it } from "vitest";
import {
  is,
  PLAN_EVENTS,
  PLAN_STATES,
  type PlanEvent,
  type PlanState,
  statesAllowing,
  statesWhere,
  transition,
} from "./states.ts";

const ALLOWED: [PlanState, PlanEvent, PlanState][] = [
  ["draft", "plan", "draft"],
  ["draft", "approve", "approved"],
  ["draft", "move", "draft"],
  ["draft", "cancel", "cancelled"],
  ["draft", "break", "broken"],
  ["approved", "plan", "draft"],
  ["approved", "arm", "armed"],
  ["approved", "move", "draft"],
  ["approved", "cancel", "cancelled"],
  ["approved", "break", "broken"],
  ["armed", "move", "draft"],
  ["armed", "cancel", "cancelled"],
  ["armed", "break", "broken"],
  ["armed", "publish", "fired"],
  ["broken", "publish", "fired"],
  ["cancelled", "plan", "draft"],
];

describe("release plan states", () => {
  it.each(ALLOWED)("%s --%s--> %s", (from, event, to) => {
    expect(transition(from, event)).toBe(to);
  });

  it("refuses every other event in every state", () => {
    const allowed = new Set(ALLOWED.map(([from, event]) => `${from}:${event}`));
    const refused = PLAN_STATES.flatMap((s) =>
      PLAN_EVENTS.filter((e) => !allowed.has(`${s}:${e}`)).map((e) => [s, e] as const),
    );
    expect(refused.length).toBe(PLAN_STATES.length * PLAN_EVENTS.length - ALLOWED.length);
    for (const [s, e] of refused) expect(transition(s, e), `${s} --${e}-->`).toBeNull();
    // Spot checks of the refusals that matter most: no second approval, nothing after the release.
    expect(transition("approved", "approve")).toBeNull();
    expect(transition("draft", "arm")).toBeNull();
    expect(transition("fired", "cancel")).toBeNull();
    expect(transition("broken", "move")).toBeNull();
    expect(transition("cancelled", "arm")).toBeNull();
  });

  it("refuses every event and has no property for a state it does not know", () => {
    for (const e of PLAN_EVENTS) expect(transition("exploded", e)).toBeNull();
    expect(is("exploded", "live")).toBe(false);
    expect(is("exploded", "delivering")).toBe(false);
  });

  it("names the state sets the engine and the other modules query by", () => {
    expect(statesWhere("live")).toEqual(["draft", "approved", "armed"]);
    expect(statesWhere("publishing")).toEqual(["draft", "approved", "armed", "broken"]);
    expect(statesWhere("firing")).toEqual(["armed", "broken"]);
    expect(statesWhere("delivering")).toEqual(["armed", "broken", "fired"]);
    expect(statesWhere("released")).toEqual(["armed", "broken", "fired"]);
    expect(statesAllowing("publish")).toEqual(["armed", "broken"]);
    expect(statesAllowing("plan")).toEqual(["draft", "approved", "cancelled"]);
  });

  it("lets exactly the live states move, cancel and break", () => {
    for (const e of ["move", "cancel", "break"] as const)
      expect(statesAllowing(e)).toEqual(statesWhere("live"));
  });
});
