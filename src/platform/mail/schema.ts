// The mail outbox's table: notices queued in the transaction of their cause, sent by platform/mail/outbox.ts.
import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, textId, ts } from "../db/columns.ts";

/** Outgoing mail waiting for a transport; a stand-in until SMTP exists. dedupeKey makes jobs idempotent. */
export const outbox = pgTable(
  "outbox",
  {
    id: textId(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    /** Sealed: invitation mails carry single-use links. */
    bodySealed: text("body_sealed").notNull(),
    kind: text("kind").notNull(),
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [uniqueIndex("outbox_dedupe_key").on(t.dedupeKey), index("outbox_created_idx").on(t.createdAt)],
);
