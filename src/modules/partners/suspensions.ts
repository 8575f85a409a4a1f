// Acting on a partner from a leak investigation's findings: an incident on the partner's record
// (source "investigation", linked to the investigation), and a suspension request that takes effect
// only when a second, different staff member approves it (two-person rule: who accuses does not
// also sanction alone). Every step is audited and goes on the partner's timeline, which partner
// users do not see for staff-recorded incidents and requests.
import { and, desc, eq } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { AppError, conflict, forbidden, notFound } from "../../platform/errors.ts";
import { authorizeAny, type Ctx } from "./context.ts";
import { partners, suspensionRequests } from "./schema.ts";

export type SuspensionRequestRow = typeof suspensionRequests.$inferSelect;

export function makeSuspensions(c: Ctx) {
  const { db, clock, audit } = c;

  return {
    /** Opens an incident on the partner from an investigation's findings (investigators and staff). */
    async openInvestigationIncident(
      actor: Actor,
      partnerId: string,
      input: { investigationId: string; whatLeaked: string; details: string },
    ) {
      authorize(actor, "incidents:manage");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, partnerId, { staff: "incidents:manage" });
        return c.openIncident(
          tx,
          actor,
          p,
          {
            source: "investigation",
            investigationId: input.investigationId,
            whatLeaked: input.whatLeaked,
            toWhom: "unknown: found outside the programme",
            leakedAt: "before the evidence was found",
            details: input.details,
          },
          {
            reason: `leak found by investigation ${input.investigationId}: ${input.whatLeaked.slice(0, 200)}`,
            data: { investigationId: input.investigationId },
          },
        );
      });
    },

    /**
     * Asks for the partner's suspension (an investigator from findings, or staff). Nothing changes
     * for the partner until a different staff member approves the request.
     */
    async requestSuspension(
      actor: Actor,
      partnerId: string,
      input: { reason: string; investigationId?: string | undefined },
    ) {
      authorizeAny(actor, "partners:sanction", "investigations:write");
      if (actor.kind !== "user")
        throw new AppError("forbidden", "suspensions are requested by named people, not by the system");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, partnerId, { staff: "partners:read", lock: true });
        if (p.status !== "active")
          throw new AppError(
            "invalid_state",
            `partner ${partnerId} is ${p.status}; only an active partner can be suspended`,
          );
        const [pending] = await tx
          .select({ id: suspensionRequests.id })
          .from(suspensionRequests)
          .where(and(eq(suspensionRequests.partnerId, partnerId), eq(suspensionRequests.status, "pending")));
        if (pending)
          throw conflict(`a suspension of ${p.name} is already awaiting approval (${pending.id})`, {
            requestId: pending.id,
          });
        const row: SuspensionRequestRow = {
          id: c.ids("suspensionRequest"),
          partnerId,
          reason: input.reason,
          investigationId: input.investigationId ?? null,
          status: "pending",
          requestedBy: actor.userId,
          requestedAt: clock.now(),
          decidedBy: null,
          decidedAt: null,
          decisionNote: null,
        };
        await tx.insert(suspensionRequests).values(row);
        await c.event(tx, actor, p, {
          type: "suspension_requested",
          reason: input.reason,
          data: { requestId: row.id, investigationId: row.investigationId },
        });
        await audit.record(tx, {
          type: "partner.suspension_requested",
          actor,
          subject: partnerId,
          data: { requestId: row.id, investigationId: row.investigationId },
        });
        return row;
      });
    },

    /** The partner's suspension requests, newest first (staff). */
    async listSuspensionRequests(actor: Actor, partnerId: string) {
      authorize(actor, "partners:read");
      await c.load(db, actor, partnerId, { staff: "partners:read" });
      return db
        .select()
        .from(suspensionRequests)
        .where(eq(suspensionRequests.partnerId, partnerId))
        .orderBy(desc(suspensionRequests.requestedAt), desc(suspensionRequests.id));
    },

    /**
     * A second staff member approves or rejects a pending request. Approval suspends the partner
     * (delivery stops at once); the person who asked can do neither.
     */
    async decideSuspension(
      actor: Actor,
      partnerId: string,
      requestId: string,
      decision: "approve" | "reject",
      note?: string | undefined,
    ) {
      authorize(actor, "partners:sanction");
      if (actor.kind !== "user")
        throw new AppError("forbidden", "suspensions are approved by named staff members, not by the system");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, partnerId, { staff: "partners:sanction", lock: true });
        const [r] = await tx
          .select()
          .from(suspensionRequests)
          .where(and(eq(suspensionRequests.id, requestId), eq(suspensionRequests.partnerId, partnerId)))
          .for("update");
        if (!r) throw notFound(`suspension request ${requestId}`);
        if (r.status !== "pending")
          throw new AppError("invalid_state", `suspension request ${requestId} is already ${r.status}`);
        if (r.requestedBy === actor.userId)
          throw forbidden(
            `you requested this suspension, so a second, different staff member must ${decision} it`,
          );
        const now = clock.now();
        const status: SuspensionRequestRow["status"] = decision === "approve" ? "approved" : "rejected";
        if (decision === "approve") {
          if (p.status !== "active")
            throw new AppError(
              "invalid_state",
              `partner ${partnerId} is ${p.status}; only an active partner can be suspended`,
            );
          await tx
            .update(partners)
            .set({ status: "suspended", updatedAt: now })
            .where(eq(partners.organisationId, partnerId));
          await c.event(tx, actor, p, {
            type: "suspended",
            from: p.status,
            to: "suspended",
            reason: r.reason,
            data: { requestId, requestedBy: r.requestedBy },
          });
          await audit.record(tx, {
            type: "partner.status_changed",
            actor,
            subject: partnerId,
            data: { from: p.status, to: "suspended", reason: r.reason },
          });
        } else
          await c.event(tx, actor, p, {
            type: "suspension_rejected",
            reason: note ?? null,
            data: { requestId },
          });
        await tx
          .update(suspensionRequests)
          .set({ status, decidedBy: actor.userId, decidedAt: now, decisionNote: note ?? null })
          .where(eq(suspensionRequests.id, requestId));
        await audit.record(tx, {
          type: decision === "approve" ? "partner.suspension_approved" : "partner.suspension_rejected",
          actor,
          subject: partnerId,
          data: { requestId, requestedBy: r.requestedBy },
        });
        return { ...r, status, decidedBy: actor.userId, decidedAt: now, decisionNote: note ?? null };
      });
    },
  } as const;
}
