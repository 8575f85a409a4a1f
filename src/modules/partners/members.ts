// A partner's people and endpoints: invitations (single use, expiring, only a hash stored), members,
// their OpenPGP keys (parsed and checked) and webhook endpoints (https, public hosts, secret shown once).
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import * as openpgp from "openpgp";
import type { Role } from "../../authz/actions.ts";
import { type Actor, can } from "../../authz/authorize.ts";
import { randomSecret, sha256Hex } from "../../platform/crypto.ts";
import { AppError, conflict, notFound } from "../../platform/errors.ts";
import { hostProblem } from "../../platform/net.ts";
import { authorizeAny, type Ctx } from "./context.ts";
import { invites, memberKeys, webhooks } from "./schema.ts";
import { INVITE_MAX_FAILURES, type makePartnerLifecycle } from "./service.ts";

export const MAX_WEBHOOKS = 10;

/** Why a webhook URL is refused, or null when it is acceptable. */
export function webhookUrlProblem(raw: string, allowPrivate = false): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (u.protocol !== "https:") return "must use https";
  if (u.username || u.password) return "must not carry credentials";
  if (u.hash) return "must not have a #fragment";
  // The same rules the delivery applies to every address it dials (platform/net.ts).
  return hostProblem(u, { allowPrivate });
}

export type ParsedKey = { fingerprint: string; userIds: string[]; algorithm: string; expiresAt: Date | null };

/** Parses an armored OpenPGP public key and checks it can be encrypted to at `now`. */
export async function parsePublicKey(armored: string, now: Date): Promise<ParsedKey> {
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(armored))
    throw new AppError(
      "validation_failed",
      "this is a private key: send only the public key (never share the private one)",
    );
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (e) {
    throw new AppError(
      "validation_failed",
      `not an armored OpenPGP public key: ${(e as Error).message.slice(0, 200)}`,
    );
  }
  if (key.isPrivate())
    throw new AppError("validation_failed", "this is a private key: send only the public key");
  if (await key.isRevoked(undefined, undefined, now))
    throw new AppError("validation_failed", "this key is revoked");
  const exp = await key.getExpirationTime();
  const expiresAt = exp instanceof Date ? exp : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime())
    throw new AppError("validation_failed", `this key expired on ${expiresAt.toISOString()}`);
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    throw new AppError(
      "validation_failed",
      "this key has no valid encryption subkey, so nothing could be encrypted to it",
    );
  }
  const info = key.getAlgorithmInfo();
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: key.getUserIDs().slice(0, 20),
    algorithm: `${info.algorithm}${info.bits ? ` ${info.bits}` : ""}${info.curve ? ` ${info.curve}` : ""}`,
    expiresAt,
  };
}

export function makeMembers(c: Ctx, life: ReturnType<typeof makePartnerLifecycle>) {
  const { db, clock, audit } = c;

  /** Live webhook endpoints of these partners with their signing secrets, in one query. */
  async function deliveryWebhooksOf(partnerIds: string[]) {
    if (partnerIds.length === 0) return [];
    const rows = await db
      .select()
      .from(webhooks)
      .where(and(inArray(webhooks.partnerId, partnerIds), isNull(webhooks.disabledAt)));
    return rows.map((w) => ({
      id: w.id,
      partnerId: w.partnerId,
      url: w.url,
      secret: c.sealer.open(w.secretSealed, `partner_webhooks.secret:${w.id}`),
    }));
  }

  return {
    async invite(actor: Actor, id: string, input: { email: string; role: Role; name?: string | undefined }) {
      authorizeAny(actor, "partners:write", "partner:manage");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage" });
        if (p.status === "removed" || p.status === "rejected")
          throw new AppError("invalid_state", `partner ${p.name} is ${p.status}; it takes no new members`);
        // Someone invited before who never accepted gets a fresh link; the old ones stop working.
        const pending = await c.partnerUsers.pendingInvitee(tx, id, input.email);
        if (pending)
          await tx
            .update(invites)
            .set({ usedAt: clock.now() })
            .where(and(eq(invites.userId, pending.id), isNull(invites.usedAt)));
        const userId =
          pending?.id ??
          (await c.partnerUsers.createInvitedUser(tx, actor, {
            email: input.email,
            name: input.name ?? input.email.split("@")[0] ?? input.email,
            role: input.role,
            organisationId: id,
          }));
        const { inviteUrl, expiresAt } = await life.issueInvite(tx, actor, {
          userId,
          email: input.email.trim(),
          role: input.role,
          organisationId: id,
          partnerName: p.name,
        });
        return { userId, inviteUrl, expiresAt };
      });
    },

    /**
     * Public: the holder of the link chooses a password; the link then stops working. A refused
     * password counts as a failed attempt, and after INVITE_MAX_FAILURES the link is void.
     */
    async acceptInvite(token: string, password: string) {
      const now = clock.now();
      const outcome = await db.transaction(async (tx) => {
        const [inv] = await tx
          .select()
          .from(invites)
          .where(eq(invites.tokenHash, sha256Hex(token)))
          .for("update");
        if (!inv) throw notFound("invite");
        if (inv.usedAt) throw new AppError("invalid_state", "this invite was already used; log in instead");
        if (inv.failedAttempts >= INVITE_MAX_FAILURES)
          throw new AppError(
            "invalid_state",
            "this invite is void after too many failed attempts; ask for a new one",
          );
        if (inv.expiresAt <= now)
          throw new AppError("invalid_state", "this invite has expired; ask for a new one");
        let email: string;
        try {
          ({ email } = await c.partnerUsers.setInvitedPassword(tx, inv.userId, password));
        } catch (e) {
          // Nothing was written before the refusal: count it here and let this transaction commit.
          if (!(e instanceof AppError) || e.code === "not_found") throw e;
          const failedAttempts = inv.failedAttempts + 1;
          const voided = failedAttempts >= INVITE_MAX_FAILURES;
          await tx.update(invites).set({ failedAttempts }).where(eq(invites.id, inv.id));
          await audit.record(tx, {
            type: "invite.failed",
            actor: null,
            subject: inv.userId,
            data: { userId: inv.userId, failedAttempts, voided },
          });
          return { refused: e };
        }
        await tx.update(invites).set({ usedAt: now }).where(eq(invites.id, inv.id));
        await audit.record(tx, {
          type: "invite.accepted",
          actor: null,
          subject: inv.userId,
          data: { userId: inv.userId },
        });
        return { userId: inv.userId, email };
      });
      if ("refused" in outcome) throw outcome.refused;
      return outcome;
    },

    async listMembers(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      return c.partnerUsers.listMembers(db, id);
    },

    /**
     * The members of many partners in one query, for staff and the release engine (a wave or a plan
     * of thousands of partners reads them 100 partners at a time, not one query per partner).
     * Unknown IDs are left out of the map.
     */
    async membersOf(actor: Actor, ids: readonly string[]) {
      authorizeAny(actor, "partners:read");
      return c.partnerUsers.listMembersOf(db, ids);
    },

    async removeMember(actor: Actor, id: string, userId: string) {
      authorizeAny(actor, "partners:write", "partner:manage");
      if (actor.kind === "user" && actor.userId === userId)
        throw conflict("you cannot remove yourself; ask another admin of your organisation or the programme");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage" });
        const { email } = await c.partnerUsers.disableMember(tx, id, userId);
        await tx
          .update(memberKeys)
          .set({ revokedAt: clock.now() })
          .where(and(eq(memberKeys.userId, userId), isNull(memberKeys.revokedAt)));
        await c.event(tx, actor, p, { type: "member_removed", data: { userId, email } });
        await audit.record(tx, { type: "member.removed", actor, subject: userId, data: { userId, email } });
      });
    },

    /** A member registers its own key; a partner_admin or staff may register one for any member. */
    async addKey(actor: Actor, id: string, input: { armored: string; userId?: string | undefined }) {
      authorizeAny(actor, "partners:write", "partner:self");
      const now = clock.now();
      await c.load(db, actor, id, { staff: "partners:write", own: "partner:self" });
      const parsed = await parsePublicKey(input.armored, now);
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:self" });
        const userId = input.userId ?? (actor.kind === "user" ? actor.userId : undefined);
        if (!userId) throw new AppError("validation_failed", "name the member (userId) the key belongs to");
        if (
          actor.kind === "user" &&
          userId !== actor.userId &&
          !can(actor, "partners:write") &&
          !can(actor, "partner:manage")
        )
          throw new AppError("forbidden", "a partner analyst registers only its own key");
        const member = await c.partnerUsers.member(tx, id, userId);
        if (!member) throw notFound(`member ${userId}`);
        const dup = await tx
          .select({ id: memberKeys.id })
          .from(memberKeys)
          .where(
            and(
              eq(memberKeys.partnerId, id),
              eq(memberKeys.fingerprint, parsed.fingerprint),
              isNull(memberKeys.revokedAt),
            ),
          );
        if (dup.length) throw conflict(`key ${parsed.fingerprint} is already registered`);
        const keyId = c.ids("memberKey");
        const row = {
          id: keyId,
          partnerId: p.organisationId,
          userId,
          fingerprint: parsed.fingerprint,
          userIds: parsed.userIds,
          algorithm: parsed.algorithm,
          expiresAt: parsed.expiresAt,
          armored: input.armored.trim(),
          createdAt: now,
          revokedAt: null,
        };
        await tx.insert(memberKeys).values(row);
        await audit.record(tx, {
          type: "key.registered",
          actor,
          subject: keyId,
          data: {
            keyId,
            userId,
            fingerprint: parsed.fingerprint,
            expiresAt: parsed.expiresAt?.toISOString() ?? null,
          },
        });
        return keyView(row, now);
      });
    },

    async listKeys(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      const rows = await db
        .select()
        .from(memberKeys)
        .where(eq(memberKeys.partnerId, id))
        .orderBy(asc(memberKeys.createdAt));
      return rows.map((r) => keyView(r, clock.now()));
    },

    async revokeKey(actor: Actor, id: string, keyId: string) {
      authorizeAny(actor, "partners:write", "partner:self");
      return db.transaction(async (tx) => {
        await c.load(tx, actor, id, { staff: "partners:write", own: "partner:self" });
        const [k] = await tx
          .select()
          .from(memberKeys)
          .where(and(eq(memberKeys.id, keyId), eq(memberKeys.partnerId, id)));
        if (!k) throw notFound(`key ${keyId}`);
        if (
          actor.kind === "user" &&
          k.userId !== actor.userId &&
          !can(actor, "partners:write") &&
          !can(actor, "partner:manage")
        )
          throw notFound(`key ${keyId}`);
        if (k.revokedAt) return;
        await tx.update(memberKeys).set({ revokedAt: clock.now() }).where(eq(memberKeys.id, keyId));
        await audit.record(tx, {
          type: "key.revoked",
          actor,
          subject: keyId,
          data: { keyId, fingerprint: k.fingerprint },
        });
      });
    },

    async addWebhook(actor: Actor, id: string, url: string) {
      authorizeAny(actor, "partners:write", "partner:manage");
      const problem = webhookUrlProblem(url, c.allowPrivateWebhooks);
      if (problem) throw new AppError("validation_failed", `webhook url ${problem}`);
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage" });
        const live = await tx
          .select({ id: webhooks.id })
          .from(webhooks)
          .where(and(eq(webhooks.partnerId, id), isNull(webhooks.disabledAt)));
        if (live.length >= MAX_WEBHOOKS)
          throw conflict(`a partner has at most ${MAX_WEBHOOKS} webhook endpoints`);
        const whId = c.ids("webhook");
        // Standard Webhooks form: `whsec_` + standard base64 (older secrets were base64url; both verify).
        const secret = `whsec_${Buffer.from(randomSecret(32), "base64url").toString("base64")}`;
        const now = clock.now();
        await tx.insert(webhooks).values({
          id: whId,
          partnerId: p.organisationId,
          url,
          secretSealed: c.sealer.seal(secret, `partner_webhooks.secret:${whId}`),
          createdBy: actor.kind === "user" ? actor.userId : null,
          createdAt: now,
        });
        await audit.record(tx, {
          type: "webhook.created",
          actor,
          subject: whId,
          data: { webhookId: whId, url },
        });
        return { id: whId, url, secret, createdAt: now };
      });
    },

    async listWebhooks(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      return db
        .select({ id: webhooks.id, url: webhooks.url, createdAt: webhooks.createdAt })
        .from(webhooks)
        .where(and(eq(webhooks.partnerId, id), isNull(webhooks.disabledAt)))
        .orderBy(asc(webhooks.createdAt));
    },

    async deleteWebhook(actor: Actor, id: string, webhookId: string) {
      authorizeAny(actor, "partners:write", "partner:manage");
      await db.transaction(async (tx) => {
        await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage" });
        const [w] = await tx
          .update(webhooks)
          .set({ disabledAt: clock.now() })
          .where(and(eq(webhooks.id, webhookId), eq(webhooks.partnerId, id), isNull(webhooks.disabledAt)))
          .returning();
        if (!w) throw notFound(`webhook ${webhookId}`);
        await audit.record(tx, {
          type: "webhook.deleted",
          actor,
          subject: webhookId,
          data: { webhookId, url: w.url },
        });
      });
    },

    /** For the release engine: members' keys that are neither revoked nor expired (server-internal). */
    async mailKeys(partnerId: string) {
      const now = clock.now();
      const rows = await db
        .select()
        .from(memberKeys)
        .where(and(eq(memberKeys.partnerId, partnerId), isNull(memberKeys.revokedAt)))
        .orderBy(asc(memberKeys.createdAt));
      return rows
        .filter((k) => !k.expiresAt || k.expiresAt.getTime() > now.getTime())
        .map((k) => ({ userId: k.userId, fingerprint: k.fingerprint, armored: k.armored }));
    },

    /** For the release engine: live endpoints with their signing secrets (no actor: server-internal). */
    deliveryWebhooks(partnerId: string) {
      return deliveryWebhooksOf([partnerId]);
    },

    /** deliveryWebhooks of many partners in one query (the first webhook attempts of a wave). */
    deliveryWebhooksOf,
  };
}

const keyView = (
  r: {
    id: string;
    userId: string;
    fingerprint: string;
    userIds: string[];
    algorithm: string;
    expiresAt: Date | null;
    createdAt: Date;
    revokedAt: Date | null;
  },
  now: Date,
) => ({
  id: r.id,
  userId: r.userId,
  fingerprint: r.fingerprint,
  userIds: r.userIds,
  algorithm: r.algorithm,
  expiresAt: r.expiresAt,
  createdAt: r.createdAt,
  revokedAt: r.revokedAt,
  usable: !r.revokedAt && (!r.expiresAt || r.expiresAt.getTime() > now.getTime()),
});
