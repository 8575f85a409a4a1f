// Every audit event type and the data it carries. Names are `noun.past_tense`. Adding a capability
// means adding its events here, so the audit page and its type filter know them.

export type AuditEvents = {
  "organisation.created": { name: string; kind: string };
  "user.created": { email: string; role: string; organisationId: string };
  "session.created": { sessionId: string; method: "password" | "password+totp" | "password+recovery_code" };
  "session.ended": { sessionId: string };
  "login.failed": {
    email: string;
    reason:
      | "unknown_email"
      | "wrong_password"
      | "totp_missing"
      | "wrong_totp"
      | "locked"
      | "disabled"
      | "pending";
    ip?: string;
  };
  "account.locked": { until: string; failedLogins: number; ip?: string };
  "token.created": { tokenId: string; name: string; expiresAt: string | null; parentTokenId?: string };
  "token.revoked": { tokenId: string; cascaded?: string[] };
  "role_grant.requested": {
    email: string;
    role: string;
    previousRole: string | null;
    kind: "create" | "promote";
    organisationId: string;
    alert: true;
  };
  "role_grant.confirmed": {
    email: string;
    role: string;
    kind: "create" | "promote";
    requestedBy: string | null;
    alert: true;
  };
  "role_grant.cancelled": { email: string; role: string; kind: "create" | "promote"; alert: true };
  "user.role_changed": { email: string; from: string; to: string };
  "totp.enrolment_started": Record<string, never>;
  "totp.enabled": { recoveryCodes: number };
  "totp.disabled": Record<string, never>;
  "recovery_code.used": { remaining: number };
  "audit.viewed": { filters: Record<string, string | number> };
  "audit.verified": { ok: boolean; entries: number; brokenAt: number | null };
  "audit.checkpointed": { seq: number; hash: string };
  "credentials.expired": { sessions: number; tokens: number };
  "case.reported": { via: "anonymous" | "account"; product: string; encrypted: boolean; attachments: number };
  "case.viewed": { view: "staff" | "researcher" };
  "case.transitioned": { from: string; to: string; reason: string | null; duplicateOf?: string };
  "case.updated": { fields: string[] };
  "case.note_added": { eventId: string };
  "case.cvss_set": { vector: string; version: string; score: number; severity: string };
  "case.cve_assigned": { cveId: string; source: "pool" | "entered" };
  "case.message_posted": { messageId: string; by: "staff" | "researcher" };
  "case.attachment_added": {
    attachmentId: string;
    filename: string;
    mediaType: string;
    size: number;
    sha256: string;
  };
  "case.attachment_downloaded": { attachmentId: string };
  "case.credit_added": { creditId: string; name: string; type: string };
  "case.credit_removed": { creditId: string };
  "case.bounty_set": { amount: number; currency: string; status: string };
  "case.deadline_warned": { threshold: string; deadlineAt: string };
  "cve.pool_added": { cveIds: string[] };
  "intake_key.created": { fingerprint: string };
  "advisory.created": { caseId: string; trackingId: string };
  "advisory.revised": { revision: number; state: string };
  "advisory.submitted": { revision: number };
  "advisory.approved": { revision: number };
  "advisory.changes_requested": { revision: number };
  "advisory.published": { publishedAt: string };
  "advisory.viewed": { revision: number; via: "api" | "diff" | "files" | "cli" };
  "advisory.exported": { revision: number; format: string };
  "advisory.file_added": { fileId: string; section: string; filename: string; size: number; sha256: string };
  "advisory.file_downloaded": { fileId: string };
  "partner.applied": {
    name: string;
    country: string;
    staffCountries: string[];
    kind: string;
    duplicate?: string[];
  };
  "partner.approved": { approvals: number; status: string };
  "partner.status_changed": { from: string; to: string; reason: string };
  "partner.updated": { fields: string[] };
  "partner.tier_changed": { from: string; to: string; reason: string | null };
  "partner.attested": { expiresAt: string };
  "partner.attestation_reminded": { expiresAt: string; to: string[] };
  "invite.issued": { userId: string; email: string; role: string; expiresAt: string };
  "invite.accepted": { userId: string };
  "invite.failed": { userId: string; failedAttempts: number; voided: boolean };
  "member.removed": { userId: string; email: string };
  "tiers.updated": { tiers: { name: string; leadTime: string; content: string[] }[] };
  "policy.updated": { rules: number; ids: string[] };
  "nda.published": { version: number; sha256: string };
  "nda.signed": { version: number; sha256: string; name: string; title: string; ip: string | null };
  "evidence.uploaded": {
    evidenceId: string;
    filename: string;
    mediaType: string;
    size: number;
    sha256: string;
  };
  "evidence.downloaded": { evidenceId: string; partnerId: string };
  "incident.reported": { incidentId: string; source: string };
  "incident.closed": { incidentId: string; resolution: string };
  "partner.suspension_requested": { requestId: string; investigationId: string | null };
  "partner.suspension_approved": { requestId: string; requestedBy: string };
  "partner.suspension_rejected": { requestId: string; requestedBy: string };
  "key.registered": { keyId: string; userId: string; fingerprint: string; expiresAt: string | null };
  "key.revoked": { keyId: string; fingerprint: string };
  "webhook.created": { webhookId: string; url: string };
  "webhook.deleted": { webhookId: string; url: string };
  "outbox.viewed": { entries: number };
  "outbox.delivered": { sent: number; failed: number };
  "release.planned": {
    planId: string;
    publicAt: string;
    waves: number;
    excluded: number;
    compressLeadTimes?: boolean;
    compressedTiers?: string[];
  };
  "release.armed": {
    planId: string;
    publicAt: string;
    revision: number;
    version: number;
    compressLeadTimes?: boolean;
    compressedTiers?: string[];
    /** Low tracing capacity the coordinator armed the plan with (the plan preview showed it). */
    tracingWarnings?: string[];
  };
  "release.moved": {
    planId: string;
    from: string;
    to: string;
    version: number;
    compressLeadTimes?: boolean;
    compressedTiers?: string[];
  };
  "release.cancelled": { planId: string; reason: string };
  "release.wave_fired": { planId: string; waveId: string; at: string; delivered: number; withheld: number };
  "release.delivered": {
    planId: string;
    waveId: string;
    deliveryId: string;
    partnerId: string;
    recipient: string;
  };
  "release.withheld": { planId: string; waveId: string; partnerId: string; reason: string };
  "release.published": { planId: string; publishedAt: string; broken: boolean };
  "release.embargo_broken": {
    planId: string;
    reason: string;
    evidence: string | null;
    pendingWaves: number;
    /** The coordinator who asked, when another one confirmed the break. */
    requestedBy?: string;
  };
  "release.copy_read": {
    deliveryId: string;
    revision: number;
    fileId?: string;
    /** The request's address and user agent (reads audited before they were recorded have neither). */
    ip?: string | null;
    userAgent?: string | null;
  };
  "release.inbox_viewed": { entries: number };
  "release.webhook_failed": { messageId: string; endpointId: string; attempts: number; lastError: string };
  "release.webhook_redelivered": { messageId: string; endpointId: string };
  "release.ack_reminded": { deliveryId: string; to: string[] };
  "release.acknowledged": { ackId: string; status: string; product: string | null };
  "release.approved": { planId: string; revision: number; version: number; tracingKeyId?: string | null };
  "release.copy_refused": { deliveryId: string; partnerStatus: string };
  "release.mailed": {
    deliveryId: string;
    userId: string;
    kind: "encrypted" | "notice";
    messageId: string;
    keys: string[];
    via: "smtp" | "outbox";
  };
  "release.mail_skipped": { deliveryId: string; userId: string; reason: string };
  "release.mail_failed": { deliveryId: string; userId: string; attempts: number; lastError: string };
  "advisory.publish_requested": { revision: number; publishAt: string | null };
  "advisory.publish_confirmed": { revision: number; publishedAt: string; requestedBy: string };
  "release.break_requested": { planId: string; reason: string; evidence: string };
  "canary.hit": {
    hitId: string;
    kind: "dns" | "url";
    source: string;
    advisoryId: string;
    partnerId: string;
    recipientKind: string;
    recipientId: string;
    deliveryId: string;
    alert: true;
  };
  "canary.hits_viewed": { advisoryId: string | null; entries: number };
  "canary.hits_seen": { hits: number };
  "investigation.opened": { title: string; advisoryId: string | null };
  "investigation.viewed": { evidence: number; verdict: string; advisoryIds: string[] };
  "investigation.note_added": { eventId: string };
  "investigation.evidence_added": {
    evidenceId: string;
    name: string;
    mediaType: string;
    size: number;
    sha256: string;
  };
  "investigation.evidence_read": { evidenceId: string };
  "investigation.closed": Record<string, never>;
  "investigation.report_downloaded": { format: "html" | "pdf"; verdict: string };
  "investigation.canary_hit": { eventId: string; deliveryId: string; recipientId: string; opened: boolean };
  "investigation.action_proposed": { eventId: string; action: "incident" | "suspension"; partnerId: string };
  "investigation.action_taken": {
    eventId: string;
    action: "incident" | "suspension";
    partnerId: string;
    incidentId: string | null;
    suspensionRequestId: string | null;
  };
  "investigation.suspicion_read": { partnerId: string | null; investigations: number; accused: number };
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
  "case.reported",
  "case.viewed",
  "case.transitioned",
  "case.updated",
  "case.note_added",
  "case.cvss_set",
  "case.cve_assigned",
  "case.message_posted",
  "case.attachment_added",
  "case.attachment_downloaded",
  "case.credit_added",
  "case.credit_removed",
  "case.bounty_set",
  "case.deadline_warned",
  "cve.pool_added",
  "intake_key.created",
  "advisory.created",
  "advisory.revised",
  "advisory.submitted",
  "advisory.approved",
  "advisory.changes_requested",
  "advisory.published",
  "advisory.viewed",
  "advisory.exported",
  "advisory.file_added",
  "advisory.file_downloaded",
  "partner.applied",
  "partner.approved",
  "partner.status_changed",
  "partner.updated",
  "partner.tier_changed",
  "partner.attested",
  "partner.attestation_reminded",
  "invite.issued",
  "invite.accepted",
  "invite.failed",
  "member.removed",
  "tiers.updated",
  "policy.updated",
  "nda.published",
  "nda.signed",
  "evidence.uploaded",
  "evidence.downloaded",
  "incident.reported",
  "incident.closed",
  "partner.suspension_requested",
  "partner.suspension_approved",
  "partner.suspension_rejected",
  "key.registered",
  "key.revoked",
  "webhook.created",
  "webhook.deleted",
  "outbox.viewed",
  "outbox.delivered",
  "release.planned",
  "release.armed",
  "release.moved",
  "release.cancelled",
  "release.wave_fired",
  "release.delivered",
  "release.withheld",
  "release.published",
  "release.embargo_broken",
  "release.copy_read",
  "release.inbox_viewed",
  "release.webhook_failed",
  "release.webhook_redelivered",
  "release.ack_reminded",
  "release.acknowledged",
  "release.approved",
  "release.copy_refused",
  "release.mailed",
  "release.mail_skipped",
  "release.mail_failed",
  "advisory.publish_requested",
  "advisory.publish_confirmed",
  "release.break_requested",
  "role_grant.requested",
  "role_grant.confirmed",
  "role_grant.cancelled",
  "user.role_changed",
  "audit.checkpointed",
  "canary.hit",
  "canary.hits_viewed",
  "canary.hits_seen",
  "investigation.opened",
  "investigation.viewed",
  "investigation.note_added",
  "investigation.evidence_added",
  "investigation.evidence_read",
  "investigation.closed",
  "investigation.report_downloaded",
  "investigation.action_proposed",
  "investigation.action_taken",
  "investigation.canary_hit",
  "investigation.suspicion_read",
] as const satisfies readonly AuditType[];

/** Event types worth an alert: the audit page can show only these (GET /api/audit?alerts=true). */
export const ALERT_TYPES = [
  "role_grant.requested",
  "role_grant.confirmed",
  "role_grant.cancelled",
  "account.locked",
  "canary.hit",
] as const satisfies readonly AuditType[];

// Compile-time proof that the list above names every event type.
type Missing = Exclude<AuditType, (typeof AUDIT_TYPES)[number]>;
const _complete: Missing extends never ? true : Missing = true;
void _complete;
