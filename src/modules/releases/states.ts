// The release plan's states and transitions, as data: one table says, per state, what the plan is
// (what the engine and the other modules may do with it) and which event takes it where. Every
// check of a plan's state goes through this table (`transition`, `is`, `statesWhere`).

import { PLAN_STATES, type PlanState } from "../../contract/enums.ts";

export { PLAN_STATES, type PlanState };

/**
 * plan: planned again (POST); approve: by a second coordinator; arm: its jobs scheduled; move: T0
 * moved (back to draft); cancel; break: the embargo broken; publish: the public release at T0.
 */
export const PLAN_EVENTS = ["plan", "approve", "arm", "move", "cancel", "break", "publish"] as const;
export type PlanEvent = (typeof PLAN_EVENTS)[number];

type StateRow = {
  /** The embargo is still ahead: T0 may move, the plan may be cancelled or its embargo broken. */
  live: boolean;
  /** The plan (and only the plan) will make the advisory public (advisories asks: liveState). */
  publishing: boolean;
  /** The engine fires its waves and its public release (armed by a coordinator, or broken). */
  firing: boolean;
  /** Deliveries may be written (also after T0, for a member who joins later). */
  delivering: boolean;
  /** A release under way or done (the dashboard's count). */
  released: boolean;
  /** Where each event allowed in this state takes the plan; an event not listed is refused. */
  on: Partial<Record<PlanEvent, PlanState>>;
};

export const PLAN_TABLE: Readonly<Record<PlanState, Readonly<StateRow>>> = {
  draft: {
    live: true,
    publishing: true,
    firing: false,
    delivering: false,
    released: false,
    on: { plan: "draft", approve: "approved", move: "draft", cancel: "cancelled", break: "broken" },
  },
  approved: {
    live: true,
    publishing: true,
    firing: false,
    delivering: false,
    released: false,
    on: { plan: "draft", arm: "armed", move: "draft", cancel: "cancelled", break: "broken" },
  },
  armed: {
    live: true,
    publishing: true,
    firing: true,
    delivering: true,
    released: true,
    on: { move: "draft", cancel: "cancelled", break: "broken", publish: "fired" },
  },
  broken: {
    live: false,
    publishing: true,
    firing: true,
    delivering: true,
    released: true,
    on: { publish: "fired" },
  },
  fired: { live: false, publishing: false, firing: false, delivering: true, released: true, on: {} },
  cancelled: {
    live: false,
    publishing: false,
    firing: false,
    delivering: false,
    released: false,
    on: { plan: "draft" },
  },
};

/** The state a plan starts in when first planned. */
export const INITIAL_STATE: PlanState = "draft";

const known = (state: string): state is PlanState => (PLAN_STATES as readonly string[]).includes(state);

/** Where `event` takes a plan in `state`, or null when the table refuses it (and for an unknown state). */
export function transition(state: string, event: PlanEvent): PlanState | null {
  return known(state) ? (PLAN_TABLE[state].on[event] ?? null) : null;
}

type Property = Exclude<keyof StateRow, "on">;

/** Whether a plan in `state` has the property (false for an unknown state). */
export function is(state: string, property: Property): boolean {
  return known(state) && PLAN_TABLE[state][property];
}

/** The states with the property, for queries (e.g. every plan the engine fires). */
export function statesWhere(property: Property): PlanState[] {
  return PLAN_STATES.filter((s) => PLAN_TABLE[s][property]);
}

/** The states from which `event` is allowed, for queries and guarded updates. */
export function statesAllowing(event: PlanEvent): PlanState[] {
  return PLAN_STATES.filter((s) => PLAN_TABLE[s].on[event] !== undefined);
}
