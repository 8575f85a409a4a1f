// What every partner service file shares: its dependencies, the visibility rule (staff see every
// partner, a partner user only its own: anything else is 404) and the timeline writer.
import { eq } from "drizzle-orm";
import type { Action } from "../../authz/actions.ts";
import { type Actor, actorRef, assertVisible, can } from "../../authz/authorize.ts";
import type { PartnerStatus } from "../../contract/enums.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import type { ServiceDeps } from "../../platform/deps.ts";
import { forbidden, notFound } from "../../platform/errors.ts";
import type { Mailer } from "../../platform/mail/outbox.ts";
import type { PartnerUsers } from "../accounts/index.ts";
import { incidents, partnerEvents, partners } from "./schema.ts";

export type PartnerDeps = ServiceDeps & {
  sealer: Sealer;
  partnerUsers: PartnerUsers;
  mailer: Mailer;
  /**
   * FOREWARN_PUBLIC_URL: the base of links mailed on behalf of anonymous callers (the public
   * application), so a forged Host header cannot point an invitation at another site.
   */
  publicUrl?: string | undefined;
  /** Tests only: accept webhook URLs on loopback and private networks. */
  allowPrivateWebhooks?: boolean | undefined;
  /**
   * Acknowledgement and protection figures from the release engine. It depends on this module, so
   * the composition root builds this reader (releases' makeReleaseReads, which needs the database
   * only) before both; without it the scorecard says "not yet measured".
   */
  releaseFigures?: ReleaseFiguresPort | undefined;
};

export type ReleaseFigures = {
  received: number;
  acknowledged: number;
  medianAckSeconds: number | null;
  shipped: number;
};
export type ReleaseFiguresPort = { scorecardFigures(partnerId: string): Promise<ReleaseFigures> };

export type PartnerRow = typeof partners.$inferSelect;

/** Passes when the actor may do any one of the actions (the first line of every method). */
export function authorizeAny(actor: Actor, ...actions: Action[]): void {
  if (!actions.some((a) => can(actor, a)))
    throw forbidden(`the ${actor.kind === "user" ? actor.role : ""} role may not ${actions.join(" or ")}`);
}

export function makeContext(d: PartnerDeps) {
  /**
   * The partner if the actor may see it. `staff` is the action that lets staff in for any partner;
   * `own` the action a member of the partner needs; anyone else (or a missing partner) gets 404.
   */
  async function load(
    tx: DbOrTx,
    actor: Actor,
    id: string,
    opts: { staff: Action; own?: Action | undefined; lock?: boolean },
  ): Promise<PartnerRow> {
    const q = tx.select().from(partners).where(eq(partners.organisationId, id));
    const [p] = opts.lock ? await q.for("update") : await q;
    if (!p) throw notFound(`partner ${id}`);
    if (can(actor, opts.staff)) return p;
    if (opts.own && can(actor, opts.own)) {
      assertVisible(actor, p.organisationId, `partner ${id}`);
      return p;
    }
    // Reached only by callers the route's actions let through for their own partner.
    assertVisible(actor, null, `partner ${id}`);
    return p;
  }

  /**
   * authorizeAny(actor, staff, own), then load(): 403 for a role with neither action, 404 for a partner
   * the actor may not see.
   */
  function authorizeAndLoad(
    tx: DbOrTx,
    actor: Actor,
    id: string,
    opts: { staff: Action; own: Action; lock?: boolean },
  ): Promise<PartnerRow> {
    authorizeAny(actor, opts.staff, opts.own);
    return load(tx, actor, id, opts);
  }

  async function event(
    tx: DbOrTx,
    actor: Actor | null,
    p: { organisationId: string },
    e: {
      type: string;
      from?: PartnerStatus | null;
      to?: PartnerStatus | null;
      reason?: string | null;
      data?: Record<string, unknown>;
    },
  ) {
    await tx.insert(partnerEvents).values({
      id: d.ids("partnerEvent"),
      partnerId: p.organisationId,
      type: e.type,
      fromStatus: e.from ?? null,
      toStatus: e.to ?? null,
      actorId: actor ? actorRef(actor) : null,
      actorEmail: actor?.kind === "user" ? actor.email : null,
      reason: e.reason ?? null,
      data: e.data ?? {},
      at: d.clock.now(),
    });
  }

  /**
   * Opens an incident on the partner's record: the row, its line on the partner's timeline (`reason`,
   * `data` beside the incident's ID) and the audit event. Returns the row.
   */
  async function openIncident(
    tx: DbOrTx,
    actor: Actor,
    p: { organisationId: string },
    input: {
      source: "staff" | "self_report" | "investigation";
      investigationId: string | null;
      whatLeaked: string;
      toWhom: string;
      leakedAt: string;
      details: string;
    },
    timeline: { reason: string; data?: Record<string, unknown> },
  ) {
    const id = d.ids("incident");
    const row = {
      id,
      partnerId: p.organisationId,
      ...input,
      status: "open" as const,
      reportedBy: actor.kind === "user" ? actor.userId : null,
      reportedAt: d.clock.now(),
      closedAt: null,
      resolution: null,
    };
    await tx.insert(incidents).values(row);
    await event(tx, actor, p, {
      type: "incident_reported",
      reason: timeline.reason,
      data: { incidentId: id, ...timeline.data },
    });
    await d.audit.record(tx, {
      type: "incident.reported",
      actor,
      subject: id,
      data: { incidentId: id, source: input.source },
    });
    return row;
  }

  return { ...d, load, authorizeAndLoad, event, openIncident };
}

export type Ctx = ReturnType<typeof makeContext>;
