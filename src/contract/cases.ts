// The cases API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { Email, ErrorOut, errors, IsoDate, Name, NoContent, PageQuery, page, StoredFile } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { BOUNTY_STATUSES, CREDIT_TYPES, DESCRIPTION_MAX, PHASES } from "./enums.ts";
import { idSchema } from "./ids.ts";

export const CaseId = idSchema("case", "a case");
export const CaseParams = z.object({ id: CaseId });
export const ReportParams = z.object({ caseId: CaseId });
export const TokenQuery = z.object({ token: z.string().max(200).optional() });
export const Phase = z.enum(PHASES);
export const Short = z.string().trim().min(1).max(200);
export const Markdown = z.string().max(DESCRIPTION_MAX);
export const Deadline = z.object({
  deadlineAt: z.date(),
  daysLeft: z.number(),
  status: z.enum(["on_track", "near", "overdue", "finished"]),
});
/** A CVSS score as every answer carries it (case, public advisory, partner copy). */
export const Cvss = z.object({
  vector: z.string(),
  version: z.string(),
  score: z.number(),
  severity: z.string(),
});
export const CaseSummary = z.object({
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
/** A case's bounty (amount in minor units of its ISO 4217 currency), as the case and setting it answer it. */
export const Bounty = z.object({ amount: z.number(), currency: z.string(), status: z.string() });
export const Credit = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  userId: z.string().nullable(),
});
export const Attachment = z.object({
  id: z.string(),
  ...StoredFile.shape,
  createdAt: z.date(),
});
export const Message = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  authorKind: z.string(),
  authorUserId: z.string().nullable(),
  body: z.string(),
  createdAt: z.date(),
});
export const ResearcherCase = z.object({
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
export const StaffCase = CaseSummary.extend({
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
  bounty: Bounty.nullable(),
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
export const MessageIn = z.object({
  body: z.string().min(1).max(20_000),
  parentId: idSchema("message", "a message").optional(),
});
export const AttachmentsOut = z.array(Attachment.omit({ createdAt: true }));

export const casesApi = defineRoutes({
  submitReport: {
    method: "POST",
    url: "/api/reports",
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
  listOwnReports: {
    method: "GET",
    url: "/api/reports",
    tags: ["reports"],
    summary: "A researcher account's own reports, newest first (paginated)",
    querystring: PageQuery,
    response: { 200: page(CaseSummary.omit({ assigneeId: true })), ...errors(400, 401, 403) },
  },
  getOwnReport: {
    method: "GET",
    url: "/api/reports/:caseId",
    tags: ["reports"],
    summary: "The reporter's view of a case (tracking token or researcher account)",
    params: ReportParams,
    querystring: TokenQuery,
    response: { 200: ResearcherCase, ...errors(401, 403, 404, 429) },
  },
  postReporterMessage: {
    method: "POST",
    url: "/api/reports/:caseId/messages",
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
  attachToReport: {
    method: "POST",
    url: "/api/reports/:caseId/attachments",
    tags: ["reports"],
    summary: "Attach files to a report (multipart; at most 5 files of 10 MiB)",
    description:
      "PDF, PNG, JPEG, ZIP, plain text, markdown and pcap, recognised by content. Stored encrypted.",
    params: ReportParams,
    querystring: TokenQuery,
    response: { 201: AttachmentsOut, ...errors(400, 401, 403, 404, 413, 429) },
  },
  downloadReportAttachment: {
    method: "GET",
    url: "/api/reports/:caseId/attachments/:attachmentId",
    tags: ["reports"],
    summary: "Download a file of the reporter's case",
    params: ReportParams.extend({ attachmentId: idSchema("attachment", "an attachment") }),
    querystring: TokenQuery,
    response: { ...errors(401, 403, 404, 429) },
  },
  getIntakeKey: {
    method: "GET",
    url: "/api/public/pgp-key",
    tags: ["public"],
    summary: "The programme's OpenPGP public key for encrypted reports",
    response: { 200: z.object({ fingerprint: z.string(), armored: z.string() }) },
  },
  listCases: {
    method: "GET",
    url: "/api/cases",
    tags: ["cases"],
    summary: "Cases, overdue and near-deadline first, then by deadline, finished ones last (paginated)",
    querystring: PageQuery.extend({
      phase: Phase.optional(),
      status: z.enum(["open", "near", "overdue"]).optional(),
    }),
    response: { 200: page(CaseSummary), ...errors(400, 401, 403) },
  },
  getCase: {
    method: "GET",
    url: "/api/cases/:id",
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
  updateCase: {
    method: "PATCH",
    url: "/api/cases/:id",
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
        assigneeId: idSchema("user", "a user").nullable().optional(),
        deadlineAt: IsoDate.transform((s) => new Date(s)).optional(),
      })
      .strict(),
    response: { 204: NoContent, ...errors(400, 401, 403, 404) },
  },
  transitionCase: {
    method: "POST",
    url: "/api/cases/:id/transitions",
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
  setCaseCvss: {
    method: "PUT",
    url: "/api/cases/:id/cvss",
    tags: ["cases"],
    summary: "Score a CVSS 4.0 (or 3.1) vector; 400 names the bad metric",
    params: CaseParams,
    body: z.object({ vector: z.string().max(300) }),
    response: {
      200: Cvss,
      ...errors(400, 401, 403, 404),
    },
  },
  assignCaseCve: {
    method: "PUT",
    url: "/api/cases/:id/cve",
    tags: ["cases"],
    summary: "Enter a CVE ID, or reserve the next one from the pool (empty body)",
    params: CaseParams,
    body: z.object({ cveId: z.string().max(30).optional() }),
    response: {
      200: z.object({ cveId: z.string(), source: z.enum(["pool", "entered"]) }),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  addCaseNote: {
    method: "POST",
    url: "/api/cases/:id/notes",
    tags: ["cases"],
    summary: "Add an internal note to the case timeline (never shown to the reporter)",
    params: CaseParams,
    body: z.object({ body: z.string().trim().min(1).max(20_000) }),
    response: { 201: z.object({ id: z.string() }), ...errors(400, 401, 403, 404) },
  },
  postCaseMessage: {
    method: "POST",
    url: "/api/cases/:id/messages",
    tags: ["cases"],
    summary: "Write to the reporter (they get an email notification)",
    params: CaseParams,
    body: MessageIn,
    response: { 201: z.object({ id: z.string(), createdAt: z.date() }), ...errors(400, 401, 403, 404) },
  },
  attachToCase: {
    method: "POST",
    url: "/api/cases/:id/attachments",
    tags: ["cases"],
    summary: "Attach files to a case (multipart; at most 5 files of 10 MiB)",
    params: CaseParams,
    response: { 201: AttachmentsOut, ...errors(400, 401, 403, 404, 413) },
  },
  downloadCaseAttachment: {
    method: "GET",
    url: "/api/cases/:id/attachments/:attachmentId",
    tags: ["cases"],
    summary: "Download a case file (audited)",
    params: CaseParams.extend({ attachmentId: idSchema("attachment", "an attachment") }),
    response: { ...errors(401, 403, 404) },
  },
  addCaseCredit: {
    method: "POST",
    url: "/api/cases/:id/credits",
    tags: ["cases"],
    summary: "Credit someone (types as in CVE JSON 5 and OSV)",
    params: CaseParams,
    body: z.object({ name: Name, type: z.enum(CREDIT_TYPES), userId: idSchema("user", "a user").optional() }),
    response: { 201: Credit, ...errors(400, 401, 403, 404) },
  },
  removeCaseCredit: {
    method: "DELETE",
    url: "/api/cases/:id/credits/:creditId",
    tags: ["cases"],
    summary: "Remove a credit",
    params: CaseParams.extend({ creditId: idSchema("credit", "a credit") }),
    response: { 204: NoContent, ...errors(401, 403, 404) },
  },
  setCaseBounty: {
    method: "PUT",
    url: "/api/cases/:id/bounty",
    tags: ["cases"],
    summary: "Set the bounty: amount in minor units of an ISO 4217 currency, and its status",
    params: CaseParams,
    body: z.object({
      amount: z.number().int().min(0).max(1e12),
      currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR"),
      status: z.enum(BOUNTY_STATUSES),
    }),
    response: {
      200: Bounty,
      ...errors(400, 401, 403, 404),
    },
  },
  listCaseNotifications: {
    method: "GET",
    url: "/api/cases/:id/notifications",
    tags: ["cases"],
    summary: "The case's notification outbox (deadline warnings, message emails), newest first (paginated)",
    params: CaseParams,
    querystring: PageQuery,
    response: {
      200: page(
        z.object({
          id: z.string(),
          kind: z.string(),
          recipient: z.string(),
          subject: z.string(),
          createdAt: z.date(),
          sentAt: z.date().nullable(),
        }),
      ),
      ...errors(400, 401, 403, 404),
    },
  },
  listCvePool: {
    method: "GET",
    url: "/api/cve-pool",
    tags: ["cve"],
    summary: "The programme's CVE IDs and which case holds each, in the order added (paginated)",
    querystring: PageQuery,
    response: {
      200: page(
        z.object({
          cveId: z.string(),
          addedAt: z.date(),
          caseId: z.string().nullable(),
          reservedAt: z.date().nullable(),
        }),
      ),
      ...errors(400, 401, 403),
    },
  },
  addToCvePool: {
    method: "POST",
    url: "/api/cve-pool",
    tags: ["cve"],
    summary: "Add CVE IDs (from the CNA's block) to the pool",
    body: z.object({ cveIds: z.array(z.string().max(30)).min(1).max(1000) }),
    response: {
      200: z.object({ added: z.array(z.string()), free: z.number() }),
      ...errors(400, 401, 403),
    },
  },
});
