// Who may do what, as data. A role's list is the whole truth: services call authorize() with one of
// these actions on their first line, and the web UI reads the same list from GET /api/me.

import { ACTIONS, type Action, PARTNER_ROLES, ROLES, type Role, STAFF_ROLES } from "../contract/enums.ts";

export { ACTIONS, type Action, PARTNER_ROLES, ROLES, type Role, STAFF_ROLES };

const EVERYONE = ["account:self"] as const;

/** Running the partner programme: partners (vetting, approval, sanctions) and their leak incidents. */
const PARTNER_PROGRAMME = [
  "partners:read",
  "partners:write",
  "partners:approve",
  "partners:sanction",
  "incidents:read",
  "incidents:manage",
] as const;

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
    ...PARTNER_PROGRAMME,
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
    ...PARTNER_PROGRAMME,
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
