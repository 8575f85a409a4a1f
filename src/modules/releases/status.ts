// What staff and the other modules see of releases under way: the live wave view per channel, the
// plan's publishing state, and the dashboard's figures. Times and counts only, never content.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { notFound } from "../../platform/errors.ts";
import type { AckStatus, ReleaseContext } from "./context.ts";
import { releaseMails } from "./email-schema.ts";
import {
  releaseAcks,
  releaseDeliveries,
  releaseExclusions,
  releasePlans,
  releaseWaves,
  releaseWebhookMessages,
} from "./schema.ts";
import { statesWhere } from "./states.ts";

/** What the live view reads of a message on either channel (webhook or mail): whose, and how it went. */
function outcome<T extends typeof releaseWebhookMessages | typeof releaseMails>(t: T) {
  return {
    deliveryId: t.deliveryId,
    partnerId: t.partnerId,
    status: t.status,
    attempts: t.attempts,
    lastError: t.lastError,
  };
}

export function makeStatus(c: ReleaseContext) {
  const { db, clock } = c;
  const { planRow } = c;

  return {
    /** Release plans armed, fired or broken: releases under way or done (a dashboard count). */
    async countReleases(): Promise<number> {
      const rows = await db
        .select({ id: releasePlans.id })
        .from(releasePlans)
        .where(inArray(releasePlans.state, statesWhere("released")));
      return rows.length;
    },

    /** The next armed T0 still to come (the overview's "Next release"; a time, no content). */
    async nextRelease(): Promise<Date | null> {
      const [p] = await db
        .select({ publicAt: releasePlans.publicAt })
        .from(releasePlans)
        .where(and(eq(releasePlans.state, "armed"), gt(releasePlans.publicAt, clock.now())))
        .orderBy(asc(releasePlans.publicAt))
        .limit(1);
      return p?.publicAt ?? null;
    },

    /**
     * The live wave view: per wave, deliveries per channel (portal/API copies and reads, webhooks
     * sent, failed, pending), failures and withholdings, and each partner's latest acknowledgement.
     * Times and counts only, never content.
     */
    async status(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:read");
      const p = await planRow(db, advisoryId);
      if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
      const waves = await db
        .select()
        .from(releaseWaves)
        .where(eq(releaseWaves.planId, p.id))
        .orderBy(asc(releaseWaves.position));
      const deliveries = await db
        .select({
          id: releaseDeliveries.id,
          waveId: releaseDeliveries.waveId,
          partnerId: releaseDeliveries.partnerId,
          kind: releaseDeliveries.recipientKind,
          firstReadAt: releaseDeliveries.firstReadAt,
        })
        .from(releaseDeliveries)
        .where(eq(releaseDeliveries.planId, p.id));
      const waveOfDelivery = new Map(deliveries.map((x) => [x.id, x.waveId]));
      const messages = await db
        .select(outcome(releaseWebhookMessages))
        .from(releaseWebhookMessages)
        .where(eq(releaseWebhookMessages.advisoryId, advisoryId));
      const mails = await db
        .select({ ...outcome(releaseMails), messageId: releaseMails.messageId })
        .from(releaseMails)
        .where(eq(releaseMails.advisoryId, advisoryId));
      const withheld = await db
        .select()
        .from(releaseExclusions)
        .where(and(eq(releaseExclusions.planId, p.id), eq(releaseExclusions.kind, "withheld")));
      const acks = await db
        .select()
        .from(releaseAcks)
        .where(eq(releaseAcks.advisoryId, advisoryId))
        .orderBy(asc(releaseAcks.createdAt), asc(releaseAcks.id));
      const latest = new Map<string, AckStatus>();
      for (const a of acks) latest.set(a.partnerId, a.status as AckStatus);
      return {
        planId: p.id,
        state: p.state,
        publicAt: p.publicAt,
        now: clock.now(),
        waves: waves.map((w) => {
          const mine = deliveries.filter((x) => x.waveId === w.id);
          const partnersReached = new Set(mine.map((x) => x.partnerId));
          const hooks = messages.filter((m) => m.deliveryId && waveOfDelivery.get(m.deliveryId) === w.id);
          const count = (st: string) => hooks.filter((m) => m.status === st).length;
          const mailsOf = mails.filter((m) => waveOfDelivery.get(m.deliveryId) === w.id);
          const mailCount = (st: string) => mailsOf.filter((m) => m.status === st).length;
          const ackCount = (st: AckStatus) =>
            [...partnersReached].filter((id) => latest.get(id) === st).length;
          return {
            id: w.id,
            at: w.at,
            kind: w.kind,
            tier: w.tier,
            firedAt: w.firedAt,
            partners: w.partnerIds.length,
            portal: {
              partners: partnersReached.size,
              copies: mine.length,
              read: mine.filter((x) => x.firstReadAt).length,
            },
            webhooks: { succeeded: count("succeeded"), failed: count("failed"), pending: count("pending") },
            email: {
              // Without SMTP a notice is only queued in the outbox (no Message-ID): not sent.
              sent: mailsOf.filter((m) => m.status === "sent" && m.messageId !== null).length,
              queued: mailsOf.filter((m) => m.status === "sent" && m.messageId === null).length,
              pending: mailCount("pending"),
              failed: mailCount("failed"),
              skipped: mailCount("skipped"),
            },
            acks: {
              received: ackCount("received"),
              in_progress: ackCount("in_progress"),
              shipped: ackCount("shipped"),
              none: [...partnersReached].filter((id) => !latest.has(id)).length,
            },
            failures: [
              ...hooks.map((m) => ({ ...m, channel: "webhook" })),
              ...mailsOf.map((m) => ({ ...m, channel: "email" })),
            ]
              .filter((m) => m.status === "failed" || (m.status === "pending" && m.attempts > 0))
              .map((m) => ({
                channel: m.channel,
                partnerId: m.partnerId,
                status: m.status,
                attempts: m.attempts,
                error: m.lastError,
              })),
            withheld: withheld
              .filter((x) => x.waveId === w.id)
              .map((x) => ({ partnerId: x.partnerId, reason: x.reason })),
          };
        }),
      };
    },
  };
}
