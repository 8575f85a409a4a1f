// Investigations: open, list, read (with every piece of evidence read together into findings),
// notes, evidence (sealed at rest), close with a conclusion. Every step is audited; reading evidence
// or findings is audited too. Partners have no action here, so nothing of it is visible to them.
import { and, asc, desc, eq } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { sha256Hex } from "../../platform/crypto.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import { type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError } from "../../platform/errors.ts";
import { DEFAULT_EPSILON } from "../../tracing/layers.ts";
import type { makeAdvisoryMatch } from "./advisory-match.ts";
import type { ForensicsContext, InvestigationRow } from "./context.ts";
import type { CanaryHit } from "./delivered.ts";
import { type ParsedEvidence, parseEvidenceFile } from "./evidence.ts";
import { computeFindings, type Findings } from "./findings.ts";
import { investigationEvents, investigationEvidence, investigations } from "./schema.ts";

export type EvidenceIn =
  | { kind: "text"; name: string; text: string; source?: string | undefined; foundAt?: Date | undefined }
  | {
      kind: "file";
      filename: string;
      bytes: Buffer;
      source?: string | undefined;
      foundAt?: Date | undefined;
    };

const actorId = (a: Actor) => (a.kind === "user" ? a.userId : null);
const evidenceContext = (id: string) => `investigation_evidence.text:${id}`;
const noteContext = (id: string) => `investigation_events.text:${id}`;

export function makeInvestigations(c: ForensicsContext, matcher: ReturnType<typeof makeAdvisoryMatch>) {
  const { db } = c;

  const view = (r: InvestigationRow) => ({
    id: r.id,
    title: r.title,
    advisoryId: r.advisoryId,
    observedAt: r.observedAt,
    status: r.status,
    conclusion: r.conclusion,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    closedBy: r.closedBy,
    closedAt: r.closedAt,
  });

  async function event(tx: DbOrTx, investigationId: string, actor: Actor, kind: string, extra = {}) {
    const id = c.ids("investigationEvent");
    await tx.insert(investigationEvents).values({
      id,
      investigationId,
      kind,
      actorId: actorId(actor),
      at: c.clock.now(),
      ...extra,
    });
    return id;
  }

  async function evidenceRows(id: string) {
    return db
      .select()
      .from(investigationEvidence)
      .where(eq(investigationEvidence.investigationId, id))
      .orderBy(asc(investigationEvidence.createdAt), asc(investigationEvidence.id));
  }

  const evidenceView = (e: typeof investigationEvidence.$inferSelect) => ({
    id: e.id,
    name: e.name,
    kind: e.kind,
    mediaType: e.mediaType,
    size: e.size,
    sha256: e.sha256,
    source: e.source,
    foundAt: e.foundAt,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
  });

  async function timeline(id: string) {
    const rows = await db
      .select()
      .from(investigationEvents)
      .where(eq(investigationEvents.investigationId, id))
      .orderBy(asc(investigationEvents.at), asc(investigationEvents.id));
    // Entries of one instant: opened first and closed last (IDs within a millisecond are random).
    const rank = (k: string) => (k === "opened" ? 0 : k === "closed" ? 2 : 1);
    rows.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a.kind) - rank(b.kind));
    return rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      actorId: e.actorId,
      at: e.at,
      ref: e.ref,
      text: e.textSealed ? c.sealer.open(e.textSealed, noteContext(e.id)) : null,
    }));
  }

  /** Findings from every piece of evidence, read together; the caller audits the read. */
  async function findingsOf(
    row: InvestigationRow,
    texts: string[],
    epsilon = DEFAULT_EPSILON,
  ): Promise<Findings> {
    const canaryHits = row.advisoryId && c.canaries.hits ? await c.canaries.hits(row.advisoryId) : [];
    const deps = { source: c.delivered, partnerNames: c.partnerNames, canaryHits };
    if (texts.length === 0) return computeFindings(deps, [], [], null, epsilon);
    if (row.advisoryId)
      return computeFindings(deps, texts, await c.delivered.keysOf(row.advisoryId), null, epsilon);
    const m = await matcher.match(texts.join("\n\n"));
    return computeFindings(deps, texts, m.keys, m.shared, epsilon);
  }

  async function store(
    actor: Actor,
    inv: InvestigationRow,
    pieces: ParsedEvidence[],
    kind: string,
    meta: EvidenceIn,
  ) {
    const now = c.clock.now();
    const out: ReturnType<typeof evidenceView>[] = [];
    await db.transaction(async (tx) => {
      for (const p of pieces) {
        const id = c.ids("investigationEvidence");
        const row = {
          id,
          investigationId: inv.id,
          name: p.name,
          kind,
          mediaType: p.mediaType,
          size: p.size,
          sha256: sha256Hex(p.bytes),
          source: meta.source ?? null,
          foundAt: meta.foundAt ?? null,
          textSealed: c.sealer.seal(p.text, evidenceContext(id)),
          createdBy: actorId(actor),
          createdAt: now,
        };
        await tx.insert(investigationEvidence).values(row);
        await event(tx, inv.id, actor, "evidence_added", { ref: id });
        await c.audit.record(tx, {
          type: "investigation.evidence_added",
          actor,
          subject: inv.id,
          data: { evidenceId: id, name: p.name, mediaType: p.mediaType, size: p.size, sha256: row.sha256 },
        });
        out.push(evidenceView(row));
      }
    });
    return out;
  }

  return {
    async open(
      actor: Actor,
      input: { title: string; advisoryId?: string | undefined; observedAt?: Date | undefined },
    ) {
      authorize(actor, "investigations:write");
      const id = c.ids("investigation");
      const now = c.clock.now();
      await db.transaction(async (tx) => {
        await tx.insert(investigations).values({
          id,
          title: input.title,
          advisoryId: input.advisoryId ?? null,
          observedAt: input.observedAt ?? null,
          status: "open",
          createdBy: actorId(actor),
          createdAt: now,
        });
        await event(tx, id, actor, "opened");
        await c.audit.record(tx, {
          type: "investigation.opened",
          actor,
          subject: id,
          data: { title: input.title, advisoryId: input.advisoryId ?? null },
        });
      });
      return { id };
    },

    /** One page of the investigations, newest first (the ID breaks ties); `status` holds on every page. */
    async list(actor: Actor, status?: "open" | "closed", p: PageInput = {}) {
      authorize(actor, "investigations:read");
      const only = status ? eq(investigations.status, status) : undefined;
      const page = await tablePage(db, investigations, ["createdAt", "id"], "desc", p, only);
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    },

    /** The investigation with its timeline, evidence list and findings (audited: it reads the evidence). */
    async get(actor: Actor, id: string, opts: { epsilon?: number | undefined } = {}) {
      authorize(actor, "investigations:read");
      const row = await c.load(db, id);
      const rows = await evidenceRows(id);
      const texts = rows.map((e) => c.sealer.open(e.textSealed, evidenceContext(e.id)));
      const findings = await findingsOf(row, texts, opts.epsilon);
      await c.audit.record(db, {
        type: "investigation.viewed",
        actor,
        subject: id,
        data: { evidence: rows.length, verdict: findings.verdict, advisoryIds: findings.advisoryIds },
      });
      return { ...view(row), timeline: await timeline(id), evidence: rows.map(evidenceView), findings };
    },

    async addNote(actor: Actor, id: string, text: string) {
      authorize(actor, "investigations:write");
      await db.transaction(async (tx) => {
        await c.load(tx, id);
        const eventId = c.ids("investigationEvent");
        await tx.insert(investigationEvents).values({
          id: eventId,
          investigationId: id,
          kind: "note",
          actorId: actorId(actor),
          at: c.clock.now(),
          textSealed: c.sealer.seal(text, noteContext(eventId)),
        });
        await c.audit.record(tx, { type: "investigation.note_added", actor, subject: id, data: { eventId } });
      });
      return { timeline: await timeline(id) };
    },

    async close(actor: Actor, id: string, conclusion: string) {
      authorize(actor, "investigations:write");
      await db.transaction(async (tx) => {
        const row = await c.load(tx, id);
        if (row.status === "closed")
          throw new AppError("invalid_state", "the investigation is already closed");
        await tx
          .update(investigations)
          .set({ status: "closed", conclusion, closedBy: actorId(actor), closedAt: c.clock.now() })
          .where(eq(investigations.id, id));
        await event(tx, id, actor, "closed");
        await c.audit.record(tx, { type: "investigation.closed", actor, subject: id, data: {} });
      });
      return view(await c.load(db, id));
    },

    /** `read` yields the upload; it is called only once the caller may add evidence here. */
    async addEvidence(actor: Actor, id: string, read: () => Promise<EvidenceIn>) {
      authorize(actor, "investigations:write");
      const inv = await c.load(db, id);
      if (inv.status === "closed")
        throw new AppError("invalid_state", "the investigation is closed: open a new one for new evidence");
      const input = await read();
      if (input.kind === "text") {
        const bytes = Buffer.from(input.text, "utf8");
        const piece: ParsedEvidence = {
          name: input.name,
          mediaType: "text/plain",
          size: bytes.length,
          bytes,
          text: input.text,
        };
        return store(actor, inv, [piece], "text", input);
      }
      return store(actor, inv, await parseEvidenceFile(input.filename, input.bytes), "file", input);
    },

    /**
     * Acts on a partner accused by the findings (or named by a canary hit), through the partners
     * module (409 for a partner the findings do not implicate): opens an incident on its
     * record (source "investigation", linked here), or requests its suspension, which takes effect
     * only once a second, different staff member approves it there (two-person rule). The action
     * goes on this investigation's timeline (reason sealed) and is audited on both sides.
     */
    async propose(
      actor: Actor,
      id: string,
      input: { action: "incident" | "suspension"; partnerId: string; reason: string },
    ) {
      authorize(actor, "investigations:write");
      const row = await c.load(db, id);
      if (row.status === "closed") throw new AppError("invalid_state", "the investigation is closed");
      const partner = await c.partnerNames([input.partnerId]);
      if (!partner.has(input.partnerId))
        throw new AppError("validation_failed", `partnerId: partner ${input.partnerId} does not exist`);
      // Only from findings: the partner must be accused by this investigation's evidence (or named
      // by a canary hit of its advisory). Reading the findings reads the evidence: audited.
      const rows = await evidenceRows(id);
      const findings = await findingsOf(
        row,
        rows.map((e) => c.sealer.open(e.textSealed, evidenceContext(e.id))),
      );
      await c.audit.record(db, {
        type: "investigation.viewed",
        actor,
        subject: id,
        data: { evidence: rows.length, verdict: findings.verdict, advisoryIds: findings.advisoryIds },
      });
      const implicated = new Set([
        ...findings.accused.map((a) => a.partnerId),
        ...findings.canaries.map((h) => h.partnerId),
      ]);
      if (!implicated.has(input.partnerId))
        throw new AppError(
          "invalid_state",
          `partner ${input.partnerId} is not accused by this investigation's findings (nor named by a canary hit), so no action is taken from them`,
        );
      const ref =
        input.action === "incident"
          ? {
              incidentId: (
                await c.partners.openInvestigationIncident(actor, input.partnerId, {
                  investigationId: id,
                  whatLeaked: `advisory content found outside the programme (investigation ${id}: ${row.title})`,
                  details: input.reason,
                })
              ).id,
              suspensionRequestId: null,
            }
          : {
              incidentId: null,
              suspensionRequestId: (
                await c.partners.requestSuspension(actor, input.partnerId, {
                  reason: `${input.reason} (investigation ${id})`,
                  investigationId: id,
                })
              ).id,
            };
      await db.transaction(async (tx) => {
        const eventId = c.ids("investigationEvent");
        await tx.insert(investigationEvents).values({
          id: eventId,
          investigationId: id,
          kind: input.action === "incident" ? "incident_opened" : "suspension_requested",
          actorId: actorId(actor),
          at: c.clock.now(),
          ref: ref.incidentId ?? ref.suspensionRequestId,
          textSealed: c.sealer.seal(input.reason, noteContext(eventId)),
        });
        await c.audit.record(tx, {
          type: "investigation.action_taken",
          actor,
          subject: id,
          data: { eventId, action: input.action, partnerId: input.partnerId, ...ref },
        });
      });
      return { ...ref, timeline: await timeline(id) };
    },

    /**
     * A canary token fired: the hit attaches itself to the newest open investigation of its advisory,
     * or opens one. For the canaries module to call when it records a hit (the server acts).
     */
    async recordCanaryHit(hit: CanaryHit) {
      const actor: Actor = { kind: "system", name: "canaries" };
      return db.transaction(async (tx) => {
        const [open] = await tx
          .select()
          .from(investigations)
          .where(and(eq(investigations.advisoryId, hit.advisoryId), eq(investigations.status, "open")))
          .orderBy(desc(investigations.createdAt), desc(investigations.id))
          .limit(1);
        let id = open?.id;
        if (!id) {
          id = c.ids("investigation");
          await tx.insert(investigations).values({
            id,
            title: `Canary token fired (${hit.kind}) for advisory ${hit.advisoryId}`,
            advisoryId: hit.advisoryId,
            observedAt: hit.at,
            status: "open",
            createdBy: null,
            createdAt: c.clock.now(),
          });
          await event(tx, id, actor, "opened");
          await c.audit.record(tx, {
            type: "investigation.opened",
            actor,
            subject: id,
            data: { title: `Canary token fired (${hit.kind})`, advisoryId: hit.advisoryId },
          });
        }
        const eventId = await event(tx, id, actor, "canary_hit", { ref: hit.deliveryId });
        await c.audit.record(tx, {
          type: "investigation.canary_hit",
          actor,
          subject: id,
          data: { eventId, deliveryId: hit.deliveryId, recipientId: hit.recipientId, opened: !open },
        });
        return { investigationId: id, opened: !open };
      });
    },

    /** One piece of evidence's text (audited). */
    async readEvidence(actor: Actor, id: string, evidenceId: string) {
      authorize(actor, "investigations:read");
      await c.load(db, id);
      const [e] = await db
        .select()
        .from(investigationEvidence)
        .where(eq(investigationEvidence.id, evidenceId));
      if (!e || e.investigationId !== id) throw new AppError("not_found", "evidence not found");
      await c.audit.record(db, {
        type: "investigation.evidence_read",
        actor,
        subject: id,
        data: { evidenceId },
      });
      return { ...evidenceView(e), text: c.sealer.open(e.textSealed, evidenceContext(e.id)) };
    },

    // For the report and the exposure view.
    findingsOf,
    evidenceRows,
    evidenceView,
    timeline,
    view,
  };
}
