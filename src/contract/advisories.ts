// The advisories API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { errors, IsoDate, Name, PageQuery, page, StoredFile } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { CONTENT_LEVELS, EXPORT_FORMATS, SECTION_LIMITS, SECTIONS } from "./enums.ts";
import { idSchema } from "./ids.ts";

export const AdvisoryId = idSchema("advisory", "an advisory");
export const IdParams = z.object({ id: AdvisoryId });
export const Version = z.string().trim().min(1).max(100);
export const ProductIn = z.object({
  vendor: Name,
  product: Name,
  affected: z.array(Version).min(1).max(100),
  fixed: z.array(Version).max(100).default([]),
  cpe: z.string().max(500).optional(),
  purl: z.string().max(500).optional(),
});
export const SectionsIn = z
  .object(
    Object.fromEntries(SECTIONS.map((s) => [s, z.string().max(SECTION_LIMITS[s]).optional()])) as Record<
      (typeof SECTIONS)[number],
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict();
export const Title = z.string().trim().min(1).max(300);
export const RevisionNo = z.coerce.number().int().min(1).max(100_000);
export const State = z.enum(["draft", "in_review", "approved"]);
export const Product = z.object({
  vendor: z.string(),
  product: z.string(),
  affected: z.array(z.string()),
  fixed: z.array(z.string()),
  cpe: z.string().optional(),
  purl: z.string().optional(),
});
export const Sections = z.object(
  Object.fromEntries(SECTIONS.map((s) => [s, z.string()])) as Record<(typeof SECTIONS)[number], z.ZodString>,
);
/** What an advisory's list item and its full record both start with. */
const AdvisoryHead = z.object({
  id: z.string(),
  trackingId: z.string(),
  caseId: z.string(),
  state: State,
  currentRevision: z.number(),
  publishedAt: z.date().nullable(),
});
/** One revision as the history lists it (the current one adds its content). */
const RevisionOut = z.object({
  number: z.number(),
  authorId: z.string().nullable(),
  createdAt: z.date(),
  changeNote: z.string().nullable(),
  title: z.string(),
});
/** A detection or PoC file attached to an advisory, as every answer that lists one describes it. */
export const FileOut = z.object({
  id: z.string(),
  section: z.string(),
  ...StoredFile.shape,
});
/** An advisory and one of its files: `/api/.../advisories/:id/files/:fileId`. */
export const FileParams = z.object({ id: AdvisoryId, fileId: idSchema("advisoryFile", "a file") });
export const AdvisoryOut = AdvisoryHead.extend({
  createdAt: z.date(),
  updatedAt: z.date(),
  revision: RevisionOut.extend({ products: z.array(Product), sections: Sections }),
  revisions: z.array(RevisionOut),
  reviews: z.array(
    z.object({
      revision: z.number(),
      reviewerId: z.string(),
      decision: z.string(),
      comment: z.string().nullable(),
      createdAt: z.date(),
    }),
  ),
  people: z
    .record(z.string(), z.object({ name: z.string(), email: z.string() }))
    .describe("Name and e-mail of each author and reviewer, by user ID"),
  files: z.array(FileOut.extend({ createdAt: z.date() })),
});
export const StateOut = z.object({ id: z.string(), state: State, revision: z.number() });

export const advisoriesApi = defineRoutes({
  listAdvisories: {
    method: "GET",
    url: "/api/advisories",
    tags: ["advisories"],
    summary: "Advisories with their current title and state, most recently changed first (paginated)",
    querystring: PageQuery,
    response: {
      200: page(AdvisoryHead.extend({ updatedAt: z.date(), title: z.string() })),
      ...errors(400, 401, 403),
    },
  },
  createAdvisory: {
    method: "POST",
    url: "/api/advisories",
    tags: ["advisories"],
    summary: "Write an advisory for a case (revision 1, draft)",
    body: z.object({
      caseId: idSchema("case", "a case"),
      title: Title,
      products: z.array(ProductIn).min(1).max(50),
      sections: SectionsIn,
      changeNote: z.string().max(1000).optional(),
    }),
    response: {
      201: z.object({ id: z.string(), trackingId: z.string(), revision: z.number() }),
      ...errors(400, 401, 403),
    },
  },
  advisoryTracingMeter: {
    method: "POST",
    url: "/api/advisories/tracing-meter",
    tags: ["advisories"],
    summary: "What a text being written traces, and wordings the author may accept as alternatives",
    description:
      "Plans the sections sent (nothing is stored or read) as a release would: points by kind, the points " +
      "whole copies need to name 1, 2 or 3 leakers at ε₁ with and without invisible marks, and proposals: " +
      "wordings in free prose that keep the meaning in most sentences, each with what to check, which the " +
      "author accepts by writing its `markup` in place of `text` (offsets into that section). Public " +
      "renderings show the first wording of every `{{a|b}}`.",
    body: z.object({ sections: SectionsIn }),
    response: {
      200: z.object({
        words: z.number(),
        points: z.object({
          total: z.number(),
          visible: z.number(),
          invisible: z.number(),
          author: z.number(),
        }),
        needed: z.array(
          z.object({
            leakers: z.number(),
            points: z.number().describe("Points whole copies need with every mark"),
            pointsWithoutInvisible: z
              .number()
              .nullable()
              .describe(
                "Wording points alone need once invisible marks are stripped (null: no number is enough against every strategy)",
              ),
            met: z.boolean(),
            metWithoutInvisible: z.boolean(),
          }),
        ),
        epsilon: z.number(),
        proposals: z.array(
          z.object({
            section: z.enum(SECTIONS),
            start: z.number(),
            end: z.number(),
            text: z.string(),
            alternative: z.string(),
            markup: z.string(),
            caution: z.string(),
            context: z.string(),
          }),
        ),
      }),
      ...errors(400, 401, 403),
    },
  },
  getAdvisory: {
    method: "GET",
    url: "/api/advisories/:id",
    tags: ["advisories"],
    summary: "An advisory at its current (or a given) revision; ETag is the revision number (audited read)",
    params: IdParams,
    querystring: z.object({ revision: RevisionNo.optional() }),
    response: { 200: AdvisoryOut, ...errors(400, 401, 403, 404) },
  },
  reviseAdvisory: {
    method: "PUT",
    url: "/api/advisories/:id",
    tags: ["advisories"],
    summary:
      'Edit: makes a new immutable revision. Send If-Match: "N" (or revision: N) naming the revision edited; stale → 409',
    params: IdParams,
    body: z.object({
      revision: z.number().int().min(1).optional(),
      title: Title.optional(),
      products: z.array(ProductIn).min(1).max(50).optional(),
      sections: SectionsIn.optional(),
      changeNote: z.string().max(1000).optional(),
    }),
    response: { 200: StateOut, ...errors(400, 401, 403, 404, 409) },
  },
  diffAdvisory: {
    method: "GET",
    url: "/api/advisories/:id/diff",
    tags: ["advisories"],
    summary: "Line diff between two revisions, per field",
    params: IdParams,
    querystring: z.object({ from: RevisionNo, to: RevisionNo }),
    response: {
      200: z.object({
        from: z.number(),
        to: z.number(),
        fields: z.array(
          z.object({
            field: z.string(),
            changes: z.array(z.object({ added: z.boolean(), removed: z.boolean(), value: z.string() })),
          }),
        ),
      }),
      ...errors(400, 401, 403, 404),
    },
  },
  getAdvisoryContent: {
    method: "GET",
    url: "/api/advisories/:id/content",
    tags: ["advisories"],
    summary: "A revision's content restricted to a content level (what a recipient at that level gets)",
    params: IdParams,
    querystring: z.object({
      level: z.enum(Object.keys(CONTENT_LEVELS) as [keyof typeof CONTENT_LEVELS]),
      revision: RevisionNo.optional(),
    }),
    response: {
      200: z.object({ title: z.string(), products: z.array(Product), sections: Sections }),
      ...errors(400, 401, 403, 404),
    },
  },
  submitAdvisory: {
    method: "POST",
    url: "/api/advisories/:id/submit",
    tags: ["advisories"],
    summary: "Ask for review (draft → in_review)",
    params: IdParams,
    response: { 200: StateOut, ...errors(401, 403, 404, 409) },
  },
  approveAdvisory: {
    method: "POST",
    url: "/api/advisories/:id/approve",
    tags: ["advisories"],
    summary: "Approve the current revision (not its author); needed before release planning",
    params: IdParams,
    body: z
      .object({ revision: z.number().int().min(1).optional(), comment: z.string().max(5000).optional() })
      .nullish(),
    response: { 200: StateOut, ...errors(400, 401, 403, 404, 409) },
  },
  requestAdvisoryChanges: {
    method: "POST",
    url: "/api/advisories/:id/request-changes",
    tags: ["advisories"],
    summary: "Send a revision in review back to draft with a comment",
    params: IdParams,
    body: z.object({ comment: z.string().trim().min(1).max(5000) }),
    response: { 200: StateOut, ...errors(400, 401, 403, 404, 409) },
  },
  requestAdvisoryPublication: {
    method: "POST",
    url: "/api/advisories/:id/publish",
    tags: ["advisories"],
    summary: "Ask to publish an approved advisory without a release plan; another coordinator confirms",
    description:
      "Records a publish request for the current approved revision, now (on confirmation) or at a future publishedAt; a time in the past is refused (400). A different coordinator confirms it with POST /api/advisories/{id}/publish/confirm. An advisory with a live release plan (draft, approved, armed, broken) is published only by that plan: 409 naming the plan's routes.",
    params: IdParams,
    body: z.object({ publishedAt: IsoDate.optional() }).nullish(),
    response: {
      202: z.object({
        id: z.string(),
        state: z.literal("requested"),
        requestedBy: z.string(),
        revision: z.number(),
        publishAt: z.date().nullable(),
      }),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  confirmAdvisoryPublication: {
    method: "POST",
    url: "/api/advisories/:id/publish/confirm",
    tags: ["advisories"],
    summary: "Confirm another coordinator's publish request: the advisory becomes public",
    description:
      "Not the coordinator who asked (403). Publishes the requested revision at the requested time, or now if that has passed; never earlier. 409 when nobody asked, the advisory changed since, or it has a live release plan.",
    params: IdParams,
    response: {
      200: z.object({ id: z.string(), publishedAt: z.date() }),
      ...errors(401, 403, 404, 409),
    },
  },
  exportAdvisory: {
    method: "GET",
    url: "/api/advisories/:id/export",
    tags: ["advisories"],
    summary: "Export as CSAF 2.0, CVE JSON 5 or OSV (all sections; TLP AMBER while embargoed; audited)",
    params: IdParams,
    querystring: z.object({ format: z.enum(EXPORT_FORMATS), revision: RevisionNo.optional() }),
    response: { 200: z.record(z.string(), z.unknown()), ...errors(400, 401, 403, 404, 409) },
  },
  addAdvisoryFiles: {
    method: "POST",
    url: "/api/advisories/:id/files",
    tags: ["advisories"],
    summary:
      "Attach detection rules (text) or proof-of-concept files (text, ZIP, pcap); multipart, sealed at rest",
    params: IdParams,
    querystring: z.object({ section: z.enum(["detection", "poc"]) }),
    response: {
      201: z.array(FileOut),
      ...errors(400, 401, 403, 404, 413),
    },
  },
  downloadAdvisoryFile: {
    method: "GET",
    url: "/api/advisories/:id/files/:fileId",
    tags: ["advisories"],
    summary: "Download a detection or PoC file (audited)",
    params: FileParams,
    response: { ...errors(401, 403, 404) },
  },
});
