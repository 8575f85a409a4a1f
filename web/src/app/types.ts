// The server's JSON shapes as the web shell sees them (accounts, audit, system): aliases of the API
// contract (src/contract/), so a changed response field fails the web's type check.

import { ROLES, type Role } from "../../../src/contract/enums.ts";
import type { Output } from "../../../src/contract/index.ts";

export { ROLES, type Role };

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  coordinator: "Coordinator",
  investigator: "Investigator",
  auditor: "Auditor",
  partner_admin: "Partner admin",
  partner_analyst: "Partner analyst",
  researcher: "Researcher",
};

export type Session = Output<"getMe">;
export type User = Session["user"];
export type Health = Output<"health">;
export type Overview = Output<"overview">;
export type ApiTokenSummary = Output<"listTokens">["tokens"][number];
export type CreatedApiToken = Output<"createToken">;
export type TotpEnrolment = Output<"beginTotp">;
export type AuditPage = Output<"listAudit">;
export type AuditEntry = AuditPage["entries"][number];
export type AuditVerification = Output<"verifyAudit">;
export type Organisation = Output<"listOrganisations">["items"][number];
export type ListedUser = Output<"listUsers">["items"][number];
export type OutboxMessage = Output<"listOutbox">["messages"][number];
