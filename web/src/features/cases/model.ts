// The cases API as the web shell sees it.

export const PHASES = [
  "received",
  "verified",
  "remediation",
  "pre-release",
  "released",
  "closed",
  "declined",
  "duplicate",
] as const;
export type Phase = (typeof PHASES)[number];

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

export type Deadline = {
  deadlineAt: string;
  daysLeft: number;
  status: "on_track" | "near" | "overdue" | "finished";
};
export type Cvss = { vector: string; version: string; score: number; severity: string };

export type CaseSummary = {
  id: string;
  title: string;
  product: string;
  version: string;
  phase: Phase;
  assigneeId?: string | null;
  receivedAt: string;
  deadline: Deadline;
  cveId: string | null;
  cvss: Cvss | null;
};

export type Message = {
  id: string;
  parentId: string | null;
  authorKind: string;
  authorUserId: string | null;
  body: string;
  createdAt: string;
};
export type Attachment = {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
};
export type Credit = { id: string; name: string; type: string; userId: string | null };

export type StaffCase = CaseSummary & {
  description: string;
  encrypted: boolean;
  allowedTransitions: Phase[];
  duplicateOf: string | null;
  reporter: {
    kind: "account" | "anonymous";
    name: string | null;
    email: string | null;
    userId: string | null;
    organisationName: string | null;
  };
  /** Name and e-mail of each account the case mentions, by user ID. */
  people: Record<string, { name: string; email: string }>;
  cwe: string | null;
  bounty: { amount: number; currency: string; status: string } | null;
  credits: Credit[];
  attachments: Attachment[];
  messages: Message[];
  timeline: {
    id: string;
    at: string;
    actorId: string | null;
    kind: string;
    fromPhase: string | null;
    toPhase: string | null;
    body: string | null;
    data: Record<string, unknown>;
  }[];
};

export type ResearcherCase = {
  id: string;
  title: string;
  product: string;
  version: string;
  description: string;
  phase: Phase;
  receivedAt: string;
  cveId: string | null;
  credits: Credit[];
  attachments: Attachment[];
  messages: Message[];
  phases: { at: string; phase: string }[];
  /** The public advisory, once published. */
  advisory?: { trackingId: string; publishedAt: string } | null;
};

export const CREDIT_TYPES = [
  "finder",
  "reporter",
  "analyst",
  "coordinator",
  "remediation_developer",
  "remediation_reviewer",
  "remediation_verifier",
  "tool",
  "sponsor",
  "other",
] as const;

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
