// The plan: derived from the tiers and each partner's eligibility now, approved by a second
// coordinator, armed (its jobs scheduled), T0 moved (back to draft) or cancelled.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { type Actor, actorRef, authorize } from "../../authz/authorize.ts";
import type { Section } from "../../contract/enums.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import { type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError, conflict, forbidden, notFound } from "../../platform/errors.ts";
import { canaryKinds } from "./canary-placeholders.ts";
import {
  checkCompression,
  checkTimeZone,
  ENGINE,
  type PlanInput,
  type ReleaseContext,
  receivesCopies,
  type StoredRequest,
  withEditor,
} from "./context.ts";
import type { Engine } from "./engine.ts";
import { compressedWaves, compressionWarnings, derivePlan, PlanError, type PlanRequest } from "./plan.ts";
import type { RenderSource } from "./render.ts";
import {
  releaseDeliveries,
  releaseExclusions,
  releasePlans,
  releaseTracingKeys,
  releaseWaves,
} from "./schema.ts";
import { INITIAL_STATE, transition } from "./states.ts";
import { planTracingKey, type TracingCapacity, tracingCapacity } from "./tracing.ts";

export function makePlans(c: ReleaseContext, engine: Pick<Engine, "schedule">) {
  const { d, db, clock, audit } = c;
  const {
    advisoryOf,
    eligibilities,
    cappedOf,
    planRow,
    lockForEvent,
    advance,
    view,
    viewOf,
    renderSource,
    tracing,
  } = c;
  const { schedule } = engine;

  function normalise(input: PlanInput): PlanRequest {
    return {
      publicAt: input.publicAt,
      extraWaves: input.extraWaves ?? [],
      exclude: (input.exclude ?? []).map((e) =>
        typeof e === "string" ? { partnerId: e, reason: "excluded by the coordinator" } : e,
      ),
    };
  }

  async function derive(req: PlanRequest) {
    try {
      const partners = await eligibilities();
      return { ...derivePlan(req, partners, clock.now()), capped: cappedOf(partners) };
    } catch (e) {
      if (e instanceof PlanError)
        throw new AppError("validation_failed", e.message, { problems: e.problems, issues: e.issues });
      throw e;
    }
  }

  /** Recipients of each wave: every partner and its members who receive copies (as the engine counts them). */
  async function waveRecipients(waves: readonly { partnerIds: string[]; content: string[] }[]) {
    const counts = new Map<string, number>();
    const ids = [...new Set(waves.flatMap((w) => w.partnerIds))];
    // 1,000 partners per query: a plan of 20,000 partners makes 20 queries, not 20,000.
    for (let i = 0; i < ids.length; i += 1000)
      for (const [id, members] of await d.partners.membersOf(ENGINE, ids.slice(i, i + 1000)))
        counts.set(id, 1 + members.filter(receivesCopies).length);
    return waves.map((w) => ({
      sections: w.content as Section[],
      recipients: w.partnerIds.reduce((n, id) => n + (counts.get(id) ?? 1), 0),
    }));
  }

  /** Tracing capacity per wave, and what the coordinator must know before arming (canaries without a domain). */
  function capacityOf(
    source: RenderSource,
    file: ReturnType<typeof planTracingKey>,
    waves: { sections: Section[]; recipients: number }[],
  ): TracingCapacity {
    const cap = tracingCapacity(source, file, waves);
    const kinds = canaryKinds([
      ...Object.values(source.content.sections),
      ...source.files.flatMap((f) => (f.text ? [f.text] : [])),
    ]);
    if (kinds.has("dns") && !d.canaryDomain)
      cap.warnings.push(
        "the advisory has {{canary:dns}} but FOREWARN_CANARY_DOMAIN is not set: copies show the neutral placeholder canary.invalid, not a live canary",
      );
    return cap;
  }

  /** Every warning of a capacity report (plan-wide and per wave), once. */
  const capacityWarnings = (cap: TracingCapacity) => [
    ...cap.warnings,
    ...cap.waves.flatMap((w, i) => w.warnings.map((x) => `wave ${i + 1}: ${x}`)),
  ];

  async function anyDelivered(tx: DbOrTx, planId: string): Promise<boolean> {
    const [dl] = await tx
      .select({ id: releaseDeliveries.id })
      .from(releaseDeliveries)
      .where(eq(releaseDeliveries.planId, planId))
      .limit(1);
    if (dl) return true;
    const [w] = await tx
      .select({ id: releaseWaves.id })
      .from(releaseWaves)
      .where(and(eq(releaseWaves.planId, planId), isNotNull(releaseWaves.firedAt)))
      .limit(1);
    return Boolean(w);
  }

  async function writeWaves(
    tx: DbOrTx,
    actor: Actor,
    planId: string,
    derived: Awaited<ReturnType<typeof derive>>,
  ) {
    await tx.delete(releaseWaves).where(eq(releaseWaves.planId, planId));
    await tx
      .delete(releaseExclusions)
      .where(
        and(
          eq(releaseExclusions.planId, planId),
          inArray(releaseExclusions.kind, ["coordinator", "ineligible"]),
        ),
      );
    const now = clock.now();
    if (derived.waves.length)
      await tx.insert(releaseWaves).values(
        derived.waves.map((w, i) => ({
          id: d.ids("wave"),
          planId,
          position: i,
          at: w.at,
          kind: w.kind,
          tier: w.tier,
          partnerIds: w.partnerIds,
          content: w.content,
          reason: w.reason,
        })),
      );
    if (derived.exclusions.length)
      await tx.insert(releaseExclusions).values(
        derived.exclusions.map((x) => ({
          id: d.ids("releaseExclusion"),
          planId,
          partnerId: x.partnerId,
          kind: x.kind,
          reason: x.reason,
          details: x.details,
          createdBy: actorRef(actor),
          createdAt: now,
        })),
      );
  }

  return {
    async preview(actor: Actor, advisoryId: string, input: PlanInput) {
      authorize(actor, "releases:read");
      const a = await advisoryOf(actor, advisoryId);
      const derived = await derive(normalise(input));
      // What the copies would carry: a plan of the current revision (no key is made or kept).
      const source = await renderSource({
        advisoryId,
        revision: a.currentRevision,
        publicAt: input.publicAt,
      });
      const tracingCap = capacityOf(source, planTracingKey(source, []), await waveRecipients(derived.waves));
      return {
        publicAt: input.publicAt,
        waves: derived.waves.map((w) => ({ ...w, id: null })),
        exclusions: derived.exclusions,
        compressed: derived.compressed,
        warnings: compressionWarnings(derived.compressed),
        capped: derived.capped,
        tracing: tracingCap,
      };
    },

    async createPlan(actor: Actor, advisoryId: string, input: PlanInput) {
      authorize(actor, "releases:write");
      const tz = checkTimeZone(input.timeZone ?? "UTC");
      const a = await advisoryOf(actor, advisoryId);
      if (a.publishedAt && a.publishedAt.getTime() <= clock.now().getTime())
        throw new AppError("invalid_state", `advisory ${a.trackingId} is already public`);
      const req = normalise(input);
      const derived = await derive(req);
      checkCompression(derived.compressed, input.compressLeadTimes);
      const stored: StoredRequest = {
        extraWaves: req.extraWaves.map((w) => ({ ...w, at: w.at.toISOString() })),
        exclude: req.exclude,
      };
      const planId = await db.transaction(async (tx) => {
        const existing = await planRow(tx, advisoryId, true);
        if (existing && !transition(existing.state, "plan"))
          throw conflict(
            `the release plan is ${existing.state}: move T0 with PATCH or cancel it before planning again`,
          );
        const now = clock.now();
        const id = existing?.id ?? d.ids("releasePlan");
        const values = {
          revision: a.currentRevision,
          publicAt: req.publicAt,
          timeZone: tz,
          state: existing ? (transition(existing.state, "plan") ?? INITIAL_STATE) : INITIAL_STATE,
          version: (existing?.version ?? 0) + 1,
          request: stored,
          updatedAt: now,
          changedBy: actorRef(actor),
          // Planning again after a cancel starts a new plan; otherwise the plan's makers accumulate.
          editors: withEditor(
            existing && existing.state !== "cancelled" ? existing.editors : [],
            actorRef(actor),
          ),
          compressLeadTimes: input.compressLeadTimes ?? false,
          breakRequest: null,
          approvedBy: null,
          approvedAt: null,
          cancelledAt: null,
          cancelReason: null,
        };
        if (existing) await tx.update(releasePlans).set(values).where(eq(releasePlans.id, id));
        else
          await tx
            .insert(releasePlans)
            .values({ id, advisoryId, createdBy: actorRef(actor), createdAt: now, ...values });
        await writeWaves(tx, actor, id, derived);
        await audit.record(tx, {
          type: "release.planned",
          actor,
          subject: advisoryId,
          data: {
            planId: id,
            publicAt: req.publicAt.toISOString(),
            waves: derived.waves.length,
            excluded: derived.exclusions.length,
            compressLeadTimes: input.compressLeadTimes ?? false,
            compressedTiers: derived.compressed.map((c) => c.tier ?? "extra"),
          },
        });
        return id;
      });
      return viewOf(planId);
    },

    /** The plan, and why a partner in it receives less than its tier (its eligibility now). */
    async getPlan(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:read");
      const p = await planRow(db, advisoryId);
      if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
      const v = await view(p);
      const ids = [...new Set(v.waves.flatMap((w) => w.partnerIds))];
      const all = await d.partners.eligibilityMany(ENGINE, ids);
      const capped = cappedOf(
        ids.flatMap((id) => {
          const e = all.get(id);
          return e ? [{ id, name: id, ...e }] : [];
        }),
      );
      const [key] = await db
        .select({ capacity: releaseTracingKeys.capacity })
        .from(releaseTracingKeys)
        .where(and(eq(releaseTracingKeys.planId, p.id), eq(releaseTracingKeys.revision, p.revision)));
      return { ...v, capped, tracing: (key?.capacity as TracingCapacity | undefined) ?? null };
    },

    /** Release plans by public time (the calendar), one page at a time. */
    async listPlans(actor: Actor, q: PageInput = {}) {
      authorize(actor, "releases:read");
      const page = await tablePage(db, releasePlans, ["publicAt", "id"], "asc", q);
      const items = [];
      for (const p of page.items) items.push(await view(p));
      return { items, nextCursor: page.nextCursor };
    },

    /**
     * A second coordinator approves the plan (not the one who made or last changed it). Approval pins
     * the advisory's approved revision: every copy and the public release use it, even if the
     * advisory is edited afterwards.
     */
    async approve(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:write");
      const a = await d.advisories.standing(ENGINE, advisoryId);
      if (!a) throw notFound(`release plan of advisory ${advisoryId}`);
      // The tracing key is planned before the transaction (planning is CPU work) and stored in it.
      const p0 = await planRow(db, advisoryId);
      const keyed =
        p0 && transition(p0.state, "approve") && a.state === "approved"
          ? await (async () => {
              const source = await renderSource({ ...p0, revision: a.currentRevision });
              const waves = await db.select().from(releaseWaves).where(eq(releaseWaves.planId, p0.id));
              waves.sort((x, y) => x.position - y.position);
              const recipients = await waveRecipients(waves);
              return {
                source,
                partnerIds: [...new Set(waves.flatMap((w) => w.partnerIds))],
                capacity: (file: ReturnType<typeof planTracingKey>) => capacityOf(source, file, recipients),
              };
            })()
          : null;
      const plan = await db.transaction(async (tx) => {
        const { p, next } = await lockForEvent(tx, advisoryId, "approve", (state) =>
          state === "approved"
            ? "the release plan is already approved"
            : `the release plan is ${state}; only a draft plan is approved`,
        );
        const makers = withEditor(p.editors, p.changedBy ?? p.createdBy ?? "");
        if (makers.includes(actorRef(actor)))
          throw forbidden(
            "you made or changed this release plan since its last approval: another coordinator must approve it",
          );
        if (a.state !== "approved")
          throw new AppError(
            "invalid_state",
            `advisory ${a.trackingId} is ${a.state}: a release plan is approved only for an approved advisory`,
          );
        const now = clock.now();
        if (p.publicAt.getTime() <= now.getTime())
          throw new AppError(
            "validation_failed",
            `publicAt ${p.publicAt.toISOString()} has passed: move T0 first`,
          );
        const approved = {
          state: next,
          revision: a.currentRevision,
          version: p.version + 1,
          approvedBy: actorRef(actor),
          approvedAt: now,
          editors: [] as string[],
        };
        const { version } = approved;
        await tx
          .update(releasePlans)
          .set({ ...approved, updatedAt: now })
          .where(eq(releasePlans.id, p.id));
        // One tracing key per plan and pinned revision (kept when the plan is approved again).
        const key = keyed
          ? await tracing.ensureKey(tx, p, keyed.source, keyed.partnerIds, keyed.capacity)
          : null;
        await audit.record(tx, {
          type: "release.approved",
          actor,
          subject: advisoryId,
          data: { planId: p.id, revision: a.currentRevision, version, tracingKeyId: key?.id ?? null },
        });
        return { ...p, ...approved };
      });
      return view(plan);
    },

    async arm(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:write");
      const plan = await db.transaction(async (tx) => {
        const { p, next } = await lockForEvent(tx, advisoryId, "arm", (state) =>
          state === "draft"
            ? "the release plan is draft: another coordinator approves it (POST .../release-plan/approve) before it is armed"
            : `the release plan is ${state}; only an approved plan is armed`,
        );
        // The pinned revision was approved when the plan was: a later edit of the advisory does not block.
        const now = clock.now();
        if (p.publicAt.getTime() <= now.getTime())
          throw new AppError(
            "validation_failed",
            `publicAt ${p.publicAt.toISOString()} has passed: move T0 first`,
          );
        const stale = (p.request as StoredRequest).extraWaves.filter(
          (w) => new Date(w.at).getTime() <= now.getTime(),
        );
        if (stale.length)
          throw new AppError(
            "validation_failed",
            `extra waves at ${stale.map((w) => w.at).join(", ")} have passed: plan again`,
          );
        // Time passed since planning: a tier wave now in the past would give less than the lead time.
        const waves = await tx.select().from(releaseWaves).where(eq(releaseWaves.planId, p.id));
        const compressed = compressedWaves(
          waves.map((w) => ({ ...w, kind: w.kind as "tier" | "extra" })),
          p.publicAt,
          now,
        );
        if (compressed.length && !p.compressLeadTimes)
          throw new AppError(
            "invalid_state",
            `${compressionWarnings(compressed).join("; ")}. Move T0 later, or move it with compressLeadTimes: true (the plan is approved again)`,
            { compressed },
          );
        // Arming with low tracing capacity is allowed; the warning is recorded with the arming.
        const [key] = await tx
          .select({ capacity: releaseTracingKeys.capacity })
          .from(releaseTracingKeys)
          .where(and(eq(releaseTracingKeys.planId, p.id), eq(releaseTracingKeys.revision, p.revision)));
        const tracingWarnings = key ? capacityWarnings(key.capacity as TracingCapacity) : [];
        const version = await advance(tx, p, next, { armedAt: now, armedBy: actorRef(actor) }, now);
        await audit.record(tx, {
          type: "release.armed",
          actor,
          subject: advisoryId,
          data: {
            planId: p.id,
            publicAt: p.publicAt.toISOString(),
            revision: p.revision,
            version,
            compressLeadTimes: p.compressLeadTimes,
            compressedTiers: compressed.map((c) => c.tier ?? "extra"),
            ...(tracingWarnings.length ? { tracingWarnings } : {}),
          },
        });
        return { ...p, state: next, version, armedAt: now };
      });
      await schedule(plan.id);
      return view(plan);
    },

    async move(
      actor: Actor,
      advisoryId: string,
      publicAt: Date,
      opts: { compressLeadTimes?: boolean | undefined } = {},
    ) {
      authorize(actor, "releases:write");
      const p0 = await planRow(db, advisoryId);
      if (!p0) throw notFound(`release plan of advisory ${advisoryId}`);
      const stored = p0.request as StoredRequest;
      const derived = await derive({
        publicAt,
        extraWaves: stored.extraWaves.map((w) => ({ ...w, at: new Date(w.at) })),
        exclude: stored.exclude,
      });
      checkCompression(derived.compressed, opts.compressLeadTimes);
      const planId = await db.transaction(async (tx) => {
        const { p, next } = await lockForEvent(
          tx,
          advisoryId,
          "move",
          (state) => `the release plan is ${state}; T0 can no longer move`,
        );
        if (await anyDelivered(tx, p.id))
          throw new AppError("invalid_state", "a wave has already gone out: T0 can no longer move");
        // A changed plan is a new plan: back to draft, to be approved (and armed) again.
        const version = await advance(tx, p, next, {
          publicAt,
          changedBy: actorRef(actor),
          editors: withEditor(p.editors, actorRef(actor)),
          compressLeadTimes: opts.compressLeadTimes ?? false,
          breakRequest: null,
          approvedBy: null,
          approvedAt: null,
          armedAt: null,
          armedBy: null,
        });
        await writeWaves(tx, actor, p.id, derived);
        await audit.record(tx, {
          type: "release.moved",
          actor,
          subject: advisoryId,
          data: {
            planId: p.id,
            from: p.publicAt.toISOString(),
            to: publicAt.toISOString(),
            version,
            compressLeadTimes: opts.compressLeadTimes ?? false,
            compressedTiers: derived.compressed.map((c) => c.tier ?? "extra"),
          },
        });
        return p.id;
      });
      await schedule(planId);
      return viewOf(planId);
    },

    async cancel(actor: Actor, advisoryId: string, reason: string) {
      authorize(actor, "releases:write");
      const planId = await db.transaction(async (tx) => {
        const { p, next } = await lockForEvent(
          tx,
          advisoryId,
          "cancel",
          (state) => `the release plan is ${state}; it cannot be cancelled`,
        );
        if (await anyDelivered(tx, p.id))
          throw new AppError(
            "invalid_state",
            "a wave has already gone out: the plan can no longer be cancelled",
          );
        const now = clock.now();
        await advance(tx, p, next, { cancelledAt: now, cancelReason: reason }, now);
        await audit.record(tx, {
          type: "release.cancelled",
          actor,
          subject: advisoryId,
          data: { planId: p.id, reason },
        });
        return p.id;
      });
      return viewOf(planId);
    },
  };
}
