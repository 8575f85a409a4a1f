// Composes the forensics use cases into the one service the routes and other modules use.
import { asc, eq } from "drizzle-orm";
import { auditLog } from "../../audit/schema.ts";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { makeAdvisoryMatch } from "./advisory-match.ts";
import { type ForensicsDeps, makeContext } from "./context.ts";
import { makeExposure } from "./exposure.ts";
import { makeInvestigations } from "./investigations.ts";
import { type ReportData, reportHtml, reportPdf } from "./report.ts";
import { makeSuspicion } from "./suspicion.ts";

export type Prior = { ratePerYear?: number | undefined; bugAgeDays?: number | undefined };

export function makeForensics(d: ForensicsDeps) {
  const c = makeContext(d);
  const matcher = makeAdvisoryMatch(c);
  const inv = makeInvestigations(c, matcher);
  const exp = makeExposure(c);
  const suspicion = makeSuspicion(c, matcher);

  /** Findings (audited as a read of the evidence) and the advisory they name. */
  async function read(actor: Actor, id: string) {
    const row = await c.load(c.db, id);
    const rows = await inv.evidenceRows(id);
    const texts = rows.map((e) => c.sealer.open(e.textSealed, `investigation_evidence.text:${e.id}`));
    const findings = await inv.findingsOf(row, texts);
    await c.audit.record(c.db, {
      type: "investigation.viewed",
      actor,
      subject: id,
      data: { evidence: rows.length, verdict: findings.verdict, advisoryIds: findings.advisoryIds },
    });
    return { row, rows, findings, advisoryId: row.advisoryId ?? findings.advisoryIds[0] ?? null };
  }

  return {
    open: inv.open,
    list: inv.list,
    get: inv.get,
    addNote: inv.addNote,
    close: inv.close,
    addEvidence: inv.addEvidence,
    readEvidence: inv.readEvidence,
    propose: inv.propose,
    recordCanaryHit: inv.recordCanaryHit,
    refreshIndex: matcher.refreshIndex,
    suspicion: suspicion.list,
    partnerSuspicion: suspicion.ofPartner,

    /** Who held what when, and the coincidence analysis (the advisory named, or matched from the evidence). */
    async exposure(actor: Actor, id: string, prior: Prior = {}) {
      authorize(actor, "investigations:read");
      const row = await c.load(c.db, id);
      const advisoryId = row.advisoryId ?? (await read(actor, id)).advisoryId;
      return exp.exposure(row, advisoryId, prior);
    },

    async report(actor: Actor, id: string, format: "html" | "pdf", prior: Prior = {}) {
      authorize(actor, "investigations:read");
      const r = await read(actor, id);
      const exposure = await exp.exposure(r.row, r.advisoryId, prior);
      await c.audit.record(c.db, {
        type: "investigation.report_downloaded",
        actor,
        subject: id,
        data: { format, verdict: r.findings.verdict },
      });
      const audit = await c.db
        .select({ seq: auditLog.seq, type: auditLog.type, at: auditLog.at, hash: auditLog.hash })
        .from(auditLog)
        .where(eq(auditLog.subject, id))
        .orderBy(asc(auditLog.seq));
      const data: ReportData = {
        investigation: inv.view(r.row),
        evidence: r.rows.map(inv.evidenceView),
        findings: r.findings,
        exposure,
        audit,
        generatedAt: c.clock.now(),
      };
      return format === "html" ? Buffer.from(reportHtml(data), "utf8") : reportPdf(data);
    },
  };
}

export type Forensics = ReturnType<typeof makeForensics>;
