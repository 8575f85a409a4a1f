// Accounts: organisations, users, password + TOTP login with back-off and lockout, sessions, API
// tokens, and the second factor. Every method authorizes first and audits in the same transaction.
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { type Action, ROLE_ACTIONS, ROLES, type Role, STAFF_ROLES } from "../../authz/actions.ts";
import { type Actor, authorize, type UserActor } from "../../authz/authorize.ts";
import type { Clock } from "../../platform/clock.ts";
import { randomSecret, type Sealer, sha256Hex } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { byTime, keysetPage, type Page, type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError, conflict, notFound } from "../../platform/errors.ts";
import type { IdGen, OrganisationId, UserId } from "../../platform/ids.ts";
import { checkPasswordPolicy, type PasswordHasher } from "./passwords.ts";
import { apiTokens, loginThrottle, organisations, recoveryCodes, sessions, users } from "./schema.ts";
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUri } from "./totp.ts";

export const LOCKOUT_AFTER = 5;
const LOCKOUT_BASE_MS = 60_000;
const LOCKOUT_MAX_MS = 60 * 60_000;
const TOUCH_EVERY_MS = 60_000;
export const TOKEN_PREFIX = "fw_";

/**
 * Actions that read embargoed content (advisories, cases, partner copies), approve, or grant roles.
 * A role holding any of them is granted only when a second person confirms (separation of duties):
 * otherwise an admin, who may not read advisories, could make an account that does.
 */
const SENSITIVE_ACTIONS: readonly Action[] = [
  "cases:read",
  "advisories:read",
  "advisories:approve",
  "advisories:publish",
  "partner:self",
  "users:write",
];
export const SECOND_PERSON_ROLES: readonly Role[] = ROLES.filter((r) =>
  (ROLE_ACTIONS[r] as readonly Action[]).some((a) => SENSITIVE_ACTIONS.includes(a)),
);
export const needsSecondPerson = (role: Role) => SECOND_PERSON_ROLES.includes(role);

type Deps = {
  db: Db;
  clock: Clock;
  ids: IdGen;
  audit: Pick<Audit, "record">;
  passwords: PasswordHasher;
  sealer: Sealer;
  sessionHours: number;
};

export type UserView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string;
  organisationName: string;
  totpEnabled: boolean;
  createdAt: Date;
  /** A role grant waiting for a second person's confirmation, if any. */
  pending: {
    role: Role;
    kind: "create" | "promote";
    requestedBy: string | null;
    requestedAt: Date | null;
  } | null;
};

type UserRow = typeof users.$inferSelect;

const view = (u: UserRow, organisationName: string): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  organisationId: u.organisationId,
  organisationName,
  totpEnabled: u.totpSecret !== null,
  createdAt: u.createdAt,
  pending: u.pendingRole
    ? {
        role: u.pendingRole,
        kind: u.pendingKind === "promote" ? "promote" : "create",
        requestedBy: u.pendingRequestedBy,
        requestedAt: u.pendingRequestedAt,
      }
    : null,
});

const actorOf = (u: UserRow, via: UserActor["via"], extra: Partial<UserActor> = {}): UserActor => ({
  kind: "user",
  userId: u.id as UserId,
  email: u.email,
  role: u.role,
  organisationId: u.organisationId as OrganisationId,
  via,
  ...extra,
});

export type LoginInput = {
  email: string;
  password: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
};

/** The columns of a pending role grant, cleared once it is confirmed, withdrawn or superseded. */
const NO_PENDING_GRANT = {
  pendingRole: null,
  pendingKind: null,
  pendingRequestedBy: null,
  pendingRequestedAt: null,
} as const;

export function makeAccounts(d: Deps) {
  const { db, clock, audit } = d;
  // Verified against when the email is unknown, so a miss costs as much time as a wrong password.
  let dummyHash: Promise<string> | undefined;

  async function programmeOrganisation(): Promise<OrganisationId> {
    const [org] = await db.select().from(organisations).where(eq(organisations.kind, "programme")).limit(1);
    if (org) return org.id as OrganisationId;
    return db.transaction(async (tx) => {
      await tx.execute(sql`LOCK TABLE organisations IN EXCLUSIVE MODE`);
      const [again] = await tx
        .select()
        .from(organisations)
        .where(eq(organisations.kind, "programme"))
        .limit(1);
      if (again) return again.id as OrganisationId;
      const id = d.ids("organisation");
      await tx
        .insert(organisations)
        .values({ id, name: "Programme", kind: "programme", createdAt: clock.now() });
      await audit.record(tx, {
        type: "organisation.created",
        actor: null,
        subject: id,
        data: { name: "Programme", kind: "programme" },
      });
      return id;
    });
  }

  async function loadView(userId: string): Promise<UserView> {
    const [row] = await db
      .select()
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, userId));
    if (!row) throw notFound("user");
    return view(row.users, row.organisations.name);
  }

  async function findByEmail(email: string): Promise<UserRow | undefined> {
    const [u] = await db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
    return u;
  }

  /** The throttle key of a login attempt: the email as typed (lower-cased) and the client address. */
  const throttleKey = (input: LoginInput) => ({
    email: input.email.trim().toLowerCase().slice(0, 320),
    ip: (input.ip ?? "").slice(0, 100),
  });

  /**
   * Records a failed attempt for this email from this address and, past the limit, locks that pair
   * for a doubling period. Unknown emails count the same way, so a lockout says nothing about
   * whether an account exists, and a guesser elsewhere cannot lock the owner out.
   */
  async function failLogin(
    input: LoginInput,
    u: UserRow | undefined,
    reason: "wrong_password" | "wrong_totp" | "unknown_email" | "disabled" | "pending",
  ): Promise<never> {
    const now = clock.now();
    const key = throttleKey(input);
    const ip = input.ip;
    await db.transaction(async (tx) => {
      // Counted in the database, so parallel guesses cannot all read the same count and slip past the lock.
      const [row] = await tx
        .insert(loginThrottle)
        .values({ ...key, failedLogins: 1, updatedAt: now })
        .onConflictDoUpdate({
          target: [loginThrottle.email, loginThrottle.ip],
          set: { failedLogins: sql`${loginThrottle.failedLogins} + 1`, updatedAt: now },
        })
        .returning({ failed: loginThrottle.failedLogins });
      const failed = row?.failed ?? 1;
      const lockMs =
        failed >= LOCKOUT_AFTER
          ? Math.min(LOCKOUT_BASE_MS * 2 ** (failed - LOCKOUT_AFTER), LOCKOUT_MAX_MS)
          : 0;
      const lockedUntil = lockMs ? new Date(now.getTime() + lockMs) : null;
      if (lockedUntil)
        await tx
          .update(loginThrottle)
          .set({ lockedUntil })
          .where(and(eq(loginThrottle.email, key.email), eq(loginThrottle.ip, key.ip)));
      await audit.record(tx, {
        type: "login.failed",
        actor: null,
        subject: u?.id ?? null,
        data: { email: u?.email ?? key.email, reason, ...(ip ? { ip } : {}) },
      });
      if (lockedUntil) {
        await audit.record(tx, {
          type: "account.locked",
          actor: null,
          subject: u?.id ?? null,
          data: { until: lockedUntil.toISOString(), failedLogins: failed, ...(ip ? { ip } : {}) },
        });
      }
    });
    throw new AppError(
      "invalid_credentials",
      reason === "wrong_totp"
        ? "the second-factor code is wrong or was already used"
        : "wrong email or password",
    );
  }

  async function startSession(
    u: UserRow,
    method: "password" | "password+totp" | "password+recovery_code",
    input: LoginInput,
  ) {
    const now = clock.now();
    const token = randomSecret(32);
    const csrfToken = randomSecret(24);
    const id = d.ids("session");
    const expiresAt = new Date(now.getTime() + d.sessionHours * 3_600_000);
    const key = throttleKey(input);
    await db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now })
        .where(eq(users.id, u.id));
      await tx
        .delete(loginThrottle)
        .where(and(eq(loginThrottle.email, key.email), eq(loginThrottle.ip, key.ip)));
      await tx.insert(sessions).values({
        id,
        userId: u.id,
        tokenHash: sha256Hex(token),
        csrfToken,
        createdAt: now,
        expiresAt,
        lastSeenAt: now,
        ip: input.ip?.slice(0, 100) ?? null,
        userAgent: input.userAgent?.slice(0, 500) ?? null,
      });
      await audit.record(tx, {
        type: "session.created",
        actor: actorOf(u, "session", { sessionId: id }),
        subject: u.id,
        data: { sessionId: id, method },
      });
    });
    return { user: await loadView(u.id), token, csrfToken, expiresAt };
  }

  /**
   * The Bearer token and session cookie lookups (every API request), built once and prepared by
   * name: PostgreSQL parses and plans each once per connection, and neither is rebuilt per request.
   */
  let tokenLookup: ReturnType<typeof prepareTokenLookup> | undefined;
  let sessionLookup: ReturnType<typeof prepareSessionLookup> | undefined;
  function prepareSessionLookup() {
    return db
      .select()
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, sql.placeholder("tokenHash")),
          gt(sessions.expiresAt, sql`${sql.placeholder("now")}::timestamptz`),
          isNull(users.disabledAt),
        ),
      )
      .prepare("forewarn_session_lookup");
  }
  function prepareTokenLookup() {
    return db
      .select()
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(
        and(
          eq(apiTokens.tokenHash, sql.placeholder("tokenHash")),
          isNull(apiTokens.revokedAt),
          or(
            isNull(apiTokens.expiresAt),
            gt(apiTokens.expiresAt, sql`${sql.placeholder("now")}::timestamptz`),
          ),
          isNull(users.disabledAt),
        ),
      )
      .prepare("forewarn_token_lookup");
  }

  return {
    programmeOrganisation,

    async countAdmins(): Promise<number> {
      const [r] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(eq(users.role, "admin"));
      return r?.n ?? 0;
    },

    /**
     * Users who hold a role and can log in (not disabled, not waiting for a second person to confirm
     * their account): whom another module alerts, e.g. investigators on a canary hit.
     */
    async activeUsersWithRole(role: Role): Promise<{ id: string; email: string }[]> {
      return db
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(
          and(
            eq(users.role, role),
            isNull(users.disabledAt),
            or(isNull(users.pendingKind), sql`${users.pendingKind} <> 'create'`),
          ),
        )
        .orderBy(asc(users.createdAt));
    },

    /** Display names for IDs another module lists (users' email and name, organisations' name). */
    async namesOf(input: { userIds: string[]; organisationIds: string[] }) {
      const userRows = input.userIds.length
        ? await db
            .select({ id: users.id, email: users.email, name: users.name })
            .from(users)
            .where(inArray(users.id, [...new Set(input.userIds)]))
        : [];
      const orgRows = input.organisationIds.length
        ? await db
            .select({ id: organisations.id, name: organisations.name })
            .from(organisations)
            .where(inArray(organisations.id, [...new Set(input.organisationIds)]))
        : [];
      return {
        users: new Map(userRows.map((u) => [u.id, { email: u.email, name: u.name }])),
        organisations: new Map(orgRows.map((o) => [o.id, o.name])),
      };
    },

    async createUser(
      actor: Actor,
      input: {
        email: string;
        name: string;
        role: Role;
        password: string;
        organisationId?: string | undefined;
      },
    ): Promise<UserView> {
      authorize(actor, "users:write");
      const email = input.email.trim();
      checkPasswordPolicy(input.password, email);
      const isStaff = (STAFF_ROLES as readonly Role[]).includes(input.role);
      let organisationId: string;
      if (isStaff) {
        organisationId = await programmeOrganisation();
        if (input.organisationId && input.organisationId !== organisationId) {
          throw new AppError(
            "validation_failed",
            `staff role ${input.role} belongs to the programme organisation`,
          );
        }
      } else {
        if (!input.organisationId) {
          throw new AppError(
            "validation_failed",
            `role ${input.role} needs the organisationId it belongs to`,
          );
        }
        const [org] = await db.select().from(organisations).where(eq(organisations.id, input.organisationId));
        if (!org || org.kind === "programme") throw notFound(`organisation ${input.organisationId}`);
        organisationId = org.id;
      }
      if (await findByEmail(email)) throw conflict(`a user with email ${email} already exists`);
      // A person (not the CLI's first admin or another system task) asking for a sensitive role only
      // requests it: the account cannot log in until a different person confirms.
      const pending = actor.kind === "user" && needsSecondPerson(input.role);
      const passwordHash = await d.passwords.hash(input.password);
      const row: UserRow = {
        id: d.ids("user"),
        email,
        name: input.name.trim(),
        role: input.role,
        organisationId,
        passwordHash,
        totpSecret: null,
        totpPending: null,
        totpLastStep: null,
        failedLogins: 0,
        lockedUntil: null,
        lastLoginAt: null,
        createdAt: clock.now(),
        disabledAt: null,
        pendingRole: pending ? input.role : null,
        pendingKind: pending ? "create" : null,
        pendingRequestedBy: pending && actor.kind === "user" ? actor.userId : null,
        pendingRequestedAt: pending ? clock.now() : null,
      };
      try {
        await db.transaction(async (tx) => {
          await tx.insert(users).values(row);
          await audit.record(tx, {
            type: "user.created",
            actor,
            subject: row.id,
            data: { email, role: input.role, organisationId },
          });
          if (pending) {
            await audit.record(tx, {
              type: "role_grant.requested",
              actor,
              subject: row.id,
              data: {
                email,
                role: input.role,
                previousRole: null,
                kind: "create",
                organisationId,
                alert: true,
              },
            });
          }
        });
      } catch (e) {
        // Two concurrent creations of one email: the unique index decides, the loser gets a 409.
        if (isUniqueViolation(e) && (await findByEmail(email)))
          throw conflict(`a user with email ${email} already exists`);
        throw e;
      }
      return loadView(row.id);
    },

    /** One page of the accounts, oldest first (the ID breaks ties): the admin's list. */
    async listUsers(actor: Actor, p: PageInput = {}): Promise<Page<UserView>> {
      authorize(actor, "users:read");
      const page = await keysetPage(
        p,
        byTime(users.createdAt, users.id, "asc"),
        (q) =>
          db
            .select()
            .from(users)
            .innerJoin(organisations, eq(organisations.id, users.organisationId))
            .where(q.after)
            .orderBy(...q.orderBy)
            .limit(q.limit),
        (r) => [r.users.createdAt, r.users.id],
      );
      return {
        items: page.items.map((r) => view(r.users, r.organisations.name)),
        nextCursor: page.nextCursor,
      };
    },

    /**
     * Every account at once, for the modules that name the people a record mentions or mail every
     * coordinator (system actors); people reading the list page through listUsers.
     */
    async allUsers(actor: Actor): Promise<UserView[]> {
      authorize(actor, "users:read");
      const rows = await db
        .select()
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .orderBy(asc(users.createdAt), asc(users.id));
      return rows.map((r) => view(r.users, r.organisations.name));
    },

    /** Role grants waiting for a second person: what a confirmer sees. */
    async listPendingGrants(actor: Actor): Promise<UserView[]> {
      authorize(actor, "users:confirm");
      const rows = await db
        .select()
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(isNotNull(users.pendingRole))
        .orderBy(asc(users.pendingRequestedAt));
      return rows.map((r) => view(r.users, r.organisations.name));
    },

    /**
     * Changes a user's role. A sensitive role (see SECOND_PERSON_ROLES) asked for by a person is only
     * requested: the user keeps the current role until a different person confirms.
     */
    async requestRole(actor: Actor, userId: string, role: Role): Promise<UserView> {
      authorize(actor, "users:write");
      const [u] = await db.select().from(users).where(eq(users.id, userId));
      if (!u) throw notFound(`user ${userId}`);
      if (u.role === role && !u.pendingRole)
        throw new AppError("invalid_state", `the user already has role ${role}`);
      const programme = await programmeOrganisation();
      const isStaff = (STAFF_ROLES as readonly Role[]).includes(role);
      if (isStaff !== (u.organisationId === programme)) {
        throw new AppError(
          "validation_failed",
          isStaff
            ? `staff role ${role} belongs to the programme organisation`
            : `role ${role} is not a programme staff role`,
        );
      }
      if (actor.kind === "user" && actor.userId === u.id)
        throw new AppError("forbidden", "nobody changes their own role");
      const now = clock.now();
      await db.transaction(async (tx) => {
        if (actor.kind === "user" && needsSecondPerson(role)) {
          const kind = u.pendingKind === "create" ? "create" : "promote";
          await tx
            .update(users)
            .set({
              pendingRole: role,
              pendingKind: kind,
              pendingRequestedBy: actor.userId,
              pendingRequestedAt: now,
            })
            .where(eq(users.id, u.id));
          await audit.record(tx, {
            type: "role_grant.requested",
            actor,
            subject: u.id,
            data: {
              email: u.email,
              role,
              previousRole: kind === "create" ? null : u.role,
              kind,
              organisationId: u.organisationId,
              alert: true,
            },
          });
          return;
        }
        await tx
          .update(users)
          .set({
            role,
            ...NO_PENDING_GRANT,
          })
          .where(eq(users.id, u.id));
        await audit.record(tx, {
          type: "user.role_changed",
          actor,
          subject: u.id,
          data: { email: u.email, from: u.role, to: role },
        });
      });
      return loadView(u.id);
    },

    /** A second person confirms a pending grant: never the one who asked, never the user themself. */
    async confirmGrant(actor: Actor, userId: string): Promise<UserView> {
      authorize(actor, "users:confirm");
      return db
        .transaction(async (tx) => {
          const [u] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
          if (!u) throw notFound(`user ${userId}`);
          if (!u.pendingRole) throw new AppError("invalid_state", "this user has no role grant to confirm");
          if (actor.kind === "user" && (actor.userId === u.pendingRequestedBy || actor.userId === u.id)) {
            throw new AppError(
              "forbidden",
              "a second person must confirm: not the one who asked for the grant, nor the user it is for",
            );
          }
          const kind = u.pendingKind === "promote" ? "promote" : "create";
          await tx
            .update(users)
            .set({
              role: u.pendingRole,
              ...NO_PENDING_GRANT,
            })
            .where(eq(users.id, u.id));
          await audit.record(tx, {
            type: "role_grant.confirmed",
            actor,
            subject: u.id,
            data: {
              email: u.email,
              role: u.pendingRole,
              kind,
              requestedBy: u.pendingRequestedBy,
              alert: true,
            },
          });
          return u.id;
        })
        .then(loadView);
    },

    /** Withdraws a pending grant (an admin or coordinator); an account never confirmed is disabled. */
    async cancelGrant(actor: Actor, userId: string): Promise<void> {
      authorize(actor, "users:confirm");
      await db.transaction(async (tx) => {
        const [u] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
        if (!u) throw notFound(`user ${userId}`);
        if (!u.pendingRole) throw new AppError("invalid_state", "this user has no role grant to cancel");
        const kind = u.pendingKind === "promote" ? "promote" : "create";
        await tx
          .update(users)
          .set({
            ...NO_PENDING_GRANT,
            // An account never confirmed stays unable to log in.
            ...(kind === "create" ? { disabledAt: clock.now() } : {}),
          })
          .where(eq(users.id, u.id));
        await audit.record(tx, {
          type: "role_grant.cancelled",
          actor,
          subject: u.id,
          data: { email: u.email, role: u.pendingRole, kind, alert: true },
        });
      });
    },

    async createOrganisation(actor: Actor, input: { name: string }) {
      authorize(actor, "users:write");
      const id = d.ids("organisation");
      const row = { id, name: input.name.trim(), kind: "partner", createdAt: clock.now() };
      await db.transaction(async (tx) => {
        await tx.insert(organisations).values(row);
        await audit.record(tx, {
          type: "organisation.created",
          actor,
          subject: id,
          data: { name: row.name, kind: "partner" },
        });
      });
      return row;
    },

    /** One page of the organisations, oldest first (the ID breaks ties). */
    async listOrganisations(actor: Actor, p: PageInput = {}) {
      authorize(actor, "users:read");
      return tablePage(db, organisations, ["createdAt", "id"], "asc", p);
    },

    async login(input: LoginInput) {
      const now = clock.now();
      const key = throttleKey(input);
      const u = await findByEmail(input.email);
      const [throttle] = await db
        .select()
        .from(loginThrottle)
        .where(and(eq(loginThrottle.email, key.email), eq(loginThrottle.ip, key.ip)));
      // The same answer whether or not the account exists (no password is checked either way).
      if (throttle?.lockedUntil && throttle.lockedUntil > now) {
        await audit.record(db, {
          type: "login.failed",
          actor: null,
          subject: u?.id ?? null,
          data: { email: u?.email ?? key.email, reason: "locked", ...(input.ip ? { ip: input.ip } : {}) },
        });
        const seconds = Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / 1000);
        throw new AppError(
          "too_many_attempts",
          `too many failed logins; try again after ${throttle.lockedUntil.toISOString()} (in ${seconds} s)`,
          { retryAfterSeconds: seconds },
        );
      }
      if (!u || u.disabledAt || u.pendingKind === "create") {
        // Verified against a dummy hash, so a miss costs as much time as a wrong password.
        dummyHash ??= d.passwords.hash(randomSecret(16));
        await d.passwords.verify(await dummyHash, input.password);
        return failLogin(input, u, !u ? "unknown_email" : u.disabledAt ? "disabled" : "pending");
      }
      if (!(await d.passwords.verify(u.passwordHash, input.password)))
        return failLogin(input, u, "wrong_password");
      if (!u.totpSecret) return startSession(u, "password", input);

      if (input.recoveryCode) {
        const hash = hashRecoveryCode(input.recoveryCode);
        const used = await db.transaction(async (tx) => {
          const [rc] = await tx
            .update(recoveryCodes)
            .set({ usedAt: now })
            .where(
              and(
                eq(recoveryCodes.userId, u.id),
                eq(recoveryCodes.codeHash, hash),
                isNull(recoveryCodes.usedAt),
              ),
            )
            .returning();
          if (!rc) return false;
          const [left] = await tx
            .select({ n: sql<number>`count(*)::int` })
            .from(recoveryCodes)
            .where(and(eq(recoveryCodes.userId, u.id), isNull(recoveryCodes.usedAt)));
          await audit.record(tx, {
            type: "recovery_code.used",
            actor: actorOf(u, "session"),
            subject: u.id,
            data: { remaining: left?.n ?? 0 },
          });
          return true;
        });
        if (!used) return failLogin(input, u, "wrong_totp");
        return startSession(u, "password+recovery_code", input);
      }
      if (!input.totp) {
        throw new AppError(
          "totp_required",
          "this account has two-factor authentication: send the 6-digit code as totp",
        );
      }
      const secret = d.sealer.open(u.totpSecret, `users.totp_secret:${u.id}`);
      const step = checkTotp(secret, input.totp, now);
      if (step === null || (u.totpLastStep !== null && step <= u.totpLastStep))
        return failLogin(input, u, "wrong_totp");
      // Claim the step atomically: of two logins racing with one code, only one wins.
      const claimed = await db
        .update(users)
        .set({ totpLastStep: step })
        .where(and(eq(users.id, u.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
        .returning({ id: users.id });
      if (claimed.length === 0) return failLogin(input, u, "wrong_totp");
      return startSession(u, "password+totp", input);
    },

    async logout(actor: Actor): Promise<void> {
      authorize(actor, "account:self");
      if (actor.kind !== "user" || !actor.sessionId) return;
      const sessionId = actor.sessionId;
      await db.transaction(async (tx) => {
        await tx.delete(sessions).where(eq(sessions.id, sessionId));
        await audit.record(tx, { type: "session.ended", actor, subject: actor.userId, data: { sessionId } });
      });
    },

    /** Resolves a session cookie to its actor and CSRF token, or null when unknown or expired. */
    async authenticateSession(token: string, ip?: string) {
      const now = clock.now();
      sessionLookup ??= prepareSessionLookup();
      const [row] = await sessionLookup.execute({ tokenHash: sha256Hex(token), now: now.toISOString() });
      if (!row) return null;
      if (now.getTime() - row.sessions.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.sessions.id));
      }
      return {
        actor: actorOf(row.users, "session", { sessionId: row.sessions.id, ...(ip ? { ip } : {}) }),
        csrfToken: row.sessions.csrfToken,
      };
    },

    async authenticateToken(token: string, ip?: string): Promise<UserActor | null> {
      if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
      const now = clock.now();
      tokenLookup ??= prepareTokenLookup();
      const [row] = await tokenLookup.execute({ tokenHash: sha256Hex(token), now: now.toISOString() });
      if (!row) return null;
      const last = row.api_tokens.lastUsedAt;
      if (!last || now.getTime() - last.getTime() > TOUCH_EVERY_MS) {
        await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.api_tokens.id));
      }
      return actorOf(row.users, "token", { tokenId: row.api_tokens.id, ...(ip ? { ip } : {}) });
    },

    async me(actor: Actor): Promise<UserView> {
      authorize(actor, "account:self");
      if (actor.kind !== "user") throw notFound("user");
      return loadView(actor.userId);
    },

    async createToken(actor: Actor, input: { name: string; expiresInDays?: number | undefined }) {
      authorize(actor, "account:self");
      if (actor.kind !== "user") throw new AppError("forbidden", "only users own tokens");
      const now = clock.now();
      const id = d.ids("token");
      const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
      const days = input.expiresInDays ?? 90;
      const expiresAt = new Date(now.getTime() + days * 86_400_000);
      const name = input.name.trim();
      await db.transaction(async (tx) => {
        // A token made with a token is its child: revoking the parent revokes it too.
        const parentTokenId = actor.via === "token" ? (actor.tokenId ?? null) : null;
        await tx.insert(apiTokens).values({
          id,
          userId: actor.userId,
          name,
          tokenHash: sha256Hex(token),
          createdAt: now,
          expiresAt,
          parentTokenId,
        });
        await audit.record(tx, {
          type: "token.created",
          actor,
          subject: id,
          data: {
            tokenId: id,
            name,
            expiresAt: expiresAt.toISOString(),
            ...(parentTokenId ? { parentTokenId } : {}),
          },
        });
      });
      return { id, name, token, expiresAt };
    },

    async listTokens(actor: Actor) {
      authorize(actor, "account:self");
      if (actor.kind !== "user") return [];
      return db
        .select({
          id: apiTokens.id,
          name: apiTokens.name,
          createdAt: apiTokens.createdAt,
          expiresAt: apiTokens.expiresAt,
          lastUsedAt: apiTokens.lastUsedAt,
          revokedAt: apiTokens.revokedAt,
        })
        .from(apiTokens)
        .where(eq(apiTokens.userId, actor.userId))
        .orderBy(asc(apiTokens.createdAt));
    },

    async revokeToken(actor: Actor, tokenId: string): Promise<void> {
      authorize(actor, "account:self");
      if (actor.kind !== "user") throw notFound(`token ${tokenId}`);
      await db.transaction(async (tx) => {
        // Someone else's token answers exactly like a token that does not exist.
        const [t] = await tx
          .select()
          .from(apiTokens)
          .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.userId)));
        if (!t) throw notFound(`token ${tokenId}`);
        if (t.revokedAt) return;
        const now = clock.now();
        await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, tokenId));
        // Every token descended from this one goes with it, generation by generation.
        const cascaded: string[] = [];
        for (let frontier = [tokenId]; frontier.length > 0; ) {
          const children = await tx
            .select({ id: apiTokens.id, revokedAt: apiTokens.revokedAt })
            .from(apiTokens)
            .where(inArray(apiTokens.parentTokenId, frontier));
          const live = children.filter((c) => !c.revokedAt).map((c) => c.id);
          if (live.length)
            await tx.update(apiTokens).set({ revokedAt: now }).where(inArray(apiTokens.id, live));
          cascaded.push(...live);
          frontier = children.map((c) => c.id);
        }
        await audit.record(tx, {
          type: "token.revoked",
          actor,
          subject: tokenId,
          data: { tokenId, ...(cascaded.length ? { cascaded } : {}) },
        });
      });
    },

    async beginTotp(actor: Actor) {
      authorize(actor, "account:self");
      if (actor.kind !== "user") throw notFound("user");
      const [u] = await db.select().from(users).where(eq(users.id, actor.userId));
      if (!u) throw notFound("user");
      if (u.totpSecret)
        throw new AppError("invalid_state", "two-factor authentication is already on; disable it first");
      const secret = newTotpSecret();
      await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ totpPending: d.sealer.seal(secret, `users.totp_pending:${u.id}`) })
          .where(eq(users.id, u.id));
        await audit.record(tx, { type: "totp.enrolment_started", actor, subject: u.id, data: {} });
      });
      return { secret, otpauthUri: otpauthUri(secret, u.email) };
    },

    async confirmTotp(actor: Actor, code: string) {
      authorize(actor, "account:self");
      if (actor.kind !== "user") throw notFound("user");
      const [u] = await db.select().from(users).where(eq(users.id, actor.userId));
      if (!u) throw notFound("user");
      if (!u.totpPending)
        throw new AppError("invalid_state", "no two-factor enrolment in progress: start one first");
      const secret = d.sealer.open(u.totpPending, `users.totp_pending:${u.id}`);
      const step = checkTotp(secret, code, clock.now());
      if (step === null)
        throw new AppError(
          "invalid_totp",
          "the code does not match: check the authenticator's clock and try the current code",
        );
      const codes = newRecoveryCodes();
      await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({
            totpSecret: d.sealer.seal(secret, `users.totp_secret:${u.id}`),
            totpPending: null,
            totpLastStep: step,
          })
          .where(eq(users.id, u.id));
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, u.id));
        await tx.insert(recoveryCodes).values(
          codes.map((c) => ({
            id: d.ids("token"),
            userId: u.id,
            codeHash: hashRecoveryCode(c),
            usedAt: null,
          })),
        );
        await audit.record(tx, {
          type: "totp.enabled",
          actor,
          subject: u.id,
          data: { recoveryCodes: codes.length },
        });
      });
      return { recoveryCodes: codes };
    },

    async disableTotp(actor: Actor, password: string): Promise<void> {
      authorize(actor, "account:self");
      if (actor.kind !== "user") throw notFound("user");
      const [u] = await db.select().from(users).where(eq(users.id, actor.userId));
      if (!u) throw notFound("user");
      if (!(await d.passwords.verify(u.passwordHash, password))) {
        throw new AppError(
          "invalid_credentials",
          "the password is wrong; two-factor authentication stays on",
        );
      }
      await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ totpSecret: null, totpPending: null, totpLastStep: null })
          .where(eq(users.id, u.id));
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, u.id));
        await audit.record(tx, { type: "totp.disabled", actor, subject: u.id, data: {} });
      });
    },

    /** Deletes expired sessions and tokens; the periodic job calls it. Idempotent. */
    async expireCredentials(actor: Actor) {
      authorize(actor, "users:write");
      const now = clock.now();
      return db.transaction(async (tx) => {
        const s = await tx.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
        const t = await tx
          .delete(apiTokens)
          .where(
            or(
              lt(apiTokens.expiresAt, now),
              lt(apiTokens.revokedAt, new Date(now.getTime() - 30 * 86_400_000)),
            ),
          )
          .returning({ id: apiTokens.id });
        // Login throttles nobody has touched for a day are done with (a lock lasts an hour at most).
        await tx
          .delete(loginThrottle)
          .where(lt(loginThrottle.updatedAt, new Date(now.getTime() - 86_400_000)));
        if (s.length || t.length) {
          await audit.record(tx, {
            type: "credentials.expired",
            actor,
            data: { sessions: s.length, tokens: t.length },
          });
        }
        return { sessions: s.length, tokens: t.length };
      });
    },
  };
}

export type Accounts = ReturnType<typeof makeAccounts>;
