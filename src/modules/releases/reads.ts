// What the modules the release engine depends on read of it: whether an advisory's plan will publish
// it (advisories) and a partner's scorecard figures (partners). These need the database only, so the
// composition root builds them before advisories and partners, and those get them at construction:
// the release engine itself is built after both and reads them through their services.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db/client.ts";
import { releaseAcks, releaseDeliveries, releasePlans } from "./schema.ts";
import { is } from "./states.ts";

/** A partner's delivery figures for the scorecard (server-internal: no actor). */
export type ScorecardFigures = {
  /** Advisories the partner received (its machine copy). */
  received: number;
  /** Of those, the ones it acknowledged. */
  acknowledged: number;
  /** Median seconds from delivery to the first acknowledgement; null when none. */
  medianAckSeconds: number | null;
  /** Advisories the partner shipped a protection for. */
  shipped: number;
};

export function makeReleaseReads(d: { db: Db }) {
  const { db } = d;
  return {
    /** The plan's state while it will publish the advisory (draft, approved, armed, broken), else null. */
    async liveState(advisoryId: string): Promise<string | null> {
      const [p] = await db
        .select({ state: releasePlans.state })
        .from(releasePlans)
        .where(eq(releasePlans.advisoryId, advisoryId));
      return p && is(p.state, "publishing") ? p.state : null;
    },

    /** Who has a copy of the advisory and since when, oldest first: no content (the CLI demo's progress). */
    async deliveriesOf(advisoryId: string) {
      return db
        .select({
          id: releaseDeliveries.id,
          partnerId: releaseDeliveries.partnerId,
          recipientKind: releaseDeliveries.recipientKind,
          sections: releaseDeliveries.sections,
          deliveredAt: releaseDeliveries.deliveredAt,
        })
        .from(releaseDeliveries)
        .where(eq(releaseDeliveries.advisoryId, advisoryId))
        .orderBy(asc(releaseDeliveries.deliveredAt), asc(releaseDeliveries.id));
    },

    /**
     * Figures for the partner scorecard (for the partners module to show; no actor: server-internal):
     * advisories received, acknowledged, median seconds from delivery to the first acknowledgement,
     * protections shipped.
     */
    async scorecardFigures(partnerId: string): Promise<ScorecardFigures> {
      const received = await db
        .select()
        .from(releaseDeliveries)
        .where(
          and(
            eq(releaseDeliveries.partnerId, partnerId),
            eq(releaseDeliveries.recipientKind, "organisation"),
          ),
        );
      const acks = await db
        .select()
        .from(releaseAcks)
        .where(eq(releaseAcks.partnerId, partnerId))
        .orderBy(asc(releaseAcks.createdAt));
      const firstAck = new Map<string, Date>();
      for (const a of acks) if (!firstAck.has(a.advisoryId)) firstAck.set(a.advisoryId, a.createdAt);
      const delays = received
        .filter((r) => firstAck.has(r.advisoryId))
        .map((r) => ((firstAck.get(r.advisoryId) as Date).getTime() - r.deliveredAt.getTime()) / 1000)
        .sort((a, b) => a - b);
      const mid = Math.floor(delays.length / 2);
      const median =
        delays.length === 0
          ? null
          : delays.length % 2
            ? (delays[mid] as number)
            : ((delays[mid - 1] as number) + (delays[mid] as number)) / 2;
      return {
        received: received.length,
        acknowledged: delays.length,
        medianAckSeconds: median,
        shipped: new Set(acks.filter((a) => a.status === "shipped").map((a) => a.advisoryId)).size,
      };
    },
  };
}

export type ReleaseReads = ReturnType<typeof makeReleaseReads>;
