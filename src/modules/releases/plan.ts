// Who gets what when: a pure function from T0, each partner's eligibility (tier, lead time,
// content), the coordinator's extra waves and exclusions, and now. Every refusal names what was wrong.
import { CONTENT_LEVELS, SECTIONS, type Section } from "../../contract/enums.ts";

export type PartnerEligibility = {
  id: string;
  name: string;
  eligible: boolean;
  tier: string | null;
  leadSeconds: number | null;
  content: readonly string[];
  reasons: readonly { rule: string; effect: string; reference: string | null; message: string }[];
};

export type ExtraWaveIn = {
  at: Date;
  partnerIds: string[];
  content?: string[] | undefined;
  reason?: string | undefined;
};
export type ExclusionIn = { partnerId: string; reason: string };

export type PlanRequest = {
  publicAt: Date;
  extraWaves: ExtraWaveIn[];
  exclude: ExclusionIn[];
};

export type DerivedWave = {
  at: Date;
  kind: "tier" | "extra";
  tier: string | null;
  partnerIds: string[];
  content: Section[];
  reason: string | null;
};

export type DerivedExclusion = {
  partnerId: string;
  kind: "coordinator" | "ineligible";
  reason: string;
  details: PartnerEligibility["reasons"];
};

/** A tier wave that T0 leaves no time for: its partners get less than their tier's lead time. */
export type CompressedWave = {
  tier: string | null;
  partnerIds: string[];
  /** When the tier's lead time would have put the wave (in the past). */
  at: Date;
  /** The tier's lead time, and what is left of it between now and T0. */
  leadSeconds: number;
  availableSeconds: number;
};

/** One problem of a plan request; `path` points into the request body where one field is at fault. */
export type PlanProblem = { message: string; path?: string };

export class PlanError extends Error {
  readonly problems: string[];
  /** The problems that lie in one field, as JSON pointers into the request (the UI marks that field). */
  readonly issues: { path: string; message: string }[];
  constructor(problems: PlanProblem[]) {
    super(problems.map((p) => p.message).join("; "));
    this.problems = problems.map((p) => p.message);
    this.issues = problems.flatMap((p) => (p.path ? [{ path: p.path, message: p.message }] : []));
  }
}

const ordered = (xs: readonly string[]) => SECTIONS.filter((s) => xs.includes(s));
/** At T0 the public gets summary and details: a wave at T0 never carries less. */
const atT0 = (xs: readonly string[]) => ordered([...xs, ...CONTENT_LEVELS.public]);

export function derivePlan(
  req: PlanRequest,
  partners: readonly PartnerEligibility[],
  now: Date,
): { waves: DerivedWave[]; exclusions: DerivedExclusion[]; compressed: CompressedWave[] } {
  const problems: PlanProblem[] = [];
  const problem = (message: string, path?: string) => problems.push(path ? { message, path } : { message });
  const T0 = req.publicAt.getTime();
  if (T0 <= now.getTime())
    problem(
      `publicAt ${req.publicAt.toISOString()} is not in the future (now ${now.toISOString()})`,
      "/publicAt",
    );
  const byId = new Map(partners.map((p) => [p.id, p]));
  const unknown = [
    ...req.exclude.map((e) => e.partnerId),
    ...req.extraWaves.flatMap((w) => w.partnerIds),
  ].filter((id) => !byId.has(id));
  if (unknown.length) problem(`unknown or inactive partners: ${[...new Set(unknown)].join(", ")}`);

  const excluded = new Map<string, DerivedExclusion>();
  for (const e of req.exclude) {
    if (!byId.has(e.partnerId)) continue;
    excluded.set(e.partnerId, { partnerId: e.partnerId, kind: "coordinator", reason: e.reason, details: [] });
  }
  for (const p of partners) {
    if (p.eligible || excluded.has(p.id)) continue;
    excluded.set(p.id, {
      partnerId: p.id,
      kind: "ineligible",
      reason: p.reasons
        .filter((r) => r.effect === "not_eligible")
        .map((r) => r.message)
        .join("; "),
      details: p.reasons,
    });
  }

  // Each partner's earliest slot: an extra wave or its tier's wave.
  type Slot = { at: number; key: string; wave: Omit<DerivedWave, "partnerIds"> };
  const slot = new Map<string, Slot>();
  const offer = (partnerId: string, s: Slot) => {
    const cur = slot.get(partnerId);
    if (!cur || s.at < cur.at) slot.set(partnerId, s);
  };

  req.extraWaves.forEach((w, i) => {
    const at = w.at.getTime();
    if (at > T0)
      problem(`extraWaves[${i}].at ${w.at.toISOString()} is after publicAt`, `/extraWaves/${i}/at`);
    if (at <= now.getTime())
      problem(`extraWaves[${i}].at ${w.at.toISOString()} is in the past`, `/extraWaves/${i}/at`);
    if (w.partnerIds.length === 0)
      problem(`extraWaves[${i}] names no partner`, `/extraWaves/${i}/partnerIds`);
    if (w.content) {
      const bad = w.content.filter((c) => !(SECTIONS as readonly string[]).includes(c));
      if (bad.length)
        problem(`extraWaves[${i}].content: unknown sections ${bad.join(", ")}`, `/extraWaves/${i}/content`);
    }
    for (const id of w.partnerIds) {
      const p = byId.get(id);
      if (!p) continue;
      if (excluded.has(id)) {
        const ex = excluded.get(id);
        problem(
          `extraWaves[${i}]: partner ${p.name} (${id}) is ${ex?.kind === "coordinator" ? "excluded by this plan" : `not eligible (${ex?.reason})`}`,
          `/extraWaves/${i}/partnerIds`,
        );
        continue;
      }
      const allowed = ordered(p.content);
      const content = w.content ? ordered(w.content) : allowed;
      const beyond = content.filter((c) => !allowed.includes(c));
      if (beyond.length)
        problem(
          `extraWaves[${i}]: partner ${p.name} (${id}) may not receive ${beyond.join(", ")} (its eligibility allows ${allowed.join(", ")})`,
          `/extraWaves/${i}/content`,
        );
      const sent = at >= T0 ? atT0(content) : ordered(content);
      offer(id, {
        at,
        key: `extra:${i}:${sent.join(",")}`,
        wave: { at: w.at, kind: "extra", tier: null, content: sent, reason: w.reason ?? null },
      });
    }
  });

  for (const p of partners) {
    if (!p.eligible || excluded.has(p.id) || p.leadSeconds === null) continue;
    const at = T0 - p.leadSeconds * 1000;
    const content = at >= T0 ? atT0(p.content) : ordered(p.content);
    offer(p.id, {
      at,
      key: `tier:${p.tier}:${at}:${content.join(",")}`,
      wave: { at: new Date(at), kind: "tier", tier: p.tier, content, reason: null },
    });
  }
  if (problems.length) throw new PlanError(problems);

  const waves = new Map<string, DerivedWave>();
  for (const [partnerId, s] of slot) {
    const w = waves.get(s.key) ?? { ...s.wave, partnerIds: [] };
    w.partnerIds.push(partnerId);
    waves.set(s.key, w);
  }
  const list = [...waves.values()].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.tier ?? "").localeCompare(b.tier ?? ""),
  );
  for (const w of list) w.partnerIds.sort();
  return {
    waves: list,
    exclusions: [...excluded.values()],
    compressed: compressedWaves(list, req.publicAt, now),
  };
}

/**
 * A wave this far in the past still counts as on time: planning at exactly T0 − lead time, then
 * approving and arming a moment later, gives the partner its whole lead time in practice.
 */
export const COMPRESSION_TOLERANCE_MS = 60_000;

/** Tier waves whose time has passed at `now`: T0 is sooner than their tier's lead time. */
export function compressedWaves(
  waves: readonly Pick<DerivedWave, "at" | "kind" | "tier" | "partnerIds">[],
  publicAt: Date,
  now: Date,
): CompressedWave[] {
  const T0 = publicAt.getTime();
  return waves
    .filter(
      (w) =>
        w.kind === "tier" && w.at.getTime() < now.getTime() - COMPRESSION_TOLERANCE_MS && w.at.getTime() < T0,
    )
    .map((w) => ({
      tier: w.tier,
      partnerIds: [...w.partnerIds],
      at: w.at,
      leadSeconds: Math.round((T0 - w.at.getTime()) / 1000),
      availableSeconds: Math.max(0, Math.round((T0 - now.getTime()) / 1000)),
    }));
}

/** "5 days", "12 hours", "90 minutes": a lead time in words for messages. */
export function durationWords(seconds: number): string {
  const units: [string, number][] = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units)
    if (seconds >= size && seconds % size === 0)
      return `${seconds / size} ${unit}${seconds / size === 1 ? "" : "s"}`;
  for (const [unit, size] of units)
    if (seconds >= size) {
      const n = Math.round((seconds / size) * 10) / 10;
      return `${n} ${unit}${n === 1 ? "" : "s"}`;
    }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/** The planner's warning for each compressed wave. */
export function compressionWarnings(compressed: readonly CompressedWave[]): string[] {
  return compressed.map(
    (c) =>
      `T0 is sooner than the ${c.tier ?? "extra"} tier's lead time of ${durationWords(c.leadSeconds)}: its ${c.partnerIds.length} partner${c.partnerIds.length === 1 ? "" : "s"} would receive it at once on arming, only ${durationWords(c.availableSeconds)} before T0`,
  );
}
