// HTTP routes of the forensics module: thin, schema-first; the service authorizes, decides and audits.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { errors } from "../../contract/common.ts";
import {
  CloseIn,
  EvidenceOut,
  EvidenceParams,
  ExposureOut,
  InvestigationDetailOut,
  InvestigationOut,
  InvestigationParams,
  ListQuery,
  NoteIn,
  OpenInvestigationIn,
  PriorQuery,
  ProposalIn,
  TextEvidenceIn,
  TimelineOut,
} from "../../contract/forensics.ts";
import { AppError } from "../../platform/errors.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { contentDisposition } from "../../platform/http/download.ts";
import { EVIDENCE_FILE_MAX_BYTES } from "./evidence.ts";
import type { Forensics } from "./index.ts";
import type { EvidenceIn } from "./investigations.ts";

export function forensicsRoutes(app: FastifyInstance, forensics: Forensics) {
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: EVIDENCE_FILE_MAX_BYTES, files: 1, fields: 3, parts: 4 },
    });
    register(scope, forensics);
  });
}

const optionalDate = (v: unknown, field: string) => {
  if (v === undefined || v === "") return undefined;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(String(v)))
    throw new AppError("validation_failed", `${field} must be an ISO 8601 date-time`);
  return d;
};

function register(app: FastifyInstance, forensics: Forensics) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["forensics"];

  r.post(
    "/api/investigations",
    {
      schema: {
        operationId: "openInvestigation",
        tags,
        summary: "Open a leak investigation (investigators; audited)",
        body: OpenInvestigationIn,
        response: { 201: z.object({ id: z.string() }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(
        await forensics.open(requireActor(req), {
          title: req.body.title,
          advisoryId: req.body.advisoryId,
          observedAt: req.body.observedAt ? new Date(req.body.observedAt) : undefined,
        }),
      ),
  );

  r.get(
    "/api/investigations",
    {
      schema: {
        operationId: "listInvestigations",
        tags,
        summary: "Investigations, newest first (investigators and coordinators)",
        querystring: ListQuery,
        response: { 200: z.object({ investigations: z.array(InvestigationOut) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ investigations: await forensics.list(requireActor(req), req.query.status) }),
  );

  r.get(
    "/api/investigations/:id",
    {
      schema: {
        operationId: "getInvestigation",
        tags,
        summary: "An investigation with its timeline, evidence and findings (reads the evidence: audited)",
        description:
          "Findings read every piece of the investigation's evidence together against every delivered recipient (organisations and members, including suspended and removed partners) of the advisory named, or of the delivered revisions the evidence's shingles match when none is named. A recipient is accused only when its score passes a threshold with a bound ≤ ε₁ = 1e-6 on the chance that an innocent recipient scores as high.",
        params: InvestigationParams,
        response: { 200: InvestigationDetailOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => forensics.get(requireActor(req), req.params.id),
  );

  r.post(
    "/api/investigations/:id/notes",
    {
      schema: {
        operationId: "addInvestigationNote",
        tags,
        summary: "Add a note to the investigation's timeline (sealed at rest; audited)",
        params: InvestigationParams,
        body: NoteIn,
        response: { 201: z.object({ timeline: TimelineOut }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await forensics.addNote(requireActor(req), req.params.id, req.body.text)),
  );

  r.post(
    "/api/investigations/:id/proposals",
    {
      schema: {
        operationId: "proposeInvestigationAction",
        tags,
        summary: "Propose opening an incident on a partner or suspending it (audited)",
        description:
          "The proposal goes on the investigation's timeline with its reason (sealed at rest). It changes nothing on the partner: a coordinator, a different person, opens the incident or suspends the partner through the partner's own routes.",
        params: InvestigationParams,
        body: ProposalIn,
        response: { 201: z.object({ timeline: TimelineOut }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await forensics.propose(requireActor(req), req.params.id, req.body)),
  );

  r.post(
    "/api/investigations/:id/close",
    {
      schema: {
        operationId: "closeInvestigation",
        tags,
        summary: "Close the investigation with a conclusion (audited)",
        params: InvestigationParams,
        body: CloseIn,
        response: { 200: InvestigationOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => forensics.close(requireActor(req), req.params.id, req.body.conclusion),
  );

  r.post(
    "/api/investigations/:id/evidence",
    {
      schema: {
        operationId: "addInvestigationEvidence",
        tags,
        summary:
          'Add evidence: JSON { kind: "text", name, text, source?, foundAt? } or a multipart file (sealed at rest; audited)',
        description: `A multipart upload has the field \`file\` (text, markdown, HTML, rule files, scripts, request logs; PDF when pdftotext is installed on the server; or a ZIP of these, each file becoming one piece of evidence; at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MiB) and optional fields \`source\` and \`foundAt\`. The type is judged by the content, never by the name or the declared type.`,
        params: InvestigationParams,
        response: {
          201: z.object({ evidence: z.array(EvidenceOut) }),
          ...errors(400, 401, 403, 404, 409, 413),
        },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const read = async (): Promise<EvidenceIn> => {
        if (req.isMultipart()) {
          const part = await req.file();
          if (!part) throw new AppError("validation_failed", "no file in the upload (field `file`)");
          const bytes = await part.toBuffer();
          if (part.file.truncated)
            throw new AppError(
              "payload_too_large",
              `evidence files are at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MiB`,
            );
          const field = (n: string) => {
            const f = part.fields[n];
            return f && !Array.isArray(f) && f.type === "field" ? String(f.value) : undefined;
          };
          const source = field("source")?.trim().slice(0, 2000) || undefined;
          return {
            kind: "file",
            filename: part.filename || "evidence",
            bytes,
            source,
            foundAt: optionalDate(field("foundAt"), "foundAt"),
          };
        }
        const parsed = TextEvidenceIn.safeParse(req.body);
        if (!parsed.success)
          throw new AppError(
            "validation_failed",
            parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
          );
        return { ...parsed.data, foundAt: optionalDate(parsed.data.foundAt, "foundAt") };
      };
      return reply.code(201).send({ evidence: await forensics.addEvidence(actor, req.params.id, read) });
    },
  );

  r.get(
    "/api/investigations/:id/evidence/:evidenceId",
    {
      schema: {
        operationId: "readInvestigationEvidence",
        tags,
        summary: "One piece of evidence with its text (audited)",
        params: EvidenceParams,
        response: { 200: EvidenceOut.extend({ text: z.string() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => forensics.readEvidence(requireActor(req), req.params.id, req.params.evidenceId),
  );

  r.get(
    "/api/investigations/:id/exposure",
    {
      schema: {
        operationId: "investigationExposure",
        tags,
        summary: "Who could have known what and when, and the coincidence analysis",
        description:
          "For each partner and member: content delivered, delivery time, first read, every audited copy read and acknowledgement, against the waves, T0 and observedAt. Coincidence: independent discovery as a Poisson process of rate λ (a prior per year, default 1, or 1/bugAgeDays per day); P(an independent start within w days) = 1 − exp(−λw) for each wave's window, with the assumptions stated.",
        params: InvestigationParams,
        querystring: PriorQuery,
        response: { 200: ExposureOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => forensics.exposure(requireActor(req), req.params.id, req.query),
  );

  for (const format of ["html", "pdf"] as const)
    r.get(
      `/api/investigations/:id/report.${format}`,
      {
        schema: {
          operationId: format === "html" ? "investigationReportHtml" : "investigationReportPdf",
          tags,
          summary: `The investigation report as ${format.toUpperCase()} (reads the evidence: audited)`,
          params: InvestigationParams,
          querystring: PriorQuery,
          response: { ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const bytes = await forensics.report(requireActor(req), req.params.id, format, req.query);
        return (reply as FastifyReply)
          .type(format === "html" ? "text/html; charset=utf-8" : "application/pdf")
          .header("content-disposition", contentDisposition(`${req.params.id}-report.${format}`))
          .header("x-content-type-options", "nosniff")
          .send(bytes);
      },
    );
}
