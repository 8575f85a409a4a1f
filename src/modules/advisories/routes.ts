// HTTP routes of the advisories module (staff): revisions with If-Match, diff, review and approval,
// release time, exports, content at a level, and detection/PoC files.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { badRequest } from "../../platform/errors.ts";
import { MAX_FILE_BYTES, MAX_FILES } from "../../platform/files.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { sendDownload } from "../../platform/http/download.ts";
import { errors, IsoDate, Name } from "../../platform/http/schemas.ts";
import { CONTENT_LEVELS, SECTION_LIMITS, SECTIONS } from "./content.ts";
import { CVE_ID_MISSING } from "./export/cve.ts";
import { csafFilename } from "./export/input.ts";
import { type Advisories, EXPORT_FORMATS } from "./service.ts";

const AdvisoryId = z.string().regex(/^adv_[0-9A-HJKMNP-TV-Z]{26}$/, "not an advisory ID");
const IdParams = z.object({ id: AdvisoryId });
const Version = z.string().trim().min(1).max(100);
export const ProductIn = z.object({
  vendor: Name,
  product: Name,
  affected: z.array(Version).min(1).max(100),
  fixed: z.array(Version).max(100).default([]),
  cpe: z.string().max(500).optional(),
  purl: z.string().max(500).optional(),
});
const SectionsIn = z
  .object(
    Object.fromEntries(SECTIONS.map((s) => [s, z.string().max(SECTION_LIMITS[s]).optional()])) as Record<
      (typeof SECTIONS)[number],
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict();
const Title = z.string().trim().min(1).max(300);
const RevisionNo = z.coerce.number().int().min(1).max(100_000);
const State = z.enum(["draft", "in_review", "approved"]);
const Product = z.object({
  vendor: z.string(),
  product: z.string(),
  affected: z.array(z.string()),
  fixed: z.array(z.string()),
  cpe: z.string().optional(),
  purl: z.string().optional(),
});
const Sections = z.object(
  Object.fromEntries(SECTIONS.map((s) => [s, z.string()])) as Record<(typeof SECTIONS)[number], z.ZodString>,
);
const AdvisoryOut = z.object({
  id: z.string(),
  trackingId: z.string(),
  caseId: z.string(),
  state: State,
  currentRevision: z.number(),
  publishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  revision: z.object({
    number: z.number(),
    authorId: z.string().nullable(),
    createdAt: z.date(),
    changeNote: z.string().nullable(),
    title: z.string(),
    products: z.array(Product),
    sections: Sections,
  }),
  revisions: z.array(
    z.object({
      number: z.number(),
      authorId: z.string().nullable(),
      createdAt: z.date(),
      changeNote: z.string().nullable(),
      title: z.string(),
    }),
  ),
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
  files: z.array(
    z.object({
      id: z.string(),
      section: z.string(),
      filename: z.string(),
      mediaType: z.string(),
      size: z.number(),
      sha256: z.string(),
      createdAt: z.date(),
    }),
  ),
});
const StateOut = z.object({ id: z.string(), state: State, revision: z.number() });

export function advisoryRoutes(app: FastifyInstance, advisories: Advisories) {
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 5, parts: 10 },
    });
    register(scope, advisories);
  });
}

function register(app: FastifyInstance, advisories: Advisories) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/advisories",
    {
      schema: {
        operationId: "listAdvisories",
        tags: ["advisories"],
        summary: "Advisories with their current title and state",
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              trackingId: z.string(),
              caseId: z.string(),
              state: State,
              currentRevision: z.number(),
              publishedAt: z.date().nullable(),
              updatedAt: z.date(),
              title: z.string(),
            }),
          ),
          ...errors(401, 403),
        },
      },
    },
    async (req) => (await advisories.list(requireActor(req))) as never,
  );

  r.post(
    "/api/advisories",
    {
      schema: {
        operationId: "createAdvisory",
        tags: ["advisories"],
        summary: "Write an advisory for a case (revision 1, draft)",
        body: z.object({
          caseId: z.string().regex(/^cas_[0-9A-HJKMNP-TV-Z]{26}$/, "not a case ID"),
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
    },
    async (req, reply) => reply.code(201).send(await advisories.create(requireActor(req), req.body)),
  );

  r.get(
    "/api/advisories/:id",
    {
      schema: {
        operationId: "getAdvisory",
        tags: ["advisories"],
        summary:
          "An advisory at its current (or a given) revision; ETag is the revision number (audited read)",
        params: IdParams,
        querystring: z.object({ revision: RevisionNo.optional() }),
        response: { 200: AdvisoryOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const a = await advisories.get(requireActor(req), req.params.id, req.query.revision);
      reply.header("etag", `"${a.currentRevision}"`);
      return a as never;
    },
  );

  r.put(
    "/api/advisories/:id",
    {
      schema: {
        operationId: "reviseAdvisory",
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
    },
    async (req, reply) => {
      const ifMatch = req.headers["if-match"];
      const fromHeader =
        typeof ifMatch === "string" ? Number(ifMatch.replace(/^W\//, "").replaceAll('"', "")) : undefined;
      const expected = fromHeader ?? req.body.revision;
      if (expected === undefined || !Number.isInteger(expected))
        throw badRequest('send If-Match: "N" (or revision: N) with the revision number you edited');
      const { revision: _r, ...input } = req.body;
      const out = await advisories.revise(requireActor(req), req.params.id, expected, input);
      reply.header("etag", `"${out.revision}"`);
      return out;
    },
  );

  r.get(
    "/api/advisories/:id/diff",
    {
      schema: {
        operationId: "diffAdvisory",
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
    },
    async (req) => advisories.diff(requireActor(req), req.params.id, req.query.from, req.query.to),
  );

  r.get(
    "/api/advisories/:id/content",
    {
      schema: {
        operationId: "getAdvisoryContent",
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
    },
    async (req) =>
      advisories.contentAtLevel(
        requireActor(req),
        req.params.id,
        req.query.revision,
        req.query.level,
      ) as never,
  );

  for (const [path, op, summary] of [
    ["submit", "submitAdvisory", "Ask for review (draft → in_review)"],
  ] as const) {
    r.post(
      `/api/advisories/:id/${path}`,
      {
        schema: {
          operationId: op,
          tags: ["advisories"],
          summary,
          params: IdParams,
          response: { 200: StateOut, ...errors(401, 403, 404, 409) },
        },
      },
      async (req) => advisories.submit(requireActor(req), req.params.id),
    );
  }

  r.post(
    "/api/advisories/:id/approve",
    {
      schema: {
        operationId: "approveAdvisory",
        tags: ["advisories"],
        summary: "Approve the current revision (not its author); needed before release planning",
        params: IdParams,
        body: z
          .object({ revision: z.number().int().min(1).optional(), comment: z.string().max(5000).optional() })
          .nullish(),
        response: { 200: StateOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => advisories.approve(requireActor(req), req.params.id, req.body ?? {}),
  );

  r.post(
    "/api/advisories/:id/request-changes",
    {
      schema: {
        operationId: "requestAdvisoryChanges",
        tags: ["advisories"],
        summary: "Send a revision in review back to draft with a comment",
        params: IdParams,
        body: z.object({ comment: z.string().trim().min(1).max(5000) }),
        response: { 200: StateOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => advisories.requestChanges(requireActor(req), req.params.id, req.body.comment),
  );

  r.post(
    "/api/advisories/:id/publish",
    {
      schema: {
        operationId: "requestAdvisoryPublication",
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
    },
    async (req, reply) =>
      reply.code(202).send(
        await advisories.requestPublish(requireActor(req), req.params.id, {
          publishAt: req.body?.publishedAt ? new Date(req.body.publishedAt) : undefined,
        }),
      ),
  );

  r.post(
    "/api/advisories/:id/publish/confirm",
    {
      schema: {
        operationId: "confirmAdvisoryPublication",
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
    },
    async (req) => advisories.confirmPublish(requireActor(req), req.params.id),
  );

  r.get(
    "/api/advisories/:id/export",
    {
      schema: {
        operationId: "exportAdvisory",
        tags: ["advisories"],
        summary: "Export as CSAF 2.0, CVE JSON 5 or OSV (all sections; TLP AMBER while embargoed; audited)",
        params: IdParams,
        querystring: z.object({ format: z.enum(EXPORT_FORMATS), revision: RevisionNo.optional() }),
        response: { 200: z.record(z.string(), z.unknown()), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const { doc, trackingId } = await advisories.export(
        requireActor(req),
        req.params.id,
        req.query.format,
        req.query.revision,
      );
      const name =
        req.query.format === "csaf"
          ? csafFilename(trackingId)
          : `${trackingId.toLowerCase()}.${req.query.format}.json`;
      reply.header("content-disposition", `inline; filename="${name}"`);
      if (req.query.format === "cve" && !("cveMetadata" in doc))
        reply.header("warning", `199 - "${CVE_ID_MISSING}"`);
      return doc;
    },
  );

  r.post(
    "/api/advisories/:id/files",
    {
      schema: {
        operationId: "addAdvisoryFiles",
        tags: ["advisories"],
        summary:
          "Attach detection rules (text) or proof-of-concept files (text, ZIP, pcap); multipart, sealed at rest",
        params: IdParams,
        querystring: z.object({ section: z.enum(["detection", "poc"]) }),
        response: {
          201: z.array(
            z.object({
              id: z.string(),
              section: z.string(),
              filename: z.string(),
              mediaType: z.string(),
              size: z.number(),
              sha256: z.string(),
            }),
          ),
          ...errors(400, 401, 403, 404, 413),
        },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const read = async () => {
        if (!req.isMultipart()) throw badRequest("send the files as multipart/form-data");
        const files: { filename: string; bytes: Buffer }[] = [];
        for await (const part of req.files())
          files.push({ filename: part.filename || "file", bytes: await part.toBuffer() });
        return files;
      };
      return reply.code(201).send(await advisories.addFiles(actor, req.params.id, req.query.section, read));
    },
  );

  r.get(
    "/api/advisories/:id/files/:fileId",
    {
      schema: {
        operationId: "downloadAdvisoryFile",
        tags: ["advisories"],
        summary: "Download a detection or PoC file (audited)",
        params: IdParams.extend({
          fileId: z.string().regex(/^afl_[0-9A-HJKMNP-TV-Z]{26}$/, "not a file ID"),
        }),
        response: { ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const f = await advisories.downloadFile(requireActor(req), req.params.id, req.params.fileId);
      return sendDownload(reply as FastifyReply, f);
    },
  );
}
