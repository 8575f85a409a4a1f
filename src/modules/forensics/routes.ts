// HTTP routes of the forensics module: thin, registered from the contract (contract/forensics.ts); the
// service authorizes, decides and audits.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { forensicsApi as api, EVIDENCE_FILE_MAX_BYTES, TextEvidenceIn } from "../../contract/forensics.ts";
import { AppError } from "../../platform/errors.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { contentDisposition } from "../../platform/http/download.ts";
import { route } from "../../platform/http/route.ts";
import type { Forensics } from "./index.ts";
import type { EvidenceIn } from "./investigations.ts";
import type { Prior } from "./service.ts";

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

  route(r, api.openInvestigation, async (req, reply) =>
    reply.code(201).send(
      await forensics.open(requireActor(req), {
        title: req.body.title,
        advisoryId: req.body.advisoryId,
        observedAt: req.body.observedAt ? new Date(req.body.observedAt) : undefined,
      }),
    ),
  );

  route(r, api.listInvestigations, async (req) =>
    forensics.list(requireActor(req), req.query.status, req.query),
  );

  route(r, api.getInvestigation, async (req) => forensics.get(requireActor(req), req.params.id));

  route(r, api.addInvestigationNote, async (req, reply) =>
    reply.code(201).send(await forensics.addNote(requireActor(req), req.params.id, req.body.text)),
  );

  route(r, api.proposeInvestigationAction, async (req, reply) =>
    reply.code(201).send(await forensics.propose(requireActor(req), req.params.id, req.body)),
  );

  route(r, api.closeInvestigation, async (req) =>
    forensics.close(requireActor(req), req.params.id, req.body.conclusion),
  );

  route(r, api.addInvestigationEvidence, async (req, reply) => {
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
  });

  route(r, api.readInvestigationEvidence, async (req) =>
    forensics.readEvidence(requireActor(req), req.params.id, req.params.evidenceId),
  );

  route(r, api.investigationExposure, async (req) =>
    forensics.exposure(requireActor(req), req.params.id, req.query),
  );

  route(r, api.listSuspicion, async (req) => forensics.suspicion(requireActor(req)));
  route(r, api.getPartnerSuspicion, async (req) =>
    forensics.partnerSuspicion(requireActor(req), req.params.partnerId),
  );

  const report = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    query: Prior,
    format: "html" | "pdf",
  ) => {
    const bytes = await forensics.report(requireActor(req), id, format, query);
    return reply
      .type(format === "html" ? "text/html; charset=utf-8" : "application/pdf")
      .header("content-disposition", contentDisposition(`${id}-report.${format}`))
      .header("x-content-type-options", "nosniff")
      .send(bytes);
  };
  route(r, api.investigationReportHtml, async (req, reply) =>
    report(req, reply as FastifyReply, req.params.id, req.query, "html"),
  );
  route(r, api.investigationReportPdf, async (req, reply) =>
    report(req, reply as FastifyReply, req.params.id, req.query, "pdf"),
  );
}
