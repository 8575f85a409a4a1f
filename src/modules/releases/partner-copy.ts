// The partner side: the inbox, the caller's own copy and its files (every read
// audited) and acknowledgements (the scorecard's figures are in reads.ts).
import { and, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import type { Section } from "../../contract/enums.ts";
import { sha256Hex } from "../../platform/crypto.ts";
import { after, type PageInput, pageSize, toPage } from "../../platform/db/page.ts";
import { notFound } from "../../platform/errors.ts";
import type { CopyIdentifiers } from "../advisories/index.ts";
import { type AckStatus, ENGINE, PUBLIC_SECTIONS, type ReleaseContext } from "./context.ts";
import type { Engine } from "./engine.ts";
import type { Copy } from "./render.ts";
import { releaseAcks, releaseDeliveries, releasePlans, releaseWaves } from "./schema.ts";

/** Where a read came from (the request's address and user agent), kept in its audit entry. */
export type ReadClient = { ip: string | null; userAgent: string | null };

export function makePartnerCopy(c: ReleaseContext, engine: Pick<Engine, "deliverOne" | "partnerName">) {
  const { d, db, clock, audit } = c;
  const { renderSource } = c;
  const { deliveryFor, openCopy, latestAcks, copyRead } = c;
  const { deliverOne, partnerName } = engine;

  /** The caller's own copy; a member without one yet (joined after the wave) gets theirs rendered now. */
  async function ownCopy(actor: Actor, advisoryId: string) {
    if (actor.kind !== "user") throw notFound(`advisory ${advisoryId}`);
    const mine = await deliveryFor(db, advisoryId, actor.userId);
    if (mine) return mine;
    const org = await deliveryFor(db, advisoryId, actor.organisationId);
    if (!org) throw notFound(`advisory ${advisoryId}`);
    const e = await d.partners.eligibility(ENGINE, actor.organisationId);
    if (!e.eligible) throw notFound(`advisory ${advisoryId}`);
    const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.id, org.planId));
    const [wave] = await db.select().from(releaseWaves).where(eq(releaseWaves.id, org.waveId));
    if (!plan || !wave) throw notFound(`advisory ${advisoryId}`);
    await deliverOne(
      plan,
      wave,
      await renderSource(plan),
      org.sections as Section[],
      {
        kind: "user",
        id: actor.userId,
        partnerId: actor.organisationId,
        partnerName: await partnerName(actor.organisationId),
      },
      [],
    );
    const made = await deliveryFor(db, advisoryId, actor.userId);
    if (!made) throw notFound(`advisory ${advisoryId}`);
    return made;
  }

  /**
   * What a copy says about the clock and the advisory as it is now: embargoed until T0 (with T0), then
   * public with the public sections the copy lacks, so nobody has less than the public advisory; and
   * the current CVE IDs, CVSS and CWE (read with the delivery, copyRead).
   */
  async function copyState(
    copy: Copy,
    at: { planned: Date | null; publishedAt: Date | null; identifiers: Omit<CopyIdentifiers, "publishedAt"> },
  ) {
    const { planned, publishedAt, identifiers } = at;
    if (!publishedAt || publishedAt.getTime() > clock.now().getTime())
      return {
        embargo: { state: "embargoed" as const, publicAt: planned, publishedAt: null },
        publicSections: {},
        publicAt: planned,
        identifiers,
      };
    const publicSections: Partial<Record<Section, string>> = {};
    // The public advisory is read only when the copy lacks one of its sections.
    if (PUBLIC_SECTIONS.some((sct) => copy.sections[sct] === undefined)) {
      const pub = await d.advisories.publicAdvisory(copy.trackingId);
      for (const sct of PUBLIC_SECTIONS) {
        const text = sct === "summary" ? pub.summary : sct === "details" ? pub.details : "";
        if (copy.sections[sct] === undefined && text.trim()) publicSections[sct] = text;
      }
    }
    return {
      embargo: { state: "public" as const, publicAt: planned, publishedAt },
      publicSections,
      publicAt: null,
      identifiers,
    };
  }

  /** Every read of a copy (or one of its files) is audited; the first one is kept on the delivery. */
  async function recordRead(
    actor: Actor,
    advisoryId: string,
    row: { id: string; revision: number; firstReadAt: Date | null },
    client: ReadClient | undefined,
    fileId?: string,
  ) {
    const now = clock.now();
    // Group commit (ADR 0005): concurrent reads share one audit transaction; this read answers only
    // once its own entry (and the first-read time, in the same transaction) is durable.
    await audit.recordGrouped(
      {
        type: "release.copy_read",
        actor,
        subject: advisoryId,
        data: {
          deliveryId: row.id,
          revision: row.revision,
          ...(fileId ? { fileId } : {}),
          ...(client ? { ip: client.ip, userAgent: client.userAgent } : {}),
        },
      },
      row.firstReadAt
        ? undefined
        : async (tx) => {
            await tx
              .update(releaseDeliveries)
              .set({ firstReadAt: now })
              .where(and(eq(releaseDeliveries.id, row.id), isNull(releaseDeliveries.firstReadAt)));
          },
    );
  }

  /** Only an active partner reads its copies: suspended or removed, they stay stored for forensics. */
  async function partnerActive(partnerId: string): Promise<boolean> {
    const p = await d.partners.get(ENGINE, partnerId).catch(() => null);
    return p?.status === "active";
  }

  /** 404 (as if there were no copy) for a partner no longer active; a refused read of a copy is audited. */
  async function refuseIfInactive(actor: Actor, advisoryId: string) {
    if (actor.kind !== "user") throw notFound(`advisory ${advisoryId}`);
    const p = await d.partners.get(ENGINE, actor.organisationId).catch(() => null);
    if (p?.status === "active") return;
    const row =
      (await deliveryFor(db, advisoryId, actor.userId)) ??
      (await deliveryFor(db, advisoryId, actor.organisationId));
    if (row)
      await audit.record(db, {
        type: "release.copy_refused",
        actor,
        subject: advisoryId,
        data: { deliveryId: row.id, partnerStatus: p?.status ?? "unknown" },
      });
    throw notFound(`advisory ${advisoryId}`);
  }

  return {
    /**
     * The caller's advisories, newest delivery first, one page at a time: per advisory one copy, the
     * member's own when it exists, else the partner's.
     */
    async inbox(actor: Actor, p: PageInput = {}) {
      authorize(actor, "partner:self");
      const none = { items: [], nextCursor: null };
      if (actor.kind !== "user") return none;
      if (!(await partnerActive(actor.organisationId))) {
        await audit.record(db, { type: "release.inbox_viewed", actor, data: { entries: 0 } });
        return none;
      }
      const limit = pageSize(p);
      // One row per advisory: the member's own copy wins over the partner's when both exist.
      const chosen = db
        .selectDistinctOn([releaseDeliveries.advisoryId], {
          id: releaseDeliveries.id,
          advisoryId: releaseDeliveries.advisoryId,
          deliveredAt: releaseDeliveries.deliveredAt,
        })
        .from(releaseDeliveries)
        .where(
          or(
            eq(releaseDeliveries.recipientId, actor.userId),
            and(
              eq(releaseDeliveries.recipientId, actor.organisationId),
              eq(releaseDeliveries.recipientKind, "organisation"),
            ),
          ),
        )
        .orderBy(
          releaseDeliveries.advisoryId,
          desc(sql`${releaseDeliveries.recipientKind} = 'user'`),
          desc(releaseDeliveries.deliveredAt),
        )
        .as("chosen");
      const key = [chosen.deliveredAt, chosen.advisoryId];
      const picked = await db
        .select({ id: chosen.id, advisoryId: chosen.advisoryId, deliveredAt: chosen.deliveredAt })
        .from(chosen)
        .where(after(key, ["date", "string"], p.cursor, "desc"))
        .orderBy(...key.map((k) => desc(k)))
        .limit(limit + 1);
      const page = toPage(picked, limit, (r) => [r.deliveredAt, r.advisoryId]);
      const ids = page.items.map((r) => r.id);
      const found = ids.length
        ? await db.select().from(releaseDeliveries).where(inArray(releaseDeliveries.id, ids))
        : [];
      const byId = new Map(found.map((r) => [r.id, r]));
      const acks = await latestAcks(
        actor.organisationId,
        page.items.map((r) => r.advisoryId),
      );
      const out = [];
      for (const { id } of page.items) {
        const r = byId.get(id);
        if (!r) continue;
        const c = openCopy(r);
        const ack = acks.get(r.advisoryId);
        out.push({
          advisoryId: r.advisoryId,
          trackingId: c.trackingId,
          title: c.title,
          revision: r.revision,
          sections: r.sections,
          deliveredAt: r.deliveredAt,
          acknowledgement: ack ? { status: ack.status as AckStatus, at: ack.createdAt } : null,
        });
      }
      await audit.record(db, { type: "release.inbox_viewed", actor, data: { entries: out.length } });
      return { items: out, nextCursor: page.nextCursor };
    },

    /**
     * The caller's copy: one query for the delivery with the partner's status, the plan's T0, the
     * identifiers and the latest acknowledgement (copyRead), then the audited read (group commit),
     * whose entry keeps the request's address and user agent for the exposure timeline.
     */
    async copy(actor: Actor, advisoryId: string, client?: ReadClient) {
      authorize(actor, "partner:self");
      if (actor.kind !== "user") throw notFound(`advisory ${advisoryId}`);
      let r = await copyRead(advisoryId, actor.userId, actor.organisationId);
      if (!r) throw notFound(`advisory ${advisoryId}`);
      if (r.partnerStatus !== "active") {
        // 404 (as if there were no copy) for a partner no longer active; the refused read is audited.
        await audit.record(db, {
          type: "release.copy_refused",
          actor,
          subject: advisoryId,
          data: { deliveryId: r.delivery.id, partnerStatus: r.partnerStatus ?? "unknown" },
        });
        throw notFound(`advisory ${advisoryId}`);
      }
      if (r.delivery.recipientId !== actor.userId) {
        // A member without a copy of their own yet (joined after the wave): theirs is rendered now.
        await ownCopy(actor, advisoryId);
        r = await copyRead(advisoryId, actor.userId, actor.organisationId);
        if (!r || r.delivery.recipientId !== actor.userId) throw notFound(`advisory ${advisoryId}`);
      }
      const row = r.delivery;
      await recordRead(actor, advisoryId, row, client);
      const copy = openCopy(row);
      return {
        deliveryId: row.id,
        deliveredAt: row.deliveredAt,
        copy,
        acknowledgement: r.ack,
        ...(await copyState(copy, {
          planned: r.planPublicAt,
          publishedAt: r.publishedAt,
          identifiers: r.identifiers,
        })),
      };
    },

    /**
     * A file of the caller's own copy as bytes (binary files such as ZIP and pcap travel by reference
     * in the copy). 404 before the wave, for a file the copy does not list (another content level or
     * another advisory) and when the stored bytes no longer match the copy's SHA-256; audited as a
     * copy read.
     */
    async copyFile(actor: Actor, advisoryId: string, fileId: string, client?: ReadClient) {
      authorize(actor, "partner:self");
      await refuseIfInactive(actor, advisoryId);
      const row = await ownCopy(actor, advisoryId);
      const listed = openCopy(row).files.find((f) => f.id === fileId);
      if (!listed) throw notFound(`file ${fileId}`);
      // A text file is the recipient's own variant, stored in the copy; a binary file is sent as stored.
      const bytes =
        listed.text !== null
          ? Buffer.from(listed.text, "utf8")
          : (await d.advisories.downloadFile(ENGINE, advisoryId, fileId)).bytes;
      if (sha256Hex(bytes) !== listed.sha256) throw notFound(`file ${fileId}`);
      await recordRead(actor, advisoryId, row, client, fileId);
      return { filename: listed.filename, mediaType: listed.mediaType, bytes };
    },

    async acknowledge(
      actor: Actor,
      advisoryId: string,
      input: {
        status: AckStatus;
        note?: string | undefined;
        product?: string | undefined;
        signatureIds?: string[] | undefined;
      },
    ) {
      authorize(actor, "partner:self");
      if (actor.kind !== "user") throw notFound(`advisory ${advisoryId}`);
      await refuseIfInactive(actor, advisoryId);
      const org = await deliveryFor(db, advisoryId, actor.organisationId);
      if (!org) throw notFound(`advisory ${advisoryId}`);
      const id = d.ids("ack");
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx.insert(releaseAcks).values({
          id,
          advisoryId,
          partnerId: actor.organisationId,
          deliveryId: org.id,
          userId: actor.userId,
          status: input.status,
          note: input.note ?? null,
          product: input.product ?? null,
          signatureIds: input.signatureIds ?? [],
          createdAt: now,
        });
        await audit.record(tx, {
          type: "release.acknowledged",
          actor,
          subject: advisoryId,
          data: { ackId: id, status: input.status, product: input.product ?? null },
        });
      });
      return {
        id,
        advisoryId,
        status: input.status,
        note: input.note ?? null,
        product: input.product ?? null,
        signatureIds: input.signatureIds ?? [],
        createdAt: now,
      };
    },
  };
}
