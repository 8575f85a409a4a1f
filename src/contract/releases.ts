// The releases API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { AdvisoryId, FileOut, FileParams, IdParams, Product } from "./advisories.ts";
import { Cvss } from "./cases.ts";
import { errors, IsoDate, PageQuery, page } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { ACK_STATUSES, SECTIONS } from "./enums.ts";
import { idSchema } from "./ids.ts";
import { ReasonOut } from "./partners.ts";
import { TracingOut } from "./release-tracing.ts";

export const PartnerId = idSchema("organisation", "a partner");
export const Section = z.enum(SECTIONS);
export const Reason = z.string().trim().min(1).max(2000);
export const PlanIn = z
  .object({
    publicAt: IsoDate.describe("T0, the public release, with its offset (e.g. 2026-03-10T17:00:00Z)"),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("IANA zone the plan was made in (shown with UTC)"),
    extraWaves: z
      .array(
        z
          .object({
            at: IsoDate,
            partnerIds: z.array(PartnerId).min(1).max(5000),
            content: z.array(Section).min(1).max(SECTIONS.length).optional(),
            reason: z.string().trim().max(2000).optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    exclude: z
      .array(z.union([PartnerId, z.object({ partnerId: PartnerId, reason: Reason }).strict()]))
      .max(10_000)
      .optional(),
    compressLeadTimes: z
      .boolean()
      .optional()
      .describe(
        "Accept a T0 sooner than some tier's lead time: those tiers' waves go out at once on arming. Without it such a plan is refused (400) and the preview warns.",
      ),
  })
  .strict();
export const WaveOut = z.object({
  id: z.string().nullable(),
  at: z.date(),
  kind: z.enum(["tier", "extra"]),
  tier: z.string().nullable(),
  partnerIds: z.array(z.string()),
  content: z.array(z.string()),
  reason: z.string().nullable(),
});
export const PlanOut = z.object({
  id: z.string(),
  advisoryId: z.string(),
  revision: z.number(),
  publicAt: z.date(),
  timeZone: z.string(),
  publicAtLocal: z.string(),
  state: z.string(),
  version: z.number(),
  createdBy: z.string().nullable(),
  changedBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.date().nullable(),
  /** Who made or changed the plan since its last approval: none of them may approve it. */
  editors: z.array(z.string()),
  compressLeadTimes: z.boolean(),
  /** An embargo break waiting for a second coordinator's confirmation. */
  breakRequest: z
    .object({ by: z.string(), at: z.string(), reason: z.string(), evidence: z.string().nullable() })
    .nullable(),
  /** e.g. "the advisory was edited after this plan was approved" */
  warnings: z.array(z.string()),
  armedAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  cancelReason: z.string().nullable(),
  brokenAt: z.date().nullable(),
  breakReason: z.string().nullable(),
  publishedAt: z.date().nullable(),
  waves: z.array(
    WaveOut.extend({
      id: z.string(),
      firedAt: z.date().nullable(),
      delivered: z.number(),
      withheld: z.number(),
    }),
  ),
  exclusions: z.array(
    z.object({
      partnerId: z.string(),
      kind: z.string(),
      reason: z.string(),
      waveId: z.string().nullable(),
      createdAt: z.date(),
    }),
  ),
});
export const AckOut = z.object({ status: z.enum(ACK_STATUSES), at: z.date() }).nullable();
export const Cwe = z.object({ id: z.string(), name: z.string() });
export const CopyOut = z.object({
  advisoryId: z.string(),
  trackingId: z.string(),
  revision: z.number(),
  recipient: z.object({ kind: z.enum(["organisation", "user"]), id: z.string(), partnerId: z.string() }),
  title: z.string(),
  products: z.array(Product),
  sections: z.record(z.string(), z.string()),
  markdown: z.string(),
  files: z.array(FileOut.extend({ text: z.string().nullable() })),
  publicAt: z.string().optional().describe("T0 (UTC) when the copy was made; copies made before have none"),
  cveIds: z.array(z.string()).optional(),
  cvss: Cvss.nullable().optional(),
  cwe: Cwe.nullable().optional(),
});
export const CopyIdentifiersOut = z.object({
  cveIds: z.array(z.string()).describe("The advisory's CVE IDs (empty until one is assigned)"),
  cvss: Cvss.nullable(),
  cwe: Cwe.nullable(),
});
/** Partners whose content a policy rule cuts below their tier's, with each rule and its reference. */
export const Capped = z.array(z.object({ partnerId: z.string(), reasons: z.array(ReasonOut) }));
export const Compressed = z.object({
  tier: z.string().nullable(),
  partnerIds: z.array(z.string()),
  at: z.date(),
  leadSeconds: z.number(),
  availableSeconds: z.number(),
});

const tags = ["releases"];

export const releasesApi = defineRoutes({
  listReleasePlans: {
    method: "GET",
    url: "/api/releases",
    tags,
    summary: "Every release plan by public time (the release calendar; paginated)",
    querystring: PageQuery,
    response: { 200: page(PlanOut), ...errors(400, 401, 403) },
  },
  createReleasePlan: {
    method: "POST",
    url: "/api/advisories/:id/release-plan",
    tags,
    summary:
      "Plan the release: waves derived from tiers and each partner's eligibility, extra waves, exclusions",
    params: IdParams,
    body: PlanIn,
    response: { 201: PlanOut, ...errors(400, 401, 403, 404, 409) },
  },
  previewReleasePlan: {
    method: "POST",
    url: "/api/advisories/:id/release-plan/preview",
    tags,
    summary: "Who would get what when, saving nothing",
    params: IdParams,
    body: PlanIn,
    response: {
      200: z.object({
        publicAt: z.date(),
        waves: z.array(WaveOut),
        exclusions: z.array(z.object({ partnerId: z.string(), kind: z.string(), reason: z.string() })),
        /** Tier waves T0 leaves no time for (their lead time is cut), with a warning each. */
        compressed: z.array(Compressed),
        warnings: z.array(z.string()),
        capped: Capped,
        tracing: TracingOut,
      }),
      ...errors(400, 401, 403, 404),
    },
  },
  getReleasePlan: {
    method: "GET",
    url: "/api/advisories/:id/release-plan",
    tags,
    summary: "The release plan with its waves, their progress and the exclusions",
    description:
      "capped names the partners whose content a policy rule cuts below their tier's (their eligibility now), with the rules.",
    params: IdParams,
    response: {
      200: PlanOut.extend({ capped: Capped, tracing: TracingOut.nullable() }),
      ...errors(401, 403, 404),
    },
  },
  moveReleasePlan: {
    method: "PATCH",
    url: "/api/advisories/:id/release-plan",
    tags,
    summary: "Move T0 (waves move with it) until a wave has gone out",
    description:
      "The plan returns to draft and needs a new approval. A T0 sooner than a tier's lead time needs compressLeadTimes: true.",
    params: IdParams,
    body: z.object({ publicAt: IsoDate, compressLeadTimes: z.boolean().optional() }).strict(),
    response: { 200: PlanOut, ...errors(400, 401, 403, 404, 409) },
  },
  approveReleasePlan: {
    method: "POST",
    url: "/api/advisories/:id/release-plan/approve",
    tags,
    summary:
      "A second coordinator approves the plan (not anyone who made or changed it since its last approval); pins the advisory's approved revision",
    params: IdParams,
    response: { 200: PlanOut, ...errors(400, 401, 403, 404, 409) },
  },
  getReleaseStatus: {
    method: "GET",
    url: "/api/advisories/:id/release-plan/status",
    tags,
    summary:
      "Live wave view: deliveries per channel, failures, withholdings and acknowledgements per wave (no content)",
    params: IdParams,
    response: {
      200: z.object({
        planId: z.string(),
        state: z.string(),
        publicAt: z.date(),
        now: z.date(),
        waves: z.array(
          z.object({
            id: z.string(),
            at: z.date(),
            kind: z.string(),
            tier: z.string().nullable(),
            firedAt: z.date().nullable(),
            partners: z.number(),
            portal: z.object({ partners: z.number(), copies: z.number(), read: z.number() }),
            webhooks: z.object({ succeeded: z.number(), failed: z.number(), pending: z.number() }),
            email: z.object({
              /** Handed to the SMTP server. */
              sent: z.number(),
              /** Notices waiting in the outbox because no SMTP transport is configured. */
              queued: z.number(),
              pending: z.number(),
              failed: z.number(),
              skipped: z.number(),
            }),
            acks: z.object({
              received: z.number(),
              in_progress: z.number(),
              shipped: z.number(),
              none: z.number(),
            }),
            failures: z.array(
              z.object({
                channel: z.string(),
                partnerId: z.string(),
                status: z.string(),
                attempts: z.number(),
                error: z.string().nullable(),
              }),
            ),
            withheld: z.array(z.object({ partnerId: z.string(), reason: z.string() })),
          }),
        ),
      }),
      ...errors(401, 403, 404),
    },
  },
  armReleasePlan: {
    method: "POST",
    url: "/api/advisories/:id/release-plan/arm",
    tags,
    summary: "Arm an approved plan: its waves are scheduled",
    description:
      "409 for a draft, and when a tier wave's time has passed (T0 now sooner than its lead time) unless the plan was made with compressLeadTimes.",
    params: IdParams,
    response: { 200: PlanOut, ...errors(400, 401, 403, 404, 409) },
  },
  cancelReleasePlan: {
    method: "POST",
    url: "/api/advisories/:id/release-plan/cancel",
    tags,
    summary: "Cancel the plan until a wave has gone out",
    params: IdParams,
    body: z.object({ reason: Reason }).strict(),
    response: { 200: PlanOut, ...errors(400, 401, 403, 404, 409) },
  },
  breakEmbargo: {
    method: "POST",
    url: "/api/advisories/:id/embargo-break",
    tags,
    summary: "Exploited in the wild: every pending wave now, then public, then every partner told",
    description:
      "On an armed plan (approved by a second coordinator) the break happens at once (200). On a draft or approved plan it is recorded as a request (202, breakRequest in the plan) that a different coordinator confirms with POST /api/advisories/{id}/embargo-break/confirm. Reason and evidence are required.",
    params: IdParams,
    body: z.object({ reason: Reason, evidence: z.string().trim().min(1).max(10_000) }).strict(),
    response: { 200: PlanOut, 202: PlanOut, ...errors(400, 401, 403, 404, 409) },
  },
  confirmEmbargoBreak: {
    method: "POST",
    url: "/api/advisories/:id/embargo-break/confirm",
    tags,
    summary: "Confirm another coordinator's embargo break on a plan that is not armed",
    description:
      "Not the coordinator who asked (403); 409 when nobody asked. Then as an embargo break: every pending wave now, public, every partner told; the audit entry names both.",
    params: IdParams,
    response: { 200: PlanOut, ...errors(401, 403, 404, 409) },
  },
  listReleaseWebhooks: {
    method: "GET",
    url: "/api/advisories/:id/release-plan/webhooks",
    tags,
    summary: "The webhook delivery log of an advisory (messages, attempts, status)",
    params: IdParams,
    response: {
      200: z.object({
        messages: z.array(
          z.object({
            id: z.string(),
            partnerId: z.string(),
            endpointId: z.string(),
            url: z.string(),
            eventType: z.string(),
            status: z.string(),
            attempts: z.number(),
            lastStatusCode: z.number().nullable(),
            lastError: z.string().nullable(),
            createdAt: z.date(),
            succeededAt: z.date().nullable(),
          }),
        ),
      }),
      ...errors(401, 403),
    },
  },
  redeliverReleaseWebhook: {
    method: "POST",
    url: "/api/advisories/:id/release-plan/webhooks/:messageId/redeliver",
    tags,
    summary: "Send a webhook message again now (a fresh 24-hour retry window)",
    params: z.object({
      id: AdvisoryId,
      messageId: idSchema("webhookMessage", "a webhook message"),
    }),
    response: {
      200: z.object({ id: z.string(), status: z.string(), attempts: z.number() }),
      ...errors(401, 403, 404, 409),
    },
  },
  listPartnerAdvisories: {
    method: "GET",
    url: "/api/partner/advisories",
    tags: ["partner portal"],
    summary:
      "Advisories released to the caller's organisation, newest delivery first (nothing about future ones; paginated)",
    querystring: PageQuery,
    response: {
      200: page(
        z.object({
          advisoryId: z.string(),
          trackingId: z.string(),
          title: z.string(),
          revision: z.number(),
          sections: z.array(z.string()),
          deliveredAt: z.date(),
          acknowledgement: AckOut,
        }),
      ),
      ...errors(400, 401, 403),
    },
  },
  getPartnerAdvisory: {
    method: "GET",
    url: "/api/partner/advisories/:id",
    tags: ["partner portal"],
    summary: "The caller's copy of a released advisory (404 before its wave); every read audited",
    description:
      "The copy is the caller's own, stored when it was delivered: its text sections, fenced code and text files (YARA, Sigma, Python, shell, raw HTTP, IOC lists) are worded for this recipient alone, with canary tokens where the author placed them; titles, product lists and binary files are the same for everyone. embargo.state is embargoed until the advisory is public, then public; once public, publicSections carries the public sections (summary, details) the copy does not have (those are the public text, not fingerprinted).",
    params: IdParams,
    response: {
      200: z.object({
        deliveryId: z.string(),
        deliveredAt: z.date(),
        copy: CopyOut,
        acknowledgement: AckOut,
        /** Follows the clock: embargoed until the advisory is public, then public. */
        embargo: z.object({
          state: z.enum(["embargoed", "public"]),
          publicAt: z.date().nullable(),
          publishedAt: z.date().nullable(),
        }),
        /**
         * Once public: the public sections (summary, details) the copy lacks, so nobody has less
         * than the public advisory.
         */
        publicSections: z.record(z.string(), z.string()),
        publicAt: z
          .date()
          .nullable()
          .describe("T0, when the embargo ends (as planned now); null once the advisory is public"),
        identifiers: CopyIdentifiersOut.describe("CVE IDs, CVSS and CWE as they are now"),
      }),
      ...errors(401, 403, 404),
    },
  },
  downloadPartnerAdvisoryFile: {
    method: "GET",
    url: "/api/partner/advisories/:id/files/:fileId",
    tags: ["partner portal"],
    summary:
      "A file of the caller's copy as bytes: a text file in the caller's own variant (the SHA-256 its copy lists), a binary file (ZIP, pcap) unchanged; 404 before its wave or beyond its content level; audited",
    params: FileParams,
    response: { ...errors(401, 403, 404) },
  },
  acknowledgePartnerAdvisory: {
    method: "POST",
    url: "/api/partner/advisories/:id/acks",
    tags: ["partner portal"],
    summary: "Mark the advisory received, protection in progress, or protection shipped",
    params: IdParams,
    body: z
      .object({
        status: z.enum(ACK_STATUSES),
        note: z.string().trim().max(2000).optional(),
        product: z.string().trim().min(1).max(200).optional(),
        signatureIds: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
      })
      .strict(),
    response: {
      201: z.object({
        id: z.string(),
        advisoryId: z.string(),
        status: z.enum(ACK_STATUSES),
        note: z.string().nullable(),
        product: z.string().nullable(),
        signatureIds: z.array(z.string()),
        createdAt: z.date(),
      }),
      ...errors(400, 401, 403, 404),
    },
  },
});
