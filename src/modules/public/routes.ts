// The public side: only advisories whose release time has passed, at the public content level.
// JSON list and pages, an Atom feed, and the CSAF provider layout aggregators read.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../../platform/errors.ts";
import { errors } from "../../platform/http/schemas.ts";
import { type Advisories, EXPORT_FORMATS } from "../advisories/service.ts";
import { atomFeed, changesCsv, csafPath, indexTxt, providerMetadata } from "./feeds.ts";

const TrackingId = z.string().regex(/^FW-\d{4}-\d{4,6}$/, "not an advisory tracking ID");
const Cache = "public, max-age=300";

export function publicRoutes(app: FastifyInstance, advisories: Advisories) {
  const opts = { publisher: advisories.publisher, clock: { now: advisories.now } };
  const r = app.withTypeProvider<ZodTypeProvider>();
  const text = (reply: FastifyReply, type: string, body: string) =>
    reply.header("cache-control", Cache).type(type).send(body);

  r.get(
    "/api/public/advisories",
    {
      schema: {
        operationId: "listPublicAdvisories",
        tags: ["public"],
        summary: "Published advisories, newest first",
        response: {
          200: z.array(
            z.object({
              trackingId: z.string(),
              title: z.string(),
              summary: z.string(),
              publishedAt: z.date(),
              updatedAt: z.date(),
            }),
          ),
        },
      },
    },
    async () => (await advisories.publicList()).map(({ id: _id, ...e }) => e),
  );

  r.get(
    "/api/public/advisories/:trackingId",
    {
      schema: {
        operationId: "getPublicAdvisory",
        tags: ["public"],
        summary: "A published advisory (404 while embargoed)",
        params: z.object({ trackingId: TrackingId }),
        response: {
          200: z.object({
            trackingId: z.string(),
            title: z.string(),
            products: z.array(
              z.object({
                vendor: z.string(),
                product: z.string(),
                affected: z.array(z.string()),
                fixed: z.array(z.string()),
                cpe: z.string().optional(),
                purl: z.string().optional(),
              }),
            ),
            summary: z.string(),
            details: z.string(),
            publishedAt: z.date(),
            updatedAt: z.date(),
            revision: z.number(),
            cveId: z.string().nullable(),
            cwe: z.string().nullable(),
            cvss: z
              .object({ vector: z.string(), version: z.string(), score: z.number(), severity: z.string() })
              .nullable(),
            credits: z.array(z.object({ name: z.string(), type: z.string() })),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (req) => advisories.publicAdvisory(req.params.trackingId),
  );

  r.get(
    "/api/public/advisories/:trackingId/export",
    {
      schema: {
        operationId: "exportPublicAdvisory",
        tags: ["public"],
        summary: "A published advisory as CSAF (TLP:WHITE), CVE JSON 5 or OSV",
        params: z.object({ trackingId: TrackingId }),
        querystring: z.object({ format: z.enum(EXPORT_FORMATS) }),
        response: { 200: z.record(z.string(), z.unknown()), ...errors(400, 404, 409) },
      },
    },
    async (req) => advisories.publicExport(req.params.trackingId, req.query.format),
  );

  r.get(
    "/feeds/advisories.atom",
    {
      schema: { operationId: "advisoryFeed", tags: ["public"], summary: "Atom feed of published advisories" },
    },
    async (_req, reply) =>
      text(
        reply,
        "application/atom+xml; charset=utf-8",
        atomFeed(opts.publisher, await advisories.publicList(), opts.clock.now()),
      ),
  );

  r.get(
    "/.well-known/csaf/provider-metadata.json",
    {
      schema: {
        operationId: "csafProviderMetadata",
        tags: ["public"],
        summary: "CSAF 2.0 provider metadata",
      },
    },
    async (_req, reply) =>
      reply
        .header("cache-control", Cache)
        .send(providerMetadata(opts.publisher, await advisories.publicList(), opts.clock.now())),
  );

  r.get(
    "/.well-known/csaf/white/index.txt",
    {
      schema: {
        operationId: "csafIndex",
        tags: ["public"],
        summary: "CSAF directory index (one path a line)",
      },
    },
    async (_req, reply) => text(reply, "text/plain; charset=utf-8", indexTxt(await advisories.publicList())),
  );

  r.get(
    "/.well-known/csaf/white/changes.csv",
    {
      schema: {
        operationId: "csafChanges",
        tags: ["public"],
        summary: "CSAF changes.csv (path, last change; newest first)",
      },
    },
    async (_req, reply) => text(reply, "text/csv; charset=utf-8", changesCsv(await advisories.publicList())),
  );

  r.get(
    "/.well-known/csaf/white/:year/:file",
    {
      schema: {
        operationId: "csafDocument",
        tags: ["public"],
        summary: "A published advisory's CSAF document",
        params: z.object({
          year: z.string().regex(/^\d{4}$/),
          file: z.string().regex(/^[a-z0-9+_-]{1,80}\.json$/),
        }),
        response: { ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      const entry = (await advisories.publicList()).find(
        (e) => csafPath(e) === `${req.params.year}/${req.params.file}`,
      );
      if (!entry) throw notFound(`CSAF document ${req.params.year}/${req.params.file}`);
      return (reply as FastifyReply)
        .header("cache-control", Cache)
        .type("application/json")
        .send(JSON.stringify(await advisories.publicExport(entry.trackingId, "csaf")));
    },
  );
}
