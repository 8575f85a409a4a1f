// The public API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { Product } from "./advisories.ts";
import { Cvss } from "./cases.ts";
import { errors, PageQuery, page } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { EXPORT_FORMATS } from "./enums.ts";

export const TrackingId = z.string().regex(/^FW-\d{4}-\d{4,6}$/, "not an advisory tracking ID");

export const publicApi = defineRoutes({
  listPublicAdvisories: {
    method: "GET",
    url: "/api/public/advisories",
    tags: ["public"],
    summary: "Published advisories, newest first (paginated)",
    querystring: PageQuery,
    response: {
      200: page(
        z.object({
          trackingId: z.string(),
          title: z.string(),
          summary: z.string(),
          publishedAt: z.date(),
          updatedAt: z.date(),
        }),
      ),
      ...errors(400),
    },
  },
  getPublicAdvisory: {
    method: "GET",
    url: "/api/public/advisories/:trackingId",
    tags: ["public"],
    summary: "A published advisory (404 while embargoed)",
    params: z.object({ trackingId: TrackingId }),
    response: {
      200: z.object({
        trackingId: z.string(),
        title: z.string(),
        products: z.array(Product),
        summary: z.string(),
        details: z.string(),
        publishedAt: z.date(),
        updatedAt: z.date(),
        revision: z.number(),
        cveId: z.string().nullable(),
        cwe: z.string().nullable(),
        cvss: Cvss.nullable(),
        credits: z.array(z.object({ name: z.string(), type: z.string() })),
      }),
      ...errors(400, 404),
    },
  },
  exportPublicAdvisory: {
    method: "GET",
    url: "/api/public/advisories/:trackingId/export",
    tags: ["public"],
    summary: "A published advisory as CSAF (TLP:WHITE), CVE JSON 5 or OSV",
    params: z.object({ trackingId: TrackingId }),
    querystring: z.object({ format: z.enum(EXPORT_FORMATS) }),
    response: { 200: z.record(z.string(), z.unknown()), ...errors(400, 404, 409) },
  },
  advisoryFeed: {
    method: "GET",
    url: "/feeds/advisories.atom",
    tags: ["public"],
    summary: "Atom feed of published advisories",
  },
  csafProviderMetadata: {
    method: "GET",
    url: "/.well-known/csaf/provider-metadata.json",
    tags: ["public"],
    summary: "CSAF 2.0 provider metadata",
  },
  csafIndex: {
    method: "GET",
    url: "/.well-known/csaf/white/index.txt",
    tags: ["public"],
    summary: "CSAF directory index (one path a line)",
  },
  csafChanges: {
    method: "GET",
    url: "/.well-known/csaf/white/changes.csv",
    tags: ["public"],
    summary: "CSAF changes.csv (path, last change; newest first)",
  },
  csafDocument: {
    method: "GET",
    url: "/.well-known/csaf/white/:year/:file",
    tags: ["public"],
    summary: "A published advisory's CSAF document",
    params: z.object({
      year: z.string().regex(/^\d{4}$/),
      file: z.string().regex(/^[a-z0-9+_-]{1,80}\.json$/),
    }),
    response: { ...errors(400, 404) },
  },
});
