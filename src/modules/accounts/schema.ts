// Tables of the accounts module: organisations, users, their sessions, API tokens and recovery codes.
import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { Role } from "../../contract/enums.ts";
import { createdAt, ref, textId, ts, updatedAt } from "../../platform/db/columns.ts";

export const organisations = pgTable(
  "organisations",
  {
    id: textId(),
    name: text("name").notNull(),
    /** `programme` is the vendor running Forewarn (staff live here); partners get their own. */
    kind: text("kind").notNull(),
    createdAt: createdAt(),
  },
  // The admin's list pages in this order (oldest first).
  (t) => [index("organisations_created_idx").on(t.createdAt, t.id)],
);

export const users = pgTable(
  "users",
  {
    id: textId(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    organisationId: ref("organisation_id", () => organisations.id),
    passwordHash: text("password_hash").notNull(),
    /** TOTP secret sealed under the master key; set only once enrolment is confirmed. */
    totpSecret: text("totp_secret"),
    /** Secret of an enrolment started but not yet confirmed. */
    totpPending: text("totp_pending"),
    /** Last accepted TOTP time step, so a code cannot be replayed inside its window. */
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: ts("locked_until"),
    lastLoginAt: ts("last_login_at"),
    createdAt: createdAt(),
    disabledAt: ts("disabled_at"),
    /**
     * A role grant waiting for a second person (separation of duties): `create` (the account cannot
     * log in until confirmed) or `promote` (the user keeps `role` until `pending_role` is confirmed).
     */
    pendingRole: text("pending_role").$type<Role>(),
    pendingKind: text("pending_kind"),
    pendingRequestedBy: text("pending_requested_by"),
    pendingRequestedAt: ts("pending_requested_at"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_org_idx").on(t.organisationId),
    // The admin's list pages in this order (oldest first).
    index("users_created_idx").on(t.createdAt, t.id),
  ],
);

export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: textId(),
    userId: ref("user_id", () => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: textId(),
    userId: ref("user_id", () => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the cookie value; the value itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    csrfToken: text("csrf_token").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [uniqueIndex("sessions_token_key").on(t.tokenHash), index("sessions_expires_idx").on(t.expiresAt)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: textId(),
    userId: ref("user_id", () => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    /** The token that created this one (null when made from a session): revoking it revokes this. */
    parentTokenId: text("parent_token_id"),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_key").on(t.tokenHash),
    index("api_tokens_user_idx").on(t.userId),
    index("api_tokens_parent_idx").on(t.parentTokenId),
  ],
);

/**
 * Failed logins per email (lower-cased, whether or not an account has it) and client address: a
 * lockout is answered the same for every email, and locks out only the address that guessed.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: ts("locked_until"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.email, t.ip] }), index("login_throttle_updated_idx").on(t.updatedAt)],
);
