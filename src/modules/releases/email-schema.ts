// Release mail: one row per member delivery, written in the delivery's own transaction, so a crash
// after the commit cannot lose the mail; the job that sends it records the outcome here, so a retry
// after success sends nothing.
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, ts } from "../../platform/db/columns.ts";
import { releaseDeliveries } from "./schema.ts";

export const releaseMails = pgTable(
  "release_mails",
  {
    /** The member's own delivery (one mail per member and advisory). */
    deliveryId: text("delivery_id")
      .primaryKey()
      .references(() => releaseDeliveries.id),
    advisoryId: text("advisory_id").notNull(),
    partnerId: text("partner_id").notNull(),
    userId: text("user_id").notNull(),
    /** pending → sent; skipped (member gone, or no SMTP transport); failed (given up after 24 h). */
    status: text("status").notNull(),
    /** encrypted (the copy, OpenPGP/MIME) or notice (a portal link, no content): decided when sent. */
    kind: text("kind"),
    /** Message-ID of the mail: the same on every attempt, so a resend after a crash is recognisable. */
    messageId: text("message_id"),
    /** Fingerprints of the keys an encrypted mail was encrypted to. */
    keyFingerprints: jsonb("key_fingerprints").$type<string[]>().notNull().default([]),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** A sender holds the row until then (wall time), so two jobs never send the same mail at once. */
    lockedUntil: ts("locked_until"),
    createdAt: createdAt(),
    lastAttemptAt: ts("last_attempt_at"),
    sentAt: ts("sent_at"),
  },
  (t) => [
    index("release_mails_status_idx").on(t.status, t.createdAt),
    index("release_mails_advisory_idx").on(t.advisoryId),
  ],
);
