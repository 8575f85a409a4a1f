// The server's JSON shapes as the web shell sees them (the API contract of the accounts and audit modules).

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

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  coordinator: "Coordinator",
  investigator: "Investigator",
  auditor: "Auditor",
  partner_admin: "Partner admin",
  partner_analyst: "Partner analyst",
  researcher: "Researcher",
};

export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string | null;
  totpEnabled: boolean;
  createdAt: string;
};

export type Session = { user: User; csrfToken: string | null };

export type Health = {
  status: "ok";
  database: "pglite" | "postgresql";
  version: string;
  /** False on a new instance, so the login page can say how to create the first administrator. */
  adminExists?: boolean;
  /** Background job queues failing the same way again and again, with what to do. */
  alerts?: { code: string; queue: string; failures: number; since: string; hint: string }[];
};

export type Overview = {
  partners: number;
  openCases: number;
  advisories: number;
  nextRelease: string | null;
  /** Every case ever opened, and release plans armed or done (the checklist ticks on them). */
  cases?: number;
  releases?: number;
};

export type ApiTokenSummary = {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type CreatedApiToken = { id: string; name: string; token: string; expiresAt: string | null };

export type TotpEnrolment = { secret: string; otpauthUri: string };

export type AuditEntry = {
  seq: number;
  at: string;
  type: string;
  actorId: string | null;
  actorEmail: string | null;
  subject: string | null;
  data: unknown;
  hash: string;
};

export type AuditPage = { entries: AuditEntry[]; nextBefore: number | null };

export type AuditVerification = {
  ok: boolean;
  entries: number;
  head: string | null;
  broken: null | { seq: number; reason: string };
};
