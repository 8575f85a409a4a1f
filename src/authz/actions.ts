// Who may do what, as data. A role's list is the whole truth: services call authorize() with one of
// these actions on their first line, and the web UI reads the same list from GET /api/me.

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

const EVERYONE = ["account:self"] as const;

export const ROLE_ACTIONS = {
  admin: [
    ...EVERYONE,
    "users:read",
    "users:write",
    "users:confirm",
    "audit:read",
    "audit:verify",
    "programme:overview",
    "cve:manage",
    "partners:read",
    "partners:write",
    "partners:approve",
    "partners:sanction",
    "incidents:read",
    "incidents:manage",
    "policy:write",
    "tiers:write",
    "ndas:write",
    "outbox:read",
    "releases:read",
    "canaries:read",
    "canaries:triage",
  ],
  coordinator: [
    ...EVERYONE,
    "users:confirm",
    "programme:overview",
    "cases:read",
    "cases:write",
    "advisories:read",
    "advisories:write",
    "advisories:approve",
    "advisories:publish",
    "releases:read",
    "releases:write",
    "partners:read",
    "partners:write",
    "partners:approve",
    "partners:sanction",
    "incidents:read",
    "incidents:manage",
    "canaries:read",
    "canaries:triage",
    "investigations:read",
  ],
  investigator: [
    ...EVERYONE,
    "programme:overview",
    "cases:read",
    "advisories:read",
    "releases:read",
    "partners:read",
    "incidents:read",
    "incidents:manage",
    "canaries:read",
    "canaries:triage",
    "investigations:read",
    "investigations:write",
  ],
  auditor: [
    ...EVERYONE,
    "audit:read",
    "audit:verify",
    "programme:overview",
    "partners:read",
    "releases:read",
  ],
  partner_admin: [...EVERYONE, "partner:self", "partner:manage"],
  partner_analyst: [...EVERYONE, "partner:self"],
  researcher: [...EVERYONE, "report:own"],
} as const satisfies Record<Role, readonly Action[]>;
