// Tables of the release engine: one plan per advisory (public time T0, state), its waves (time,
// partners, sections), exclusions with reasons, one delivery per recipient per advisory (the stored
// per-recipient copy, written with its idempotency key in one transaction), acknowledgements, and the
// webhook messages with every attempt.
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { AckStatus, Section } from "../../contract/enums.ts";
import { created, createdAt, ref, textId, ts, updatedAt } from "../../platform/db/columns.ts";
import { organisations } from "../accounts/schema.ts";
import { advisories } from "../advisories/schema.ts";
import type { PlanState } from "./states.ts";

export const releasePlans = pgTable(
  "release_plans",
  {
    id: textId(),
    advisoryId: ref("advisory_id", () => advisories.id),
    /** The advisory revision every copy is rendered from (the approved one when armed). */
    revision: integer("revision").notNull(),
    /** T0: the public release. */
    publicAt: ts("public_at").notNull(),
    /** IANA zone of the coordinator who planned it, to show T0 as they meant it (UTC is shown too). */
    timeZone: text("time_zone").notNull(),
    /** draft → approved → armed → fired; cancelled until a wave has gone; broken on an embargo break (states.ts). */
    state: text("state").$type<PlanState>().notNull(),
    /** Bumped whenever times change: a job carrying an older version does nothing. */
    version: integer("version").notNull(),
    /** The request as given (extra waves, exclusions), so moving T0 re-derives the same plan. */
    request: jsonb("request").notNull(),
    ...created(),
    updatedAt: updatedAt(),
    /** Who last created or changed the plan (T0, waves, exclusions): they may not approve it. */
    changedBy: text("changed_by"),
    /**
     * Everyone who created or changed the plan since its last approval (user IDs): none of them may
     * approve it. Emptied by an approval; a cancelled plan planned again starts afresh.
     */
    editors: jsonb("editors").$type<string[]>().notNull().default([]),
    /**
     * The planner's explicit choice to give partners less than their tier's lead time (a tier wave
     * that would be in the past is sent at once on arming); without it such a plan is refused.
     */
    compressLeadTimes: boolean("compress_lead_times").notNull().default(false),
    /**
     * An embargo break asked for by one coordinator on a plan that is not armed and approved: it
     * waits for a different coordinator's confirmation. { by, at, reason, evidence }.
     */
    breakRequest: jsonb("break_request").$type<{
      by: string;
      at: string;
      reason: string;
      evidence: string | null;
    } | null>(),
    /** A second coordinator's approval; it pins `revision` to the advisory's approved revision. */
    approvedBy: text("approved_by"),
    approvedAt: ts("approved_at"),
    armedBy: text("armed_by"),
    armedAt: ts("armed_at"),
    cancelledAt: ts("cancelled_at"),
    cancelReason: text("cancel_reason"),
    brokenAt: ts("broken_at"),
    breakReason: text("break_reason"),
    breakEvidence: text("break_evidence"),
    /** When the engine published the advisory (T0, or the embargo break). */
    publishedAt: ts("published_at"),
  },
  (t) => [
    uniqueIndex("release_plans_advisory_key").on(t.advisoryId),
    index("release_plans_state_idx").on(t.state, t.publicAt),
    // The calendar pages by public time.
    index("release_plans_public_idx").on(t.publicAt, t.id),
  ],
);

export const releaseWaves = pgTable(
  "release_waves",
  {
    id: textId(),
    planId: ref("plan_id", () => releasePlans.id),
    position: integer("position").notNull(),
    at: ts("at").notNull(),
    /** `tier` (derived from a tier's lead time) or `extra` (added by a coordinator for named partners). */
    kind: text("kind").notNull(),
    tier: text("tier"),
    partnerIds: jsonb("partner_ids").$type<string[]>().notNull(),
    /** Sections of the advisory this wave carries (each partner's eligibility may take some away). */
    content: jsonb("content").$type<Section[]>().notNull(),
    reason: text("reason"),
    /** Set once every recipient of the wave has its delivery (or a recorded withholding). */
    firedAt: ts("fired_at"),
    delivered: integer("delivered").notNull().default(0),
    withheld: integer("withheld").notNull().default(0),
  },
  (t) => [index("release_waves_plan_idx").on(t.planId), index("release_waves_due_idx").on(t.firedAt, t.at)],
);

export const releaseExclusions = pgTable(
  "release_exclusions",
  {
    id: textId(),
    planId: ref("plan_id", () => releasePlans.id),
    partnerId: text("partner_id").notNull(),
    /** coordinator (named in the plan), ineligible (at planning), withheld (ineligible at fire time). */
    kind: text("kind").notNull(),
    reason: text("reason").notNull(),
    /** The eligibility reasons (rule, effect, legal reference) when the policy decided. */
    details: jsonb("details").notNull(),
    waveId: text("wave_id"),
    ...created(),
  },
  (t) => [uniqueIndex("release_exclusions_key").on(t.planId, t.partnerId, t.kind)],
);

export const releaseDeliveries = pgTable(
  "release_deliveries",
  {
    id: textId(),
    /** `${planId}:${recipientId}`: inserted in the same transaction as the copy, so nothing goes twice. */
    idempotencyKey: text("idempotency_key").notNull(),
    planId: ref("plan_id", () => releasePlans.id),
    waveId: text("wave_id").notNull(),
    advisoryId: text("advisory_id").notNull(),
    partnerId: ref("partner_id", () => organisations.id),
    /** `organisation` (the partner itself: anchors webhooks and acknowledgements) or `user` (a member). */
    recipientKind: text("recipient_kind").notNull(),
    recipientId: text("recipient_id").notNull(),
    revision: integer("revision").notNull(),
    sections: jsonb("sections").$type<Section[]>().notNull(),
    /** The rendered copy (JSON), sealed and bound to this row. */
    copySealed: text("copy_sealed").notNull(),
    copySha256: text("copy_sha256").notNull(),
    /** The recipient's fingerprint codeword (one byte per point of the tracing key), sealed; null when nothing in the advisory varies. */
    codewordSealed: text("codeword_sealed"),
    /** The tracing key (release_tracing_keys) this copy's codeword belongs to; null for copies made before tracing. */
    tracingKeyId: text("tracing_key_id"),
    deliveredAt: ts("delivered_at").notNull(),
    firstReadAt: ts("first_read_at"),
    /** When the partner was reminded to acknowledge (organisation rows; once, 12 hours after delivery). */
    ackRemindedAt: ts("ack_reminded_at"),
  },
  (t) => [
    uniqueIndex("release_deliveries_idempotency_key").on(t.idempotencyKey),
    uniqueIndex("release_deliveries_recipient_key").on(t.advisoryId, t.recipientId),
    index("release_deliveries_partner_idx").on(t.partnerId, t.deliveredAt),
    index("release_deliveries_wave_idx").on(t.waveId),
  ],
);

/**
 * One tracing key per plan and pinned revision: created when the plan is approved (re-planning or a new
 * revision makes a new one; old rows stay, because forensics needs every key that was ever delivered).
 */
export const releaseTracingKeys = pgTable(
  "release_tracing_keys",
  {
    id: textId(),
    planId: ref("plan_id", () => releasePlans.id),
    advisoryId: text("advisory_id").notNull(),
    revision: integer("revision").notNull(),
    /**
     * The tracing key file (src/tracing/keyfile.ts `KeyFile` JSON: key, variation plan, biases, file
     * plans), sealed under the master key and bound to this row's ID. Secret: it re-derives every copy.
     */
    keySealed: text("key_sealed").notNull(),
    /** Points per layer group and what leak sizes they trace (not secret: shown in the plan preview). */
    capacity: jsonb("capacity").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("release_tracing_keys_plan_revision").on(t.planId, t.revision),
    index("release_tracing_keys_advisory_idx").on(t.advisoryId),
  ],
);

export const releaseAcks = pgTable(
  "release_acks",
  {
    id: textId(),
    advisoryId: text("advisory_id").notNull(),
    partnerId: text("partner_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    userId: text("user_id").notNull(),
    status: text("status").$type<AckStatus>().notNull(),
    note: text("note"),
    product: text("product"),
    signatureIds: jsonb("signature_ids").$type<string[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("release_acks_partner_idx").on(t.advisoryId, t.partnerId, t.createdAt)],
);

/** One webhook message per event per endpoint; `id` is the Standard Webhooks `webhook-id`. */
export const releaseWebhookMessages = pgTable(
  "release_webhook_messages",
  {
    id: textId(),
    dedupeKey: text("dedupe_key").notNull(),
    partnerId: text("partner_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    url: text("url").notNull(),
    eventType: text("event_type").notNull(),
    advisoryId: text("advisory_id").notNull(),
    deliveryId: text("delivery_id"),
    payload: jsonb("payload").notNull(),
    /** pending | succeeded | failed */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    lastAttemptAt: ts("last_attempt_at"),
    succeededAt: ts("succeeded_at"),
  },
  (t) => [
    uniqueIndex("release_webhook_messages_dedupe_key").on(t.dedupeKey),
    index("release_webhook_messages_status_idx").on(t.status, t.createdAt),
    index("release_webhook_messages_partner_idx").on(t.partnerId, t.createdAt),
  ],
);

export const releaseWebhookAttempts = pgTable(
  "release_webhook_attempts",
  {
    id: textId(),
    messageId: ref("message_id", () => releaseWebhookMessages.id),
    attempt: integer("attempt").notNull(),
    at: ts("at").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("release_webhook_attempts_message_idx").on(t.messageId, t.attempt)],
);
