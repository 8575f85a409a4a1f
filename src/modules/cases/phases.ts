// The ISO/IEC 30111 phases of a case and the transitions between them, as data. The service refuses
// anything not in TRANSITIONS and names the allowed targets.

import { PHASES, type Phase } from "../../contract/enums.ts";

export { PHASES, type Phase };

export const TRANSITIONS: Record<Phase, readonly Phase[]> = {
  received: ["verified", "declined", "duplicate"],
  verified: ["remediation", "declined", "duplicate"],
  remediation: ["pre-release", "declined", "duplicate"],
  // A fix that fails its final checks goes back to remediation.
  "pre-release": ["released", "remediation"],
  released: ["closed"],
  closed: [],
  // A wrongly declined or merged report can be reopened.
  declined: ["received"],
  duplicate: ["received"],
};

/** Phases in which the remediation deadline no longer runs. */
export const FINISHED: readonly Phase[] = ["released", "closed", "declined", "duplicate"];

export function allowedTransitions(from: Phase): readonly Phase[] {
  return TRANSITIONS[from];
}

export function canTransition(from: Phase, to: Phase): boolean {
  return TRANSITIONS[from].includes(to);
}

export type DeadlineState = {
  deadlineAt: Date;
  /** Whole days left, rounded up; negative once overdue. */
  daysLeft: number;
  status: "on_track" | "near" | "overdue" | "finished";
};

export const NEAR_DAYS = 14;
/** Warnings recorded before the deadline (days left) and once overdue. */
export const WARNING_THRESHOLDS = [14, 3] as const;
const DAY = 86_400_000;

export function deadlineState(phase: Phase, deadlineAt: Date, now: Date): DeadlineState {
  const ms = deadlineAt.getTime() - now.getTime();
  const daysLeft = Math.ceil(ms / DAY);
  if (FINISHED.includes(phase)) return { deadlineAt, daysLeft, status: "finished" };
  if (ms < 0) return { deadlineAt, daysLeft, status: "overdue" };
  return { deadlineAt, daysLeft, status: daysLeft <= NEAR_DAYS ? "near" : "on_track" };
}

/** The warning a case is due at `now`, as the strongest threshold crossed: "overdue", "3d", "14d" or null. */
export function dueWarnings(phase: Phase, deadlineAt: Date, now: Date): string[] {
  if (FINISHED.includes(phase)) return [];
  const ms = deadlineAt.getTime() - now.getTime();
  const out: string[] = [];
  for (const days of WARNING_THRESHOLDS) if (ms <= days * DAY) out.push(`${days}d`);
  if (ms < 0) out.push("overdue");
  return out;
}
