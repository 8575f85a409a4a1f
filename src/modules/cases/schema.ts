// Tables of the cases module: reported vulnerabilities (cases) through their ISO/IEC 30111 phases,
// the case timeline, researcher messages, sealed attachments, credits, the CVE pool, the programme's
// OpenPGP intake key and an outbox of notifications (deadline warnings, message emails).
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { BountyStatus, CreditType, Phase } from "../../contract/enums.ts";
import { createdAt, ref, sealedFile, textId, ts, updatedAt } from "../../platform/db/columns.ts";
import { FINISHED } from "./phases.ts";

/**
 * 1 for a finished case, 0 for one still open: the staff queue's first sort key. The phases are
 * written out as literals (constants of the code, not input) so that the queue's index, which holds
 * this same expression, matches the list's query.
 */
export function finishedRank(phase: AnyColumn): SQL<number> {
  const list = sql.raw(FINISHED.map((p) => `'${p}'`).join(", "));
  return sql<number>`(case when ${phase} in (${list}) then 1 else 0 end)`;
}

export const cases = pgTable(
  "cases",
  {
    id: textId(),
    title: text("title").notNull(),
    product: text("product").notNull(),
    version: text("version").notNull(),
    /** Markdown as the researcher wrote it (decrypted if it came OpenPGP-encrypted). */
    description: text("description").notNull(),
    /** True when the description arrived encrypted to the programme key. */
    encrypted: boolean("encrypted").notNull().default(false),
    phase: text("phase").$type<Phase>().notNull(),
    duplicateOf: text("duplicate_of"),
    /** The researcher's organisation when reported with an account; null for anonymous reports. */
    reporterOrganisationId: text("reporter_organisation_id"),
    reporterUserId: text("reporter_user_id"),
    reporterName: text("reporter_name"),
    /** Where message notifications go for an anonymous reporter (optional). */
    reporterEmail: text("reporter_email"),
    /** SHA-256 of the tracking token handed to an anonymous reporter; the token is never stored. */
    trackingTokenHash: text("tracking_token_hash"),
    assigneeId: text("assignee_id"),
    receivedAt: ts("received_at").notNull(),
    deadlineAt: ts("deadline_at").notNull(),
    cvssVector: text("cvss_vector"),
    cvssVersion: text("cvss_version"),
    cvssScore: doublePrecision("cvss_score"),
    cvssSeverity: text("cvss_severity"),
    cwe: text("cwe"),
    cveId: text("cve_id"),
    /** Bounty in minor units of an ISO 4217 currency. */
    bountyAmount: bigint("bounty_amount", { mode: "number" }),
    bountyCurrency: text("bounty_currency"),
    bountyStatus: text("bounty_status").$type<BountyStatus>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("cases_cve_key").on(t.cveId).where(sql`${t.cveId} IS NOT NULL`),
    uniqueIndex("cases_tracking_key").on(t.trackingTokenHash).where(sql`${t.trackingTokenHash} IS NOT NULL`),
    index("cases_phase_idx").on(t.phase),
    // The staff queue: open cases first, then by deadline (its list pages in this order).
    index("cases_queue_idx").on(finishedRank(t.phase), t.deadlineAt, t.id),
    // A reporter organisation's cases, newest first (its list pages in this order).
    index("cases_reporter_received_idx").on(t.reporterOrganisationId, t.receivedAt, t.id),
  ],
);

/** The case timeline: phase transitions, assignments, scoring, identifiers and internal notes. */
export const caseEvents = pgTable(
  "case_events",
  {
    id: textId(),
    caseId: ref("case_id", () => cases.id),
    at: ts("at").notNull(),
    actorId: text("actor_id"),
    kind: text("kind").notNull(),
    fromPhase: text("from_phase").$type<Phase>(),
    toPhase: text("to_phase").$type<Phase>(),
    /** A transition's reason or a note's text. */
    body: text("body"),
    data: jsonb("data").notNull().default({}),
  },
  (t) => [index("case_events_case_idx").on(t.caseId, t.at)],
);

export const caseMessages = pgTable(
  "case_messages",
  {
    id: textId(),
    caseId: ref("case_id", () => cases.id),
    /** Threading: the message this one answers. */
    parentId: text("parent_id"),
    authorKind: text("author_kind").notNull(),
    authorUserId: text("author_user_id"),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("case_messages_case_idx").on(t.caseId, t.createdAt)],
);

/** Files attached to a report or a message; the content is sealed under the master key. */
export const caseAttachments = pgTable(
  "case_attachments",
  {
    id: textId(),
    caseId: ref("case_id", () => cases.id),
    ...sealedFile(),
    createdAt: createdAt(),
  },
  (t) => [index("case_attachments_case_idx").on(t.caseId)],
);

export const caseCredits = pgTable(
  "case_credits",
  {
    id: textId(),
    caseId: ref("case_id", () => cases.id),
    name: text("name").notNull(),
    type: text("type").$type<CreditType>().notNull(),
    userId: text("user_id"),
    createdAt: createdAt(),
  },
  (t) => [index("case_credits_case_idx").on(t.caseId)],
);

/** CVE IDs the programme holds as a CNA, handed out in order of addition. */
export const cvePool = pgTable(
  "cve_pool",
  {
    cveId: text("cve_id").primaryKey(),
    addedAt: ts("added_at").notNull(),
    caseId: text("case_id"),
    reservedAt: ts("reserved_at"),
  },
  (t) => [
    index("cve_pool_free_idx").on(t.addedAt).where(sql`${t.caseId} IS NULL`),
    // The pool's list pages in the order IDs were added.
    index("cve_pool_added_idx").on(t.addedAt, t.cveId),
  ],
);

/** Outbox of notifications. `dedupeKey` makes deadline warnings once per case and threshold. */
export const caseNotifications = pgTable(
  "case_notifications",
  {
    id: textId(),
    caseId: ref("case_id", () => cases.id),
    kind: text("kind").notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [
    uniqueIndex("case_notifications_dedupe_key").on(t.dedupeKey),
    index("case_notifications_unsent_idx").on(t.createdAt).where(sql`${t.sentAt} IS NULL`),
    // The outbox pages newest first, all of it or one case's.
    index("case_notifications_created_idx").on(t.createdAt, t.id),
    index("case_notifications_case_idx").on(t.caseId, t.createdAt, t.id),
  ],
);

/** The programme's OpenPGP key pair for encrypted reports; the private key is sealed. */
export const intakeKeys = pgTable("intake_keys", {
  id: textId(),
  fingerprint: text("fingerprint").notNull(),
  publicKey: text("public_key").notNull(),
  privateKeySealed: text("private_key_sealed").notNull(),
  createdAt: createdAt(),
});
