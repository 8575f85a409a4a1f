// HTTP routes of the cases module: public intake (rate-limited), the reporter's view by tracking token
// or researcher account, and the response team's case work.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../platform/errors.ts";
import { MAX_FILE_BYTES, MAX_FILES } from "../../platform/files.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { sendDownload } from "../../platform/http/download.ts";
import { Email, ErrorOut, errors, IsoDate, Name, NoContent } from "../../platform/http/schemas.ts";
import type { UploadedFile } from "./conversation.ts";
import { DESCRIPTION_MAX, type ReporterAccess } from "./intake.ts";
import { PHASES } from "./phases.ts";
import type { Cases } from "./service.ts";
import { BOUNTY_STATUSES, CREDIT_TYPES } from "./triage.ts";

const idOf = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `not a ${what} ID`);
export const CaseId = idOf("cas", "case");
const CaseParams = z.object({ id: CaseId });
const ReportParams = z.object({ caseId: CaseId });
const TokenQuery = z.object({ token: z.string().max(200).optional() });
const Phase = z.enum(PHASES);
const Short = z.string().trim().min(1).max(200);
const Markdown = z.string().max(DESCRIPTION_MAX);

const Deadline = z.object({
  deadlineAt: z.date(),
  daysLeft: z.number(),
  status: z.enum(["on_track", "near", "overdue", "finished"]),
});
const Cvss = z.object({ vector: z.string(), version: z.string(), score: z.number(), severity: z.string() });
const CaseSummary = z.object({
  id: z.string(),
  title: z.string(),
  product: z.string(),
  version: z.string(),
  phase: Phase,
  assigneeId: z.string().nullable(),
  receivedAt: z.date(),
  deadline: Deadline,
  cveId: z.string().nullable(),
  cvss: Cvss.nullable(),
});
const Credit = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  userId: z.string().nullable(),
});
const Attachment = z.object({
  id: z.string(),
  filename: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  createdAt: z.date(),
});
const Message = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  authorKind: z.string(),
  authorUserId: z.string().nullable(),
  body: z.string(),
  createdAt: z.date(),
});
const ResearcherCase = z.object({
  id: z.string(),
  title: z.string(),
  product: z.string(),
  version: z.string(),
  description: z.string(),
  phase: Phase,
  receivedAt: z.date(),
  cveId: z.string().nullable(),
  credits: z.array(Credit),
  attachments: z.array(Attachment),
  messages: z.array(Message),
  phases: z.array(z.object({ at: z.date(), phase: z.string() })),
  /** The public advisory, once published (its page: /advisories/{trackingId}). */
  advisory: z.object({ trackingId: z.string(), publishedAt: z.date() }).nullable(),
});
const StaffCase = CaseSummary.extend({
  description: z.string(),
  encrypted: z.boolean(),
  allowedTransitions: z.array(Phase),
  duplicateOf: z.string().nullable(),
  reporter: z
    .object({
      kind: z.enum(["account", "anonymous"]),
      name: z.string().nullable(),
      email: z.string().nullable(),
      userId: z.string().nullable(),
      organisationId: z.string().nullable(),
      organisationName: z.string().nullable(),
    })
    .describe("Who reported the case and how to reach them (staff only; a reporter's own view has none)"),
  cwe: z.string().nullable(),
  bounty: z.object({ amount: z.number(), currency: z.string(), status: z.string() }).nullable(),
  credits: z.array(Credit),
  attachments: z.array(Attachment.extend({ uploadedBy: z.string().nullable() })),
  messages: z.array(Message),
  timeline: z.array(
    z.object({
      id: z.string(),
      at: z.date(),
      actorId: z.string().nullable(),
      kind: z.string(),
      fromPhase: z.string().nullable(),
      toPhase: z.string().nullable(),
      body: z.string().nullable(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
  createdAt: z.date(),
  updatedAt: z.date(),
  people: z
    .record(z.string(), z.object({ name: z.string(), email: z.string() }))
    .describe("Name and e-mail of each account the case mentions (reporter, assignee, authors), by user ID"),
});
const MessageIn = z.object({
  body: z.string().min(1).max(20_000),
  parentId: idOf("msg", "message").optional(),
});
const AttachmentsOut = z.array(
  z.object({
    id: z.string(),
    filename: z.string(),
    mediaType: z.string(),
    size: z.number(),
    sha256: z.string(),
  }),
);

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

  r.post(
    "/api/reports",
    {
      config: { rateLimit: { max: opts.reportRateLimit, timeWindow: "1 hour" } },
      schema: {
        operationId: "submitReport",
        tags: ["reports"],
        summary: "Report a vulnerability (no account needed)",
        description:
          "Creates a case in phase `received`. Without a login the answer carries a trackingToken, shown only now, that opens the case's researcher view and messages (send it as X-Tracking-Token). Instead of `description` you may send `encryptedDescription`, an ASCII-armored OpenPGP message to the key at GET /api/public/pgp-key. Rate-limited per client address.",
        body: z.object({
          product: Short,
          version: z.string().trim().min(1).max(100),
          title: Short,
          description: Markdown.optional(),
          encryptedDescription: z.string().max(400_000).optional(),
          reporterName: Name.optional(),
          reporterEmail: Email.optional(),
        }),
        response: {
          201: z.object({ caseId: z.string(), trackingToken: z.string().nullable() }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (req, reply) => reply.code(201).send(await cases.submit(req.actor, req.body)),
  );

  r.get(
    "/api/reports",
    {
      schema: {
        operationId: "listOwnReports",
        tags: ["reports"],
        summary: "A researcher account's own reports",
        response: { 200: z.array(CaseSummary.omit({ assigneeId: true })), ...errors(401, 403) },
      },
    },
    async (req) => cases.listOwn(requireActor(req)),
  );

  r.get(
    "/api/reports/:caseId",
    {
      config: reporterLimit,
      schema: {
        operationId: "getOwnReport",
        tags: ["reports"],
        summary: "The reporter's view of a case (tracking token or researcher account)",
        params: ReportParams,
        querystring: TokenQuery,
        response: { 200: ResearcherCase, ...errors(401, 403, 404, 429) },
      },
    },
    async (req) => cases.viewAsReporter(reporterAccess(req), req.params.caseId),
  );

  r.post(
    "/api/reports/:caseId/messages",
    {
      config: reporterLimit,
      schema: {
        operationId: "postReporterMessage",
        tags: ["reports"],
        summary: "The reporter writes to the response team",
        params: ReportParams,
        querystring: TokenQuery,
        body: MessageIn,
        response: {
          201: z.object({ id: z.string(), createdAt: z.date() }),
          ...errors(400, 401, 403, 404, 429),
        },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await cases.postReporterMessage(reporterAccess(req), req.params.caseId, req.body)),
  );

  r.post(
    "/api/reports/:caseId/attachments",
    {
      config: reporterLimit,
      schema: {
        operationId: "attachToReport",
        tags: ["reports"],
        summary: "Attach files to a report (multipart; at most 5 files of 10 MiB)",
        description:
          "PDF, PNG, JPEG, ZIP, plain text, markdown and pcap, recognised by content. Stored encrypted.",
        params: ReportParams,
        querystring: TokenQuery,
        response: { 201: AttachmentsOut, ...errors(400, 401, 403, 404, 413, 429) },
      },
    },
    async (req, reply) => {
      const access = reporterAccess(req);
      return reply
        .code(201)
        .send(await cases.attachAsReporter(access, req.params.caseId, () => readFiles(req)));
    },
  );

  r.get(
    "/api/reports/:caseId/attachments/:attachmentId",
    {
      config: reporterLimit,
      schema: {
        operationId: "downloadReportAttachment",
        tags: ["reports"],
        summary: "Download a file of the reporter's case",
        params: ReportParams.extend({ attachmentId: idOf("att", "attachment") }),
        querystring: TokenQuery,
        response: { ...errors(401, 403, 404, 429) },
      },
    },
    async (req, reply) =>
      sendDownload(
        reply,
        await cases.downloadAsReporter(reporterAccess(req), req.params.caseId, req.params.attachmentId),
      ),
  );

  r.get(
    "/api/public/pgp-key",
    {
      schema: {
        operationId: "getIntakeKey",
        tags: ["public"],
        summary: "The programme's OpenPGP public key for encrypted reports",
        response: { 200: z.object({ fingerprint: z.string(), armored: z.string() }) },
      },
    },
    async () => cases.publicKey(),
  );

  r.get(
    "/api/cases",
    {
      schema: {
        operationId: "listCases",
        tags: ["cases"],
        summary: "Cases, overdue and near-deadline first",
        querystring: z.object({
          phase: Phase.optional(),
          status: z.enum(["open", "near", "overdue"]).optional(),
        }),
        response: { 200: z.array(CaseSummary), ...errors(400, 401, 403) },
      },
    },
    async (req) => cases.list(requireActor(req), req.query),
  );

  r.get(
    "/api/cases/:id",
    {
      schema: {
        operationId: "getCase",
        tags: ["cases"],
        summary: "A case: staff see everything, a researcher account only its own case's researcher view",
        params: CaseParams,
        response: {
          200: z.union([
            StaffCase.extend({ view: z.literal("staff") }),
            ResearcherCase.extend({ view: z.literal("researcher") }),
          ]),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => cases.get(requireActor(req), req.params.id),
  );

  r.patch(
    "/api/cases/:id",
    {
      schema: {
        operationId: "updateCase",
        tags: ["cases"],
        summary: "Change title, product, version, CWE, assignee or remediation deadline",
        params: CaseParams,
        body: z
          .object({
            title: Short.optional(),
            product: Short.optional(),
            version: z.string().trim().min(1).max(100).optional(),
            cwe: z
              .string()
              .regex(/^CWE-\d{1,6}$/, "a CWE ID such as CWE-79")
              .nullable()
              .optional(),
            assigneeId: idOf("usr", "user").nullable().optional(),
            deadlineAt: IsoDate.transform((s) => new Date(s)).optional(),
          })
          .strict(),
        response: { 204: NoContent, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await cases.update(requireActor(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  r.post(
    "/api/cases/:id/transitions",
    {
      schema: {
        operationId: "transitionCase",
        tags: ["cases"],
        summary: "Move a case to another phase",
        description:
          "409 when the transition table does not allow it, with the allowed phases at the top level: { error, allowed }. `duplicate` needs duplicateOf.",
        params: CaseParams,
        body: z.object({
          to: Phase,
          reason: z.string().max(2000).optional(),
          duplicateOf: CaseId.optional(),
        }),
        response: {
          200: z.object({ id: z.string(), phase: Phase, allowedTransitions: z.array(Phase) }),
          409: ErrorOut.extend({ allowed: z.array(Phase).optional() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
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
    },
  );

  r.put(
    "/api/cases/:id/cvss",
    {
      schema: {
        operationId: "setCaseCvss",
        tags: ["cases"],
        summary: "Score a CVSS 4.0 (or 3.1) vector; 400 names the bad metric",
        params: CaseParams,
        body: z.object({ vector: z.string().max(300) }),
        response: {
          200: z.object({ version: z.string(), vector: z.string(), score: z.number(), severity: z.string() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => cases.setCvss(requireActor(req), req.params.id, req.body.vector),
  );

  r.put(
    "/api/cases/:id/cve",
    {
      schema: {
        operationId: "assignCaseCve",
        tags: ["cases"],
        summary: "Enter a CVE ID, or reserve the next one from the pool (empty body)",
        params: CaseParams,
        body: z.object({ cveId: z.string().max(30).optional() }),
        response: {
          200: z.object({ cveId: z.string(), source: z.enum(["pool", "entered"]) }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => cases.assignCve(requireActor(req), req.params.id, req.body.cveId),
  );

  r.post(
    "/api/cases/:id/notes",
    {
      schema: {
        operationId: "addCaseNote",
        tags: ["cases"],
        summary: "Add an internal note to the case timeline (never shown to the reporter)",
        params: CaseParams,
        body: z.object({ body: z.string().trim().min(1).max(20_000) }),
        response: { 201: z.object({ id: z.string() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await cases.addNote(requireActor(req), req.params.id, req.body.body)),
  );

  r.post(
    "/api/cases/:id/messages",
    {
      schema: {
        operationId: "postCaseMessage",
        tags: ["cases"],
        summary: "Write to the reporter (they get an email notification)",
        params: CaseParams,
        body: MessageIn,
        response: { 201: z.object({ id: z.string(), createdAt: z.date() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await cases.postStaffMessage(requireActor(req), req.params.id, req.body)),
  );

  r.post(
    "/api/cases/:id/attachments",
    {
      schema: {
        operationId: "attachToCase",
        tags: ["cases"],
        summary: "Attach files to a case (multipart; at most 5 files of 10 MiB)",
        params: CaseParams,
        response: { 201: AttachmentsOut, ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      return reply.code(201).send(await cases.attachAsStaff(actor, req.params.id, () => readFiles(req)));
    },
  );

  r.get(
    "/api/cases/:id/attachments/:attachmentId",
    {
      schema: {
        operationId: "downloadCaseAttachment",
        tags: ["cases"],
        summary: "Download a case file (audited)",
        params: CaseParams.extend({ attachmentId: idOf("att", "attachment") }),
        response: { ...errors(401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendDownload(
        reply,
        await cases.downloadAsStaff(requireActor(req), req.params.id, req.params.attachmentId),
      ),
  );

  r.post(
    "/api/cases/:id/credits",
    {
      schema: {
        operationId: "addCaseCredit",
        tags: ["cases"],
        summary: "Credit someone (types as in CVE JSON 5 and OSV)",
        params: CaseParams,
        body: z.object({ name: Name, type: z.enum(CREDIT_TYPES), userId: idOf("usr", "user").optional() }),
        response: { 201: Credit, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await cases.addCredit(requireActor(req), req.params.id, req.body)),
  );

  r.delete(
    "/api/cases/:id/credits/:creditId",
    {
      schema: {
        operationId: "removeCaseCredit",
        tags: ["cases"],
        summary: "Remove a credit",
        params: CaseParams.extend({ creditId: idOf("crd", "credit") }),
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await cases.removeCredit(requireActor(req), req.params.id, req.params.creditId);
      return reply.code(204).send(null);
    },
  );

  r.put(
    "/api/cases/:id/bounty",
    {
      schema: {
        operationId: "setCaseBounty",
        tags: ["cases"],
        summary: "Set the bounty: amount in minor units of an ISO 4217 currency, and its status",
        params: CaseParams,
        body: z.object({
          amount: z.number().int().min(0).max(1e12),
          currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR"),
          status: z.enum(BOUNTY_STATUSES),
        }),
        response: {
          200: z.object({ amount: z.number(), currency: z.string(), status: z.string() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req) => cases.setBounty(requireActor(req), req.params.id, req.body),
  );

  r.get(
    "/api/cases/:id/notifications",
    {
      schema: {
        operationId: "listCaseNotifications",
        tags: ["cases"],
        summary: "The case's notification outbox (deadline warnings, message emails)",
        params: CaseParams,
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              kind: z.string(),
              recipient: z.string(),
              subject: z.string(),
              createdAt: z.date(),
              sentAt: z.date().nullable(),
            }),
          ),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => cases.notifications(requireActor(req), req.params.id),
  );

  r.get(
    "/api/cve-pool",
    {
      schema: {
        operationId: "listCvePool",
        tags: ["cve"],
        summary: "The programme's CVE IDs and which case holds each",
        response: {
          200: z.array(
            z.object({
              cveId: z.string(),
              addedAt: z.date(),
              caseId: z.string().nullable(),
              reservedAt: z.date().nullable(),
            }),
          ),
          ...errors(401, 403),
        },
      },
    },
    async (req) => cases.listPool(requireActor(req)),
  );

  r.post(
    "/api/cve-pool",
    {
      schema: {
        operationId: "addToCvePool",
        tags: ["cve"],
        summary: "Add CVE IDs (from the CNA's block) to the pool",
        body: z.object({ cveIds: z.array(z.string().max(30)).min(1).max(1000) }),
        response: {
          200: z.object({ added: z.array(z.string()), free: z.number() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => cases.addToPool(requireActor(req), req.body.cveIds),
  );
}
