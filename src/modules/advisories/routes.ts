// HTTP routes of the advisories module (staff): revisions with If-Match, diff, review and approval,
// release time, exports, content at a level, and detection/PoC files.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { advisoriesApi as api } from "../../contract/advisories.ts";
import { badRequest } from "../../platform/errors.ts";
import { MAX_FILE_BYTES, MAX_FILES } from "../../platform/files.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { sendDownload } from "../../platform/http/download.ts";
import { route } from "../../platform/http/route.ts";
import { CVE_ID_MISSING } from "./export/cve.ts";
import { csafFilename } from "./export/input.ts";
import type { Advisories } from "./service.ts";

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

  route(r, api.listAdvisories, async (req) => (await advisories.list(requireActor(req), req.query)) as never);

  route(r, api.createAdvisory, async (req, reply) =>
    reply.code(201).send(await advisories.create(requireActor(req), req.body)),
  );

  route(r, api.advisoryTracingMeter, async (req) =>
    advisories.tracingMeter(requireActor(req), req.body.sections),
  );

  route(r, api.getAdvisory, async (req, reply) => {
    const a = await advisories.get(requireActor(req), req.params.id, req.query.revision);
    reply.header("etag", `"${a.currentRevision}"`);
    return a as never;
  });

  route(r, api.reviseAdvisory, async (req, reply) => {
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
  });

  route(r, api.diffAdvisory, async (req) =>
    advisories.diff(requireActor(req), req.params.id, req.query.from, req.query.to),
  );

  route(
    r,
    api.getAdvisoryContent,
    async (req) =>
      advisories.contentAtLevel(
        requireActor(req),
        req.params.id,
        req.query.revision,
        req.query.level,
      ) as never,
  );

  route(r, api.submitAdvisory, async (req) => advisories.submit(requireActor(req), req.params.id));

  route(r, api.approveAdvisory, async (req) =>
    advisories.approve(requireActor(req), req.params.id, req.body ?? {}),
  );

  route(r, api.requestAdvisoryChanges, async (req) =>
    advisories.requestChanges(requireActor(req), req.params.id, req.body.comment),
  );

  route(r, api.requestAdvisoryPublication, async (req, reply) =>
    reply.code(202).send(
      await advisories.requestPublish(requireActor(req), req.params.id, {
        publishAt: req.body?.publishedAt ? new Date(req.body.publishedAt) : undefined,
      }),
    ),
  );

  route(r, api.confirmAdvisoryPublication, async (req) =>
    advisories.confirmPublish(requireActor(req), req.params.id),
  );

  route(r, api.exportAdvisory, async (req, reply) => {
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
  });

  route(r, api.addAdvisoryFiles, async (req, reply) => {
    const actor = requireActor(req);
    const read = async () => {
      if (!req.isMultipart()) throw badRequest("send the files as multipart/form-data");
      const files: { filename: string; bytes: Buffer }[] = [];
      for await (const part of req.files())
        files.push({ filename: part.filename || "file", bytes: await part.toBuffer() });
      return files;
    };
    return reply.code(201).send(await advisories.addFiles(actor, req.params.id, req.query.section, read));
  });

  route(r, api.downloadAdvisoryFile, async (req, reply) => {
    const f = await advisories.downloadFile(requireActor(req), req.params.id, req.params.fileId);
    return sendDownload(reply as FastifyReply, f);
  });
}
