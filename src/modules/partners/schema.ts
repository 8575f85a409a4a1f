// Tables of the partner programme. A partner IS an organisation (kind `partner`): `partners` holds its
// programme fields keyed by the organisation's ID, so partner users' organisationId ties them to it.
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { IncidentStatus, PartnerKind, PartnerStatus } from "../../contract/enums.ts";
import { created, createdAt, ref, sealedFile, textId, ts, updatedAt } from "../../platform/db/columns.ts";
import { organisations, users } from "../accounts/schema.ts";

/** Why an application may duplicate an existing partner or account (staff see it in the approval queue). */
export type Duplicate = { reasons: string[]; partnerId: string | null };
export type Contact = { name: string; email: string; role?: string | undefined };
export type Attestations = {
  securityVendor: boolean;
  noOffensiveTools: boolean;
  publishAtRelease: boolean;
  reportLeaks: boolean;
};

export const partners = pgTable(
  "partners",
  {
    organisationId: text("organisation_id")
      .primaryKey()
      .references(() => organisations.id),
    name: text("name").notNull(),
    legalName: text("legal_name").notNull(),
    /** ISO 3166-1 alpha-2 of the headquarters. */
    country: text("country").notNull(),
    staffCountries: jsonb("staff_countries").$type<string[]>().notNull(),
    website: text("website").notNull(),
    kind: text("kind").$type<PartnerKind>().notNull(),
    customers: integer("customers").notNull(),
    contacts: jsonb("contacts").$type<Contact[]>().notNull(),
    affiliations: jsonb("affiliations").$type<string[]>().notNull(),
    /** applicant → under_review → active ⇄ suspended → removed; or rejected. */
    status: text("status").$type<PartnerStatus>().notNull(),
    tier: text("tier").notNull(),
    attestations: jsonb("attestations").$type<Attestations>().notNull(),
    attestedAt: ts("attested_at").notNull(),
    attestationExpiresAt: ts("attestation_expires_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * Set when a public application named an existing partner or an existing account's e-mail: the
     * applicant is answered as any other (no enumeration), staff decide.
     */
    duplicate: jsonb("duplicate").$type<Duplicate>(),
  },
  (t) => [
    uniqueIndex("partners_name_key").on(sql`lower(${t.name})`).where(sql`${t.duplicate} IS NULL`),
    index("partners_status_idx").on(t.status),
    // The directory pages by name, the organisation breaking ties.
    index("partners_name_idx").on(t.name, t.organisationId),
  ],
);

/** Every status transition and notable change, with actor, time and reason: the partner's timeline. */
export const partnerEvents = pgTable(
  "partner_events",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    type: text("type").notNull(),
    fromStatus: text("from_status").$type<PartnerStatus>(),
    toStatus: text("to_status").$type<PartnerStatus>(),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    reason: text("reason"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    at: ts("at").notNull(),
  },
  (t) => [index("partner_events_partner_idx").on(t.partnerId, t.at)],
);

export const partnerApprovals = pgTable(
  "partner_approvals",
  {
    partnerId: ref("partner_id", () => partners.organisationId),
    approverId: ref("approver_id", () => users.id),
    at: ts("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.approverId] })],
);

/** Single-use, expiring invitations; only the SHA-256 of the token is stored. */
export const invites = pgTable(
  "invites",
  {
    id: textId(),
    tokenHash: text("token_hash").notNull(),
    userId: ref("user_id", () => users.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id").notNull(),
    ...created(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    /** Accepts refused for a bad password; at INVITE_MAX_FAILURES the token is void. */
    failedAttempts: integer("failed_attempts").notNull().default(0),
  },
  (t) => [uniqueIndex("invites_token_key").on(t.tokenHash), index("invites_user_idx").on(t.userId)],
);

export const tiers = pgTable("tiers", {
  name: text("name").primaryKey(),
  /** ISO 8601 duration as entered, e.g. P5D, PT30S. */
  leadTime: text("lead_time").notNull(),
  leadSeconds: integer("lead_seconds").notNull(),
  content: jsonb("content").$type<string[]>().notNull(),
  position: integer("position").notNull(),
  updatedAt: updatedAt(),
});

/** Jurisdiction and risk policy as data: condition, effect and the legal reference behind it. */
export const policyRules = pgTable("policy_rules", {
  id: textId(),
  name: text("name").notNull(),
  condition: jsonb("condition").$type<Record<string, unknown>>().notNull(),
  effect: jsonb("effect").$type<Record<string, unknown>>().notNull(),
  reference: text("reference").notNull(),
  enabled: boolean("enabled").notNull(),
  position: integer("position").notNull(),
  updatedAt: updatedAt(),
});

export const ndas = pgTable("ndas", {
  version: integer("version").primaryKey(),
  text: text("text").notNull(),
  sha256: text("sha256").notNull(),
  ...created(),
});

export const ndaSignatures = pgTable(
  "nda_signatures",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    version: integer("version")
      .notNull()
      .references(() => ndas.version),
    userId: ref("user_id", () => users.id),
    name: text("name").notNull(),
    title: text("title").notNull(),
    ip: text("ip"),
    sha256: text("sha256").notNull(),
    signedAt: ts("signed_at").notNull(),
  },
  (t) => [index("nda_signatures_partner_idx").on(t.partnerId, t.version)],
);

/** Vetting documents, sealed (AES-GCM) as base64 text; type checked by magic bytes. */
export const evidence = pgTable(
  "partner_evidence",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    ...sealedFile(),
    uploadedAt: ts("uploaded_at").notNull(),
  },
  (t) => [index("partner_evidence_partner_idx").on(t.partnerId)],
);

export const incidents = pgTable(
  "partner_incidents",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    /** self_report (by the partner), staff, or investigation (opened from a leak investigation's findings). */
    source: text("source").notNull(),
    /** The investigation whose findings opened it (source investigation). */
    investigationId: text("investigation_id"),
    whatLeaked: text("what_leaked").notNull(),
    toWhom: text("to_whom").notNull(),
    leakedAt: text("leaked_at").notNull(),
    details: text("details").notNull(),
    status: text("status").$type<IncidentStatus>().notNull(),
    reportedBy: text("reported_by"),
    reportedAt: ts("reported_at").notNull(),
    closedAt: ts("closed_at"),
    resolution: text("resolution"),
  },
  (t) => [
    index("partner_incidents_partner_idx").on(t.partnerId),
    // Investigators' list of every incident pages newest first.
    index("partner_incidents_reported_idx").on(t.reportedAt, t.id),
  ],
);

export const memberKeys = pgTable(
  "member_keys",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    userId: ref("user_id", () => users.id),
    fingerprint: text("fingerprint").notNull(),
    userIds: jsonb("user_ids").$type<string[]>().notNull(),
    algorithm: text("algorithm").notNull(),
    expiresAt: ts("expires_at"),
    armored: text("armored").notNull(),
    createdAt: createdAt(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("member_keys_partner_idx").on(t.partnerId), index("member_keys_user_idx").on(t.userId)],
);

export const webhooks = pgTable(
  "partner_webhooks",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    url: text("url").notNull(),
    /** The signing secret, sealed: shown once at creation, used by the release engine to sign. */
    secretSealed: text("secret_sealed").notNull(),
    ...created(),
    disabledAt: ts("disabled_at"),
  },
  (t) => [index("partner_webhooks_partner_idx").on(t.partnerId)],
);

export type SuspensionRequestStatus = "pending" | "approved" | "rejected";

/**
 * A suspension asked for by one person (an investigator from a leak investigation's findings, or
 * staff) that takes effect only when a second, different staff member approves it.
 */
export const suspensionRequests = pgTable(
  "partner_suspension_requests",
  {
    id: textId(),
    partnerId: ref("partner_id", () => partners.organisationId),
    reason: text("reason").notNull(),
    /** The investigation whose findings led to it, if any. */
    investigationId: text("investigation_id"),
    status: text("status").$type<SuspensionRequestStatus>().notNull(),
    requestedBy: text("requested_by").notNull(),
    requestedAt: ts("requested_at").notNull(),
    decidedBy: text("decided_by"),
    decidedAt: ts("decided_at"),
    decisionNote: text("decision_note"),
  },
  (t) => [index("partner_suspension_requests_partner_idx").on(t.partnerId, t.status)],
);
