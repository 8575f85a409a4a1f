// What forensics reads of canaries: every stored hit of an advisory. It needs the database only, so
// the composition root builds it before forensics, and forensics before canaries (which tells
// forensics of each new hit): no service waits for another built after it.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db/client.ts";
import type { StoredHit } from "./context.ts";
import { canaryHits } from "./schema.ts";

export function makeCanaryReads(d: { db: Db }) {
  return {
    /** Every stored hit of an advisory, oldest first (for forensics: certain attributions). */
    async hitsOf(advisoryId: string): Promise<StoredHit[]> {
      const rows = await d.db
        .select()
        .from(canaryHits)
        .where(eq(canaryHits.advisoryId, advisoryId))
        .orderBy(asc(canaryHits.at), asc(canaryHits.id));
      return rows.map((h) => ({
        hitId: h.id,
        advisoryId: h.advisoryId,
        deliveryId: h.deliveryId,
        partnerId: h.partnerId,
        recipientKind: h.recipientKind,
        recipientId: h.recipientId,
        kind: h.kind,
        at: h.at,
      }));
    },
  };
}

export type CanaryReads = ReturnType<typeof makeCanaryReads>;
