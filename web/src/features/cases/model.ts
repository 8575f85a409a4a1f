// The cases API as the web shell sees it: aliases of the API contract (src/contract/), and display helpers.

import { CREDIT_TYPES, type CreditType, PHASES, type Phase } from "../../../../src/contract/enums.ts";
import type { Output } from "../../../../src/contract/index.ts";

export { CREDIT_TYPES, type CreditType, PHASES, type Phase };

export const PHASE_COLORS: Record<Phase, string> = {
  received: "gray",
  verified: "blue",
  remediation: "orange",
  "pre-release": "grape",
  released: "teal",
  closed: "dark",
  declined: "red",
  duplicate: "yellow",
};

export type CaseSummary = Output<"listCases">["items"][number];
export type Deadline = CaseSummary["deadline"];
export type Cvss = NonNullable<CaseSummary["cvss"]>;
export type StaffCase = Extract<Output<"getCase">, { view: "staff" }>;
export type ResearcherCase = Output<"getOwnReport">;
export type Message = StaffCase["messages"][number];
export type Attachment = StaffCase["attachments"][number];
export type Credit = StaffCase["credits"][number];

export function deadlineLabel(d: Deadline): { text: string; color: string } {
  if (d.status === "finished") return { text: "done", color: "gray" };
  if (d.status === "overdue") return { text: `overdue by ${-d.daysLeft} d`, color: "red" };
  if (d.status === "near") return { text: `${d.daysLeft} d left`, color: "orange" };
  return { text: `${d.daysLeft} d left`, color: "green" };
}

/** A user ID as people read it: the name (or "you"), a system actor by its name, else the ID. */
export function personName(people: StaffCase["people"], id: string | null, me?: string): string {
  if (!id) return "nobody";
  if (id === me) return "you";
  if (id.startsWith("system:")) return `Forewarn (${id.slice("system:".length)})`;
  return people[id]?.name ?? id;
}

export function timelineText(e: StaffCase["timeline"][number]): string {
  switch (e.kind) {
    case "reported":
      return "Report received";
    case "transition":
      return `${e.fromPhase} → ${e.toPhase}`;
    case "note":
      return "Internal note";
    case "cvss":
      return `CVSS ${String(e.data.version)} scored ${String(e.data.score)} (${String(e.data.severity)})`;
    case "cve":
      return `${String(e.data.cveId)} assigned (${String(e.data.source)})`;
    case "credit":
      return `Credit: ${String(e.data.name)} (${String(e.data.type)})`;
    case "bounty":
      return `Bounty ${String(e.data.amount)} ${String(e.data.currency)} minor units, ${String(e.data.status)}`;
    case "deadline_warning":
      return `Deadline warning: ${String(e.data.threshold)}`;
    case "assigned":
      return "Assigned";
    default:
      return e.kind.replaceAll("_", " ");
  }
}
