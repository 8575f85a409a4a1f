// The release plan as the web shows it: its shapes, state colours and the partner-name lookup the
// plan views share.
import { useMemo } from "react";
import type { Output } from "../../../../src/contract/index.ts";
import { formatLead } from "../../app/format.ts";
import { useApiList } from "../../app/query.ts";

export type Plan = Output<"getReleasePlan">;
export type Preview = Output<"previewReleasePlan">;
/** A wave of a saved plan or of a preview (a preview's waves have not fired and have no figures). */
export type Wave = Preview["waves"][number] &
  Partial<Pick<Plan["waves"][number], "firedAt" | "delivered" | "withheld">>;
export type Capped = Preview["capped"];
export type AdvisorySummary = Output<"listAdvisories">["items"][number];
export type Partner = Output<"listPartners">["items"][number];

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
  const q = useApiList("listPartners");
  return useMemo(() => new Map((q.data ?? []).map((p) => [p.id, p.name])), [q.data]);
}

/** "5 days before T0", "at T0": a wave's time against T0 in words. */
export function leadOf(at: string, publicAt: string): string {
  const seconds = Math.round((new Date(publicAt).getTime() - new Date(at).getTime()) / 1000);
  return Number.isNaN(seconds) ? "" : formatLead(seconds);
}
