// The audit log: an append-only hash chain. `audit_head` mirrors the last entry so that cutting
// entries off the end of the chain is detected too.
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    type: text("type").notNull(),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    subject: text("subject"),
    payload: jsonb("payload").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_log_type_idx").on(t.type),
    index("audit_log_actor_idx").on(t.actorId),
    index("audit_log_at_idx").on(t.at),
  ],
);

export const auditHead = pgTable("audit_head", {
  id: integer("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
});
