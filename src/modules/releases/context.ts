// What every part of the release engine shares: its dependencies, the plan and wave rows and their
// view, the adapters over the other modules, and the job queue handle. Built once by makeReleases.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { type Actor, systemActor } from "../../authz/authorize.ts";
import { CONTENT_LEVELS, type Section } from "../../contract/enums.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Database, Db, DbOrTx } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import type { IdGen } from "../../platform/ids.ts";
import { type JobQueue, makeJobQueue } from "../../platform/jobs/queue.ts";
import type { Mailer } from "../../platform/mail/outbox.ts";
import type { MailTransport } from "../../platform/mail/transport.ts";
import { type Advisories, type CopyIdentifiers, cweWithName } from "../advisories/index.ts";
// copyRead's tables (the one exception to the module rule, docs/architecture.md): nothing else here
// reads another module's tables.
import { advisories } from "../advisories/schema.ts";
import { cases } from "../cases/schema.ts";
import type { Partners } from "../partners/index.ts";
import { partners } from "../partners/schema.ts";
import { makeReleaseEmail } from "./email.ts";
import {
  type CompressedWave,
  compressedWaves,
  compressionWarnings,
  type ExclusionIn,
  type ExtraWaveIn,
  type PartnerEligibility,
} from "./plan.ts";
import type { Copy, RenderSource } from "./render.ts";
import {
  releaseAcks,
  releaseDeliveries,
  releaseExclusions,
  releasePlans,
  releaseTracingKeys,
  releaseWaves,
} from "./schema.ts";
import { is, type PlanEvent, type PlanState, transition } from "./states.ts";
import { makeTracingKeys, type TracingCapacity } from "./tracing.ts";
import type { Transport } from "./webhooks.ts";

export { FIRE_WAVE, PUBLISH, SEND_WEBHOOK, SWEEP } from "./jobs.ts";

/** A partner that has had its copy this long without acknowledging is reminded (once, before T0). */
export const ACK_REMINDER_AFTER_MS = 12 * 3600 * 1000;

export { ACK_STATUSES, type AckStatus } from "../../contract/enums.ts";

/**
 * Recipients per delivery transaction, by database (whole partners: up to one partner more).
 * PostgreSQL takes 200: in the 10,000-recipient benchmark the last copy came 9.3–9.6 s after the
 * wave's time, against 10.5–10.9 s at 100. PGlite keeps 100: it runs one statement at a time, and
 * API requests wait for each transaction.
 */
export const DELIVERY_BATCH = { pglite: 100, postgresql: 200 } as const;

export type ReleaseDeps = {
  db: Db;
  clock: Clock;
  ids: IdGen;
  audit: Pick<Audit, "record" | "appendMany" | "recordGrouped">;
  sealer: Sealer;
  advisories: Pick<
    Advisories,
    "get" | "downloadFile" | "publish" | "publicAdvisory" | "identifiers" | "standing"
  >;
  partners: Pick<
    Partners,
    | "listAll"
    | "get"
    | "eligibility"
    | "eligibilityMany"
    | "listMembers"
    | "membersOf"
    | "deliveryWebhooks"
    | "deliveryWebhooksOf"
    | "deleteWebhook"
    | "mailKeys"
  >;
  mailer: Mailer;
  /** Release mail to members (email.ts): the SMTP transport and From:; without it notices go to the outbox. */
  mail?: { transport: MailTransport; from: string } | undefined;
  /** Base of links in webhooks and mail (FOREWARN_PUBLIC_URL). */
  publicUrl: string;
  /**
   * FOREWARN_CANARY_DOMAIN: `{{canary:dns}}` in a copy becomes `<token>.<domain>`; without it the
   * neutral placeholder (and the plan preview warns).
   */
  canaryDomain?: string | undefined;
  /**
   * Benchmarks only (bench/releases.ts): copies rendered without fingerprints or canaries, the
   * baseline fingerprinting is measured against in the same run. Never set by the server or the CLI.
   */
  plainCopiesForBenchmark?: boolean | undefined;
  /** Recipients per delivery transaction (DELIVERY_BATCH for the database; 100 when not given). */
  deliveryBatch?: number | undefined;
  transport?: Transport | undefined;
  /**
   * Time written into `webhook-timestamp`: receivers check it against their own real clock for
   * replay protection, so it is wall time even when the engine runs on a frozen or accelerated clock.
   */
  wallClock?: Clock | undefined;
  /**
   * The job queue, connected once pg-boss has started (src/runtime.ts); without one (the CLI, tests
   * without jobs) waves fire only by the sweep or a direct call and webhooks wait for a queue.
   */
  queue?: JobQueue | undefined;
  /**
   * Work that one process at a time may do across the servers sharing the database (a wave's
   * deliveries and first webhook attempts); Database.exclusive. Without it, this process only.
   */
  exclusive?: Database["exclusive"] | undefined;
};

export type PlanInput = {
  publicAt: Date;
  timeZone?: string | undefined;
  extraWaves?: ExtraWaveIn[] | undefined;
  exclude?: (string | ExclusionIn)[] | undefined;
  /** The planner accepts that T0 is sooner than some tier's lead time (those waves go at once). */
  compressLeadTimes?: boolean | undefined;
};

type PlanRow = typeof releasePlans.$inferSelect;
type WaveRow = typeof releaseWaves.$inferSelect;
type StoredRequest = {
  extraWaves: {
    at: string;
    partnerIds: string[];
    content?: string[] | undefined;
    reason?: string | undefined;
  }[];
  exclude: ExclusionIn[];
};

const ENGINE = systemActor("releases");
/** The sections the public gets at T0: nobody receives less than that at or after T0. */
const PUBLIC_SECTIONS: readonly Section[] = CONTENT_LEVELS.public;

/** Refuses a plan whose T0 leaves some tier less than its lead time, unless the planner chose so. */
function checkCompression(compressed: CompressedWave[], chosen: boolean | undefined) {
  if (compressed.length === 0 || chosen) return;
  const warnings = compressionWarnings(compressed);
  throw new AppError(
    "validation_failed",
    `${warnings.join("; ")}. Move T0 later, or choose compressLeadTimes: true to send those waves at once`,
    { problems: warnings, compressed },
  );
}

/** Everyone who made or changed the plan since its last approval, with this actor added. */
const withEditor = (editors: unknown, id: string) => {
  const list = Array.isArray(editors) ? (editors as string[]) : [];
  return list.includes(id) ? list : [...list, id];
};

function checkTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    throw new AppError(
      "validation_failed",
      `timeZone: "${tz}" is not an IANA time zone (e.g. Europe/Berlin)`,
    );
  }
}

function localTime(at: Date, tz: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    dateStyle: "medium",
    timeStyle: "long",
  }).format(at);
}

export type { PlanRow, StoredRequest, WaveRow };
export { checkCompression, checkTimeZone, ENGINE, PUBLIC_SECTIONS, withEditor };

/** A partner member as the partners service lists them. */
export type Member = { id: string; role: string; disabled: boolean };

/** Members who receive their own copy: admins and analysts whose account is not disabled. */
export const receivesCopies = (m: Member) =>
  !m.disabled && (m.role === "partner_admin" || m.role === "partner_analyst");

export function makeReleaseContext(d: ReleaseDeps) {
  const { db, clock, audit } = d;
  const queue = d.queue ?? makeJobQueue(clock);
  const email = makeReleaseEmail({
    db,
    clock,
    audit,
    sealer: d.sealer,
    partners: d.partners,
    mailer: d.mailer,
    transport: d.mail?.transport,
    from: d.mail?.from,
    publicUrl: d.publicUrl,
    queue: () => queue.current(),
  });

  const tracing = makeTracingKeys({ db, sealer: d.sealer, ids: d.ids, clock });
  const canary = { domain: d.canaryDomain, publicUrl: d.publicUrl };

  // ---- adapters over the other modules' services ----

  async function advisoryOf(actor: Actor, advisoryId: string, revision?: number) {
    return d.advisories.get(actor, advisoryId, revision);
  }

  /** Active and suspended partners with their eligibility now (suspended ones come out ineligible). */
  async function eligibilities(): Promise<PartnerEligibility[]> {
    const list = await d.partners.listAll(ENGINE, { status: "active,suspended" });
    const all = await d.partners.eligibilityMany(
      ENGINE,
      list.map((p) => p.id),
    );
    const out: PartnerEligibility[] = [];
    for (const p of list) {
      const e = all.get(p.id);
      if (!e) continue;
      out.push({
        id: p.id,
        name: p.name,
        eligible: e.eligible,
        tier: e.tier,
        leadSeconds: e.leadSeconds,
        content: e.content,
        reasons: e.reasons,
      });
    }
    return out;
  }

  async function renderSource(
    plan: Pick<PlanRow, "advisoryId" | "revision" | "publicAt">,
  ): Promise<RenderSource> {
    const a = await advisoryOf(ENGINE, plan.advisoryId, plan.revision);
    const files = [];
    for (const f of a.files) {
      const isText = f.mediaType.startsWith("text/");
      const text = isText
        ? (await d.advisories.downloadFile(ENGINE, plan.advisoryId, f.id)).bytes.toString("utf8")
        : undefined;
      files.push({ ...f, text });
    }
    return {
      advisoryId: a.id,
      trackingId: a.trackingId,
      revision: a.revision.number,
      content: { title: a.revision.title, products: a.revision.products, sections: a.revision.sections },
      files,
      facts: await (async () => {
        const { publishedAt: _p, ...ids } = await d.advisories.identifiers(ENGINE, plan.advisoryId);
        return { publicAt: plan.publicAt, ...ids };
      })(),
    };
  }

  /** Eligible partners whose content a policy rule cuts (e.g. a jurisdiction rule), with the rules. */
  function cappedOf(partners: readonly PartnerEligibility[]) {
    return partners
      .filter((p) => p.eligible && p.reasons.some((r) => r.effect !== "not_eligible"))
      .map((p) => ({
        partnerId: p.id,
        reasons: p.reasons
          .filter((r) => r.effect !== "not_eligible")
          .map((r) => ({ rule: r.rule, effect: r.effect, reference: r.reference, message: r.message })),
      }));
  }

  async function planRow(tx: DbOrTx, advisoryId: string, lock = false): Promise<PlanRow | undefined> {
    const q = tx.select().from(releasePlans).where(eq(releasePlans.advisoryId, advisoryId));
    const [p] = lock ? await q.for("update") : await q;
    return p;
  }

  /**
   * The advisory's plan, locked for the transaction, and the state `event` takes it to: 404 without a
   * plan, 409 with `refusal(state)` when the states table refuses the event.
   */
  async function lockForEvent(
    tx: DbOrTx,
    advisoryId: string,
    event: PlanEvent,
    refusal: (state: string) => string,
  ): Promise<{ p: PlanRow; next: PlanState }> {
    const p = await planRow(tx, advisoryId, true);
    if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
    const next = transition(p.state, event);
    if (!next) throw new AppError("invalid_state", refusal(p.state));
    return { p, next };
  }

  /**
   * Takes the plan to `next` with `changes`: a new version, stamped `now`. Returns the version (the
   * callers audit it).
   */
  async function advance(
    tx: DbOrTx,
    p: PlanRow,
    next: PlanState,
    changes: Partial<typeof releasePlans.$inferInsert>,
    now = clock.now(),
  ): Promise<number> {
    const version = p.version + 1;
    await tx
      .update(releasePlans)
      .set({ ...changes, state: next, version, updatedAt: now })
      .where(eq(releasePlans.id, p.id));
    return version;
  }

  /** The plan's view as stored now, after a change committed. */
  async function viewOf(planId: string) {
    const [row] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
    return view(row as PlanRow);
  }

  async function view(plan: PlanRow) {
    // The advisory's revision number only (no content, so not an audited read).
    const adv = await d.advisories.standing(ENGINE, plan.advisoryId);
    const warnings: string[] = [];
    if (plan.approvedAt && adv && adv.currentRevision > plan.revision)
      warnings.push(
        `the advisory was edited after this plan was approved: revision ${plan.revision} (approved) is what partners and the public get, not revision ${adv.currentRevision}`,
      );
    const waves = await db
      .select()
      .from(releaseWaves)
      .where(eq(releaseWaves.planId, plan.id))
      .orderBy(asc(releaseWaves.position));
    if (is(plan.state, "live") && !is(plan.state, "firing"))
      warnings.push(
        ...compressionWarnings(
          compressedWaves(
            waves.filter((w) => !w.firedAt).map((w) => ({ ...w, kind: w.kind as "tier" | "extra" })),
            plan.publicAt,
            clock.now(),
          ),
        ),
      );
    // Low tracing capacity of the pinned revision's key (shown before arming, recorded when armed).
    const [key] = await db
      .select({ capacity: releaseTracingKeys.capacity })
      .from(releaseTracingKeys)
      .where(and(eq(releaseTracingKeys.planId, plan.id), eq(releaseTracingKeys.revision, plan.revision)));
    if (key) {
      const cap = key.capacity as TracingCapacity;
      warnings.push(
        ...(cap.warnings ?? []),
        ...(cap.waves ?? []).flatMap((w, i) => w.warnings.map((x) => `wave ${i + 1}: ${x}`)),
      );
    }
    const exclusions = await db
      .select()
      .from(releaseExclusions)
      .where(eq(releaseExclusions.planId, plan.id))
      .orderBy(asc(releaseExclusions.createdAt), asc(releaseExclusions.partnerId));
    return {
      id: plan.id,
      advisoryId: plan.advisoryId,
      revision: plan.revision,
      publicAt: plan.publicAt,
      timeZone: plan.timeZone,
      publicAtLocal: localTime(plan.publicAt, plan.timeZone),
      state: plan.state,
      version: plan.version,
      createdBy: plan.createdBy,
      changedBy: plan.changedBy ?? plan.createdBy,
      approvedBy: plan.approvedBy,
      approvedAt: plan.approvedAt,
      editors: (plan.editors as string[] | null) ?? [],
      compressLeadTimes: plan.compressLeadTimes,
      breakRequest: plan.breakRequest ?? null,
      warnings,
      armedAt: plan.armedAt,
      cancelledAt: plan.cancelledAt,
      cancelReason: plan.cancelReason,
      brokenAt: plan.brokenAt,
      breakReason: plan.breakReason,
      publishedAt: plan.publishedAt,
      waves: waves.map(waveView),
      exclusions: exclusions.map((x) => ({
        partnerId: x.partnerId,
        kind: x.kind,
        reason: x.reason,
        waveId: x.waveId,
        createdAt: x.createdAt,
      })),
    };
  }

  const waveView = (w: WaveRow) => ({
    id: w.id,
    at: w.at,
    kind: w.kind as "tier" | "extra",
    tier: w.tier,
    partnerIds: w.partnerIds,
    content: w.content,
    reason: w.reason,
    firedAt: w.firedAt,
    delivered: w.delivered,
    withheld: w.withheld,
  });

  // ---- scheduling ----

  // The queue waits in real seconds; an accelerated clock (the demo) states how much faster it runs.
  const rate = (clock as Clock & { rate?: number }).rate ?? 1;
  /** Real milliseconds until the clock reads `at` (negative once it has passed). */
  const realMsUntil = (at: Date) => (at.getTime() - clock.now().getTime()) / rate;
  const secondsUntil = (at: Date) => Math.max(0, Math.ceil(realMsUntil(at) / 1000));

  async function deliveryFor(tx: DbOrTx, advisoryId: string, recipientId: string) {
    const [row] = await tx
      .select()
      .from(releaseDeliveries)
      .where(
        and(eq(releaseDeliveries.advisoryId, advisoryId), eq(releaseDeliveries.recipientId, recipientId)),
      );
    return row;
  }

  function openCopy(row: typeof releaseDeliveries.$inferSelect): Copy {
    return JSON.parse(d.sealer.open(row.copySealed, `release_deliveries.copy:${row.id}`)) as Copy;
  }

  /** The partner's latest acknowledgement of each of these advisories, in one query. */
  async function latestAcks(partnerId: string, advisoryIds: readonly string[]) {
    if (advisoryIds.length === 0) return new Map<string, typeof releaseAcks.$inferSelect>();
    const rows = await db
      .selectDistinctOn([releaseAcks.advisoryId])
      .from(releaseAcks)
      .where(and(eq(releaseAcks.partnerId, partnerId), inArray(releaseAcks.advisoryId, [...advisoryIds])))
      .orderBy(releaseAcks.advisoryId, desc(releaseAcks.createdAt), desc(releaseAcks.id));
    return new Map(rows.map((a) => [a.advisoryId, a]));
  }

  async function latestAck(advisoryId: string, partnerId: string) {
    const [a] = await db
      .select()
      .from(releaseAcks)
      .where(and(eq(releaseAcks.advisoryId, advisoryId), eq(releaseAcks.partnerId, partnerId)))
      .orderBy(desc(releaseAcks.createdAt), desc(releaseAcks.id))
      .limit(1);
    return a ?? null;
  }

  /**
   * A partner user's copy read in one round trip (the hot path of GET /api/partner/advisories/:id):
   * the member's own delivery of the advisory, else their partner's, with the partner's status (only
   * an active partner reads), the plan's T0, the advisory's publication time, the case's current CVE
   * ID, CVSS and CWE, and the partner's latest acknowledgement. Reads the partners and cases tables
   * directly (an exception to the module rule, docs/architecture.md) so that a read costs one query
   * here instead of eight through the services. Undefined when neither delivery exists.
   */
  async function copyRead(advisoryId: string, userId: string, organisationId: string) {
    copyReadQuery ??= prepareCopyRead();
    const rows = await copyReadQuery.execute({ advisoryId, userId, organisationId });
    // The member's own copy wins over the partner's, as in deliveryFor(user) ?? deliveryFor(org).
    const r = rows.find((x) => x.delivery.recipientId === userId) ?? rows[0];
    if (!r) return undefined;
    const identifiers: Omit<CopyIdentifiers, "publishedAt"> = {
      cveIds: r.cveId ? [r.cveId] : [],
      cvss:
        r.cvssVector && r.cvssVersion && r.cvssScore !== null && r.cvssSeverity
          ? { version: r.cvssVersion, vector: r.cvssVector, score: r.cvssScore, severity: r.cvssSeverity }
          : null,
      cwe: cweWithName(r.cwe),
    };
    return {
      delivery: r.delivery,
      partnerStatus: r.partnerStatus,
      planPublicAt: r.planPublicAt,
      publishedAt: r.publishedAt,
      identifiers,
      ack: r.ackStatus && r.ackAt ? { status: r.ackStatus, at: r.ackAt } : null,
    };
  }

  /**
   * copyRead's query, built once and prepared by name: PostgreSQL parses and plans it once per
   * connection, and the query is not rebuilt from the builder on every read.
   */
  let copyReadQuery: ReturnType<typeof prepareCopyRead> | undefined;
  function prepareCopyRead() {
    const advisoryId = sql.placeholder("advisoryId");
    const userId = sql.placeholder("userId");
    const organisationId = sql.placeholder("organisationId");
    // The partner's latest acknowledgement, one row per delivery (a lateral join).
    const lastAck = db
      .select({ status: releaseAcks.status, at: releaseAcks.createdAt })
      .from(releaseAcks)
      .where(
        and(
          eq(releaseAcks.advisoryId, releaseDeliveries.advisoryId),
          eq(releaseAcks.partnerId, releaseDeliveries.partnerId),
        ),
      )
      .orderBy(desc(releaseAcks.createdAt), desc(releaseAcks.id))
      .limit(1)
      .as("last_ack");
    return db
      .select({
        delivery: releaseDeliveries,
        partnerStatus: partners.status,
        planPublicAt: releasePlans.publicAt,
        publishedAt: advisories.publishedAt,
        cveId: cases.cveId,
        cwe: cases.cwe,
        cvssVector: cases.cvssVector,
        cvssVersion: cases.cvssVersion,
        cvssScore: cases.cvssScore,
        cvssSeverity: cases.cvssSeverity,
        ackStatus: lastAck.status,
        ackAt: lastAck.at,
      })
      .from(releaseDeliveries)
      .leftJoin(partners, eq(partners.organisationId, organisationId))
      .leftJoin(releasePlans, eq(releasePlans.id, releaseDeliveries.planId))
      .innerJoin(advisories, eq(advisories.id, releaseDeliveries.advisoryId))
      .leftJoin(cases, eq(cases.id, advisories.caseId))
      .leftJoinLateral(lastAck, sql`true`)
      .where(
        and(
          eq(releaseDeliveries.advisoryId, advisoryId),
          inArray(releaseDeliveries.recipientId, [userId, organisationId]),
        ),
      )
      .prepare("forewarn_copy_read");
  }

  return {
    d,
    db,
    clock,
    audit,
    queue,
    email,
    tracing,
    canary,
    advisoryOf,
    eligibilities,
    renderSource,
    cappedOf,
    planRow,
    lockForEvent,
    advance,
    view,
    viewOf,
    secondsUntil,
    realMsUntil,
    deliveryFor,
    openCopy,
    latestAck,
    latestAcks,
    copyRead,
  };
}

export type ReleaseContext = ReturnType<typeof makeReleaseContext>;
