// The release engine: plans (derived from tiers and each partner's eligibility), arming, moving T0,
// cancelling, the waves firing on time and never early, exactly once per recipient, the public
// release at T0, the embargo break, the partner's inbox and acknowledgements, and signed webhooks.
//
// Exactly once: a recipient's delivery row (UNIQUE idempotency key plan:recipient) is inserted in
// the same transaction as its copy, its audit entry and its webhook messages. A wave is marked fired
// only after every recipient has a row or a recorded withholding, so a crash at any line is repaired
// by running the same wave again (the next job attempt or the sweep): done recipients are skipped.
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { type Actor, authorize, systemActor } from "../../authz/authorize.ts";
import type { Clock } from "../../platform/clock.ts";
import { type Sealer, sha256Hex } from "../../platform/crypto.ts";
import type { Db, DbOrTx } from "../../platform/db/client.ts";
import { AppError, conflict, forbidden, notFound } from "../../platform/errors.ts";
import type { IdGen } from "../../platform/ids.ts";
import type { MailTransport } from "../../platform/mail/transport.ts";
import { CONTENT_LEVELS, SECTIONS, type Section } from "../advisories/content.ts";
import { advisories } from "../advisories/schema.ts";
import type { Advisories } from "../advisories/service.ts";
import type { Partners } from "../partners/index.ts";
import type { Mailer } from "../partners/outbox.ts";
import { makeReleaseEmail } from "./email.ts";
import { releaseMails } from "./email-schema.ts";
import {
  type CompressedWave,
  compressedWaves,
  compressionWarnings,
  derivePlan,
  type ExclusionIn,
  type ExtraWaveIn,
  type PartnerEligibility,
  PlanError,
  type PlanRequest,
} from "./plan.ts";
import {
  type Copy,
  type Fingerprint,
  NO_FINGERPRINT,
  type Recipient,
  type RenderSource,
  renderCopy,
} from "./render.ts";
import {
  releaseAcks,
  releaseDeliveries,
  releaseExclusions,
  releasePlans,
  releaseWaves,
  releaseWebhookAttempts,
  releaseWebhookMessages,
} from "./schema.ts";
import {
  httpTransport,
  signedHeaders,
  type Transport,
  WEBHOOK_RETRY,
  WEBHOOK_RETRY_WINDOW_MS,
} from "./webhooks.ts";

export const FIRE_WAVE = "releases.fire-wave";
export const PUBLISH = "releases.publish";
export const SEND_WEBHOOK = "releases.webhook";
export const SWEEP = "releases.sweep";

/** A partner that has had its copy this long without acknowledging is reminded (once, before T0). */
export const ACK_REMINDER_AFTER_MS = 12 * 3600 * 1000;

export const ACK_STATUSES = ["received", "in_progress", "shipped"] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

/** What the engine needs of a job queue (pg-boss's `send`); attached when the jobs start. */
export type Queue = {
  send(name: string, data: object, options: Record<string, unknown>): Promise<unknown>;
};

export type ReleaseDeps = {
  db: Db;
  clock: Clock;
  ids: IdGen;
  audit: Pick<Audit, "record">;
  sealer: Sealer;
  advisories: Pick<Advisories, "get" | "downloadFile" | "publish" | "publicAdvisory" | "identifiers">;
  partners: Pick<
    Partners,
    | "list"
    | "get"
    | "eligibility"
    | "eligibilityMany"
    | "listMembers"
    | "deliveryWebhooks"
    | "deleteWebhook"
    | "mailKeys"
  >;
  mailer: Mailer;
  /** Release mail to members (email.ts): the SMTP transport and From:; without it notices go to the outbox. */
  mail?: { transport: MailTransport; from: string } | undefined;
  /** Base of links in webhooks and mail (FOREWARN_PUBLIC_URL). */
  publicUrl: string;
  /** The tracing seam (see render.ts); NO_FINGERPRINT until the tracing issue wires it. */
  fingerprint?: Fingerprint | undefined;
  transport?: Transport | undefined;
  /**
   * Time written into `webhook-timestamp`: receivers check it against their own real clock for
   * replay protection, so it is wall time even when the engine runs on a frozen or accelerated clock.
   */
  wallClock?: Clock | undefined;
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
const actorId = (a: Actor) => (a.kind === "user" ? a.userId : `system:${a.name}`);
const LIVE_STATES = ["draft", "approved", "armed"];
/** States in which the plan (and only the plan) will make the advisory public. */
const PUBLISHING_STATES = ["draft", "approved", "armed", "broken"];
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

export function makeReleases(d: ReleaseDeps) {
  const { db, clock, audit } = d;
  const fingerprint = d.fingerprint ?? NO_FINGERPRINT;
  const transport = d.transport ?? httpTransport();
  const wall = d.wallClock ?? { now: () => new Date() };
  let queue: Queue | null = null;
  /** When this process attached its queue: untried messages from before then have no sender left. */
  let attachedAt: Date | null = null;
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
    queue: () => queue,
  });

  // ---- adapters over the other modules' services ----

  async function advisoryOf(actor: Actor, advisoryId: string, revision?: number) {
    return d.advisories.get(actor, advisoryId, revision);
  }

  /** Active and suspended partners with their eligibility now (suspended ones come out ineligible). */
  async function eligibilities(): Promise<PartnerEligibility[]> {
    const list = await d.partners.list(ENGINE, { status: "active,suspended" });
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

  async function renderSource(plan: PlanRow): Promise<RenderSource> {
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

  // ---- plans ----

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
        throw new AppError("validation_failed", e.message, { problems: e.problems });
      throw e;
    }
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

  /** A wave has gone out (some recipient has its copy, or a wave is complete). */
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
          createdBy: actorId(actor),
          createdAt: now,
        })),
      );
  }

  async function view(plan: PlanRow) {
    // The advisory's revision number only (no content, so not an audited read).
    const [adv] = await db
      .select({ currentRevision: advisories.currentRevision })
      .from(advisories)
      .where(eq(advisories.id, plan.advisoryId));
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
    if (LIVE_STATES.includes(plan.state) && plan.state !== "armed")
      warnings.push(
        ...compressionWarnings(
          compressedWaves(
            waves.filter((w) => !w.firedAt).map((w) => ({ ...w, kind: w.kind as "tier" | "extra" })),
            plan.publicAt,
            clock.now(),
          ),
        ),
      );
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
  const secondsUntil = (at: Date) =>
    Math.max(0, Math.ceil((at.getTime() - clock.now().getTime()) / 1000 / rate));

  async function schedule(planId: string) {
    if (!queue) return;
    const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
    if (!plan || (plan.state !== "armed" && plan.state !== "broken")) return;
    const waves = await db
      .select()
      .from(releaseWaves)
      .where(and(eq(releaseWaves.planId, planId), isNull(releaseWaves.firedAt)));
    for (const w of waves)
      await queue.send(
        FIRE_WAVE,
        { waveId: w.id, version: plan.version },
        { startAfter: secondsUntil(w.at), retryLimit: 10, retryDelay: 5, retryBackoff: true },
      );
    await queue.send(
      PUBLISH,
      { planId, version: plan.version },
      { startAfter: secondsUntil(plan.publicAt), retryLimit: 10, retryDelay: 5, retryBackoff: true },
    );
  }

  async function enqueueWebhooks(ids: string[]) {
    if (!queue) return;
    for (const id of ids)
      await queue.send(SEND_WEBHOOK, { messageId: id }, { ...WEBHOOK_RETRY, singletonKey: id });
  }

  // ---- the engine ----

  type Member = { id: string; role: string; disabled: boolean };

  type Item = { recipient: Recipient; sections: Section[]; endpoints: { id: string; url: string }[] };
  type Made = { deliveryId: string; recipient: Recipient; messages: string[] };

  /** Recipients per delivery transaction (whole partners: a partner and its members commit together). */
  const BATCH = 100;

  /**
   * Deliveries in one transaction, each as it would be alone: the copy, its own idempotency key, its
   * audit entry, a member's mail or the partner's webhook messages. A recipient that already has its
   * row is skipped; nothing is written when the plan stopped (cancelled, moved) meanwhile or the
   * wave's time has not come. Returns the new deliveries.
   */
  async function deliverBatch(plan: PlanRow, wave: WaveRow, source: RenderSource, items: Item[]) {
    const prepared = items.map((it) => {
      const { copy, codeword } = renderCopy(source, it.sections, it.recipient, fingerprint);
      return { ...it, id: d.ids("delivery"), json: JSON.stringify(copy), codeword };
    });
    const made: Made[] = [];
    const ok = await db.transaction(async (tx) => {
      const [p] = await tx
        .select({ state: releasePlans.state, version: releasePlans.version })
        .from(releasePlans)
        .where(eq(releasePlans.id, plan.id))
        .for("share");
      if (
        !p ||
        (p.state !== "armed" && p.state !== "broken" && p.state !== "fired") ||
        p.version !== plan.version
      )
        return false;
      const now = clock.now();
      if (p.state !== "broken" && now.getTime() < wave.at.getTime()) return false;
      if (prepared.length === 0) return true;
      const rows = await tx
        .insert(releaseDeliveries)
        .values(
          prepared.map(({ id, recipient, sections, json, codeword }) => ({
            id,
            idempotencyKey: `${plan.id}:${recipient.id}`,
            planId: plan.id,
            waveId: wave.id,
            advisoryId: plan.advisoryId,
            partnerId: recipient.partnerId,
            recipientKind: recipient.kind,
            recipientId: recipient.id,
            revision: source.revision,
            sections,
            copySealed: d.sealer.seal(json, `release_deliveries.copy:${id}`),
            copySha256: sha256Hex(json),
            codewordSealed: codeword
              ? d.sealer.seal(Buffer.from(codeword).toString("base64"), `release_deliveries.codeword:${id}`)
              : null,
            deliveredAt: now,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: releaseDeliveries.id });
      const inserted = new Set(rows.map((r) => r.id));
      const messages: (typeof releaseWebhookMessages.$inferInsert)[] = [];
      for (const { id, recipient, endpoints } of prepared) {
        if (!inserted.has(id)) continue;
        await audit.record(tx, {
          type: "release.delivered",
          actor: ENGINE,
          subject: plan.advisoryId,
          data: {
            planId: plan.id,
            waveId: wave.id,
            deliveryId: id,
            partnerId: recipient.partnerId,
            recipient: `${recipient.kind}:${recipient.id}`,
          },
        });
        // A member's mail is owed with its delivery; the mail job is sent after the commit (email.ts).
        if (recipient.kind === "user")
          await email.owe(tx, {
            deliveryId: id,
            advisoryId: plan.advisoryId,
            partnerId: recipient.partnerId,
            userId: recipient.id,
          });
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

  /**
   * First attempts of new webhook messages, a few at a time while the wave goes on (one pg-boss job
   * per message would wait a polling interval each). The wave never waits for an endpoint; a message
   * that fails goes to the queue's back-off, and one left unsent by a crash to the sweep. Only where a
   * queue is attached (the server), as before.
   */
  function webhookSender(workers = 8) {
    const todo: string[] = [];
    const seen = new Set<string>();
    const running: Promise<void>[] = [];
    let active = 0;
    let closed = false;
    const work = async () => {
      active++;
      try {
        while (!closed) {
          const id = todo.shift();
          if (id === undefined) break;
          const r = await sendWebhook(id).catch(() => ({ status: "retry" as const }));
          if (r.status === "retry") await enqueueWebhooks([id]).catch(() => {});
        }
      } finally {
        active--;
      }
    };
    return {
      push(ids: string[]) {
        // Without a job queue (CLI, tests) nothing could retry a failure: the messages wait for one.
        if (!queue) return;
        for (const id of ids)
          if (!seen.has(id)) {
            seen.add(id);
            todo.push(id);
          }
        while (!closed && active < workers && todo.length > 0) running.push(work());
      },
      /** Waits up to `ms` for the first attempts; what is left then goes to the queue. */
      async drain(ms = 30_000) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(running),
          new Promise((r) => {
            timer = setTimeout(r, ms);
          }),
        ]);
        clearTimeout(timer);
        closed = true;
        await enqueueWebhooks(todo.splice(0));
      },
    };
  }

  async function recipientsOf(partnerId: string, partnerName: string): Promise<Recipient[]> {
    const members = (await d.partners.listMembers(ENGINE, partnerId)) as Member[];
    return [
      { kind: "organisation", id: partnerId, partnerId, partnerName },
      ...members
        .filter((m) => !m.disabled && (m.role === "partner_admin" || m.role === "partner_analyst"))
        .map((m) => ({ kind: "user" as const, id: m.id, partnerId, partnerName })),
    ];
  }

  async function partnerName(partnerId: string): Promise<string> {
    const [p] = await d.partners.list(ENGINE, {}).then((all) => all.filter((x) => x.id === partnerId));
    return p?.name ?? partnerId;
  }

  /**
   * Fires a wave: idempotent, never early. Returns what happened so a job can reschedule an early run.
   */
  type FireResult = { status: "fired" | "done" | "early" | "stale"; at?: Date; delivered?: number };
  const firing = new Map<string, Promise<FireResult>>();

  /**
   * Runs of the same wave in this process (its job, the sweep, T0) take turns: the second finds the
   * wave done instead of rendering and skipping every recipient again. Across processes the
   * idempotency keys keep it exactly once.
   */
  function fireWave(waveId: string, version?: number): Promise<FireResult> {
    const before = firing.get(waveId);
    const run = (before ? before.catch(() => null) : Promise.resolve(null)).then(() =>
      fireWaveOnce(waveId, version),
    );
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
    if (!plan || (plan.state !== "armed" && plan.state !== "broken")) return { status: "stale" };
    if (version !== undefined && version !== plan.version) return { status: "stale" };
    if (wave.firedAt) return { status: "done" };
    if (plan.state !== "broken" && clock.now().getTime() < wave.at.getTime())
      return { status: "early", at: wave.at };

    const source = await renderSource(plan);
    const allPartners = await d.partners.list(ENGINE, {});
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
      ).map((r) => [r.partnerId, r.sections as Section[]]),
    );
    // Eligibility again, now, for every partner not reached yet: a partner suspended since planning
    // gets nothing. One query per table for the whole wave.
    const eligibility = await d.partners.eligibilityMany(
      ENGINE,
      wave.partnerIds.filter((id) => !reached.has(id)),
    );
    const sender = webhookSender();
    const batch: Item[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      for (const m of await deliverBatch(plan, wave, source, batch.splice(0))) sender.push(m.messages);
      // Let the webhook sender and API requests have the database between batches (PGlite runs one
      // statement at a time; without this a big wave holds it to the end).
      await new Promise((r) => setImmediate(r));
    };
    for (const partnerId of wave.partnerIds) {
      const already = reached.get(partnerId);
      let sections = wave.content as Section[];
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
                createdBy: actorId(ENGINE),
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
      const endpoints = already ? [] : await d.partners.deliveryWebhooks(partnerId);
      for (const r of await recipientsOf(partnerId, names.get(partnerId) ?? partnerId))
        batch.push({ recipient: r, sections, endpoints });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
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
    if (!plan || (plan.state !== "armed" && plan.state !== "broken")) {
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
      if (!(e instanceof AppError && /already public/.test(e.message))) throw e;
    }
    await db.transaction(async (tx) => {
      const rows = await tx
        .update(releasePlans)
        .set({ state: "fired", publishedAt, updatedAt: now })
        .where(and(eq(releasePlans.id, planId), inArray(releasePlans.state, ["armed", "broken"])))
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
      .where(inArray(releasePlans.state, ["armed", "broken"]));
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
    const unsent = await db
      .select({ id: releaseWebhookMessages.id })
      .from(releaseWebhookMessages)
      .where(
        and(
          eq(releaseWebhookMessages.status, "pending"),
          eq(releaseWebhookMessages.attempts, 0),
          or(
            lte(releaseWebhookMessages.createdAt, lostBefore),
            attachedAt ? lt(releaseWebhookMessages.createdAt, attachedAt) : undefined,
          ),
        ),
      );
    const sender = webhookSender();
    sender.push(unsent.map((m) => m.id));
    await sender.drain();
    const reminders = await remindAcks(now);
    return { waves, published, webhooks: unsent.length, reminders };
  }

  /**
   * One attempt at a webhook message, signed per Standard Webhooks. Throws on failure so the job
   * queue retries with back-off; after 24 h the message is marked failed and no longer retried.
   */
  async function sendWebhook(
    messageId: string,
  ): Promise<{ status: "succeeded" | "failed" | "retry" | "done" }> {
    const [m] = await db
      .select()
      .from(releaseWebhookMessages)
      .where(eq(releaseWebhookMessages.id, messageId));
    if (m === undefined || m.status !== "pending") return { status: "done" };
    const endpoint = (await d.partners.deliveryWebhooks(m.partnerId)).find((e) => e.id === m.endpointId);
    const attempt = m.attempts + 1;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    if (!endpoint) {
      error = "the endpoint was deleted";
    } else {
      const body = JSON.stringify(m.payload);
      try {
        const res = await transport(
          endpoint.url,
          signedHeaders(endpoint.secret, m.id, wall.now(), body),
          body,
        );
        statusCode = res.status;
        if (res.status < 200 || res.status >= 300) error = `answered HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message.slice(0, 500);
      }
    }
    const now = clock.now();
    const expired = now.getTime() - m.createdAt.getTime() >= WEBHOOK_RETRY_WINDOW_MS || !endpoint;
    const status = error === null ? "succeeded" : expired ? "failed" : "pending";
    await db.transaction(async (tx) => {
      await tx.insert(releaseWebhookAttempts).values({
        id: d.ids("webhookAttempt"),
        messageId: m.id,
        attempt,
        at: now,
        statusCode,
        error,
        durationMs: Date.now() - started,
      });
      await tx
        .update(releaseWebhookMessages)
        .set({
          attempts: attempt,
          status,
          lastStatusCode: statusCode,
          lastError: error,
          lastAttemptAt: now,
          ...(status === "succeeded" ? { succeededAt: now } : {}),
        })
        .where(eq(releaseWebhookMessages.id, m.id));
      if (status === "failed")
        await audit.record(tx, {
          type: "release.webhook_failed",
          actor: ENGINE,
          subject: m.partnerId,
          data: { messageId: m.id, endpointId: m.endpointId, attempts: attempt, lastError: error ?? "" },
        });
    });
    if (status === "pending") return { status: "retry" };
    if (status === "failed" && endpoint)
      await disableEndpoint(m.partnerId, m.endpointId, endpoint.url, attempt);
    return { status };
  }

  /**
   * An endpoint that failed one message for 24 hours is disabled (through the partners service, which
   * audits it), and the partner's admins are told once by mail.
   */
  async function disableEndpoint(partnerId: string, endpointId: string, url: string, attempts: number) {
    await d.partners.deleteWebhook(ENGINE, partnerId, endpointId).catch((e: unknown) => {
      if (!(e instanceof AppError && e.code === "not_found")) throw e;
    });
    const admins = (
      (await d.partners.listMembers(ENGINE, partnerId)) as (Member & { email: string })[]
    ).filter((m) => m.role === "partner_admin" && !m.disabled);
    await db.transaction(async (tx) => {
      for (const a of admins)
        await d.mailer.send(tx, {
          to: a.email,
          kind: "webhook_disabled",
          dedupeKey: `webhook-disabled:${endpointId}:${a.id}`,
          subject: "Forewarn disabled your webhook endpoint after 24 hours of failures",
          body: `Your endpoint ${url} did not accept an event for 24 hours (${attempts} attempts), so it no longer receives events. Fix it and register it again in the partner portal; released advisories stay in your inbox there.`,
        });
    });
  }

  /** Before T0, each partner that has had its copy for 12 hours without acknowledging is reminded once. */
  async function remindAcks(now: Date) {
    const plans = await db.select().from(releasePlans).where(eq(releasePlans.state, "armed"));
    let reminded = 0;
    for (const plan of plans) {
      if (plan.publicAt.getTime() <= now.getTime()) continue;
      const due = await db
        .select()
        .from(releaseDeliveries)
        .where(
          and(
            eq(releaseDeliveries.planId, plan.id),
            eq(releaseDeliveries.recipientKind, "organisation"),
            lte(releaseDeliveries.deliveredAt, new Date(now.getTime() - ACK_REMINDER_AFTER_MS)),
          ),
        );
      for (const dl of due) {
        if (await latestAck(plan.advisoryId, dl.partnerId)) continue;
        const people = (
          (await d.partners.listMembers(ENGINE, dl.partnerId)) as (Member & { email: string })[]
        ).filter((m) => !m.disabled && (m.role === "partner_admin" || m.role === "partner_analyst"));
        await db.transaction(async (tx) => {
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
    return reminded;
  }

  // ---- partner side ----

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

  /** T0 while the embargo lasts (null once public) and the identifiers as they are now, for a copy's reader. */

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
   * The copy's label follows the clock: embargoed until the advisory is public, then public; and once
   * public, the public sections the copy lacks (a tier below the public level received less).
   */
  /**
   * What a copy says about the clock and the advisory as it is now: embargoed until T0 (with T0), then
   * public with the public sections the copy lacks, so nobody has less than the public advisory; and
   * the current CVE IDs, CVSS and CWE.
   */
  async function copyState(planId: string, advisoryId: string, copy: Copy) {
    const [plan] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
    const { publishedAt, ...identifiers } = await d.advisories.identifiers(ENGINE, advisoryId);
    const planned = plan?.publicAt ?? null;
    if (!publishedAt || publishedAt.getTime() > clock.now().getTime())
      return {
        embargo: { state: "embargoed" as const, publicAt: planned, publishedAt: null },
        publicSections: {},
        publicAt: planned,
        identifiers,
      };
    const pub = await d.advisories.publicAdvisory(copy.trackingId);
    const publicSections: Partial<Record<Section, string>> = {};
    for (const sct of PUBLIC_SECTIONS) {
      const text = sct === "summary" ? pub.summary : sct === "details" ? pub.details : "";
      if (copy.sections[sct] === undefined && text.trim()) publicSections[sct] = text;
    }
    return {
      embargo: { state: "public" as const, publicAt: planned, publishedAt },
      publicSections,
      publicAt: null,
      identifiers,
    };
  }

  /** A job that ran before its time (the queue's clock ahead of ours) goes back for when it is due. */
  async function rescheduleIfEarly(name: string, data: object, r: { status: string; at?: Date | undefined }) {
    if (r.status !== "early" || !r.at || !queue) return;
    await queue.send(name, data, {
      startAfter: Math.max(1, secondsUntil(r.at)),
      retryLimit: 10,
      retryDelay: 5,
      retryBackoff: true,
    });
  }

  /** Every read of a copy (or one of its files) is audited; the first one is kept on the delivery. */
  async function recordRead(
    actor: Actor,
    advisoryId: string,
    row: { id: string; revision: number; firstReadAt: Date | null },
    fileId?: string,
  ) {
    const now = clock.now();
    await db.transaction(async (tx) => {
      if (!row.firstReadAt)
        await tx
          .update(releaseDeliveries)
          .set({ firstReadAt: now })
          .where(and(eq(releaseDeliveries.id, row.id), isNull(releaseDeliveries.firstReadAt)));
      await audit.record(tx, {
        type: "release.copy_read",
        actor,
        subject: advisoryId,
        data: { deliveryId: row.id, revision: row.revision, ...(fileId ? { fileId } : {}) },
      });
    });
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

  async function latestAck(advisoryId: string, partnerId: string) {
    const [a] = await db
      .select()
      .from(releaseAcks)
      .where(and(eq(releaseAcks.advisoryId, advisoryId), eq(releaseAcks.partnerId, partnerId)))
      .orderBy(desc(releaseAcks.createdAt), desc(releaseAcks.id))
      .limit(1);
    return a ?? null;
  }

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
      const p = await planRow(tx, advisoryId, true);
      if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
      if (!LIVE_STATES.includes(p.state))
        throw new AppError(
          "invalid_state",
          `the release plan is ${p.state}; there is no embargo left to break`,
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
      await tx
        .update(releasePlans)
        .set({
          state: "broken",
          version: p.version + 1,
          brokenAt: now,
          breakReason: input.reason,
          breakEvidence: input.evidence,
          updatedAt: now,
        })
        .where(eq(releasePlans.id, p.id));
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
    const partners = await d.partners.list(ENGINE, { status: "active,suspended" });
    for (const p of partners) {
      const members = (await d.partners.listMembers(ENGINE, p.id)) as (Member & { email: string })[];
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
    const [row] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
    return view(row as PlanRow);
  }

  return {
    attachQueue(q: Queue) {
      queue = q;
      attachedAt = clock.now();
      // A (re)started server catches up at once what came due while it was down, such as the rest of
      // a wave it was killed in, instead of at the next minute's sweep (the sweep is idempotent).
      q.send(SWEEP, {}, { retryLimit: 3 }).catch(() => {});
    },
    /** Release mail: its job handler and sweep (src/jobs.ts). */
    email,
    fireWave,
    publish,
    sweep,
    sendWebhook,

    /** Job handler: fires the wave; a run that came early (clock behind the queue) is rescheduled. */
    async onFireJob(data: unknown) {
      const { waveId, version } = data as { waveId: string; version?: number };
      await rescheduleIfEarly(FIRE_WAVE, { waveId, version }, await fireWave(waveId, version));
    },
    async onPublishJob(data: unknown) {
      const { planId, version } = data as { planId: string; version?: number };
      await rescheduleIfEarly(PUBLISH, { planId, version }, await publish(planId, version));
    },
    /** Job handler: one attempt; throwing hands the message back to the queue's back-off. */
    async onWebhookJob(data: unknown) {
      const { messageId } = data as { messageId: string };
      const r = await sendWebhook(messageId);
      if (r.status === "retry") throw new Error(`webhook message ${messageId} not accepted yet; retrying`);
    },

    async preview(actor: Actor, advisoryId: string, input: PlanInput) {
      authorize(actor, "releases:read");
      await advisoryOf(actor, advisoryId);
      const derived = await derive(normalise(input));
      return {
        publicAt: input.publicAt,
        waves: derived.waves.map((w) => ({ ...w, id: null })),
        exclusions: derived.exclusions,
        compressed: derived.compressed,
        warnings: compressionWarnings(derived.compressed),
        capped: derived.capped,
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
        if (existing && !["draft", "approved", "cancelled"].includes(existing.state))
          throw conflict(
            `the release plan is ${existing.state}: move T0 with PATCH or cancel it before planning again`,
          );
        const now = clock.now();
        const id = existing?.id ?? d.ids("releasePlan");
        const values = {
          revision: a.currentRevision,
          publicAt: req.publicAt,
          timeZone: tz,
          state: "draft",
          version: (existing?.version ?? 0) + 1,
          request: stored,
          updatedAt: now,
          changedBy: actorId(actor),
          // Planning again after a cancel starts a new plan; otherwise the plan's makers accumulate.
          editors: withEditor(
            existing && existing.state !== "cancelled" ? existing.editors : [],
            actorId(actor),
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
            .values({ id, advisoryId, createdBy: actorId(actor), createdAt: now, ...values });
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
      const [row] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
      return view(row as PlanRow);
    },

    /** The plan's state while it will publish the advisory (draft, approved, armed, broken), else null. */
    async liveState(advisoryId: string): Promise<string | null> {
      const p = await planRow(db, advisoryId);
      return p && PUBLISHING_STATES.includes(p.state) ? p.state : null;
    },

    /** Release plans armed, fired or broken: releases under way or done (a dashboard count). */
    async countReleases(): Promise<number> {
      const rows = await db
        .select({ id: releasePlans.id })
        .from(releasePlans)
        .where(inArray(releasePlans.state, ["armed", "fired", "broken"]));
      return rows.length;
    },

    /** The next armed T0 still to come (the overview's "Next release"; a time, no content). */
    async nextRelease(): Promise<Date | null> {
      const [p] = await db
        .select({ publicAt: releasePlans.publicAt })
        .from(releasePlans)
        .where(and(eq(releasePlans.state, "armed"), gt(releasePlans.publicAt, clock.now())))
        .orderBy(asc(releasePlans.publicAt))
        .limit(1);
      return p?.publicAt ?? null;
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
      return { ...v, capped };
    },

    async listPlans(actor: Actor) {
      authorize(actor, "releases:read");
      const plans = await db.select().from(releasePlans).orderBy(asc(releasePlans.publicAt)).limit(500);
      const out = [];
      for (const p of plans) out.push(await view(p));
      return out;
    },

    /**
     * A second coordinator approves the plan (not the one who made or last changed it). Approval pins
     * the advisory's approved revision: every copy and the public release use it, even if the
     * advisory is edited afterwards.
     */
    async approve(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:write");
      const [a] = await db
        .select({
          state: advisories.state,
          currentRevision: advisories.currentRevision,
          trackingId: advisories.trackingId,
        })
        .from(advisories)
        .where(eq(advisories.id, advisoryId));
      if (!a) throw notFound(`release plan of advisory ${advisoryId}`);
      const plan = await db.transaction(async (tx) => {
        const p = await planRow(tx, advisoryId, true);
        if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
        if (p.state !== "draft")
          throw new AppError(
            "invalid_state",
            p.state === "approved"
              ? "the release plan is already approved"
              : `the release plan is ${p.state}; only a draft plan is approved`,
          );
        const makers = withEditor(p.editors, p.changedBy ?? p.createdBy ?? "");
        if (makers.includes(actorId(actor)))
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
        const version = p.version + 1;
        await tx
          .update(releasePlans)
          .set({
            state: "approved",
            revision: a.currentRevision,
            version,
            approvedBy: actorId(actor),
            approvedAt: now,
            editors: [],
            updatedAt: now,
          })
          .where(eq(releasePlans.id, p.id));
        await audit.record(tx, {
          type: "release.approved",
          actor,
          subject: advisoryId,
          data: { planId: p.id, revision: a.currentRevision, version },
        });
        return {
          ...p,
          state: "approved",
          revision: a.currentRevision,
          version,
          approvedBy: actorId(actor),
          approvedAt: now,
          editors: [],
        };
      });
      return view(plan);
    },

    /**
     * The live wave view: per wave, deliveries per channel (portal/API copies and reads, webhooks
     * sent, failed, pending), failures and withholdings, and each partner's latest acknowledgement.
     * Times and counts only, never content.
     */
    async status(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:read");
      const p = await planRow(db, advisoryId);
      if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
      const waves = await db
        .select()
        .from(releaseWaves)
        .where(eq(releaseWaves.planId, p.id))
        .orderBy(asc(releaseWaves.position));
      const deliveries = await db
        .select({
          id: releaseDeliveries.id,
          waveId: releaseDeliveries.waveId,
          partnerId: releaseDeliveries.partnerId,
          kind: releaseDeliveries.recipientKind,
          firstReadAt: releaseDeliveries.firstReadAt,
        })
        .from(releaseDeliveries)
        .where(eq(releaseDeliveries.planId, p.id));
      const waveOfDelivery = new Map(deliveries.map((x) => [x.id, x.waveId]));
      const messages = await db
        .select({
          deliveryId: releaseWebhookMessages.deliveryId,
          partnerId: releaseWebhookMessages.partnerId,
          status: releaseWebhookMessages.status,
          attempts: releaseWebhookMessages.attempts,
          lastError: releaseWebhookMessages.lastError,
        })
        .from(releaseWebhookMessages)
        .where(eq(releaseWebhookMessages.advisoryId, advisoryId));
      const mails = await db
        .select({
          deliveryId: releaseMails.deliveryId,
          partnerId: releaseMails.partnerId,
          status: releaseMails.status,
          attempts: releaseMails.attempts,
          lastError: releaseMails.lastError,
          messageId: releaseMails.messageId,
        })
        .from(releaseMails)
        .where(eq(releaseMails.advisoryId, advisoryId));
      const withheld = await db
        .select()
        .from(releaseExclusions)
        .where(and(eq(releaseExclusions.planId, p.id), eq(releaseExclusions.kind, "withheld")));
      const acks = await db
        .select()
        .from(releaseAcks)
        .where(eq(releaseAcks.advisoryId, advisoryId))
        .orderBy(asc(releaseAcks.createdAt), asc(releaseAcks.id));
      const latest = new Map<string, AckStatus>();
      for (const a of acks) latest.set(a.partnerId, a.status as AckStatus);
      return {
        planId: p.id,
        state: p.state,
        publicAt: p.publicAt,
        now: clock.now(),
        waves: waves.map((w) => {
          const mine = deliveries.filter((x) => x.waveId === w.id);
          const partnersReached = new Set(mine.map((x) => x.partnerId));
          const hooks = messages.filter((m) => m.deliveryId && waveOfDelivery.get(m.deliveryId) === w.id);
          const count = (st: string) => hooks.filter((m) => m.status === st).length;
          const mailsOf = mails.filter((m) => waveOfDelivery.get(m.deliveryId) === w.id);
          const mailCount = (st: string) => mailsOf.filter((m) => m.status === st).length;
          const ackCount = (st: AckStatus) =>
            [...partnersReached].filter((id) => latest.get(id) === st).length;
          return {
            id: w.id,
            at: w.at,
            kind: w.kind,
            tier: w.tier,
            firedAt: w.firedAt,
            partners: w.partnerIds.length,
            portal: {
              partners: partnersReached.size,
              copies: mine.length,
              read: mine.filter((x) => x.firstReadAt).length,
            },
            webhooks: { succeeded: count("succeeded"), failed: count("failed"), pending: count("pending") },
            email: {
              // Without SMTP a notice is only queued in the outbox (no Message-ID): not sent.
              sent: mailsOf.filter((m) => m.status === "sent" && m.messageId !== null).length,
              queued: mailsOf.filter((m) => m.status === "sent" && m.messageId === null).length,
              pending: mailCount("pending"),
              failed: mailCount("failed"),
              skipped: mailCount("skipped"),
            },
            acks: {
              received: ackCount("received"),
              in_progress: ackCount("in_progress"),
              shipped: ackCount("shipped"),
              none: [...partnersReached].filter((id) => !latest.has(id)).length,
            },
            failures: [
              ...hooks.map((m) => ({ ...m, channel: "webhook" })),
              ...mailsOf.map((m) => ({ ...m, channel: "email" })),
            ]
              .filter((m) => m.status === "failed" || (m.status === "pending" && m.attempts > 0))
              .map((m) => ({
                channel: m.channel,
                partnerId: m.partnerId,
                status: m.status,
                attempts: m.attempts,
                error: m.lastError,
              })),
            withheld: withheld
              .filter((x) => x.waveId === w.id)
              .map((x) => ({ partnerId: x.partnerId, reason: x.reason })),
          };
        }),
      };
    },

    async arm(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:write");
      const plan = await db.transaction(async (tx) => {
        const p = await planRow(tx, advisoryId, true);
        if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
        if (p.state === "draft")
          throw new AppError(
            "invalid_state",
            "the release plan is draft: another coordinator approves it (POST .../release-plan/approve) before it is armed",
          );
        if (p.state !== "approved")
          throw new AppError(
            "invalid_state",
            `the release plan is ${p.state}; only an approved plan is armed`,
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
        const version = p.version + 1;
        await tx
          .update(releasePlans)
          .set({ state: "armed", version, armedAt: now, armedBy: actorId(actor), updatedAt: now })
          .where(eq(releasePlans.id, p.id));
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
          },
        });
        return { ...p, state: "armed", version, armedAt: now };
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
        const p = await planRow(tx, advisoryId, true);
        if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
        if (!LIVE_STATES.includes(p.state))
          throw new AppError("invalid_state", `the release plan is ${p.state}; T0 can no longer move`);
        if (await anyDelivered(tx, p.id))
          throw new AppError("invalid_state", "a wave has already gone out: T0 can no longer move");
        const version = p.version + 1;
        // A changed plan is a new plan: back to draft, to be approved (and armed) again.
        await tx
          .update(releasePlans)
          .set({
            publicAt,
            version,
            updatedAt: clock.now(),
            state: "draft",
            changedBy: actorId(actor),
            editors: withEditor(p.editors, actorId(actor)),
            compressLeadTimes: opts.compressLeadTimes ?? false,
            breakRequest: null,
            approvedBy: null,
            approvedAt: null,
            armedAt: null,
            armedBy: null,
          })
          .where(eq(releasePlans.id, p.id));
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
      const [row] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
      return view(row as PlanRow);
    },

    async cancel(actor: Actor, advisoryId: string, reason: string) {
      authorize(actor, "releases:write");
      const planId = await db.transaction(async (tx) => {
        const p = await planRow(tx, advisoryId, true);
        if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
        if (!LIVE_STATES.includes(p.state))
          throw new AppError("invalid_state", `the release plan is ${p.state}; it cannot be cancelled`);
        if (await anyDelivered(tx, p.id))
          throw new AppError(
            "invalid_state",
            "a wave has already gone out: the plan can no longer be cancelled",
          );
        const now = clock.now();
        await tx
          .update(releasePlans)
          .set({
            state: "cancelled",
            version: p.version + 1,
            cancelledAt: now,
            cancelReason: reason,
            updatedAt: now,
          })
          .where(eq(releasePlans.id, p.id));
        await audit.record(tx, {
          type: "release.cancelled",
          actor,
          subject: advisoryId,
          data: { planId: p.id, reason },
        });
        return p.id;
      });
      const [row] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
      return view(row as PlanRow);
    },

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
        if (!LIVE_STATES.includes(p.state))
          throw new AppError(
            "invalid_state",
            `the release plan is ${p.state}; there is no embargo left to break`,
          );
        const now = clock.now();
        await tx
          .update(releasePlans)
          .set({
            breakRequest: {
              by: actorId(actor),
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
      const [row] = await db.select().from(releasePlans).where(eq(releasePlans.id, planId));
      return { requested: true, plan: await view(row as PlanRow) };
    },

    /** A coordinator other than the one who asked confirms an embargo break on a plan not armed. */
    async confirmBreak(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:write");
      const a = await checkBreakable(actor, advisoryId);
      const p = await planRow(db, advisoryId);
      if (!p) throw notFound(`release plan of advisory ${advisoryId}`);
      const req = p.breakRequest;
      if (!req || !LIVE_STATES.includes(p.state))
        throw new AppError(
          "invalid_state",
          `nobody asked to break this embargo: POST /api/advisories/${advisoryId}/embargo-break with the reason and evidence first`,
        );
      if (req.by === actorId(actor))
        throw forbidden("you asked to break this embargo: a different coordinator must confirm it");
      return doBreak(actor, a, { reason: req.reason, evidence: req.evidence ?? "" }, req.by);
    },

    // ---- partner API ----

    async inbox(actor: Actor) {
      authorize(actor, "partner:self");
      if (actor.kind !== "user") return [];
      if (!(await partnerActive(actor.organisationId))) {
        await audit.record(db, { type: "release.inbox_viewed", actor, data: { entries: 0 } });
        return [];
      }
      const rows = await db
        .select()
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
        .orderBy(desc(releaseDeliveries.deliveredAt))
        .limit(500);
      const byAdvisory = new Map<string, (typeof rows)[number]>();
      // The member's own copy wins over the partner's when both exist.
      for (const r of rows)
        if (!byAdvisory.has(r.advisoryId) || r.recipientKind === "user") byAdvisory.set(r.advisoryId, r);
      const out = [];
      for (const r of byAdvisory.values()) {
        const c = openCopy(r);
        const ack = await latestAck(r.advisoryId, r.partnerId);
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
      return out;
    },

    async copy(actor: Actor, advisoryId: string) {
      authorize(actor, "partner:self");
      await refuseIfInactive(actor, advisoryId);
      const row = await ownCopy(actor, advisoryId);
      await recordRead(actor, advisoryId, row);
      const ack = await latestAck(advisoryId, row.partnerId);
      const copy = openCopy(row);
      return {
        deliveryId: row.id,
        deliveredAt: row.deliveredAt,
        copy,
        acknowledgement: ack ? { status: ack.status as AckStatus, at: ack.createdAt } : null,
        ...(await copyState(row.planId, advisoryId, copy)),
      };
    },

    /**
     * A file of the caller's own copy as bytes (binary files such as ZIP and pcap travel by reference
     * in the copy). 404 before the wave, for a file the copy does not list (another content level or
     * another advisory) and when the stored bytes no longer match the copy's SHA-256; audited as a
     * copy read.
     */
    async copyFile(actor: Actor, advisoryId: string, fileId: string) {
      authorize(actor, "partner:self");
      await refuseIfInactive(actor, advisoryId);
      const row = await ownCopy(actor, advisoryId);
      const listed = openCopy(row).files.find((f) => f.id === fileId);
      if (!listed) throw notFound(`file ${fileId}`);
      const f = await d.advisories.downloadFile(ENGINE, advisoryId, fileId);
      if (sha256Hex(f.bytes) !== listed.sha256) throw notFound(`file ${fileId}`);
      await recordRead(actor, advisoryId, row, fileId);
      return { filename: listed.filename, mediaType: listed.mediaType, bytes: f.bytes };
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

    /**
     * Figures for the partner scorecard (for the partners module to show; no actor: server-internal):
     * advisories received, acknowledged, median seconds from delivery to the first acknowledgement,
     * protections shipped.
     */
    async scorecardFigures(partnerId: string) {
      const received = await db
        .select()
        .from(releaseDeliveries)
        .where(
          and(
            eq(releaseDeliveries.partnerId, partnerId),
            eq(releaseDeliveries.recipientKind, "organisation"),
          ),
        );
      const acks = await db
        .select()
        .from(releaseAcks)
        .where(eq(releaseAcks.partnerId, partnerId))
        .orderBy(asc(releaseAcks.createdAt));
      const firstAck = new Map<string, Date>();
      for (const a of acks) if (!firstAck.has(a.advisoryId)) firstAck.set(a.advisoryId, a.createdAt);
      const delays = received
        .filter((r) => firstAck.has(r.advisoryId))
        .map((r) => ((firstAck.get(r.advisoryId) as Date).getTime() - r.deliveredAt.getTime()) / 1000)
        .sort((a, b) => a - b);
      const mid = Math.floor(delays.length / 2);
      const median =
        delays.length === 0
          ? null
          : delays.length % 2
            ? (delays[mid] as number)
            : ((delays[mid - 1] as number) + (delays[mid] as number)) / 2;
      return {
        received: received.length,
        acknowledged: delays.length,
        medianAckSeconds: median,
        shipped: new Set(acks.filter((a) => a.status === "shipped").map((a) => a.advisoryId)).size,
      };
    },

    /** Staff: send a webhook message again now (a fresh 24-hour retry window); audited. */
    async redeliverWebhook(actor: Actor, advisoryId: string, messageId: string) {
      authorize(actor, "releases:write");
      const [m] = await db
        .select()
        .from(releaseWebhookMessages)
        .where(
          and(eq(releaseWebhookMessages.id, messageId), eq(releaseWebhookMessages.advisoryId, advisoryId)),
        );
      if (!m) throw notFound(`webhook message ${messageId}`);
      if (m.status === "pending" && m.attempts === 0)
        throw conflict("this message has not been tried yet; it is on its way");
      await db.transaction(async (tx) => {
        await tx
          .update(releaseWebhookMessages)
          .set({ status: "pending", createdAt: clock.now(), succeededAt: null })
          .where(eq(releaseWebhookMessages.id, m.id));
        await audit.record(tx, {
          type: "release.webhook_redelivered",
          actor,
          subject: advisoryId,
          data: { messageId: m.id, endpointId: m.endpointId },
        });
      });
      const r = await sendWebhook(m.id);
      if (r.status === "retry") await enqueueWebhooks([m.id]);
      const [after] = await db
        .select()
        .from(releaseWebhookMessages)
        .where(eq(releaseWebhookMessages.id, m.id));
      return { id: m.id, status: after?.status ?? "pending", attempts: after?.attempts ?? m.attempts };
    },

    /** Staff: the webhook messages of an advisory with their attempts (the delivery log). */
    async webhookLog(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:read");
      const msgs = await db
        .select()
        .from(releaseWebhookMessages)
        .where(eq(releaseWebhookMessages.advisoryId, advisoryId))
        .orderBy(asc(releaseWebhookMessages.createdAt));
      return msgs.map((m) => ({
        id: m.id,
        partnerId: m.partnerId,
        endpointId: m.endpointId,
        url: m.url,
        eventType: m.eventType,
        status: m.status,
        attempts: m.attempts,
        lastStatusCode: m.lastStatusCode,
        lastError: m.lastError,
        createdAt: m.createdAt,
        succeededAt: m.succeededAt,
      }));
    },
  };
}

export type Releases = ReturnType<typeof makeReleases>;
