// The release plan as the web shows it: its shapes, state colours and the partner-name lookup the
// plan views share.
import { useMemo } from "react";
import { formatLead } from "../../app/format.ts";
import { useApiQuery } from "../../app/query.ts";
import type { TracingCapacity } from "./PlanCapacity.tsx";

export type Wave = {
  id: string | null;
  at: string;
  kind: "tier" | "extra";
  tier: string | null;
  partnerIds: string[];
  content: string[];
  reason: string | null;
  firedAt?: string | null;
  delivered?: number;
  withheld?: number;
};
export type Plan = {
  id: string;
  advisoryId: string;
  revision: number;
  publicAt: string;
  timeZone: string;
  publicAtLocal: string;
  state: string;
  createdBy: string | null;
  changedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  /** Who made or changed the plan since its last approval: none of them may approve it. */
  editors?: string[];
  compressLeadTimes?: boolean;
  breakRequest?: { by: string; at: string; reason: string; evidence: string | null } | null;
  capped?: Capped;
  tracing?: TracingCapacity | null;
  warnings: string[];
  armedAt: string | null;
  cancelReason: string | null;
  breakReason: string | null;
  publishedAt: string | null;
  waves: Wave[];
  exclusions: { partnerId: string; kind: string; reason: string }[];
};
export type Capped = {
  partnerId: string;
  reasons: { rule: string; effect: string; reference: string | null; message: string }[];
}[];
export type Preview = {
  waves: Wave[];
  exclusions: Plan["exclusions"];
  warnings?: string[];
  capped?: Capped;
  tracing?: TracingCapacity;
};
export type AdvisorySummary = { id: string; trackingId: string; title: string; state: string };
export type Partner = { id: string; name: string };

export const STATE_COLOR: Record<string, string> = {
  draft: "gray",
  approved: "blue",
  armed: "orange",
  fired: "green",
  cancelled: "dark",
  broken: "red",
};

/** Partner IDs to names, for the plan views (staff only: the list is not for partners). */
export function usePartnerNames(): Map<string, string> {
  const q = useApiQuery<{ partners: Partner[] }>("/api/partners");
  return useMemo(() => new Map((q.data?.partners ?? []).map((p) => [p.id, p.name])), [q.data]);
}

/** "5 days before T0", "at T0": a wave's time against T0 in words. */
export function leadOf(at: string, publicAt: string): string {
  const seconds = Math.round((new Date(publicAt).getTime() - new Date(at).getTime()) / 1000);
  return Number.isNaN(seconds) ? "" : formatLead(seconds);
}
