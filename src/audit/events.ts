// Every audit event type and the data it carries. Names are `noun.past_tense`. Adding a capability
// means adding its events here, so the audit page and its type filter know them.

export type AuditEvents = {
  "organisation.created": { name: string; kind: string };
  "user.created": { email: string; role: string; organisationId: string };
  "session.created": { sessionId: string; method: "password" | "password+totp" | "password+recovery_code" };
  "session.ended": { sessionId: string };
  "login.failed": {
    email: string;
    reason: "unknown_email" | "wrong_password" | "totp_missing" | "wrong_totp" | "locked" | "disabled";
  };
  "account.locked": { until: string; failedLogins: number };
  "token.created": { tokenId: string; name: string; expiresAt: string | null };
  "token.revoked": { tokenId: string };
  "totp.enrolment_started": Record<string, never>;
  "totp.enabled": { recoveryCodes: number };
  "totp.disabled": Record<string, never>;
  "recovery_code.used": { remaining: number };
  "audit.viewed": { filters: Record<string, string | number> };
  "audit.verified": { ok: boolean; entries: number; brokenAt: number | null };
  "credentials.expired": { sessions: number; tokens: number };
};

export type AuditType = keyof AuditEvents;

export const AUDIT_TYPES = [
  "organisation.created",
  "user.created",
  "session.created",
  "session.ended",
  "login.failed",
  "account.locked",
  "token.created",
  "token.revoked",
  "totp.enrolment_started",
  "totp.enabled",
  "totp.disabled",
  "recovery_code.used",
  "audit.viewed",
  "audit.verified",
  "credentials.expired",
] as const satisfies readonly AuditType[];

// Compile-time proof that the list above names every event type.
type Missing = Exclude<AuditType, (typeof AUDIT_TYPES)[number]>;
const _complete: Missing extends never ? true : Missing = true;
void _complete;
