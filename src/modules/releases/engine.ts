// The engine: an armed plan's waves fire on time and never early, exactly once per recipient, then
// the public release at T0; the sweep catches up whatever a lost or early job left; the job handlers.
//
// Exactly once: a recipient's delivery row (UNIQUE idempotency key plan:recipient) is inserted in
// the same transaction as its copy, its audit entry and its webhook messages. A wave is marked fired
// only after every recipient has a row or a recorded withholding, so a crash at any line is repaired
// by running the same wave again (the next job attempt or the sweep): done recipients are skipped.

import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import { actorRef } from "../../authz/authorize.ts";
import { SECTIONS } from "../../contract/enums.ts";
import { AlreadyPublicError } from "../advisories/index.ts";
import {
  ACK_REMINDER_AFTER_MS,
  DELIVERY_BATCH,
  ENGINE,
  FIRE_WAVE,
  type Member,
  PUBLIC_SECTIONS,
  PUBLISH,
  type ReleaseContext,
  receivesCopies,
} from "./context.ts";
import { type DeliveryItem, makeDeliveries } from "./deliveries.ts";
import { fireWavePayload, jobPayload, publishPayload, SEND_WEBHOOK, webhookPayload } from "./jobs.ts";
import { atItsTime, earlyStart } from "./on-time.ts";
import type { Recipient } from "./render.ts";
import {
  releaseAcks,
  releaseDeliveries,
  releaseExclusions,
  releasePlans,
  releaseWaves,
  releaseWebhookMessages,
} from "./schema.ts";
import { is, statesAllowing, statesWhere, transition } from "./states.ts";
import type { WebhookDelivery } from "./webhook-delivery.ts";

export function makeEngine(c: ReleaseContext, webhooks: WebhookDelivery) {
  const { d, db, clock, audit } = c;
  const { renderSource, secondsUntil, realMsUntil } = c;
  const { webhookSender, sendWebhook } = webhooks;
  const { prepareBatch, writeBatch, deliverOne } = makeDeliveries(c);

  /** Recipients per delivery transaction (whole partners: a partner and its members commit together). */
  const BATCH = d.deliveryBatch ?? DELIVERY_BATCH.pglite;
  /** Partners whose members and webhook endpoints are read in one query each, ahead of the wave reaching them. */
  const PARTNERS_AHEAD = 100;

  /** Wave and T0 jobs are queued a few seconds early and wait for their time in process (on-time.ts). */
  const startAfter = (at: Date) => earlyStart(secondsUntil(at));

  async function schedule(planId: string) {
    const queue = c.queue.current();
    if (!queue) return;
    const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
    if (!plan || !is(plan.state, "firing")) return;
    const waves = await db
      .select()
      .from(releaseWaves)
      .where(and(eq(releaseWaves.planId, planId), isNull(releaseWaves.firedAt)));
    for (const w of waves)
      await queue.send(
        FIRE_WAVE,
        { waveId: w.id, version: plan.version },
        { startAfter: startAfter(w.at), retryLimit: 10, retryDelay: 5, retryBackoff: true },
      );
    await queue.send(
      PUBLISH,
      { planId, version: plan.version },
      { startAfter: startAfter(plan.publicAt), retryLimit: 10, retryDelay: 5, retryBackoff: true },
    );
  }

  /** The partner and its members who receive copies (admins and analysts not disabled). */
  function recipientsOf(partnerId: string, partnerName: string, members: readonly Member[]): Recipient[] {
    return [
      { kind: "organisation", id: partnerId, partnerId, partnerName },
      ...members
        .filter(receivesCopies)
        .map((m) => ({ kind: "user" as const, id: m.id, partnerId, partnerName })),
    ];
  }

  async function partnerName(partnerId: string): Promise<string> {
    const [p] = await d.partners.listAll(ENGINE, {}).then((all) => all.filter((x) => x.id === partnerId));
    return p?.name ?? partnerId;
  }

  /**
   * Fires a wave: idempotent, never early. Returns what happened so a job can reschedule an early run.
   */
  type FireResult = { status: "fired" | "done" | "early" | "stale" | "busy"; at?: Date; delivered?: number };
  const firing = new Map<string, Promise<FireResult>>();
  /** One process at a time across the servers on the database (this process alone without the seam). */
  const exclusive: NonNullable<typeof d.exclusive> =
    d.exclusive ?? (async (_key, fn) => ({ ran: true, value: await fn() }));

  /**
   * Runs of the same wave in this process (its job, the sweep, T0) take turns: the second finds the
   * wave done instead of rendering and skipping every recipient again. Across processes (several
   * servers on one PostgreSQL) one runs the wave at a time and the others answer "busy": the lock
   * dies with the process that holds it, so after a crash the next sweep anywhere takes the wave
   * over, with its unsent webhooks. The idempotency keys keep each copy exactly once regardless.
   */
  function fireWave(waveId: string, version?: number): Promise<FireResult> {
    const before = firing.get(waveId);
    const run = (before ? before.catch(() => null) : Promise.resolve(null)).then(async () => {
      const r = await exclusive(`release-wave:${waveId}`, () => fireWaveOnce(waveId, version));
      return r.ran ? r.value : { status: "busy" as const };
    });
    firing.set(waveId, run);
    const forget = () => {
      if (firing.get(waveId) === run) firing.delete(waveId);
    };
    run.then(forget, forget);
    return run;
  }

  async function fireWaveOnce(waveId: string, version?: number): Promise<FireResult> {
    const [wave] = await db.select().from(releaseWaves).where(eq(releaseWaves.id, waveId));
    if (!wave) return { status: "stale" };
    const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.id, wave.planId));
    if (!plan || !is(plan.state, "firing")) return { status: "stale" };
    if (version !== undefined && version !== plan.version) return { status: "stale" };
    if (wave.firedAt) return { status: "done" };
    if (plan.state !== "broken" && clock.now().getTime() < wave.at.getTime())
      return { status: "early", at: wave.at };

    const source = await renderSource(plan);
    const allPartners = await d.partners.listAll(ENGINE, {});
    const names = new Map(allPartners.map((p) => [p.id, p.name]));
    // Partners an earlier, interrupted run reached (their members committed with them), in one query.
    const reached = new Map(
      (
        await db
          .select({ partnerId: releaseDeliveries.recipientId, sections: releaseDeliveries.sections })
          .from(releaseDeliveries)
          .where(
            and(eq(releaseDeliveries.planId, plan.id), eq(releaseDeliveries.recipientKind, "organisation")),
          )
      ).map((r) => [r.partnerId, r.sections]),
    );
    // Eligibility again, now, for every partner not reached yet: a partner suspended since planning
    // gets nothing. One query per table for the whole wave.
    const eligibility = await d.partners.eligibilityMany(
      ENGINE,
      wave.partnerIds.filter((id) => !reached.has(id)),
    );
    const sender = webhookSender();
    const batch: DeliveryItem[] = [];
    // One batch is written while the next is rendered and sealed: the database's work and ours
    // overlap, and writes stay one at a time, in wave order.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (batch.length === 0) return;
      const prepared = await prepareBatch(plan, source, batch.splice(0));
      await writing;
      writing = writeBatch(plan, wave, source, prepared).then((made) => {
        for (const m of made) sender.push(m.messages);
      });
      // Awaited at the next flush; until then a failure must not count as unhandled.
      writing.catch(() => {});
      // Let the webhook sender and API requests have the database between batches (PGlite runs one
      // statement at a time; without this a big wave holds it to the end).
      await new Promise((r) => setImmediate(r));
    };
    // Members and webhook endpoints are read for 100 partners at a time, ahead of reaching them (one
    // query each, not one per partner; a wave of 20,000 partners would otherwise make 40,000 of them).
    type Endpoints = DeliveryItem["endpoints"];
    let endpointsAhead = new Map<string, Endpoints>();
    let membersAhead = new Map<string, Member[]>();
    for (const [i, partnerId] of wave.partnerIds.entries()) {
      if (i % PARTNERS_AHEAD === 0) {
        endpointsAhead = new Map();
        const chunk = wave.partnerIds.slice(i, i + PARTNERS_AHEAD);
        membersAhead = await d.partners.membersOf(ENGINE, chunk);
        const next = chunk.filter((id) => !reached.has(id));
        for (const e of await d.partners.deliveryWebhooksOf(next))
          endpointsAhead.set(e.partnerId, [
            ...(endpointsAhead.get(e.partnerId) ?? []),
            { id: e.id, url: e.url },
          ]);
      }
      const already = reached.get(partnerId);
      let sections = wave.content;
      if (!already) {
        const e = eligibility.get(partnerId) ?? null;
        if (!e?.eligible) {
          const reason = e
            ? e.reasons
                .filter((r) => r.effect === "not_eligible")
                .map((r) => r.message)
                .join("; ")
            : "the partner no longer exists";
          await db.transaction(async (tx) => {
            const made = await tx
              .insert(releaseExclusions)
              .values({
                id: d.ids("releaseExclusion"),
                planId: plan.id,
                partnerId,
                kind: "withheld",
                reason,
                details: e?.reasons ?? [],
                waveId: wave.id,
                createdBy: actorRef(ENGINE),
                createdAt: clock.now(),
              })
              .onConflictDoNothing()
              .returning({ id: releaseExclusions.id });
            if (made.length)
              await audit.record(tx, {
                type: "release.withheld",
                actor: ENGINE,
                subject: plan.advisoryId,
                data: { planId: plan.id, waveId: wave.id, partnerId, reason },
              });
          });
          continue;
        }
        // Content only ever shrinks to what the partner may receive today.
        sections = sections.filter((s) => e.content.includes(s));
        // At or after T0 (or once the embargo is broken) nobody gets less than the public does.
        if (
          plan.state === "broken" ||
          wave.at.getTime() >= plan.publicAt.getTime() ||
          clock.now().getTime() >= plan.publicAt.getTime()
        )
          sections = SECTIONS.filter((x) => sections.includes(x) || PUBLIC_SECTIONS.includes(x));
      } else {
        sections = already;
      }
      const endpoints = already ? [] : (endpointsAhead.get(partnerId) ?? []);
      for (const r of recipientsOf(
        partnerId,
        names.get(partnerId) ?? partnerId,
        membersAhead.get(partnerId) ?? [],
      ))
        batch.push({ recipient: r, sections, endpoints });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    await writing;
    // Webhooks of deliveries made by an earlier, interrupted run are still pending: send them too.
    const pending = await db
      .select({ id: releaseWebhookMessages.id })
      .from(releaseWebhookMessages)
      .innerJoin(releaseDeliveries, eq(releaseDeliveries.id, releaseWebhookMessages.deliveryId))
      .where(
        and(
          eq(releaseDeliveries.waveId, wave.id),
          eq(releaseWebhookMessages.status, "pending"),
          eq(releaseWebhookMessages.attempts, 0),
        ),
      );
    const delivered = await db
      .select({ id: releaseDeliveries.id })
      .from(releaseDeliveries)
      .where(and(eq(releaseDeliveries.waveId, wave.id), eq(releaseDeliveries.recipientKind, "organisation")));
    const withheld = await db
      .select({ id: releaseExclusions.id })
      .from(releaseExclusions)
      .where(and(eq(releaseExclusions.waveId, wave.id), eq(releaseExclusions.kind, "withheld")));
    await db.transaction(async (tx) => {
      const rows = await tx
        .update(releaseWaves)
        .set({ firedAt: clock.now(), delivered: delivered.length, withheld: withheld.length })
        .where(and(eq(releaseWaves.id, wave.id), isNull(releaseWaves.firedAt)))
        .returning({ id: releaseWaves.id });
      if (rows.length)
        await audit.record(tx, {
          type: "release.wave_fired",
          actor: ENGINE,
          subject: plan.advisoryId,
          data: {
            planId: plan.id,
            waveId: wave.id,
            at: wave.at.toISOString(),
            delivered: delivered.length,
            withheld: withheld.length,
          },
        });
    });
    sender.push(pending.map((p) => p.id));
    await sender.drain();
    return { status: "fired", delivered: delivered.length };
  }

  /** The public release: at T0 (or at once after an embargo break), after every wave. Idempotent. */
  async function publish(
    planId: string,
    version?: number,
  ): Promise<{ status: "published" | "early" | "stale" | "done"; at?: Date }> {
    const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
    if (!plan || !is(plan.state, "firing")) {
      return { status: plan?.state === "fired" ? "done" : "stale" };
    }
    if (version !== undefined && version !== plan.version) return { status: "stale" };
    const broken = plan.state === "broken";
    const now = clock.now();
    if (!broken && now.getTime() < plan.publicAt.getTime()) return { status: "early", at: plan.publicAt };
    // Every wave goes before the public does.
    const open = await db
      .select()
      .from(releaseWaves)
      .where(and(eq(releaseWaves.planId, planId), isNull(releaseWaves.firedAt)))
      .orderBy(asc(releaseWaves.at));
    for (const w of open) await fireWave(w.id);
    const publishedAt = broken ? now : plan.publicAt;
    try {
      // The revision the plan was approved for, even if the advisory was edited since.
      await d.advisories.publish(ENGINE, plan.advisoryId, publishedAt, plan.revision);
    } catch (e) {
      // Published by an earlier run that stopped before recording it here: that is success.
      if (!(e instanceof AlreadyPublicError)) throw e;
    }
    await db.transaction(async (tx) => {
      const rows = await tx
        .update(releasePlans)
        .set({ state: transition(plan.state, "publish") ?? "fired", publishedAt, updatedAt: now })
        .where(and(eq(releasePlans.id, planId), inArray(releasePlans.state, statesAllowing("publish"))))
        .returning({ id: releasePlans.id });
      if (rows.length)
        await audit.record(tx, {
          type: "release.published",
          actor: ENGINE,
          subject: plan.advisoryId,
          data: { planId, publishedAt: publishedAt.toISOString(), broken },
        });
    });
    return { status: "published" };
  }

  /** Catches up whatever is due by the clock: waves, public releases, unsent webhooks. Idempotent. */
  async function sweep() {
    const now = clock.now();
    const plans = await db
      .select()
      .from(releasePlans)
      .where(inArray(releasePlans.state, statesWhere("firing")));
    let waves = 0;
    let published = 0;
    for (const plan of plans) {
      const due = await db
        .select()
        .from(releaseWaves)
        .where(
          and(
            eq(releaseWaves.planId, plan.id),
            isNull(releaseWaves.firedAt),
            plan.state === "broken" ? undefined : lte(releaseWaves.at, now),
          ),
        )
        .orderBy(asc(releaseWaves.at));
      for (const w of due) if ((await fireWave(w.id)).status === "fired") waves++;
      if (plan.state === "broken" || plan.publicAt.getTime() <= now.getTime())
        if ((await publish(plan.id)).status === "published") published++;
    }
    // Messages never tried for a while: their job was lost between the delivery's commit and sending;
    // and those a killed process was still sending (made before this one started). First attempts go
    // out at once; failures to the queue's back-off. A message may then reach its endpoint twice with
    // the same webhook-id (the kill fell between the request and its record): receivers dedupe by it.
    const lostBefore = new Date(now.getTime() - 5 * 60_000);
    const connectedAt = c.queue.connectedAt();
    const unsent = await db
      .select({ id: releaseWebhookMessages.id, waveId: releaseDeliveries.waveId })
      .from(releaseWebhookMessages)
      .innerJoin(releaseDeliveries, eq(releaseDeliveries.id, releaseWebhookMessages.deliveryId))
      .where(
        and(
          eq(releaseWebhookMessages.status, "pending"),
          eq(releaseWebhookMessages.attempts, 0),
          or(
            lte(releaseWebhookMessages.createdAt, lostBefore),
            connectedAt ? lt(releaseWebhookMessages.createdAt, connectedAt) : undefined,
          ),
        ),
      );
    // By wave, under the wave's lock: a message whose wave another server is still firing is that
    // server's to send (it is alive: it holds the lock), not this one's.
    const byWave = new Map<string, string[]>();
    for (const m of unsent) byWave.set(m.waveId, [...(byWave.get(m.waveId) ?? []), m.id]);
    for (const [waveId, ids] of byWave)
      await exclusive(`release-wave:${waveId}`, async () => {
        const sender = webhookSender();
        sender.push(ids);
        await sender.drain();
      });
    const reminders = await remindAcks(now);
    return { waves, published, webhooks: unsent.length, reminders };
  }

  /**
   * Before T0, each partner that has had its copy for 12 hours without acknowledging is reminded once
   * (its admins and analysts then). Per armed plan one query finds the partners due (not acknowledged,
   * not reminded) and one the members of 1,000 of them; a partner reminded is marked on its delivery
   * in the transaction that queues the mails, so later sweeps skip it without reading it again.
   */
  async function remindAcks(now: Date) {
    const plans = await db.select().from(releasePlans).where(eq(releasePlans.state, "armed"));
    let reminded = 0;
    for (const plan of plans) {
      if (plan.publicAt.getTime() <= now.getTime()) continue;
      const due = await db
        .select({ id: releaseDeliveries.id, partnerId: releaseDeliveries.partnerId })
        .from(releaseDeliveries)
        .where(
          and(
            eq(releaseDeliveries.planId, plan.id),
            eq(releaseDeliveries.recipientKind, "organisation"),
            lte(releaseDeliveries.deliveredAt, new Date(now.getTime() - ACK_REMINDER_AFTER_MS)),
            isNull(releaseDeliveries.ackRemindedAt),
            notExists(
              db
                .select({ one: sql`1` })
                .from(releaseAcks)
                .where(
                  and(
                    eq(releaseAcks.advisoryId, plan.advisoryId),
                    eq(releaseAcks.partnerId, releaseDeliveries.partnerId),
                  ),
                ),
            ),
          ),
        );
      for (let i = 0; i < due.length; i += 1000) {
        const chunk = due.slice(i, i + 1000);
        const members = await d.partners.membersOf(
          ENGINE,
          chunk.map((dl) => dl.partnerId),
        );
        for (const dl of chunk) {
          const people = (members.get(dl.partnerId) ?? []).filter(receivesCopies);
          await db.transaction(async (tx) => {
            const marked = await tx
              .update(releaseDeliveries)
              .set({ ackRemindedAt: now })
              .where(and(eq(releaseDeliveries.id, dl.id), isNull(releaseDeliveries.ackRemindedAt)))
              .returning({ id: releaseDeliveries.id });
            if (marked.length === 0) return; // another server reminded it meanwhile
            const to: string[] = [];
            for (const m of people) {
              const sent = await d.mailer.send(tx, {
                to: m.email,
                kind: "ack_reminder",
                dedupeKey: `ack-reminder:${dl.id}:${m.id}`,
                subject: "Please acknowledge an early-alert advisory before its public release",
                body: `Your organisation received an embargoed advisory that has not been acknowledged yet. It becomes public at ${plan.publicAt.toISOString()}. Mark it received, protection in progress or shipped in the partner portal: ${d.publicUrl.replace(/\/+$/, "")}/releases/${plan.advisoryId}`,
              });
              if (sent) to.push(m.email);
            }
            if (to.length) {
              reminded++;
              await audit.record(tx, {
                type: "release.ack_reminded",
                actor: ENGINE,
                subject: plan.advisoryId,
                data: { deliveryId: dl.id, to },
              });
            }
          });
        }
      }
    }
    return reminded;
  }

  /** A job that ran before its time (the queue's clock ahead of ours) goes back for when it is due. */
  async function rescheduleIfEarly(name: string, data: object, r: { status: string; at?: Date | undefined }) {
    const queue = c.queue.current();
    if (r.status !== "early" || !r.at || !queue) return;
    await queue.send(name, data, {
      startAfter: Math.max(1, secondsUntil(r.at)),
      retryLimit: 10,
      retryDelay: 5,
      retryBackoff: true,
    });
  }

  return {
    schedule,
    deliverOne,
    partnerName,
    fireWave,
    publish,
    sweep,

    /** Job handler: fires the wave; a run that came early (clock behind the queue) is rescheduled. */
    async onFireJob(data: unknown) {
      const { waveId, version } = jobPayload(FIRE_WAVE, fireWavePayload, data);
      await rescheduleIfEarly(
        FIRE_WAVE,
        { waveId, version },
        await atItsTime(() => fireWave(waveId, version), realMsUntil),
      );
    },
    async onPublishJob(data: unknown) {
      const { planId, version } = jobPayload(PUBLISH, publishPayload, data);
      await rescheduleIfEarly(
        PUBLISH,
        { planId, version },
        await atItsTime(() => publish(planId, version), realMsUntil),
      );
    },
    /** Job handler: one attempt; throwing hands the message back to the queue's back-off. */
    async onWebhookJob(data: unknown) {
      const { messageId } = jobPayload(SEND_WEBHOOK, webhookPayload, data);
      const r = await sendWebhook(messageId);
      if (r.status === "retry") throw new Error(`webhook message ${messageId} not accepted yet; retrying`);
    },
  };
}

export type Engine = ReturnType<typeof makeEngine>;
