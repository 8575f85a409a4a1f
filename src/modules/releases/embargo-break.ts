// Breaking the embargo (exploited in the wild): every pending wave now, then public, then every
// partner told; one coordinator on an armed plan, a request and a second coordinator otherwise.
import { and, eq, isNull } from "drizzle-orm";
import { type Actor, actorRef, authorize } from "../../authz/authorize.ts";
import { AppError, conflict, forbidden, notFound } from "../../platform/errors.ts";
import { ENGINE, type ReleaseContext } from "./context.ts";
import type { Engine } from "./engine.ts";
import { releasePlans, releaseWaves } from "./schema.ts";
import { is } from "./states.ts";

export function makeEmbargoBreak(c: ReleaseContext, engine: Pick<Engine, "publish">) {
  const { d, db, clock, audit } = c;
  const { advisoryOf, planRow, lockForEvent, advance, view, viewOf } = c;
  const { publish } = engine;

  /** The advisory of a plan whose embargo may be broken (approved, or pinned by an approved plan). */
  async function checkBreakable(actor: Actor, advisoryId: string) {
    const a = await advisoryOf(actor, advisoryId);
    // An approved plan pinned its approved revision: a later edit of the advisory does not block.
    const pinned = Boolean((await planRow(db, advisoryId))?.approvedAt);
    if (!pinned && a.state !== "approved")
      throw new AppError(
        "invalid_state",
        `advisory ${a.trackingId} is ${a.state}: approve it before publishing it (embargo break)`,
      );
    return a;
  }

  async function doBreak(
    actor: Actor,
    a: { id: string; trackingId: string; currentRevision: number },
    input: { reason: string; evidence: string },
    requestedBy?: string,
  ) {
    const advisoryId = a.id;
    const planId = await db.transaction(async (tx) => {
      const { p, next } = await lockForEvent(
        tx,
        advisoryId,
        "break",
        (state) => `the release plan is ${state}; there is no embargo left to break`,
      );
      if (!p.approvedAt && a.currentRevision !== p.revision)
        throw conflict(
          `the plan was made for revision ${p.revision} but the advisory is at revision ${a.currentRevision}: plan again, then break`,
        );
      const pending = await tx
        .select({ id: releaseWaves.id })
        .from(releaseWaves)
        .where(and(eq(releaseWaves.planId, p.id), isNull(releaseWaves.firedAt)));
      const now = clock.now();
      await advance(
        tx,
        p,
        next,
        { brokenAt: now, breakReason: input.reason, breakEvidence: input.evidence },
        now,
      );
      await audit.record(tx, {
        type: "release.embargo_broken",
        actor,
        subject: advisoryId,
        data: {
          planId: p.id,
          reason: input.reason,
          evidence: input.evidence,
          pendingWaves: pending.length,
          ...(requestedBy ? { requestedBy } : {}),
        },
      });
      return p.id;
    });
    await publish(planId);
    // Every partner hears that the embargo is over (one mail per member, however often this runs).
    const partners = await d.partners.listAll(ENGINE, { status: "active,suspended" });
    // Members of 1,000 partners per query, not one query per partner.
    const membersOf = new Map<string, { id: string; email: string; disabled: boolean }[]>();
    for (let i = 0; i < partners.length; i += 1000)
      for (const [id, list] of await d.partners.membersOf(
        ENGINE,
        partners.slice(i, i + 1000).map((p) => p.id),
      ))
        membersOf.set(id, list);
    for (const p of partners) {
      const members = membersOf.get(p.id) ?? [];
      await db.transaction(async (tx) => {
        for (const m of members.filter((x) => !x.disabled))
          await d.mailer.send(tx, {
            to: m.email,
            kind: "embargo_broken",
            dedupeKey: `embargo:${planId}:${m.id}`,
            subject: `Embargo over: ${a.trackingId} is public now`,
            body: `${a.trackingId} was released to the public ahead of plan because ${input.reason}.\n\nThe embargo is over: you may publish your protections now. Details: ${d.publicUrl.replace(/\/+$/, "")}/security/advisories/${a.trackingId}`,
          });
      });
    }
    return viewOf(planId);
  }

  return {
    /**
     * Exploited in the wild: every pending wave now, then public, then every partner told. On an
     * armed plan (approved by a second coordinator) one coordinator breaks it at once; on any other
     * live plan the break is a request that a different coordinator confirms (confirmBreak).
     * The reason and the evidence are mandatory.
     */
    async breakEmbargo(
      actor: Actor,
      advisoryId: string,
      input: { reason: string; evidence: string },
    ): Promise<{ requested: boolean; plan: Awaited<ReturnType<typeof view>> }> {
      authorize(actor, "releases:write");
      const a = await checkBreakable(actor, advisoryId);
      const p0 = await planRow(db, advisoryId);
      if (p0?.state === "armed" && p0.approvedAt)
        return { requested: false, plan: await doBreak(actor, a, input) };
      const planId = await db.transaction(async (tx) => {
        const p = await planRow(tx, advisoryId, true);
        if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
        if (!is(p.state, "live"))
          throw new AppError(
            "invalid_state",
            `the release plan is ${p.state}; there is no embargo left to break`,
          );
        const now = clock.now();
        await tx
          .update(releasePlans)
          .set({
            breakRequest: {
              by: actorRef(actor),
              at: now.toISOString(),
              reason: input.reason,
              evidence: input.evidence,
            },
            updatedAt: now,
          })
          .where(eq(releasePlans.id, p.id));
        await audit.record(tx, {
          type: "release.break_requested",
          actor,
          subject: advisoryId,
          data: { planId: p.id, reason: input.reason, evidence: input.evidence },
        });
        return p.id;
      });
      return { requested: true, plan: await viewOf(planId) };
    },

    /** A coordinator other than the one who asked confirms an embargo break on a plan not armed. */
    async confirmBreak(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:write");
      const a = await checkBreakable(actor, advisoryId);
      const p = await planRow(db, advisoryId);
      if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
      const req = p.breakRequest;
      if (!req || !is(p.state, "live"))
        throw new AppError(
          "invalid_state",
          `nobody asked to break this embargo: POST /api/advisories/${advisoryId}/embargo-break with the reason and evidence first`,
        );
      if (req.by === actorRef(actor))
        throw forbidden("you asked to break this embargo: a different coordinator must confirm it");
      return doBreak(actor, a, { reason: req.reason, evidence: req.evidence ?? "" }, req.by);
    },
  };
}
