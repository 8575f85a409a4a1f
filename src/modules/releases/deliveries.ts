// A wave's deliveries: each recipient's copy (rendered through the fingerprint seam with the plan's
// tracing key: its own wording, file variants and canary tokens), its sealed codeword, its idempotency
// key (plan:recipient), its audit entry, its canary tokens (by hash), a member's mail or the
// partner's webhook messages, committed together.
import { eq, sql } from "drizzle-orm";
import type { Section } from "../../contract/enums.ts";
import { sha256Hex } from "../../platform/crypto.ts";
import { type DbOrTx, queryRows } from "../../platform/db/client.ts";
import { storePlacedTokens } from "../canaries/index.ts";
import { ENGINE, type PlanRow, type ReleaseContext, type WaveRow } from "./context.ts";
import { NO_FINGERPRINT, type Recipient, type RenderSource, renderCopy } from "./render.ts";
import { releaseDeliveries, releasePlans, releaseWebhookMessages } from "./schema.ts";
import { is } from "./states.ts";
import { fingerprintCopy } from "./tracing.ts";

export type DeliveryItem = {
  recipient: Recipient;
  sections: Section[];
  endpoints: { id: string; url: string }[];
};

/** Column arrays of a batch of deliveries, one value per delivery. */
type DeliveryColumns = Record<
  | "ids"
  | "keys"
  | "partnerIds"
  | "kinds"
  | "recipientIds"
  | "sections"
  | "copies"
  | "shas"
  | "codewords"
  | "keyIds",
  (string | null)[]
>;

/**
 * Inserts a batch of deliveries with `unnest`: the statement has the same fifteen parameters for one
 * row or a thousand. A recipient that already has its row (its idempotency key) is skipped. Returns
 * the IDs inserted.
 */
async function insertDeliveries(
  tx: DbOrTx,
  b: DeliveryColumns & {
    planId: string;
    waveId: string;
    advisoryId: string;
    revision: number;
    deliveredAt: Date;
  },
): Promise<Set<string>> {
  const a = (values: (string | null)[]) => sql`${sql.param(values)}::text[]`;
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`
    insert into ${releaseDeliveries} (id, idempotency_key, plan_id, wave_id, advisory_id, partner_id,
      recipient_kind, recipient_id, revision, sections, copy_sealed, copy_sha256, codeword_sealed,
      tracing_key_id, delivered_at)
    select v.id, v.key, ${b.planId}, ${b.waveId}, ${b.advisoryId}, v.partner, v.kind, v.recipient,
      ${b.revision}::int, v.sections::jsonb, v.copy, v.sha, v.codeword, v.key_id,
      ${b.deliveredAt.toISOString()}::timestamptz
    from unnest(${a(b.ids)}, ${a(b.keys)}, ${a(b.partnerIds)}, ${a(b.kinds)}, ${a(b.recipientIds)},
      ${a(b.sections)}, ${a(b.copies)}, ${a(b.shas)}, ${a(b.codewords)}, ${a(b.keyIds)})
      as v(id, key, partner, kind, recipient, sections, copy, sha, codeword, key_id)
    on conflict do nothing
    returning id`,
  );
  return new Set(rows.map((r) => r.id));
}

export function makeDeliveries(c: ReleaseContext) {
  const { d, db, clock, audit, email, tracing, canary } = c;

  type Made = { deliveryId: string; recipient: Recipient; messages: string[] };

  /**
   * Deliveries in one transaction, each as it would be alone: the copy, its own idempotency key, its
   * audit entry, a member's mail or the partner's webhook messages. A recipient that already has its
   * row is skipped; nothing is written when the plan stopped (cancelled, moved) meanwhile or the
   * wave's time has not come. Returns the new deliveries.
   */
  async function deliverBatch(plan: PlanRow, wave: WaveRow, source: RenderSource, items: DeliveryItem[]) {
    return writeBatch(plan, wave, source, await prepareBatch(plan, source, items));
  }

  /**
   * Renders and seals each recipient's copy: CPU only, no transaction. The engine prepares the next
   * batch while the database writes the one before (writeBatch).
   */
  async function prepareBatch(plan: PlanRow, source: RenderSource, items: DeliveryItem[]) {
    // The key is opened and compiled once per plan and revision, then shared by every copy.
    const plain = d.plainCopiesForBenchmark === true;
    const rt = plain ? null : await tracing.runtimeFor(plan, source);
    return items.map((it) => {
      const { copy, codeword, canaries } = renderCopy(
        source,
        it.sections,
        it.recipient,
        plain ? NO_FINGERPRINT : (cp, r) => fingerprintCopy(rt, canary, cp, r),
      );
      const id = d.ids("delivery");
      const json = JSON.stringify(copy);
      return {
        ...it,
        id,
        // Sealed before the transaction opens, as the copy is rendered: the transaction only writes.
        copySealed: d.sealer.seal(json, `release_deliveries.copy:${id}`),
        copySha256: sha256Hex(json),
        codewordSealed: codeword
          ? d.sealer.seal(Buffer.from(codeword).toString("base64"), `release_deliveries.codeword:${id}`)
          : null,
        keyId: codeword && rt ? rt.keyId : null,
        canaries: canaries ?? [],
      };
    });
  }

  /** Writes prepared deliveries in one transaction (see deliverBatch); returns the new ones. */
  async function writeBatch(
    plan: PlanRow,
    wave: WaveRow,
    source: RenderSource,
    prepared: Awaited<ReturnType<typeof prepareBatch>>,
  ) {
    const made: Made[] = [];
    const ok = await db.transaction(async (tx) => {
      const [p] = await tx
        .select({ state: releasePlans.state, version: releasePlans.version })
        .from(releasePlans)
        .where(eq(releasePlans.id, plan.id))
        .for("share");
      if (!p || !is(p.state, "delivering") || p.version !== plan.version) return false;
      const now = clock.now();
      if (p.state !== "broken" && now.getTime() < wave.at.getTime()) return false;
      if (prepared.length === 0) return true;
      // One statement whose size does not grow with the batch: each column is one array parameter
      // (building a 100-row insert value by value cost more than rendering the copies).
      const col = (f: (p: (typeof prepared)[number]) => string | null) => prepared.map(f);
      const inserted = await insertDeliveries(tx, {
        planId: plan.id,
        waveId: wave.id,
        advisoryId: plan.advisoryId,
        revision: source.revision,
        deliveredAt: now,
        ids: col((p) => p.id),
        keys: col((p) => `${plan.id}:${p.recipient.id}`),
        partnerIds: col((p) => p.recipient.partnerId),
        kinds: col((p) => p.recipient.kind),
        recipientIds: col((p) => p.recipient.id),
        sections: col((p) => JSON.stringify(p.sections)),
        copies: col((p) => p.copySealed),
        shas: col((p) => p.copySha256),
        codewords: col((p) => p.codewordSealed),
        keyIds: col((p) => p.keyId),
      });
      const tokens = prepared.flatMap(({ id, recipient, canaries }) =>
        inserted.has(id)
          ? canaries.map((t) => ({
              id: d.ids("canaryToken"),
              token: t.token,
              kind: t.kind,
              advisoryId: plan.advisoryId,
              planId: plan.id,
              deliveryId: id,
              partnerId: recipient.partnerId,
              recipientKind: recipient.kind,
              recipientId: recipient.id,
              createdAt: now,
            }))
          : [],
      );
      await storePlacedTokens(tx, tokens);
      // One audit append for the whole batch (one chain lock, one head read; ADR 0005), in the same
      // transaction as the copies it records, in delivery order.
      await audit.appendMany(
        tx,
        prepared
          .filter(({ id }) => inserted.has(id))
          .map(({ id, recipient }) => ({
            type: "release.delivered" as const,
            actor: ENGINE,
            subject: plan.advisoryId,
            data: {
              planId: plan.id,
              waveId: wave.id,
              deliveryId: id,
              partnerId: recipient.partnerId,
              recipient: `${recipient.kind}:${recipient.id}`,
            },
          })),
      );
      // A member's mail is owed with its delivery; the mail jobs are sent after the commit (email.ts).
      await email.owe(
        tx,
        prepared
          .filter(({ id, recipient }) => inserted.has(id) && recipient.kind === "user")
          .map(({ id, recipient }) => ({
            deliveryId: id,
            advisoryId: plan.advisoryId,
            partnerId: recipient.partnerId,
            userId: recipient.id,
          })),
      );
      const messages: (typeof releaseWebhookMessages.$inferInsert)[] = [];
      for (const { id, recipient, endpoints } of prepared) {
        if (!inserted.has(id)) continue;
        const mine: string[] = [];
        if (recipient.kind === "organisation")
          for (const ep of endpoints) {
            const messageId = d.ids("webhookMessage");
            mine.push(messageId);
            messages.push({
              id: messageId,
              dedupeKey: `advisory.released:${id}:${ep.id}`,
              partnerId: recipient.partnerId,
              endpointId: ep.id,
              url: ep.url,
              eventType: "advisory.released",
              advisoryId: plan.advisoryId,
              deliveryId: id,
              payload: {
                type: "advisory.released",
                timestamp: now.toISOString(),
                data: {
                  advisoryId: plan.advisoryId,
                  trackingId: source.trackingId,
                  partnerId: recipient.partnerId,
                  deliveredAt: now.toISOString(),
                  url: `${d.publicUrl.replace(/\/+$/, "")}/api/partner/advisories/${plan.advisoryId}`,
                },
              },
              status: "pending",
              createdAt: now,
            });
          }
        made.push({ deliveryId: id, recipient, messages: mine });
      }
      if (messages.length) {
        const kept = await tx
          .insert(releaseWebhookMessages)
          .values(messages)
          .onConflictDoNothing()
          .returning({ id: releaseWebhookMessages.id });
        const ids = new Set(kept.map((k) => k.id));
        for (const m of made) m.messages = m.messages.filter((id) => ids.has(id));
      }
      return true;
    });
    if (!ok) return [];
    const mails = made.filter((m) => m.recipient.kind === "user").map((m) => m.deliveryId);
    if (mails.length) await email.enqueue(mails);
    return made;
  }

  /** One recipient's delivery (a member who joined after the wave); null when nothing was written. */
  async function deliverOne(
    plan: PlanRow,
    wave: WaveRow,
    source: RenderSource,
    sections: Section[],
    recipient: Recipient,
    endpoints: { id: string; url: string }[],
  ): Promise<{ deliveryId: string; messages: string[] } | null> {
    const [m] = await deliverBatch(plan, wave, source, [{ recipient, sections, endpoints }]);
    return m ? { deliveryId: m.deliveryId, messages: m.messages } : null;
  }

  return { deliverBatch, prepareBatch, writeBatch, deliverOne };
}
