// The accounts operations the partner programme needs, inside the caller's transaction: a partner
// organisation created by a public application, users invited without a password (they choose one
// through a single-use link), and members listed or disabled. Callers authorize the partner-level
// action; these check the narrower rule they own (partner roles only, in a partner organisation).
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { PARTNER_ROLES, type Role } from "../../authz/actions.ts";
import { type Actor, can } from "../../authz/authorize.ts";
import type { Clock } from "../../platform/clock.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import { AppError, conflict, forbidden, notFound } from "../../platform/errors.ts";
import type { IdGen, OrganisationId, UserId } from "../../platform/ids.ts";
import { checkPasswordPolicy, type PasswordHasher } from "./passwords.ts";
import { organisations, users } from "./schema.ts";

/** Stored instead of a hash until the invite is accepted: argon2 cannot verify it, so no login. */
export const INVITED_PASSWORD_HASH = "!invited";

/** A member of an organisation as the partners service lists them. */
function member(u: typeof users.$inferSelect) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    invited: u.passwordHash === INVITED_PASSWORD_HASH,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt,
  };
}

type Deps = { clock: Clock; ids: IdGen; audit: Pick<Audit, "record">; passwords: PasswordHasher };

export function makePartnerUsers(d: Deps) {
  const mayInvite = (actor: Actor) =>
    can(actor, "users:write") || can(actor, "partners:write") || can(actor, "partner:manage");

  return {
    /** A new `partner` organisation; actor null when a public application creates it. */
    async createPartnerOrganisation(tx: DbOrTx, actor: Actor | null, name: string): Promise<OrganisationId> {
      const id = d.ids("organisation");
      await tx.insert(organisations).values({ id, name, kind: "partner", createdAt: d.clock.now() });
      await d.audit.record(tx, {
        type: "organisation.created",
        actor,
        subject: id,
        data: { name, kind: "partner" },
      });
      return id;
    },

    async renameOrganisation(tx: DbOrTx, id: string, name: string): Promise<void> {
      await tx.update(organisations).set({ name }).where(eq(organisations.id, id));
    },

    /** A partner user who will set a password through an invite; actor null for a public application. */
    async createInvitedUser(
      tx: DbOrTx,
      actor: Actor | null,
      input: { email: string; name: string; role: Role; organisationId: string },
    ): Promise<UserId> {
      if (actor && !mayInvite(actor)) throw forbidden();
      if (!(PARTNER_ROLES as readonly Role[]).includes(input.role))
        throw new AppError(
          "validation_failed",
          `an invited member must be partner_admin or partner_analyst, not ${input.role}`,
        );
      if (
        actor?.kind === "user" &&
        can(actor, "partner:manage") &&
        actor.organisationId !== input.organisationId
      )
        throw notFound(`organisation ${input.organisationId}`);
      const [org] = await tx.select().from(organisations).where(eq(organisations.id, input.organisationId));
      if (org?.kind !== "partner") throw notFound(`organisation ${input.organisationId}`);
      const email = input.email.trim();
      const [dup] = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
      if (dup) throw conflict(`a user with email ${email} already exists`);
      const id = d.ids("user");
      // Staff placing someone in a partner (who then reads its copies) need a second person: the
      // account cannot log in until a different admin or coordinator confirms. The partner's own
      // admin inviting a colleague, and a public application's contact, need nobody else.
      const ownAdmin =
        actor?.kind === "user" &&
        can(actor, "partner:manage") &&
        actor.organisationId === input.organisationId;
      const pending = actor?.kind === "user" && !ownAdmin;
      const now = d.clock.now();
      await tx.insert(users).values({
        id,
        email,
        name: input.name.trim(),
        role: input.role,
        organisationId: input.organisationId,
        passwordHash: INVITED_PASSWORD_HASH,
        createdAt: now,
        ...(pending && actor?.kind === "user"
          ? {
              pendingRole: input.role,
              pendingKind: "create",
              pendingRequestedBy: actor.userId,
              pendingRequestedAt: now,
            }
          : {}),
      });
      await d.audit.record(tx, {
        type: "user.created",
        actor,
        subject: id,
        data: { email, role: input.role, organisationId: input.organisationId },
      });
      if (pending)
        await d.audit.record(tx, {
          type: "role_grant.requested",
          actor,
          subject: id,
          data: {
            email,
            role: input.role,
            previousRole: null,
            kind: "create",
            organisationId: input.organisationId,
            alert: true,
          },
        });
      return id;
    },

    /** Sets the first password of an invited user (the caller has checked the invite token). */
    async setInvitedPassword(tx: DbOrTx, userId: string, password: string): Promise<{ email: string }> {
      const [u] = await tx.select().from(users).where(eq(users.id, userId));
      if (!u || u.disabledAt) throw notFound("invite");
      checkPasswordPolicy(password, u.email);
      const passwordHash = await d.passwords.hash(password);
      await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
      return { email: u.email };
    },

    async listMembers(tx: DbOrTx, organisationId: string) {
      const rows = await tx
        .select()
        .from(users)
        .where(eq(users.organisationId, organisationId))
        .orderBy(asc(users.createdAt));
      return rows.map(member);
    },

    /** The members of many organisations in one query, each organisation's oldest first. */
    async listMembersOf(tx: DbOrTx, organisationIds: readonly string[]) {
      const out = new Map<string, ReturnType<typeof member>[]>();
      if (organisationIds.length === 0) return out;
      const rows = await tx
        .select()
        .from(users)
        .where(inArray(users.organisationId, [...new Set(organisationIds)]))
        .orderBy(asc(users.createdAt), asc(users.id));
      for (const u of rows) {
        if (!u.organisationId) continue;
        const list = out.get(u.organisationId) ?? [];
        list.push(member(u));
        out.set(u.organisationId, list);
      }
      return out;
    },

    /** A member of the organisation who was invited and never chose a password, by email. */
    async pendingInvitee(tx: DbOrTx, organisationId: string, email: string) {
      const [u] = await tx
        .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
        .from(users)
        .where(
          and(
            eq(users.organisationId, organisationId),
            sql`lower(${users.email}) = ${email.trim().toLowerCase()}`,
          ),
        );
      return u && u.passwordHash === INVITED_PASSWORD_HASH && !u.disabledAt ? { id: u.id } : null;
    },

    async member(tx: DbOrTx, organisationId: string, userId: string) {
      const [u] = await tx
        .select()
        .from(users)
        .where(and(eq(users.id, userId), eq(users.organisationId, organisationId)));
      return u ?? null;
    },

    /** Disables a member of the organisation: its sessions and tokens stop working at once. */
    async disableMember(tx: DbOrTx, organisationId: string, userId: string): Promise<{ email: string }> {
      const [u] = await tx
        .update(users)
        .set({ disabledAt: d.clock.now() })
        .where(and(eq(users.id, userId), eq(users.organisationId, organisationId)))
        .returning();
      if (!u) throw notFound(`member ${userId}`);
      return { email: u.email };
    },
  };
}

export type PartnerUsers = ReturnType<typeof makePartnerUsers>;

/** The actor of a named, enabled user (for `forewarn partners approve --as EMAIL` on the local data folder). */
export async function actorForEmail(tx: DbOrTx, email: string): Promise<Actor | null> {
  const [u] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
  if (!u || u.disabledAt) return null;
  return {
    kind: "user",
    userId: u.id as UserId,
    email: u.email,
    role: u.role,
    organisationId: u.organisationId as OrganisationId,
    via: "token",
  };
}
