// What investigators, coordinators and admins read of canary hits: the list (newest first, cursor
// pagination, optionally one advisory's), the summary behind the UI badge (unseen hits, hits not
// stored because of the rate limit, unknown tokens counted today), and marking hits seen.
import { and, count, desc, eq, inArray, isNull, lt, max, or, type SQL, sql } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { badRequest } from "../../platform/errors.ts";
import type { CanaryDeps } from "./context.ts";
import { canaryHits, canaryTokens, canaryTokenWindows, canaryUnknownHits } from "./schema.ts";

export const MAX_PAGE = 200;

type Cursor = { at: Date; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString("base64url");
}

function decodeCursor(s: string): Cursor {
  const [iso, id] = Buffer.from(s, "base64url").toString("utf8").split("|");
  const at = new Date(iso ?? "");
  if (!id || !/^cnh_[0-9A-HJKMNP-TV-Z]{26}$/.test(id) || Number.isNaN(at.getTime()))
    throw badRequest("cursor is not one this API returned; start again without it");
  return { at, id };
}

export function makeListing(d: CanaryDeps) {
  async function unseenCount(): Promise<number> {
    const [r] = await d.db.select({ n: count() }).from(canaryHits).where(isNull(canaryHits.seenAt));
    return r?.n ?? 0;
  }

  /** Hits not stored because their token was over the limit, for every token (or one advisory's). */
  async function suppressedCount(advisoryId?: string): Promise<number> {
    const [r] = await d.db
      .select({ n: sql<number>`coalesce(sum(${canaryTokenWindows.suppressed}), 0)::int` })
      .from(canaryTokenWindows)
      .innerJoin(canaryTokens, eq(canaryTokens.id, canaryTokenWindows.tokenId))
      .where(advisoryId ? eq(canaryTokens.advisoryId, advisoryId) : undefined);
    return r?.n ?? 0;
  }

  return {
    async listHits(
      actor: Actor,
      q: { advisoryId?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
    ) {
      authorize(actor, "canaries:read");
      const limit = Math.min(Math.max(q.limit ?? 50, 1), MAX_PAGE);
      const where: SQL[] = [];
      if (q.advisoryId) where.push(eq(canaryHits.advisoryId, q.advisoryId));
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        const older = or(lt(canaryHits.at, c.at), and(eq(canaryHits.at, c.at), lt(canaryHits.id, c.id)));
        if (older) where.push(older);
      }
      const rows = await d.db
        .select()
        .from(canaryHits)
        .where(and(...where))
        .orderBy(desc(canaryHits.at), desc(canaryHits.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const names = await d.accounts.namesOf({
        userIds: page.filter((r) => r.recipientKind === "user").map((r) => r.recipientId),
        organisationIds: page.map((r) => r.partnerId),
      });
      await d.audit.record(d.db, {
        type: "canary.hits_viewed",
        actor,
        subject: q.advisoryId ?? null,
        data: { advisoryId: q.advisoryId ?? null, entries: page.length },
      });
      return {
        items: page.map((r) => {
          const partnerName = names.organisations.get(r.partnerId) ?? null;
          const user = r.recipientKind === "user" ? names.users.get(r.recipientId) : undefined;
          return {
            id: r.id,
            at: r.at,
            kind: r.kind,
            source: r.source,
            detail: r.detail,
            userAgent: r.userAgent,
            advisoryId: r.advisoryId,
            planId: r.planId,
            deliveryId: r.deliveryId,
            partner: { id: r.partnerId, name: partnerName },
            recipient: {
              kind: r.recipientKind as "organisation" | "user",
              id: r.recipientId,
              name: user ? user.name : r.recipientKind === "organisation" ? partnerName : null,
              email: user?.email ?? null,
            },
            seenAt: r.seenAt,
            seenBy: r.seenBy,
          };
        }),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
        unseen: await unseenCount(),
        suppressed: await suppressedCount(q.advisoryId),
      };
    },

    /** The badge: unseen hits, all hits, the newest, and what was only counted. Not audited (polled). */
    async summary(actor: Actor) {
      authorize(actor, "canaries:read");
      const [all] = await d.db.select({ n: count(), last: max(canaryHits.at) }).from(canaryHits);
      const day = d.clock.now().toISOString().slice(0, 10);
      const unknown = await d.db.select().from(canaryUnknownHits).where(eq(canaryUnknownHits.day, day));
      return {
        unseen: await unseenCount(),
        total: all?.n ?? 0,
        lastHitAt: all?.last ?? null,
        suppressed: await suppressedCount(),
        unknownToday: {
          dns: unknown.find((u) => u.kind === "dns")?.count ?? 0,
          url: unknown.find((u) => u.kind === "url")?.count ?? 0,
        },
      };
    },

    /** Marks the given hits (or every unseen one) seen by the caller; returns how many changed. */
    async markSeen(actor: Actor, input: { hitIds?: string[] | undefined; all?: boolean | undefined }) {
      authorize(actor, "canaries:triage");
      if (!input.all && !input.hitIds?.length) throw badRequest("name hitIds, or send all: true");
      const by = actor.kind === "user" ? actor.userId : actor.name;
      return d.db.transaction(async (tx) => {
        const changed = await tx
          .update(canaryHits)
          .set({ seenAt: d.clock.now(), seenBy: by })
          .where(
            and(
              isNull(canaryHits.seenAt),
              input.all ? undefined : inArray(canaryHits.id, input.hitIds ?? []),
            ),
          )
          .returning({ id: canaryHits.id });
        await d.audit.record(tx, { type: "canary.hits_seen", actor, data: { hits: changed.length } });
        return { marked: changed.length };
      });
    },
  };
}
