// Canary tokens: a unique DNS name or URL placed in one recipient's copy where the author wrote
// `{{canary:dns}}` or `{{canary:url}}`. A lookup or request of it names that recipient with certainty.
import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export type CanaryKind = "dns" | "url";

export const canaryTokens = pgTable(
  "canary_tokens",
  {
    id: text("id").primaryKey(),
    /** SHA-256 (hex) of the lower-case token: a database reader cannot trigger or forge a hit. */
    tokenHash: text("token_hash").notNull(),
    kind: text("kind").$type<CanaryKind>().notNull(),
    advisoryId: text("advisory_id").notNull(),
    planId: text("plan_id").notNull(),
    /** The delivery whose copy carries the token. */
    deliveryId: text("delivery_id").notNull(),
    partnerId: text("partner_id").notNull(),
    /** `organisation` or `user`, as on release_deliveries. */
    recipientKind: text("recipient_kind").notNull(),
    recipientId: text("recipient_id").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("canary_tokens_hash_key").on(t.tokenHash),
    index("canary_tokens_advisory_idx").on(t.advisoryId),
    index("canary_tokens_delivery_idx").on(t.deliveryId),
  ],
);
