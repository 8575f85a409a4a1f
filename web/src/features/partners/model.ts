// The partner programme's JSON shapes as the web UI sees them (aliases of the API contract in
// src/contract/), and small display helpers.
import { COUNTRY_CODES } from "../../../../src/contract/countries.ts";
import { PARTNER_KINDS, PARTNER_STATUSES, SECTIONS } from "../../../../src/contract/enums.ts";
import type { Output } from "../../../../src/contract/index.ts";

/** The sections a tier or rule names (kept under this name for the pages). */
export const CONTENT_LEVELS = SECTIONS;
export const KINDS = PARTNER_KINDS;
export const KIND_LABELS: Record<string, string> = {
  antivirus: "Antivirus",
  ids_ips: "IDS / IPS",
  edr: "EDR",
  managed_security: "Managed security",
  cert: "CERT",
  hosting: "Hosting",
  other: "Other",
};
export const STATUSES = PARTNER_STATUSES;
export const STATUS_COLORS: Record<string, string> = {
  applicant: "blue",
  under_review: "violet",
  active: "green",
  suspended: "orange",
  removed: "gray",
  rejected: "red",
};
export const statusLabel = (s: string) => s.replace("_", " ");

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
export const countryName = (code: string) => regionNames.of(code) ?? code;
export const COUNTRY_OPTIONS = COUNTRY_CODES.map((c) => ({
  value: c,
  label: `${countryName(c)} (${c})`,
})).sort((a, b) => a.label.localeCompare(b.label));

export type Attestations = Partner["attestations"];
export const ATTESTATION_LABELS: Record<keyof Attestations, string> = {
  securityVendor: "We are a commercial security vendor shipping protections to customers",
  noOffensiveTools: "We do not develop or sell offensive tools (penetration-testing or exploit frameworks)",
  publishAtRelease: "We publish protections only at public release",
  reportLeaks: "We report any leak at once",
};

export type PartnerListItem = Output<"listPartners">["items"][number];
export type PartnerDetail = Output<"getPartner">;
/** A partner's record, without the list's or the detail page's extra fields. */
export type Partner = Omit<PartnerListItem, "approvals" | "effectiveTier">;
export type Eligibility = Output<"partnerEligibility">;
export type Reason = Eligibility["reasons"][number];
export type PartnerEvent = Output<"partnerTimeline">["events"][number];
export type Tier = Output<"listTiers">["tiers"][number];
/** A policy rule; one being edited has no ID until it is saved. */
export type Rule = Omit<Output<"listPolicyRules">["rules"][number], "id"> & { id?: string };
export type Member = Output<"listPartnerMembers">["members"][number];
export type MemberKey = Output<"listMemberKeys">["keys"][number];
export type Webhook = Output<"listWebhooks">["webhooks"][number];
export type Nda = Output<"currentNda">;
export type Signature = Output<"listNdaSignatures">["signatures"][number];
export type Incident = Output<"listPartnerIncidents">["incidents"][number];
export type Evidence = Output<"listEvidence">["evidence"][number];
export type Scorecard = Output<"partnerScorecard">;

export const EVENT_LABELS: Record<string, string> = {
  applied: "Applied",
  approved: "Approved",
  rejected: "Rejected",
  suspended: "Suspended",
  reinstated: "Reinstated",
  removed: "Removed",
  tier_changed: "Tier changed",
  nda_signed: "NDA signed",
  attested: "Attestation renewed",
  updated: "Profile updated",
  member_removed: "Member removed",
  evidence_uploaded: "Evidence uploaded",
  incident_reported: "Incident reported",
  incident_closed: "Incident closed",
};
