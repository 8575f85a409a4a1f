// The partners API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { Email, errors, Name, NoContent, PageQuery, page, StoredFile } from "./common.ts";
import { isCountryCode } from "./countries.ts";
import { defineRoutes } from "./define.ts";
import {
  SECTIONS as CONTENT_LEVELS,
  PARTNER_KINDS,
  PASSWORD_MAX,
  PARTNER_STATUSES as STATUSES,
} from "./enums.ts";
import { idSchema } from "./ids.ts";

export const Reason = z.object({ reason: z.string().trim().min(1).max(2000) });
export const PartnerParams = z.object({ id: idSchema("organisation", "a partner") });
// Inputs are read generously where the meaning is unambiguous ("us" is US, "IDS/IPS" is ids_ips,
// "acme.example" is https://acme.example) and refused with a clear message otherwise.
export const Country = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase() : v),
  z
    .string()
    .length(2, "a two-letter ISO 3166-1 code")
    .refine(isCountryCode, { message: "not an ISO 3166-1 alpha-2 country code (e.g. US, DE, CN)" }),
);
export const Website = z.preprocess(
  (v) =>
    typeof v === "string" && v.trim() && !/^[a-z][a-z0-9+.-]*:/i.test(v.trim()) ? `https://${v.trim()}` : v,
  z.url({ protocol: /^https?$/ }).max(500),
);
export const Kind = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .trim()
          .toLowerCase()
          .replace(/[\s/-]+/g, "_")
      : v,
  z.enum(PARTNER_KINDS),
);
export const Customers = z.preprocess(
  (v) => (typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v),
  z.number().int().min(0).max(10_000_000_000),
);
export const Text = (max: number) => z.string().trim().min(1).max(max);
export const Content = z.array(z.enum(CONTENT_LEVELS)).max(CONTENT_LEVELS.length);
export const Attest = z.object({
  securityVendor: z.boolean(),
  noOffensiveTools: z.boolean(),
  publishAtRelease: z.boolean(),
  reportLeaks: z.boolean(),
});
export const ContactIn = z.object({ name: Name, email: Email, role: z.string().max(100).optional() });
export const PartnerOut = z.object({
  id: z.string(),
  name: z.string(),
  legalName: z.string(),
  country: z.string(),
  staffCountries: z.array(z.string()),
  website: z.string(),
  kind: z.string(),
  customers: z.number(),
  contacts: z.array(z.object({ name: z.string(), email: z.string(), role: z.string().optional() })),
  affiliations: z.array(z.string()),
  status: z.enum(STATUSES),
  tier: z.string(),
  attestations: Attest,
  attestedAt: z.date(),
  attestationExpiresAt: z.date(),
  createdAt: z.date(),
  updatedAt: z.date(),
  duplicate: z
    .object({ reasons: z.array(z.string()), partnerId: z.string().nullable() })
    .nullable()
    .describe(
      "staff only (null for partner users): why this application may duplicate an existing partner or account",
    ),
});
export const ReasonOut = z.object({
  rule: z.string(),
  effect: z.string(),
  reference: z.string().nullable(),
  message: z.string(),
});
export const EligibilityOut = z.object({
  eligible: z.boolean(),
  tier: z.string().nullable(),
  leadTime: z.string().nullable(),
  leadSeconds: z.number().nullable(),
  content: z.array(z.string()),
  reasons: z.array(ReasonOut),
});
export const TierOut = z.object({
  name: z.string(),
  leadTime: z.string(),
  leadSeconds: z.number(),
  content: z.array(z.string()),
});
export const TierIn = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lower-case letters, digits and dashes, at most 40"),
  leadTime: z.string().max(40),
  content: Content.min(1),
});
export const Condition = z
  .object({
    match: z.enum(["any", "all"]).optional(),
    countries: z.array(Country).max(249).optional(),
    hqCountries: z.array(Country).max(249).optional(),
    affiliations: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
    kinds: z.array(z.enum(PARTNER_KINDS)).max(PARTNER_KINDS.length).optional(),
  })
  .strict();
export const Effect = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cap_tier"), tier: z.string().max(40) }),
  z.object({ type: z.literal("remove_content"), content: Content.min(1) }),
  z.object({ type: z.literal("not_eligible") }),
]);
export const RuleIn = z.object({
  id: idSchema("policyRule", "a rule").optional(),
  name: Text(100),
  condition: Condition,
  effect: Effect,
  reference: Text(1000),
  enabled: z.boolean().optional(),
});
export const RuleOut = z.object({
  id: z.string(),
  name: z.string(),
  condition: z.record(z.string(), z.unknown()),
  effect: z.record(z.string(), z.unknown()),
  reference: z.string(),
  enabled: z.boolean(),
});
export const EventOut = z.object({
  id: z.string(),
  type: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  at: z.date(),
});
export const MemberOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  invited: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.date(),
});
export const KeyOut = z.object({
  id: z.string(),
  userId: z.string(),
  fingerprint: z.string(),
  userIds: z.array(z.string()),
  algorithm: z.string(),
  expiresAt: z.date().nullable(),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
  usable: z.boolean(),
});
export const IncidentOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  source: z.string().describe("self_report, staff, or investigation (opened from a leak investigation)"),
  investigationId: z.string().nullable().describe("the investigation that opened it (source investigation)"),
  whatLeaked: z.string(),
  toWhom: z.string(),
  leakedAt: z.string(),
  details: z.string(),
  status: z.string(),
  reportedBy: z.string().nullable(),
  reportedAt: z.date(),
  closedAt: z.date().nullable(),
  resolution: z.string().nullable(),
});
export const SuspensionRequestOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  reason: z.string(),
  investigationId: z.string().nullable(),
  status: z.enum(["pending", "approved", "rejected"]),
  requestedBy: z.string(),
  requestedAt: z.date(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionNote: z.string().nullable(),
});
const SuspensionRequestParams = PartnerParams.extend({
  requestId: idSchema("suspensionRequest", "a suspension request"),
});
export const EvidenceOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  ...StoredFile.shape,
  uploadedBy: z.string().nullable(),
  uploadedAt: z.date(),
});
export const SignatureOut = z.object({
  id: z.string(),
  partnerId: z.string(),
  version: z.number(),
  userId: z.string(),
  name: z.string(),
  title: z.string(),
  ip: z.string().nullable(),
  sha256: z.string(),
  signedAt: z.date(),
});
export const Figure = z.object({ measured: z.boolean(), note: z.string(), count: z.number().nullable() });

const tags = ["partners"];

/** Reject, suspend, reinstate, remove: the same call with a reason, answering the partner's new status. */
const statusChange = (action: "reject" | "suspend" | "reinstate" | "remove", summary: string) =>
  ({
    method: "POST",
    url: `/api/partners/:id/${action}`,
    tags,
    summary,
    params: PartnerParams,
    body: Reason,
    response: {
      200: z.object({ id: z.string(), status: z.string() }),
      ...errors(400, 401, 403, 404, 409),
    },
  }) as const;

export const partnersApi = defineRoutes({
  applyAsPartner: {
    method: "POST",
    url: "/api/partner-applications",
    tags,
    summary: "Apply to join the programme (no login); invites the contact as the first partner_admin",
    description:
      "Every accepted application gets the same answer. One naming an existing partner, or giving the e-mail of an existing account, is stored flagged as a duplicate for staff; an existing account is never given a second one (its address gets a notice instead of an invitation). Invitation links use FOREWARN_PUBLIC_URL.",
    body: z.object({
      organisation: z.object({
        name: Name,
        legalName: Name,
        country: Country,
        staffCountries: z.array(Country).max(249).default([]),
        website: Website,
        kind: Kind,
        customers: Customers,
        affiliations: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
      }),
      contact: z.object({ name: Name, email: Email }),
      attestations: Attest,
    }),
    response: { 201: z.object({ partnerId: z.string(), status: z.string() }), ...errors(400, 409, 429) },
  },
  listPartners: {
    method: "GET",
    url: "/api/partners",
    tags,
    summary:
      "The partner directory by name (staff; paginated); a partner user sees only its own organisation",
    description:
      "One page of the partners matching every filter given, ordered by name (the partner ID breaks ties between equal names). The filters and the caller's scope apply to every page. Pass `nextCursor` as `cursor` for the next page.",
    querystring: PageQuery.extend({
      status: z
        .string()
        .regex(/^[a-z_]+(,[a-z_]+)*$/)
        .max(100)
        .optional()
        .describe("comma-separated statuses"),
      country: Country.optional().describe("headquarters or staff country"),
      tier: z.string().max(40).optional(),
      kind: z.enum(PARTNER_KINDS).optional(),
      q: z.string().max(200).optional().describe("part of the name"),
    }),
    response: {
      200: page(
        PartnerOut.extend({
          approvals: z.number(),
          effectiveTier: z
            .string()
            .nullable()
            .describe("the tier the partner receives now, after policy and sanctions; null: nothing"),
        }),
      ),
      ...errors(400, 401, 403),
    },
  },
  getPartner: {
    method: "GET",
    url: "/api/partners/:id",
    tags,
    summary: "One partner with its approvals (another partner's ID answers 404 to partner users)",
    params: PartnerParams,
    response: {
      200: PartnerOut.extend({
        approvals: z.array(
          z.object({
            approverId: z.string().nullable().describe("null for partner users"),
            at: z.date(),
          }),
        ),
        approvalsNeeded: z.number(),
      }),
      ...errors(400, 401, 403, 404),
    },
  },
  updatePartner: {
    method: "PATCH",
    url: "/api/partners/:id",
    tags,
    summary:
      "Edit a partner's profile (staff: everything; its partner_admin: website, customers and contacts; what policy reads is staff-only)",
    params: PartnerParams,
    body: z
      .object({
        legalName: Name.optional(),
        country: Country.optional(),
        staffCountries: z.array(Country).max(249).optional(),
        website: Website.optional(),
        kind: Kind.optional(),
        customers: Customers.optional(),
        contacts: z.array(ContactIn).min(1).max(20).optional(),
        affiliations: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
      })
      .strict(),
    response: { 200: PartnerOut, ...errors(400, 401, 403, 404) },
  },
  partnerTimeline: {
    method: "GET",
    url: "/api/partners/:id/events",
    tags,
    summary: "The partner's timeline: every status change and notable event, with actor, time and reason",
    description:
      "Partner users see their status changes and their own actions; staff-recorded incidents, staff's reasons and notes and the staff actors are left out for them.",
    params: PartnerParams,
    response: { 200: z.object({ events: z.array(EventOut) }), ...errors(400, 401, 403, 404) },
  },
  approvePartner: {
    method: "POST",
    url: "/api/partners/:id/approvals",
    tags,
    summary: "Approve an application; the second distinct staff approver makes the partner active",
    params: PartnerParams,
    response: {
      200: z.object({ status: z.string(), approvals: z.number(), approvalsNeeded: z.number() }),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  rejectPartner: statusChange("reject", "Reject an application, with a reason"),
  suspendPartner: statusChange("suspend", "Suspend an active partner: delivery stops at once"),
  reinstatePartner: statusChange("reinstate", "Reinstate a suspended partner"),
  removePartner: statusChange("remove", "Remove a partner permanently"),
  setPartnerTier: {
    method: "PUT",
    url: "/api/partners/:id/tier",
    tags,
    summary: "Move a partner to another tier (audited, on its timeline)",
    params: PartnerParams,
    body: z.object({ tier: z.string().max(40), reason: z.string().trim().max(2000).optional() }),
    response: { 200: z.object({ id: z.string(), tier: z.string() }), ...errors(400, 401, 403, 404) },
  },
  partnerEligibility: {
    method: "GET",
    url: "/api/partners/:id/eligibility",
    tags,
    summary:
      "What the partner receives now: effective tier, lead time, content and every reason (with legal references)",
    params: PartnerParams,
    response: { 200: EligibilityOut, ...errors(400, 401, 403, 404) },
  },
  partnerScorecard: {
    method: "GET",
    url: "/api/partners/:id/scorecard",
    tags,
    summary:
      "NDA and attestation status, incidents, eligibility, and from the release engine: advisories received, acknowledged (median time) and protections shipped",
    params: PartnerParams,
    response: {
      200: z.object({
        partnerId: z.string(),
        status: z.string(),
        tier: z.string(),
        nda: z.object({
          currentVersion: z.number().nullable(),
          signedVersion: z.number().nullable(),
          signedAt: z.date().nullable(),
          signedBy: z.string().nullable(),
          current: z.boolean(),
        }),
        attestation: z.object({
          attestedAt: z.date(),
          expiresAt: z.date(),
          current: z.boolean(),
          daysLeft: z.number(),
        }),
        incidents: z.object({ total: z.number(), open: z.number(), selfReported: z.number() }),
        acknowledgements: Figure.extend({
          of: z.number().nullable(),
          medianSeconds: z.number().nullable(),
        }),
        protectionsShipped: Figure,
        eligibility: EligibilityOut,
      }),
      ...errors(400, 401, 403, 404),
    },
  },
  listPartnerMembers: {
    method: "GET",
    url: "/api/partners/:id/members",
    tags,
    summary: "The partner's users",
    params: PartnerParams,
    response: { 200: z.object({ members: z.array(MemberOut) }), ...errors(400, 401, 403, 404) },
  },
  invitePartnerMember: {
    method: "POST",
    url: "/api/partners/:id/members",
    tags,
    summary:
      "Invite a member (staff or the partner's admin): returns a single-use link valid 7 days, also queued as mail",
    params: PartnerParams,
    body: z.object({
      email: Email,
      role: z.enum(["partner_admin", "partner_analyst"]),
      name: Name.optional(),
    }),
    response: {
      201: z.object({ userId: z.string(), inviteUrl: z.string(), expiresAt: z.date() }),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  removePartnerMember: {
    method: "DELETE",
    url: "/api/partners/:id/members/:userId",
    tags,
    summary: "Remove a member: the account is disabled and its keys revoked",
    params: PartnerParams.extend({ userId: idSchema("user", "a user") }),
    response: { 204: NoContent, ...errors(400, 401, 403, 404, 409) },
  },
  acceptInvite: {
    method: "POST",
    url: "/api/invites/:token/accept",
    tags,
    summary: "Accept an invite (no login): choose a password; the link then stops working",
    description:
      "A password the policy refuses counts as a failed attempt; after 5 the link is void (409) and a new invitation is needed.",
    params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "not an invite token") }),
    body: z.object({ password: z.string().min(1).max(PASSWORD_MAX) }),
    response: { 200: z.object({ userId: z.string(), email: z.string() }), ...errors(400, 404, 409, 429) },
  },
  listMemberKeys: {
    method: "GET",
    url: "/api/partners/:id/keys",
    tags,
    summary: "Members' OpenPGP keys with fingerprints and expiry",
    params: PartnerParams,
    response: { 200: z.object({ keys: z.array(KeyOut) }), ...errors(400, 401, 403, 404) },
  },
  registerMemberKey: {
    method: "POST",
    url: "/api/partners/:id/keys",
    tags,
    summary: "Register an armored OpenPGP public key (own, or any member's for the partner's admin)",
    params: PartnerParams,
    body: z.object({ armored: z.string().min(1).max(65_536), userId: idSchema("user", "a user").optional() }),
    response: { 201: KeyOut, ...errors(400, 401, 403, 404, 409) },
  },
  revokeMemberKey: {
    method: "DELETE",
    url: "/api/partners/:id/keys/:keyId",
    tags,
    summary: "Revoke a registered key",
    params: PartnerParams.extend({ keyId: idSchema("memberKey", "a key") }),
    response: { 204: NoContent, ...errors(400, 401, 403, 404) },
  },
  listWebhooks: {
    method: "GET",
    url: "/api/partners/:id/webhooks",
    tags,
    summary: "The partner's webhook endpoints (never their secrets)",
    params: PartnerParams,
    response: {
      200: z.object({
        webhooks: z.array(z.object({ id: z.string(), url: z.string(), createdAt: z.date() })),
      }),
      ...errors(400, 401, 403, 404),
    },
  },
  createWebhook: {
    method: "POST",
    url: "/api/partners/:id/webhooks",
    tags,
    summary: "Register an https endpoint on a public host; the signing secret is returned only now",
    params: PartnerParams,
    body: z.object({ url: z.string().max(2048) }),
    response: {
      201: z.object({ id: z.string(), url: z.string(), secret: z.string(), createdAt: z.date() }),
      ...errors(400, 401, 403, 404, 409),
    },
  },
  deleteWebhook: {
    method: "DELETE",
    url: "/api/partners/:id/webhooks/:webhookId",
    tags,
    summary: "Stop delivering to an endpoint",
    params: PartnerParams.extend({ webhookId: idSchema("webhook", "a webhook") }),
    response: { 204: NoContent, ...errors(400, 401, 403, 404) },
  },
  currentNda: {
    method: "GET",
    url: "/api/ndas/current",
    tags,
    summary: "The NDA version in force, its text and the SHA-256 of that exact text",
    response: {
      200: z.object({ version: z.number(), text: z.string(), sha256: z.string(), createdAt: z.date() }),
      ...errors(401, 403, 404),
    },
  },
  listNdas: {
    method: "GET",
    url: "/api/ndas",
    tags,
    summary: "Every NDA version, newest first",
    response: {
      200: z.object({
        ndas: z.array(
          z.object({
            version: z.number(),
            text: z.string(),
            sha256: z.string(),
            createdBy: z.string().nullable(),
            createdAt: z.date(),
          }),
        ),
      }),
      ...errors(401, 403),
    },
  },
  publishNda: {
    method: "POST",
    url: "/api/ndas",
    tags,
    summary: "Publish a new NDA version (admin): every partner must sign it before receiving anything",
    body: z.object({ text: z.string().trim().min(20).max(200_000) }),
    response: {
      201: z.object({ version: z.number(), sha256: z.string(), createdAt: z.date() }),
      ...errors(400, 401, 403),
    },
  },
  listNdaSignatures: {
    method: "GET",
    url: "/api/partners/:id/nda-signatures",
    tags,
    summary: "The partner's NDA signatures",
    params: PartnerParams,
    response: { 200: z.object({ signatures: z.array(SignatureOut) }), ...errors(400, 401, 403, 404) },
  },
  signNda: {
    method: "POST",
    url: "/api/partners/:id/nda-signatures",
    tags,
    summary: "Sign the current NDA version (the partner's admin); a superseded version answers 409",
    params: PartnerParams,
    body: z.object({ version: z.number().int().min(1), name: Name, title: Text(200) }),
    response: { 201: SignatureOut, ...errors(400, 401, 403, 404, 409) },
  },
  renewAttestation: {
    method: "POST",
    url: "/api/partners/:id/attestations",
    tags,
    summary: "Renew the yearly attestation (the partner's admin): all four statements, valid 365 days",
    params: PartnerParams,
    body: Attest,
    response: {
      200: z.object({ attestedAt: z.date(), attestationExpiresAt: z.date() }),
      ...errors(400, 401, 403, 404),
    },
  },
  listTiers: {
    method: "GET",
    url: "/api/tiers",
    tags,
    summary: "Tiers with lead time (ISO 8601) and content level (staff and partner users)",
    response: { 200: z.object({ tiers: z.array(TierOut) }), ...errors(401, 403) },
  },
  replaceTiers: {
    method: "PUT",
    url: "/api/tiers",
    tags,
    summary: "Replace the tier list (admin); refused while a partner or a rule uses a tier being deleted",
    description: "Takes `{ tiers: [...] }` as GET answers it (a bare array is still accepted).",
    body: z.union([z.object({ tiers: z.array(TierIn).min(1).max(20) }), z.array(TierIn).min(1).max(20)]),
    response: { 200: z.object({ tiers: z.array(TierOut) }), ...errors(400, 401, 403, 409) },
  },
  listPolicyRules: {
    method: "GET",
    url: "/api/policy/rules",
    tags,
    summary: "Jurisdiction and risk rules, in evaluation order",
    response: { 200: z.object({ rules: z.array(RuleOut) }), ...errors(401, 403) },
  },
  replacePolicyRules: {
    method: "PUT",
    url: "/api/policy/rules",
    tags,
    summary: "Replace the rule set (admin)",
    body: z.array(RuleIn).max(100),
    response: { 200: z.object({ rules: z.array(RuleOut) }), ...errors(400, 401, 403) },
  },
  previewPolicyRules: {
    method: "POST",
    url: "/api/policy/preview",
    tags,
    summary:
      "Evaluate a proposed rule set over every partner and list whose eligibility changes; saves nothing",
    body: z.object({ rules: z.array(RuleIn).max(100) }),
    response: {
      200: z.object({
        partners: z.number(),
        changed: z.number(),
        changes: z.array(
          z.object({
            partnerId: z.string(),
            name: z.string(),
            before: EligibilityOut,
            after: EligibilityOut,
          }),
        ),
      }),
      ...errors(400, 401, 403),
    },
  },
  listEvidence: {
    method: "GET",
    url: "/api/partners/:id/evidence",
    tags,
    summary: "Vetting documents on file",
    params: PartnerParams,
    response: { 200: z.object({ evidence: z.array(EvidenceOut) }), ...errors(400, 401, 403, 404) },
  },
  uploadEvidence: {
    method: "POST",
    url: "/api/partners/:id/evidence",
    tags,
    summary:
      "Upload one vetting document (multipart field `file`; PDF, PNG, JPEG or plain text judged by content; 10 MiB)",
    params: PartnerParams,
    response: { 201: EvidenceOut, ...errors(400, 401, 403, 404, 413) },
  },
  downloadEvidence: {
    method: "GET",
    url: "/api/partners/:id/evidence/:evidenceId",
    tags,
    summary: "Download a vetting document (audited)",
    params: PartnerParams.extend({ evidenceId: idSchema("evidence", "an evidence") }),
    response: { ...errors(400, 401, 403, 404) },
  },
  listPartnerIncidents: {
    method: "GET",
    url: "/api/partners/:id/incidents",
    tags,
    summary: "Incidents on the partner's record",
    params: PartnerParams,
    response: { 200: z.object({ incidents: z.array(IncidentOut) }), ...errors(400, 401, 403, 404) },
  },
  reportIncident: {
    method: "POST",
    url: "/api/partners/:id/incidents",
    tags,
    summary:
      "Report a leak: what leaked, to whom, when (the partner's admin self-reports; staff may record one)",
    params: PartnerParams,
    body: z.object({
      whatLeaked: Text(2000),
      toWhom: Text(2000),
      when: Text(100).describe("when it happened, as precisely as known"),
      details: z.string().max(20_000).optional(),
    }),
    response: { 201: IncidentOut, ...errors(400, 401, 403, 404) },
  },
  listIncidents: {
    method: "GET",
    url: "/api/incidents",
    tags,
    summary: "Every partner's incidents, newest first (investigators, coordinators, admins; paginated)",
    querystring: PageQuery.extend({ status: z.enum(["open", "closed"]).optional() }),
    response: { 200: page(IncidentOut), ...errors(400, 401, 403) },
  },
  closeIncident: {
    method: "POST",
    url: "/api/incidents/:id/close",
    tags,
    summary: "Close an incident with its resolution (it stays on the partner's record)",
    params: z.object({ id: idSchema("incident", "an incident") }),
    body: z.object({ resolution: Text(5000) }),
    response: { 200: IncidentOut, ...errors(400, 401, 403, 404, 409) },
  },
  listSuspensionRequests: {
    method: "GET",
    url: "/api/partners/:id/suspension-requests",
    tags,
    summary: "Suspension requests awaiting (or given) a second person's approval (staff)",
    params: PartnerParams,
    response: { 200: z.object({ requests: z.array(SuspensionRequestOut) }), ...errors(400, 401, 403, 404) },
  },
  approveSuspensionRequest: {
    method: "POST",
    url: "/api/partners/:id/suspension-requests/:requestId/approve",
    tags,
    summary: "Approve a pending suspension request: the partner is suspended at once",
    description:
      "Two-person rule: the person who requested the suspension cannot approve it (403); a request that is no longer pending, or a partner no longer active, is 409.",
    params: SuspensionRequestParams,
    response: { 200: SuspensionRequestOut, ...errors(400, 401, 403, 404, 409) },
  },
  rejectSuspensionRequest: {
    method: "POST",
    url: "/api/partners/:id/suspension-requests/:requestId/reject",
    tags,
    summary: "Reject a pending suspension request with a note (not by the person who requested it)",
    params: SuspensionRequestParams,
    body: z.object({ note: Text(5000) }),
    response: { 200: SuspensionRequestOut, ...errors(400, 401, 403, 404, 409) },
  },
  listOutbox: {
    method: "GET",
    url: "/api/outbox",
    tags: ["mail"],
    summary: "Mail queued for delivery (admin; a stand-in until a mail transport exists; audited)",
    response: {
      200: z.object({
        messages: z.array(
          z.object({
            id: z.string(),
            to: z.string(),
            subject: z.string(),
            kind: z.string(),
            body: z.string(),
            createdAt: z.date(),
            sentAt: z.date().nullable(),
          }),
        ),
      }),
      ...errors(401, 403),
    },
  },
});
