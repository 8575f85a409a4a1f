// The forensics API (investigations, evidence, findings, exposure, reports): each route's method, path,
// and request and response schemas keyed by operationId. Routes and the web client share them; the
// OpenAPI document is generated from them.
import { z } from "zod";
import { errors, IsoDate, PageQuery, page } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { idSchema } from "./ids.ts";

/** Largest evidence file (and largest total of a ZIP's members, uncompressed). */
export const EVIDENCE_FILE_MAX_BYTES = 10 * 1024 * 1024;

export const InvestigationId = idSchema("investigation", "an investigation");
export const InvestigationParams = z.object({ id: InvestigationId });
export const EvidenceParams = InvestigationParams.extend({
  evidenceId: idSchema("investigationEvidence", "an evidence"),
});

export const OpenInvestigationIn = z.object({
  title: z.string().trim().min(1).max(300),
  advisoryId: idSchema("advisory", "an advisory")
    .optional()
    .describe(
      "the advisory the leak concerns; when absent, the evidence is matched against every delivered advisory",
    ),
  observedAt: IsoDate.optional().describe("first exploitation or sighting observed outside"),
});

export const TextEvidenceIn = z.object({
  kind: z.literal("text"),
  name: z.string().trim().min(1).max(200),
  text: z.string().min(1).max(500_000),
  source: z.string().trim().max(2000).optional().describe("where it was found (URL, forum, sample ID)"),
  foundAt: IsoDate.optional(),
});

export const ProposalIn = z.object({
  action: z.enum(["incident", "suspension"]),
  partnerId: idSchema("organisation", "a partner"),
  reason: z.string().trim().min(1).max(5000),
});
export const NoteIn = z.object({ text: z.string().trim().min(1).max(20_000) });
export const CloseIn = z.object({ conclusion: z.string().trim().min(1).max(20_000) });
export const ListQuery = PageQuery.extend({ status: z.enum(["open", "closed"]).optional() });
export const PriorQuery = z.object({
  ratePerYear: z.coerce
    .number()
    .positive()
    .max(1000)
    .optional()
    .describe("prior rate of independent discovery per year (default 1)"),
  bugAgeDays: z.coerce
    .number()
    .positive()
    .max(100_000)
    .optional()
    .describe("days the bug existed before the first wave; when given, the rate is 1/bugAgeDays per day"),
});

export const InvestigationOut = z.object({
  id: z.string(),
  title: z.string(),
  advisoryId: z.string().nullable(),
  observedAt: z.date().nullable(),
  status: z.enum(["open", "closed"]),
  conclusion: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  closedBy: z.string().nullable(),
  closedAt: z.date().nullable(),
});

export const EvidenceOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  source: z.string().nullable(),
  foundAt: z.date().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
});

export const TimelineOut = z.array(
  z.object({
    id: z.string(),
    kind: z.string(),
    actorId: z.string().nullable(),
    at: z.date(),
    ref: z.string().nullable(),
    text: z.string().nullable(),
  }),
);

const Scored = z.object({
  recipientId: z.string(),
  kind: z.enum(["user", "organisation"]),
  partnerId: z.string(),
  partnerName: z.string(),
  partnerStatus: z.string(),
  advisoryId: z.string(),
  revision: z.number(),
  score: z.number(),
  threshold: z.number(),
  bound: z.number(),
  accused: z.boolean(),
});
const Span = z.object({ startWord: z.number(), endWord: z.number() });

export const FindingsOut = z.object({
  verdict: z.enum(["accused", "inconclusive", "no_match"]),
  advisoryIds: z.array(z.string()),
  matches: z.array(
    z.object({
      advisoryId: z.string(),
      revision: z.number(),
      tracingKeyId: z.string(),
      sharedShingles: z.number().nullable(),
      observedPoints: z.number(),
      recipients: z.number(),
    }),
  ),
  observedPoints: z.number(),
  epsilon: z.number(),
  populationBound: z.number(),
  recipientCount: z.number(),
  accused: z.array(Scored),
  recipients: z.array(Scored).describe("the 20 recipients with the strongest evidence"),
  distribution: z
    .array(z.object({ from: z.number(), to: z.number(), count: z.number() }))
    .describe("every scored recipient's score ÷ threshold as a histogram"),
  located: z
    .array(Span)
    .describe("word spans of the evidence (all pieces joined) that come from the advisory"),
  markedSpans: z.array(Span.extend({ points: z.number() })),
  evidenceWords: z.number(),
  canaries: z
    .array(
      z.object({
        advisoryId: z.string(),
        deliveryId: z.string(),
        partnerId: z.string(),
        partnerName: z.string(),
        recipientKind: z.string(),
        recipientId: z.string(),
        kind: z.string(),
        at: z.date(),
        certain: z.literal(true),
      }),
    )
    .describe("canary tokens that fired: certain attributions, apart from the statistical ones"),
  warnings: z.array(z.string()),
});

export const InvestigationDetailOut = InvestigationOut.extend({
  timeline: TimelineOut,
  evidence: z.array(EvidenceOut),
  findings: FindingsOut,
});

export const ExposureOut = z.object({
  advisoryId: z.string().nullable(),
  observedAt: z.date().nullable(),
  publicAt: z.date().nullable(),
  publishedAt: z.date().nullable(),
  waves: z.array(
    z.object({
      id: z.string(),
      at: z.date(),
      tier: z.string().nullable(),
      partners: z.number(),
      content: z.array(z.string()),
    }),
  ),
  recipients: z.array(
    z.object({
      deliveryId: z.string(),
      partnerId: z.string(),
      partnerName: z.string(),
      partnerStatus: z.string(),
      recipientKind: z.enum(["organisation", "user"]),
      recipientId: z.string(),
      sections: z.array(z.string()),
      waveId: z.string(),
      deliveredAt: z.date(),
      firstReadAt: z.date().nullable(),
      reads: z
        .array(
          z.object({
            at: z.date(),
            actorId: z.string().nullable(),
            fileId: z.string().nullable().describe("the file downloaded; null for a read of the copy itself"),
            ip: z.string().nullable().describe("the request's address (null: not recorded for this read)"),
            userAgent: z.string().nullable(),
          }),
        )
        .describe("every audited read of the copy and download of its files"),
      acks: z.array(z.object({ at: z.date(), status: z.string(), userId: z.string() })),
      beforeObserved: z.boolean(),
    }),
  ),
  byObserved: z.object({
    partners: z.number(),
    members: z.number(),
    sections: z.record(z.string(), z.number()),
  }),
  notes: z.array(z.string()),
  coincidence: z.object({
    model: z.string(),
    assumptions: z.array(z.string()),
    ratePerDay: z.number(),
    rateSource: z.enum(["prior", "bug_age"]),
    windows: z.array(
      z.object({
        waveId: z.string(),
        tier: z.string().nullable(),
        at: z.date(),
        days: z.number(),
        probability: z.number(),
      }),
    ),
    probability: z.number().nullable(),
    summary: z.string(),
  }),
});

const SuspicionTest = z.object({
  score: z.number().describe("summed score of the partner's best recipient per advisory (decoder below)"),
  threshold: z.number().describe("the combined test's threshold at ε₁·weight / Π recipients per advisory"),
  decoder: z.enum(["tardos", "single", "robust"]),
  bound: z
    .number()
    .describe(
      "bound on the chance that an innocent partner shows evidence this strong (every decoder and choice of recipient counted)",
    ),
  observedPoints: z.number(),
  advisories: z.number(),
  accused: z.boolean(),
});

export const PartnerSuspicionOut = z.object({
  partnerId: z.string(),
  partnerName: z.string(),
  partnerStatus: z.string(),
  advisoriesCounted: z.number().describe("distinct advisories in the combined test; each counts once"),
  advisoryIds: z.array(z.string()),
  investigationIds: z.array(z.string()),
  combined: SuspicionTest,
  accused: z.boolean().describe("accused across incidents: only when the combined bound is at most ε₁"),
  perAdvisory: z.array(
    SuspicionTest.extend({
      advisoryId: z.string(),
      revision: z.number(),
      recipients: z.number(),
      investigationIds: z.array(z.string()),
    }),
  ),
  perInvestigation: z.array(
    SuspicionTest.extend({
      investigationId: z.string(),
      title: z.string(),
      advisoryIds: z.array(z.string()),
    }),
  ),
});

const SuspicionPopulation = z.object({
  epsilon: z.number(),
  minObservedPoints: z.number(),
  partnersTested: z.number(),
  populationBound: z.number().describe("ε₁ × partners tested: chance that any innocent partner is accused"),
  investigationsCounted: z.number(),
  advisoriesCounted: z.number(),
});

export const SuspicionOut = SuspicionPopulation.extend({ partners: z.array(PartnerSuspicionOut) });
export const PartnerSuspicionResponse = SuspicionPopulation.extend({ partner: PartnerSuspicionOut });

const SUSPICION_METHOD =
  "Every investigation whose evidence matched a delivered advisory counts; each advisory once (the evidence of every investigation that matched it read together against one revision). Per advisory a partner's part is the best score among its recipients (organisation copy and members); parts add across advisories, and the combined test's threshold and bound are computed from the Chernoff bound of the summed null distribution times the number of ways to pick one recipient per advisory, ε₁ = 1e-6 per innocent partner shared by three decoders. Reads every investigation's evidence: audited.";

const tags = ["forensics"];

export const forensicsApi = defineRoutes({
  openInvestigation: {
    method: "POST",
    url: "/api/investigations",
    tags,
    summary: "Open a leak investigation (investigators; audited)",
    body: OpenInvestigationIn,
    response: { 201: z.object({ id: z.string() }), ...errors(400, 401, 403) },
  },
  listInvestigations: {
    method: "GET",
    url: "/api/investigations",
    tags,
    summary: "Investigations, newest first (investigators and coordinators; paginated)",
    description:
      "One page of the investigations (with `status`, only open or closed ones, on every page), newest first by when they were opened (the investigation ID breaks ties). Pass `nextCursor` as `cursor` for the next page.",
    querystring: ListQuery,
    response: { 200: page(InvestigationOut), ...errors(400, 401, 403) },
  },
  getInvestigation: {
    method: "GET",
    url: "/api/investigations/:id",
    tags,
    summary: "An investigation with its timeline, evidence and findings (reads the evidence: audited)",
    description:
      "Findings read every piece of the investigation's evidence together against every delivered recipient (organisations and members, including suspended and removed partners) of the advisory named, or of the delivered revisions the evidence's shingles match when none is named. A recipient is accused only when its score passes a threshold with a bound ≤ ε₁ = 1e-6 on the chance that an innocent recipient scores as high.",
    params: InvestigationParams,
    response: { 200: InvestigationDetailOut, ...errors(400, 401, 403, 404) },
  },
  addInvestigationNote: {
    method: "POST",
    url: "/api/investigations/:id/notes",
    tags,
    summary: "Add a note to the investigation's timeline (sealed at rest; audited)",
    params: InvestigationParams,
    body: NoteIn,
    response: { 201: z.object({ timeline: TimelineOut }), ...errors(400, 401, 403, 404) },
  },
  proposeInvestigationAction: {
    method: "POST",
    url: "/api/investigations/:id/proposals",
    tags,
    summary: "Act on a partner from the findings: open an incident, or request a suspension (audited)",
    description:
      "Only for a partner this investigation's findings accuse (or a canary hit names); reading the findings is audited. incident: opens an incident on the partner's record (source investigation, linked to this investigation). suspension: files a suspension request that changes nothing until a second, different staff member approves it (POST /api/partners/:id/suspension-requests/:requestId/approve); the person who requested it cannot. Either goes on the investigation's timeline with its reason (sealed at rest). 409 when the partner is not implicated by the findings, the investigation is closed, the partner is not active (suspension) or a request is already pending.",
    params: InvestigationParams,
    body: ProposalIn,
    response: {
      201: z.object({
        incidentId: z.string().nullable(),
        suspensionRequestId: z.string().nullable(),
        timeline: TimelineOut,
      }),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  closeInvestigation: {
    method: "POST",
    url: "/api/investigations/:id/close",
    tags,
    summary: "Close the investigation with a conclusion (audited)",
    params: InvestigationParams,
    body: CloseIn,
    response: { 200: InvestigationOut, ...errors(400, 401, 403, 404, 409) },
  },
  // No body schema: the route takes either a JSON text piece (checked against TextEvidenceIn by the
  // route) or a multipart file.
  addInvestigationEvidence: {
    method: "POST",
    url: "/api/investigations/:id/evidence",
    tags,
    summary:
      'Add evidence: JSON { kind: "text", name, text, source?, foundAt? } or a multipart file (sealed at rest; audited)',
    description: `A multipart upload has the field \`file\` (text, markdown, HTML, rule files, scripts, request logs; PDF when pdftotext is installed on the server; or a ZIP of these, each file becoming one piece of evidence; at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MiB) and optional fields \`source\` and \`foundAt\`. The type is judged by the content, never by the name or the declared type.`,
    consumes: ["application/json", "multipart/form-data"],
    params: InvestigationParams,
    jsonBody: TextEvidenceIn,
    response: {
      201: z.object({ evidence: z.array(EvidenceOut) }),
      ...errors(400, 401, 403, 404, 409, 413),
    },
  },
  readInvestigationEvidence: {
    method: "GET",
    url: "/api/investigations/:id/evidence/:evidenceId",
    tags,
    summary: "One piece of evidence with its text (audited)",
    params: EvidenceParams,
    response: { 200: EvidenceOut.extend({ text: z.string() }), ...errors(400, 401, 403, 404) },
  },
  investigationExposure: {
    method: "GET",
    url: "/api/investigations/:id/exposure",
    tags,
    summary: "Who could have known what and when, and the coincidence analysis",
    description:
      "For each partner and member: content delivered, delivery time, first read, every audited copy read and file download (time, address, user agent) and acknowledgement, against the waves, T0 and observedAt. Coincidence: independent discovery as a Poisson process of rate λ (a prior per year, default 1, or 1/bugAgeDays per day); P(an independent start within w days) = 1 − exp(−λw) for each wave's window, with the assumptions stated.",
    params: InvestigationParams,
    querystring: PriorQuery,
    response: { 200: ExposureOut, ...errors(400, 401, 403, 404) },
  },
  listSuspicion: {
    method: "GET",
    url: "/api/forensics/suspicion",
    tags,
    summary: "Partners by suspicion accumulated across investigations (investigators and coordinators)",
    description: SUSPICION_METHOD,
    response: { 200: SuspicionOut, ...errors(401, 403) },
  },
  getPartnerSuspicion: {
    method: "GET",
    url: "/api/forensics/suspicion/:partnerId",
    tags,
    summary: "One partner's accumulated suspicion: per investigation, per advisory and combined",
    description: SUSPICION_METHOD,
    params: z.object({ partnerId: idSchema("organisation", "a partner") }),
    response: { 200: PartnerSuspicionResponse, ...errors(400, 401, 403, 404) },
  },
  investigationReportHtml: {
    method: "GET",
    url: "/api/investigations/:id/report.html",
    tags,
    summary: "The investigation report as HTML (reads the evidence: audited)",
    params: InvestigationParams,
    querystring: PriorQuery,
    response: { ...errors(400, 401, 403, 404) },
  },
  investigationReportPdf: {
    method: "GET",
    url: "/api/investigations/:id/report.pdf",
    tags,
    summary: "The investigation report as PDF (reads the evidence: audited)",
    params: InvestigationParams,
    querystring: PriorQuery,
    response: { ...errors(400, 401, 403, 404) },
  },
});
