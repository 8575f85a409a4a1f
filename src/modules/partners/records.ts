// What stays on a partner's record: vetting evidence (sealed, type checked by content), incidents
// (self-reported leaks and staff reports) and the scorecard.
import { and, asc, desc, eq } from "drizzle-orm";
import { type Actor, authorize, can } from "../../authz/authorize.ts";
import type { IncidentStatus } from "../../contract/enums.ts";
import { listedFile } from "../../platform/db/columns.ts";
import { type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { openSealedFile, sealedFileValues, sniffType } from "../../platform/files.ts";
import { authorizeAny, type Ctx, type ReleaseFigures } from "./context.ts";
import { evidence, incidents, ndaSignatures } from "./schema.ts";
import type { makePartnerLifecycle } from "./service.ts";

export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
export const NOT_MEASURED = "not yet measured";

const EVIDENCE_TYPES = ["application/pdf", "image/png", "image/jpeg", "text/plain"] as const;
type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** The media type of an accepted evidence file, judged by its bytes; null when not accepted. */
export function sniffEvidence(data: Buffer): EvidenceType | null {
  const type = sniffType(data);
  return (EVIDENCE_TYPES as readonly string[]).includes(type ?? "") ? (type as EvidenceType) : null;
}

/** The scorecard's delivery figures; "not yet measured" (never fake zeros) without a release engine. */
function releaseFigures(f: ReleaseFigures | undefined) {
  if (!f) {
    return {
      acknowledgements: { measured: false, note: NOT_MEASURED, count: null, of: null, medianSeconds: null },
      protectionsShipped: { measured: false, note: NOT_MEASURED, count: null },
    };
  }
  const median =
    f.medianAckSeconds === null
      ? ""
      : `; median ${f.medianAckSeconds < 3600 ? `${Math.round(f.medianAckSeconds / 60)} min` : `${(f.medianAckSeconds / 3600).toFixed(1)} h`} to acknowledge`;
  return {
    acknowledgements: {
      measured: true,
      note: f.received
        ? `${f.acknowledged} of ${f.received} advisories acknowledged${median}`
        : "no advisory received yet",
      count: f.acknowledged,
      of: f.received,
      medianSeconds: f.medianAckSeconds,
    },
    protectionsShipped: {
      measured: true,
      note: f.received ? `shipped for ${f.shipped} of ${f.received} advisories` : "no advisory received yet",
      count: f.shipped,
    },
  };
}

export function makeRecords(c: Ctx, life: ReturnType<typeof makePartnerLifecycle>) {
  const { db, clock, audit } = c;
  const sealContext = (id: string) => `partner_evidence.sealed:${id}`;

  return {
    /** `read` yields the upload; it is called only once the caller may add evidence to this partner. */
    async uploadEvidence(actor: Actor, id: string, read: () => Promise<{ filename: string; data: Buffer }>) {
      const p = await c.authorizeAndLoad(db, actor, id, { staff: "partners:write", own: "partner:manage" });
      const file = await read();
      if (file.data.length > EVIDENCE_MAX_BYTES)
        throw new AppError(
          "payload_too_large",
          `evidence files are at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MiB`,
        );
      const mediaType = sniffEvidence(file.data);
      if (!mediaType)
        throw new AppError(
          "unsupported_media_type",
          `${file.filename} is not a PDF, PNG, JPEG or plain-text file (judged by its content)`,
        );
      const evId = c.ids("evidence");
      const filename =
        [...file.filename]
          .map((ch) => (ch < " " || ch === "/" || ch === "\\" ? "_" : ch))
          .join("")
          .slice(0, 200) || "evidence";
      const row = {
        id: evId,
        partnerId: p.organisationId,
        ...sealedFileValues(
          c.sealer,
          sealContext(evId),
          { filename, mediaType, bytes: file.data },
          actor.kind === "user" ? actor.userId : null,
        ),
        uploadedAt: clock.now(),
      };
      await db.transaction(async (tx) => {
        await tx.insert(evidence).values(row);
        await c.event(tx, actor, p, { type: "evidence_uploaded", data: { evidenceId: evId, filename } });
        await audit.record(tx, {
          type: "evidence.uploaded",
          actor,
          subject: evId,
          data: { evidenceId: evId, filename, mediaType, size: row.size, sha256: row.sha256 },
        });
      });
      const { sealed: _sealed, ...view } = row;
      return view;
    },

    async listEvidence(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:manage" });
      return db
        .select({
          id: evidence.id,
          partnerId: evidence.partnerId,
          ...listedFile(evidence),
          uploadedBy: evidence.uploadedBy,
          uploadedAt: evidence.uploadedAt,
        })
        .from(evidence)
        .where(eq(evidence.partnerId, id))
        .orderBy(asc(evidence.uploadedAt));
    },

    /** The decrypted file; every download is audited. */
    async downloadEvidence(actor: Actor, id: string, evidenceId: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:manage" });
      const [e] = await db
        .select()
        .from(evidence)
        .where(and(eq(evidence.id, evidenceId), eq(evidence.partnerId, id)));
      if (!e) throw notFound(`evidence ${evidenceId}`);
      const data = openSealedFile(c.sealer, e.sealed, sealContext(e.id));
      await audit.record(db, {
        type: "evidence.downloaded",
        actor,
        subject: e.id,
        data: { evidenceId: e.id, partnerId: id },
      });
      return { filename: e.filename, mediaType: e.mediaType, data };
    },

    /** A partner_admin self-reports a leak, or staff record one; either opens an incident for investigators. */
    async reportIncident(
      actor: Actor,
      id: string,
      input: { whatLeaked: string; toWhom: string; when: string; details?: string | undefined },
    ) {
      authorizeAny(actor, "partners:sanction", "partner:manage");
      return db.transaction(async (tx) => {
        const staff = can(actor, "partners:sanction");
        const p = await c.load(tx, actor, id, { staff: "partners:sanction", own: "partner:manage" });
        const source = staff ? "staff" : "self_report";
        return c.openIncident(
          tx,
          actor,
          p,
          {
            source,
            investigationId: null,
            whatLeaked: input.whatLeaked,
            toWhom: input.toWhom,
            leakedAt: input.when,
            details: input.details ?? "",
          },
          {
            reason: `${source === "self_report" ? "self-reported leak" : "leak reported by staff"}: ${input.whatLeaked.slice(0, 200)}`,
          },
        );
      });
    },

    /**
     * Staff see every incident on the record. The partner's own users see only the leaks it reported
     * itself, without staff's resolution note: what staff recorded is their investigation.
     */
    async listIncidents(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      if (can(actor, "partners:read"))
        return db
          .select()
          .from(incidents)
          .where(eq(incidents.partnerId, id))
          .orderBy(desc(incidents.reportedAt));
      const own = await db
        .select()
        .from(incidents)
        .where(and(eq(incidents.partnerId, id), eq(incidents.source, "self_report")))
        .orderBy(desc(incidents.reportedAt));
      return own.map((i) => ({ ...i, resolution: null }));
    },

    /** Every partner's incidents, newest first, for investigators. */
    async allIncidents(actor: Actor, status?: IncidentStatus, p: PageInput = {}) {
      authorize(actor, "incidents:read");
      const only = status ? eq(incidents.status, status) : undefined;
      return tablePage(db, incidents, ["reportedAt", "id"], "desc", p, only);
    },

    /** Closes an open incident with its resolution; it stays on the partner's record. */
    async closeIncident(actor: Actor, incidentId: string, resolution: string) {
      authorize(actor, "incidents:manage");
      return db.transaction(async (tx) => {
        const [inc] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for("update");
        if (!inc) throw notFound(`incident ${incidentId}`);
        if (inc.status !== "open")
          throw new AppError("invalid_state", `incident ${incidentId} is already closed`);
        const now = clock.now();
        const [row] = await tx
          .update(incidents)
          .set({ status: "closed", closedAt: now, resolution })
          .where(eq(incidents.id, incidentId))
          .returning();
        await c.event(
          tx,
          actor,
          { organisationId: inc.partnerId },
          {
            type: "incident_closed",
            reason: resolution.slice(0, 500),
            data: { incidentId },
          },
        );
        await audit.record(tx, {
          type: "incident.closed",
          actor,
          subject: incidentId,
          data: { incidentId, resolution },
        });
        return row ?? inc;
      });
    },

    async scorecard(actor: Actor, id: string) {
      const p = await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      const now = clock.now();
      const compliance = await life.complianceOf(db, p);
      const [lastSig] = await db
        .select()
        .from(ndaSignatures)
        .where(eq(ndaSignatures.partnerId, id))
        .orderBy(desc(ndaSignatures.signedAt))
        .limit(1);
      const staff = can(actor, "partners:read");
      // A partner's own users count only what it reported itself (see listIncidents).
      const inc = await db
        .select()
        .from(incidents)
        .where(
          staff
            ? eq(incidents.partnerId, id)
            : and(eq(incidents.partnerId, id), eq(incidents.source, "self_report")),
        );
      return {
        partnerId: id,
        status: p.status,
        tier: p.tier,
        nda: {
          currentVersion: compliance.currentNdaVersion,
          signedVersion: lastSig?.version ?? null,
          signedAt: lastSig?.signedAt ?? null,
          signedBy: lastSig ? `${lastSig.name}, ${lastSig.title}` : null,
          current:
            compliance.currentNdaVersion !== null &&
            compliance.signedNdaVersions.includes(compliance.currentNdaVersion),
        },
        attestation: {
          attestedAt: p.attestedAt,
          expiresAt: p.attestationExpiresAt,
          current: p.attestationExpiresAt.getTime() > now.getTime(),
          daysLeft: Math.floor((p.attestationExpiresAt.getTime() - now.getTime()) / 86_400_000),
        },
        incidents: {
          total: inc.length,
          open: inc.filter((i) => i.status === "open").length,
          selfReported: inc.filter((i) => i.source === "self_report").length,
        },
        ...releaseFigures(await c.releaseFigures?.scorecardFigures(id)),
        eligibility: await life.eligibilityOf(db, p),
      };
    },
  };
}
