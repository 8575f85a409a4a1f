// Canary tokens: a unique DNS name or URL placed in one recipient's copy where the author wrote
// `{{canary:dns}}` or `{{canary:url}}`. A lookup or request of it names that recipient with certainty.
import { index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, ref, textId, ts } from "../../platform/db/columns.ts";

export type CanaryKind = "dns" | "url";

/** Whose copy carries the token: the delivery and its recipient (a hit copies them from its token). */
const recipient = () => ({
  advisoryId: text("advisory_id").notNull(),
  planId: text("plan_id").notNull(),
  /** The delivery whose copy carries the token. */
  deliveryId: text("delivery_id").notNull(),
  partnerId: text("partner_id").notNull(),
  /** `organisation` or `user`, as on release_deliveries. */
  recipientKind: text("recipient_kind").notNull(),
  recipientId: text("recipient_id").notNull(),
});

export const canaryTokens = pgTable(
  "canary_tokens",
  {
    id: textId(),
    /** SHA-256 (hex) of the lower-case token: a database reader cannot trigger or forge a hit. */
    tokenHash: text("token_hash").notNull(),
    kind: text("kind").$type<CanaryKind>().notNull(),
    ...recipient(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("canary_tokens_hash_key").on(t.tokenHash),
    index("canary_tokens_advisory_idx").on(t.advisoryId),
    index("canary_tokens_delivery_idx").on(t.deliveryId),
  ],
);

/**
 * One stored hit of a known token: what was seen (time, kind, source, the query name or request line
 * with the token itself replaced, user agent) and whose copy it came from, copied from the token's row
 * so the listing needs no join. `seen_at` is set when an investigator marks it seen (the UI badge).
 */
export const canaryHits = pgTable(
  "canary_hits",
  {
    id: textId(),
    tokenId: ref("token_id", () => canaryTokens.id),
    kind: text("kind").$type<CanaryKind>().notNull(),
    at: ts("at").notNull(),
    /** The address the query or request came from (for DNS usually the leaker's resolver). */
    source: text("source").notNull(),
    /** Query name and type, or request line: truncated, control characters escaped, token replaced. */
    detail: text("detail").notNull(),
    userAgent: text("user_agent"),
    ...recipient(),
    seenAt: ts("seen_at"),
    seenBy: text("seen_by"),
  },
  (t) => [
    index("canary_hits_at_idx").on(t.at, t.id),
    index("canary_hits_advisory_idx").on(t.advisoryId, t.at),
    index("canary_hits_unseen_idx").on(t.seenAt),
  ],
);

/**
 * Per-token rate limit: the hits stored in the current minute and the hits not stored because the
 * limit was reached (a running total, shown with the token's hits). One row per token that was hit.
 */
export const canaryTokenWindows = pgTable("canary_token_windows", {
  tokenId: text("token_id")
    .primaryKey()
    .references(() => canaryTokens.id),
  windowStart: ts("window_start").notNull(),
  stored: integer("stored").notNull(),
  suppressed: integer("suppressed").notNull().default(0),
});

/**
 * Lookups and requests of names or paths that are no token: only counted, per UTC day and kind (two
 * rows a day, whatever the traffic), never stored verbatim.
 */
export const canaryUnknownHits = pgTable(
  "canary_unknown_hits",
  {
    day: text("day").notNull(),
    kind: text("kind").$type<CanaryKind>().notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind] })],
);
