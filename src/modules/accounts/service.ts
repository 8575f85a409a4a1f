// Accounts: organisations, users, password + TOTP login with back-off and lockout, sessions, API
// tokens, and the second factor. Every method authorizes first and audits in the same transaction.
import { and, asc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { type Role, STAFF_ROLES } from "../../authz/actions.ts";
import { type Actor, authorize, type UserActor } from "../../authz/authorize.ts";
import type { Clock } from "../../platform/clock.ts";
import { randomSecret, type Sealer, sha256Hex } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { AppError, conflict, notFound } from "../../platform/errors.ts";
import type { IdGen, OrganisationId, UserId } from "../../platform/ids.ts";
import { checkPasswordPolicy, type PasswordHasher } from "./passwords.ts";
import { apiTokens, organisations, recoveryCodes, sessions, users } from "./schema.ts";
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUri } from "./totp.ts";

export const LOCKOUT_AFTER = 5;
const LOCKOUT_BASE_MS = 60_000;
const LOCKOUT_MAX_MS = 60 * 60_000;
const TOUCH_EVERY_MS = 60_000;
export const TOKEN_PREFIX = "fw_";

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
};

type UserRow = typeof users.$inferSelect;

const view = (u: UserRow, organisationName: string): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  organisationId: u.organisationId,
  organisationName,
  totpEnabled: u.totpSecret !== null,
  createdAt: u.createdAt,
});

const actorOf = (u: UserRow, via: UserActor["via"], extra: Partial<UserActor> = {}): UserActor => ({
  kind: "user",
  userId: u.id as UserId,
  email: u.email,
  role: u.role as Role,
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

  /** Records a failed attempt and, past the limit, locks the account for a doubling period. */
  async function failLogin(u: UserRow, reason: "wrong_password" | "wrong_totp", ip?: string): Promise<never> {
    const now = clock.now();
    await db.transaction(async (tx) => {
      // Counted in the database, so parallel guesses cannot all read the same count and slip past the lock.
      const [row] = await tx
        .update(users)
        .set({ failedLogins: sql`${users.failedLogins} + 1` })
        .where(eq(users.id, u.id))
        .returning({ failed: users.failedLogins });
      const failed = row?.failed ?? u.failedLogins + 1;
      const lockMs =
        failed >= LOCKOUT_AFTER
          ? Math.min(LOCKOUT_BASE_MS * 2 ** (failed - LOCKOUT_AFTER), LOCKOUT_MAX_MS)
          : 0;
      const lockedUntil = lockMs ? new Date(now.getTime() + lockMs) : null;
      if (lockedUntil) await tx.update(users).set({ lockedUntil }).where(eq(users.id, u.id));
      await audit.record(tx, {
        type: "login.failed",
        actor: null,
        subject: u.id,
        data: { email: u.email, reason, ...(ip ? { ip } : {}) },
      });
      if (lockedUntil) {
        await audit.record(tx, {
          type: "account.locked",
          actor: null,
          subject: u.id,
          data: { until: lockedUntil.toISOString(), failedLogins: failed },
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
    await db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now })
        .where(eq(users.id, u.id));
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

  return {
    programmeOrganisation,

    async countAdmins(): Promise<number> {
      const [r] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(eq(users.role, "admin"));
      return r?.n ?? 0;
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
        });
      } catch (e) {
        // Two concurrent creations of one email: the unique index decides, the loser gets a 409.
        if (await findByEmail(email)) throw conflict(`a user with email ${email} already exists`);
        throw e;
      }
      return loadView(row.id);
    },

    async listUsers(actor: Actor): Promise<UserView[]> {
      authorize(actor, "users:read");
      const rows = await db
        .select()
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .orderBy(asc(users.createdAt));
      return rows.map((r) => view(r.users, r.organisations.name));
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

    async listOrganisations(actor: Actor) {
      authorize(actor, "users:read");
      return db.select().from(organisations).orderBy(asc(organisations.createdAt));
    },

    async login(input: LoginInput) {
      const now = clock.now();
      const u = await findByEmail(input.email);
      if (!u || u.disabledAt) {
        dummyHash ??= d.passwords.hash(randomSecret(16));
        await d.passwords.verify(await dummyHash, input.password);
        await audit.record(db, {
          type: "login.failed",
          actor: null,
          subject: u?.id ?? null,
          data: {
            email: input.email.slice(0, 320),
            reason: u ? "disabled" : "unknown_email",
            ...(input.ip ? { ip: input.ip } : {}),
          },
        });
        throw new AppError("invalid_credentials", "wrong email or password");
      }
      if (u.lockedUntil && u.lockedUntil > now) {
        await audit.record(db, {
          type: "login.failed",
          actor: null,
          subject: u.id,
          data: { email: u.email, reason: "locked", ...(input.ip ? { ip: input.ip } : {}) },
        });
        const seconds = Math.ceil((u.lockedUntil.getTime() - now.getTime()) / 1000);
        throw new AppError(
          "too_many_attempts",
          `too many failed logins for this account; try again after ${u.lockedUntil.toISOString()} (in ${seconds} s)`,
          { retryAfterSeconds: seconds },
        );
      }
      if (!(await d.passwords.verify(u.passwordHash, input.password)))
        return failLogin(u, "wrong_password", input.ip);
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
        if (!used) return failLogin(u, "wrong_totp", input.ip);
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
        return failLogin(u, "wrong_totp", input.ip);
      // Claim the step atomically: of two logins racing with one code, only one wins.
      const claimed = await db
        .update(users)
        .set({ totpLastStep: step })
        .where(and(eq(users.id, u.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
        .returning({ id: users.id });
      if (claimed.length === 0) return failLogin(u, "wrong_totp", input.ip);
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
      const [row] = await db
        .select()
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(
            eq(sessions.tokenHash, sha256Hex(token)),
            gt(sessions.expiresAt, now),
            isNull(users.disabledAt),
          ),
        );
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
      const [row] = await db
        .select()
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(
          and(
            eq(apiTokens.tokenHash, sha256Hex(token)),
            isNull(apiTokens.revokedAt),
            or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
            isNull(users.disabledAt),
          ),
        );
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
        await tx
          .insert(apiTokens)
          .values({ id, userId: actor.userId, name, tokenHash: sha256Hex(token), createdAt: now, expiresAt });
        await audit.record(tx, {
          type: "token.created",
          actor,
          subject: id,
          data: { tokenId: id, name, expiresAt: expiresAt.toISOString() },
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
        await tx.update(apiTokens).set({ revokedAt: clock.now() }).where(eq(apiTokens.id, tokenId));
        await audit.record(tx, { type: "token.revoked", actor, subject: tokenId, data: { tokenId } });
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
