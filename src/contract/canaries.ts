// The canaries API: the investigators' hit list, badge summary and triage, each route's method, path,
// and request and response schemas keyed by operationId. The URL canary `/c/<token>` is not part of the
// API (anonymous, any method, hidden from the OpenAPI document): modules/canaries/routes.ts keeps it.
import { z } from "zod";
import { AdvisoryId } from "./advisories.ts";
import { errors } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { idSchema } from "./ids.ts";

export const HitId = idSchema("canaryHit", "a canary hit");

export const HitsQuery = z
  .object({
    advisoryId: AdvisoryId.optional().describe("Only this advisory's hits"),
    cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).default(50).describe("Hits per page (1 to 200)"),
  })
  .strict();

export const HitOut = z.object({
  id: z.string(),
  at: z.date(),
  kind: z.enum(["dns", "url"]).describe("dns: a lookup of the token's name; url: a request of its URL"),
  source: z
    .string()
    .describe("Address the query or request came from (for DNS usually the resolver the leaker used)"),
  detail: z
    .string()
    .describe(
      "Query name and type, or request line, with the token replaced by [token], control characters escaped, cut at 300 characters",
    ),
  userAgent: z.string().nullable().describe("User-Agent of an HTTP hit (escaped, cut at 300 characters)"),
  advisoryId: z.string(),
  planId: z.string(),
  deliveryId: z.string().describe("The delivery whose copy carried the token"),
  partner: z.object({ id: z.string(), name: z.string().nullable() }),
  recipient: z.object({
    kind: z.enum(["organisation", "user"]).describe("a member's copy, or the organisation's machine copy"),
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
  }),
  seenAt: z.date().nullable(),
  seenBy: z.string().nullable(),
});

export const HitsOut = z.object({
  items: z.array(HitOut),
  nextCursor: z.string().nullable().describe("Pass as cursor for older hits; null on the last page"),
  unseen: z.number().describe("Hits no one has marked seen yet (all advisories)"),
  suppressed: z
    .number()
    .describe("Hits of these tokens over the per-token rate limit: counted, not stored, not alerted"),
});

export const SummaryOut = z.object({
  unseen: z.number().describe("Hits no one has marked seen: the number on the UI badge"),
  total: z.number(),
  lastHitAt: z.date().nullable(),
  suppressed: z.number().describe("Hits over the per-token rate limit, counted only"),
  unknownToday: z
    .object({ dns: z.number(), url: z.number() })
    .describe("Lookups and requests today (UTC) that named no token: counted, never stored"),
});

export const SeenIn = z
  .object({
    hitIds: z.array(HitId).min(1).max(500).optional(),
    all: z.boolean().optional().describe("Mark every unseen hit seen"),
  })
  .strict()
  .refine((b) => b.all === true || (b.hitIds?.length ?? 0) > 0, "name hitIds, or send all: true");

export const SeenOut = z.object({ marked: z.number().describe("Hits that were unseen and now are seen") });

const tags = ["canaries"];

export const canariesApi = defineRoutes({
  listCanaryHits: {
    method: "GET",
    url: "/api/canaries/hits",
    tags,
    summary: "Canary hits, newest first: when, how, from where, and whose copy carried the token",
    description:
      "Each stored hit of a DNS or URL canary token, resolved to the advisory, the partner and the recipient (a member or the partner's machine copy) whose copy carried it. At most FOREWARN_CANARY_HITS_PER_MINUTE hits are stored per token per minute; the rest are counted in `suppressed`. Lookups of unknown tokens are only counted (see /api/canaries/summary). Each read is audited.",
    querystring: HitsQuery,
    response: { 200: HitsOut, ...errors(400, 401, 403) },
  },
  canarySummary: {
    method: "GET",
    url: "/api/canaries/summary",
    tags,
    summary: "The canary badge: unseen hits, totals, and what was only counted",
    response: { 200: SummaryOut, ...errors(401, 403) },
  },
  markCanaryHitsSeen: {
    method: "POST",
    url: "/api/canaries/hits/seen",
    tags,
    summary: "Mark canary hits seen (the badge counts the unseen ones)",
    body: SeenIn,
    response: { 200: SeenOut, ...errors(400, 401, 403) },
  },
});
