// The instance's key check: one row written at first start, proving which master key this database
// was started with, so a server holding another key refuses to start instead of failing every job.
import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const instanceKeyCheck = pgTable("instance_key_check", {
  id: integer("id").primaryKey(),
  /** A known text sealed under the master key: it opens only with the same key. */
  sealed: text("sealed").notNull(),
  /** A short fingerprint of the key (HKDF, not the key's hash), to name keys in error messages. */
  fingerprint: text("fingerprint").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});
