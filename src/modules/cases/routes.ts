// HTTP routes of the cases module: public intake (rate-limited), the reporter's view by tracking token
// or researcher account, and the response team's case work.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { casesApi as api } from "../../contract/cases.ts";
import { AppError } from "../../platform/errors.ts";
import { MAX_FILE_BYTES, MAX_FILES } from "../../platform/files.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { sendDownload } from "../../platform/http/download.ts";
import { route } from "../../platform/http/route.ts";
import type { UploadedFile } from "./conversation.ts";
import type { ReporterAccess } from "./intake.ts";
import type { PHASES } from "./phases.ts";
import type { Cases } from "./service.ts";

/** How a reporter proves the case is theirs: X-Tracking-Token, ?token=, or a logged-in researcher. */
function reporterAccess(req: FastifyRequest): ReporterAccess {
  const header = req.headers["x-tracking-token"];
  const token = typeof header === "string" ? header : (req.query as { token?: string } | undefined)?.token;
  if (token) return { token: token.slice(0, 200) };
  return { actor: requireActor(req) };
}

async function readFiles(req: FastifyRequest): Promise<UploadedFile[]> {
  if (!req.isMultipart())
    throw new AppError("unsupported_media_type", "send the files as multipart/form-data");
  const files: UploadedFile[] = [];
  for await (const part of req.files({ limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 5 } })) {
    files.push({ filename: part.filename || "file", bytes: await part.toBuffer() });
  }
  return files;
}

export function caseRoutes(app: FastifyInstance, cases: Cases, opts: { reportRateLimit: number }) {
  // Multipart parsing only inside this module's scope, with its own strict limits.
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 5, parts: 10 },
    });
    register(scope, cases, opts);
  });
}

function register(app: FastifyInstance, cases: Cases, opts: { reportRateLimit: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const reporterLimit = { rateLimit: { max: opts.reportRateLimit * 20, timeWindow: "1 hour" } };

  route(
    r,
    api.submitReport,
    async (req, reply) => reply.code(201).send(await cases.submit(req.actor, req.body)),
    { config: { rateLimit: { max: opts.reportRateLimit, timeWindow: "1 hour" } } },
  );

  route(r, api.listOwnReports, async (req) => cases.listOwn(requireActor(req), req.query));

  route(r, api.getOwnReport, async (req) => cases.viewAsReporter(reporterAccess(req), req.params.caseId), {
    config: reporterLimit,
  });

  route(
    r,
    api.postReporterMessage,
    async (req, reply) =>
      reply.code(201).send(await cases.postReporterMessage(reporterAccess(req), req.params.caseId, req.body)),
    { config: reporterLimit },
  );

  route(
    r,
    api.attachToReport,
    async (req, reply) => {
      const access = reporterAccess(req);
      return reply
        .code(201)
        .send(await cases.attachAsReporter(access, req.params.caseId, () => readFiles(req)));
    },
    { config: reporterLimit },
  );

  route(
    r,
    api.downloadReportAttachment,
    async (req, reply) =>
      sendDownload(
        reply,
        await cases.downloadAsReporter(reporterAccess(req), req.params.caseId, req.params.attachmentId),
      ),
    { config: reporterLimit },
  );

  route(r, api.getIntakeKey, async () => cases.publicKey());

  route(r, api.listCases, async (req) => cases.list(requireActor(req), req.query));

  route(r, api.getCase, async (req) => cases.get(requireActor(req), req.params.id));

  route(r, api.updateCase, async (req, reply) => {
    await cases.update(requireActor(req), req.params.id, req.body);
    return reply.code(204).send(null);
  });

  route(r, api.transitionCase, async (req, reply) => {
    try {
      return await cases.transition(requireActor(req), req.params.id, req.body);
    } catch (e) {
      // The contract names the allowed phases next to `error`, for this answer only.
      if (e instanceof AppError && e.code === "invalid_state" && Array.isArray(e.details?.allowed))
        return reply.code(409).send({
          error: { code: e.code, message: e.message, requestId: req.id, details: e.details },
          allowed: e.details.allowed as (typeof PHASES)[number][],
        });
      throw e;
    }
  });

  route(r, api.setCaseCvss, async (req) => cases.setCvss(requireActor(req), req.params.id, req.body.vector));

  route(r, api.assignCaseCve, async (req) =>
    cases.assignCve(requireActor(req), req.params.id, req.body.cveId),
  );

  route(r, api.addCaseNote, async (req, reply) =>
    reply.code(201).send(await cases.addNote(requireActor(req), req.params.id, req.body.body)),
  );

  route(r, api.postCaseMessage, async (req, reply) =>
    reply.code(201).send(await cases.postStaffMessage(requireActor(req), req.params.id, req.body)),
  );

  route(r, api.attachToCase, async (req, reply) => {
    const actor = requireActor(req);
    return reply.code(201).send(await cases.attachAsStaff(actor, req.params.id, () => readFiles(req)));
  });

  route(r, api.downloadCaseAttachment, async (req, reply) =>
    sendDownload(
      reply,
      await cases.downloadAsStaff(requireActor(req), req.params.id, req.params.attachmentId),
    ),
  );

  route(r, api.addCaseCredit, async (req, reply) =>
    reply.code(201).send(await cases.addCredit(requireActor(req), req.params.id, req.body)),
  );

  route(r, api.removeCaseCredit, async (req, reply) => {
    await cases.removeCredit(requireActor(req), req.params.id, req.params.creditId);
    return reply.code(204).send(null);
  });

  route(r, api.setCaseBounty, async (req) => cases.setBounty(requireActor(req), req.params.id, req.body));

  route(r, api.listCaseNotifications, async (req) =>
    cases.notifications(requireActor(req), req.params.id, req.query),
  );

  route(r, api.listCvePool, async (req) => cases.listPool(requireActor(req), req.query));

  route(r, api.addToCvePool, async (req) => cases.addToPool(requireActor(req), req.body.cveIds));
}
