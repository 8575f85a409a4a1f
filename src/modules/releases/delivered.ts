// What forensics reads of the deliveries, behind one export (deliveredRecords, in index.ts): tracing
// keys, recipients and their codewords, and the exposure records (waves, deliveries, audited reads
// with address and user agent, acknowledgements).
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { auditLog } from "../../audit/schema.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { releaseAcks, releaseDeliveries, releasePlans, releaseTracingKeys, releaseWaves } from "./schema.ts";

export type TracingKeyRef = { id: string; advisoryId: string; revision: number };

export type DeliveredRecipient = {
  deliveryId: string;
  tracingKeyId: string | null;
  advisoryId: string;
  revision: number;
  waveId: string;
  partnerId: string;
  recipientKind: "organisation" | "user";
  recipientId: string;
  sections: string[];
  deliveredAt: Date;
  firstReadAt: Date | null;
};

export type ScoredDelivery = Pick<
  DeliveredRecipient,
  "deliveryId" | "partnerId" | "recipientKind" | "recipientId"
>;

export type ExposureRecords = {
  publicAt: Date | null;
  publishedAt: Date | null;
  waves: { id: string; at: Date; tier: string | null; partnerIds: string[]; content: string[] }[];
  deliveries: DeliveredRecipient[];
  /** Every audited read of a copy or its files, with the request's address and user agent when recorded. */
  reads: {
    deliveryId: string;
    at: Date;
    actorId: string | null;
    fileId: string | null;
    ip: string | null;
    userAgent: string | null;
  }[];
  acks: { deliveryId: string; partnerId: string; userId: string; status: string; at: Date }[];
};

/** What forensics reads of the deliveries (see deliveredRecords). */
export type DeliveredSource = {
  /** Every tracing key of the advisory that has at least one delivery. */
  keysOf(advisoryId: string): Promise<TracingKeyRef[]>;
  /** Every tracing key with deliveries (for the shingle index). */
  allKeys(): Promise<TracingKeyRef[]>;
  /** The key file JSON (secret). */
  keyFile(tracingKeyId: string): Promise<unknown>;
  /** Recipients whose copy carries this key's fingerprint (a codeword is stored for them). */
  recipients(tracingKeyId: string): Promise<ScoredDelivery[]>;
  /** The codeword stored with one delivery (sealed at rest), or null. */
  storedCodeword(deliveryId: string): Promise<Uint8Array | null>;
  exposure(advisoryId: string): Promise<ExposureRecords>;
};

const toRecipient = (d: typeof releaseDeliveries.$inferSelect): DeliveredRecipient => ({
  deliveryId: d.id,
  tracingKeyId: d.tracingKeyId,
  advisoryId: d.advisoryId,
  revision: d.revision,
  waveId: d.waveId,
  partnerId: d.partnerId,
  recipientKind: d.recipientKind === "user" ? "user" : "organisation",
  recipientId: d.recipientId,
  sections: d.sections,
  deliveredAt: d.deliveredAt,
  firstReadAt: d.firstReadAt,
});

/**
 * What the release engine delivered, for forensics: the tracing keys ever used, each key's recipients
 * with their codewords, and what the exposure timeline shows (waves, T0, reads with address and user
 * agent, acknowledgements). The module reads its own tables and its own release.copy_read audit entries.
 * @example deliveredRecords({ db, sealer }).keysOf(advisoryId)
 */
export function deliveredRecords({ db, sealer }: { db: Db; sealer: Sealer }): DeliveredSource {
  const keysWhere = async (advisoryId?: string) => {
    const rows = await db
      .selectDistinct({
        id: releaseTracingKeys.id,
        advisoryId: releaseTracingKeys.advisoryId,
        revision: releaseTracingKeys.revision,
      })
      .from(releaseTracingKeys)
      .innerJoin(releaseDeliveries, eq(releaseDeliveries.tracingKeyId, releaseTracingKeys.id))
      .where(advisoryId ? eq(releaseTracingKeys.advisoryId, advisoryId) : undefined);
    return rows.sort((a, b) => a.id.localeCompare(b.id));
  };
  return {
    keysOf: (advisoryId) => keysWhere(advisoryId),
    allKeys: () => keysWhere(),
    async keyFile(id) {
      const [row] = await db.select().from(releaseTracingKeys).where(eq(releaseTracingKeys.id, id));
      if (!row) throw new Error(`tracing key ${id} not found`);
      return JSON.parse(sealer.open(row.keySealed, `release_tracing_keys.key:${id}`));
    },
    async recipients(id) {
      // Only what scoring needs: ten thousand full rows (sealed copies included) take seconds to load.
      const rows = await db
        .select({
          deliveryId: releaseDeliveries.id,
          partnerId: releaseDeliveries.partnerId,
          recipientKind: releaseDeliveries.recipientKind,
          recipientId: releaseDeliveries.recipientId,
        })
        .from(releaseDeliveries)
        .where(and(eq(releaseDeliveries.tracingKeyId, id), isNotNull(releaseDeliveries.codewordSealed)));
      return rows
        .map((d) => ({
          ...d,
          recipientKind: d.recipientKind === "user" ? ("user" as const) : ("organisation" as const),
        }))
        .sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
    },
    async storedCodeword(deliveryId) {
      const [d] = await db.select().from(releaseDeliveries).where(eq(releaseDeliveries.id, deliveryId));
      if (!d?.codewordSealed) return null;
      return new Uint8Array(
        Buffer.from(sealer.open(d.codewordSealed, `release_deliveries.codeword:${d.id}`), "base64"),
      );
    },
    async exposure(advisoryId) {
      const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.advisoryId, advisoryId));
      const waves = plan
        ? await db
            .select()
            .from(releaseWaves)
            .where(eq(releaseWaves.planId, plan.id))
            .orderBy(asc(releaseWaves.at))
        : [];
      const deliveries = (
        await db
          .select()
          .from(releaseDeliveries)
          .where(eq(releaseDeliveries.advisoryId, advisoryId))
          .orderBy(asc(releaseDeliveries.deliveredAt), asc(releaseDeliveries.id))
      ).map(toRecipient);
      const readRows = await db
        .select({ at: auditLog.at, actorId: auditLog.actorId, payload: auditLog.payload })
        .from(auditLog)
        .where(and(eq(auditLog.type, "release.copy_read"), eq(auditLog.subject, advisoryId)))
        .orderBy(asc(auditLog.seq));
      const ids = new Set(deliveries.map((d) => d.deliveryId));
      const reads = readRows.flatMap((r) => {
        const p = r.payload as {
          deliveryId?: string;
          fileId?: string;
          ip?: string | null;
          userAgent?: string | null;
        };
        return p.deliveryId && ids.has(p.deliveryId)
          ? [
              {
                deliveryId: p.deliveryId,
                at: r.at,
                actorId: r.actorId,
                fileId: p.fileId ?? null,
                ip: p.ip ?? null,
                userAgent: p.userAgent ?? null,
              },
            ]
          : [];
      });
      const acks = deliveries.length
        ? await db
            .select()
            .from(releaseAcks)
            .where(
              and(
                eq(releaseAcks.advisoryId, advisoryId),
                inArray(
                  releaseAcks.deliveryId,
                  deliveries.map((d) => d.deliveryId),
                ),
              ),
            )
            .orderBy(asc(releaseAcks.createdAt))
        : [];
      return {
        publicAt: plan?.publicAt ?? null,
        publishedAt: plan?.publishedAt ?? null,
        waves: waves.map((w) => ({
          id: w.id,
          at: w.at,
          tier: w.tier,
          partnerIds: w.partnerIds,
          content: w.content,
        })),
        deliveries,
        reads,
        acks: acks.map((a) => ({
          deliveryId: a.deliveryId,
          partnerId: a.partnerId,
          userId: a.userId,
          status: a.status,
          at: a.createdAt,
        })),
      };
    },
  };
}
