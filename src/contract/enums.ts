// The API's enumerations, one copy for the server, the web and the CLI: roles and actions, case
// phases, credits and bounties, advisory sections and content levels, partner kinds and statuses,
// release plan states and acknowledgement statuses. Data only (display labels stay with the UI).

export const ROLES = [
  "admin",
  "coordinator",
  "investigator",
  "auditor",
  "partner_admin",
  "partner_analyst",
  "researcher",
] as const;
export type Role = (typeof ROLES)[number];

/** Roles of the programme's own staff (members of the `programme` organisation). */
export const STAFF_ROLES = [
  "admin",
  "coordinator",
  "investigator",
  "auditor",
] as const satisfies readonly Role[];
export const PARTNER_ROLES = ["partner_admin", "partner_analyst"] as const satisfies readonly Role[];
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/** Every action a role may be given (`authz/actions.ts` says which role has which). */
export const ACTIONS = [
  "account:self", // own profile, password, second factor, API tokens
  "users:read",
  "users:write",
  "users:confirm", // confirm a role grant another person requested (separation of duties)
  "audit:read",
  "audit:verify",
  "programme:overview",
  "cases:read", // staff view of cases: description, timeline, notes, messages, attachments
  "cases:write", // triage: phases, assignment, deadline, scoring, CVE reservation, credits, bounty
  "cve:manage", // add CVE IDs to the programme's pool
  "advisories:read", // embargoed advisory content and exports (every read audited)
  "advisories:write",
  "advisories:approve", // approve another author's revision
  "advisories:publish", // set the public release time (the release engine will call this)
  "report:own", // a researcher: its own organisation's reports and their messages
  "partners:read", // staff: every partner, its timeline, evidence, eligibility and scorecard
  "partners:write", // staff: tier, members, keys and webhooks of any partner
  "partners:approve", // one of the two approvals an application needs; rejection
  "partners:sanction", // suspend, reinstate, remove
  "incidents:read", // leak reports of every partner
  "incidents:manage", // close an incident with its resolution
  "policy:write", // jurisdiction and risk rules
  "tiers:write",
  "ndas:write",
  "outbox:read", // mail waiting for a transport (until SMTP exists)
  "partner:self", // a partner user: its own organisation's record, eligibility, own keys
  "partner:manage", // a partner_admin: own members, webhooks, NDA signing, attestations, evidence, leaks
  "releases:read", // release plans, waves, deliveries, webhook log (partner names and times, no content)
  "releases:write", // plan, arm, move T0, cancel, break an embargo
  "canaries:read", // canary hits (whose copy, when, from where; no content) and the unseen count
  "canaries:triage", // mark canary hits seen
  "investigations:read", // leak investigations: evidence (audited), findings, exposure, reports
  "investigations:write", // open, add evidence and notes, close with a conclusion
] as const;
export type Action = (typeof ACTIONS)[number];

/** The ISO/IEC 30111 phases of a case (`cases/phases.ts` holds the transitions). */
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
export type CreditType = (typeof CREDIT_TYPES)[number];
export const BOUNTY_STATUSES = ["proposed", "approved", "paid", "declined"] as const;
export type BountyStatus = (typeof BOUNTY_STATUSES)[number];

/** A case's deadline as seen today. */
export const DEADLINE_STATUSES = ["on_track", "near", "overdue", "finished"] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

/** Longest case description or report (characters). */
export const DESCRIPTION_MAX = 100_000;
/** Longest password accepted (characters): argon2 input stays bounded. */
export const PASSWORD_MAX = 256;

/** The markdown sections of an advisory. */
export const SECTIONS = ["summary", "details", "detection", "poc", "indicators"] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_LIMITS: Record<Section, number> = {
  summary: 5_000,
  details: 100_000,
  detection: 100_000,
  poc: 100_000,
  indicators: 50_000,
};

/** Each section's heading, as the editor, the previews and the exports name it. */
export const SECTION_TITLES: Record<Section, string> = {
  summary: "Summary",
  details: "Technical details",
  detection: "Detection guidance",
  poc: "Proof of concept",
  indicators: "Indicators of compromise",
};

/**
 * Content levels, each the sections a recipient at that level receives. `public` is what the public
 * advisory page, feed and TLP:CLEAR exports carry; partner tiers name one of the others.
 */
export const CONTENT_LEVELS = {
  public: ["summary", "details"],
  summary: ["summary"],
  details: ["summary", "details"],
  detection: ["summary", "details", "detection", "indicators"],
  full: ["summary", "details", "detection", "poc", "indicators"],
} as const satisfies Record<string, readonly Section[]>;
export type ContentLevel = keyof typeof CONTENT_LEVELS;
export const CONTENT_LEVEL_NAMES = Object.keys(CONTENT_LEVELS) as [ContentLevel, ...ContentLevel[]];

export const ADVISORY_STATES = ["draft", "in_review", "approved"] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];
export const EXPORT_FORMATS = ["csaf", "cve", "osv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const PARTNER_KINDS = [
  "antivirus",
  "ids_ips",
  "edr",
  "managed_security",
  "cert",
  "hosting",
  "other",
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];
export const PARTNER_STATUSES = [
  "applicant",
  "under_review",
  "active",
  "suspended",
  "removed",
  "rejected",
] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];
export const INCIDENT_STATUSES = ["open", "closed"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** A release plan's states (`releases/states.ts` holds what each state allows and the transitions). */
export const PLAN_STATES = ["draft", "approved", "armed", "broken", "fired", "cancelled"] as const;
export type PlanState = (typeof PLAN_STATES)[number];

/** A partner's acknowledgement of its copy. */
export const ACK_STATUSES = ["received", "in_progress", "shipped"] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];
