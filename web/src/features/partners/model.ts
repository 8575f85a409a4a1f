// The partner programme's JSON shapes as the web UI sees them, and small display helpers.
import { COUNTRY_CODES } from "../../../../src/contract/countries.ts";

export const CONTENT_LEVELS = ["summary", "details", "detection", "poc", "indicators"] as const;
export const KINDS = ["antivirus", "ids_ips", "edr", "managed_security", "cert", "hosting", "other"] as const;
export const KIND_LABELS: Record<string, string> = {
  antivirus: "Antivirus",
  ids_ips: "IDS / IPS",
  edr: "EDR",
  managed_security: "Managed security",
  cert: "CERT",
  hosting: "Hosting",
  other: "Other",
};
export const STATUSES = ["applicant", "under_review", "active", "suspended", "removed", "rejected"] as const;
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

export type Attestations = {
  securityVendor: boolean;
  noOffensiveTools: boolean;
  publishAtRelease: boolean;
  reportLeaks: boolean;
};
export const ATTESTATION_LABELS: Record<keyof Attestations, string> = {
  securityVendor: "We are a commercial security vendor shipping protections to customers",
  noOffensiveTools: "We do not develop or sell offensive tools (penetration-testing or exploit frameworks)",
  publishAtRelease: "We publish protections only at public release",
  reportLeaks: "We report any leak at once",
};

export type Partner = {
  id: string;
  name: string;
  legalName: string;
  country: string;
  staffCountries: string[];
  website: string;
  kind: string;
  customers: number;
  contacts: { name: string; email: string; role?: string }[];
  affiliations: string[];
  status: string;
  tier: string;
  attestations: Attestations;
  attestedAt: string;
  attestationExpiresAt: string;
  createdAt: string;
  updatedAt: string;
  /** Staff only: why this application may duplicate an existing partner or account. */
  duplicate: { reasons: string[]; partnerId: string | null } | null;
};
/** effectiveTier: what the partner receives now, after policy and sanctions (null: nothing). */
export type PartnerListItem = Partner & { approvals: number; effectiveTier: string | null };
export type PartnerDetail = Partner & {
  /** approverId: null for partner users (which staff member approved is for staff). */
  approvals: { approverId: string | null; at: string }[];
  approvalsNeeded: number;
};

export type Reason = { rule: string; effect: string; reference: string | null; message: string };
export type Eligibility = {
  eligible: boolean;
  tier: string | null;
  leadTime: string | null;
  leadSeconds: number | null;
  content: string[];
  reasons: Reason[];
};
export type PartnerEvent = {
  id: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorId: string | null;
  actorEmail: string | null;
  reason: string | null;
  data: Record<string, unknown>;
  at: string;
};
export type Tier = { name: string; leadTime: string; leadSeconds: number; content: string[] };
export type Rule = {
  id?: string;
  name: string;
  condition: Record<string, unknown>;
  effect: Record<string, unknown>;
  reference: string;
  enabled?: boolean;
};
export type Member = {
  id: string;
  email: string;
  name: string;
  role: string;
  invited: boolean;
  disabled: boolean;
  createdAt: string;
};
export type MemberKey = {
  id: string;
  userId: string;
  fingerprint: string;
  userIds: string[];
  algorithm: string;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  usable: boolean;
};
export type Webhook = { id: string; url: string; createdAt: string };
export type Nda = { version: number; text: string; sha256: string; createdAt: string };
export type Signature = {
  id: string;
  version: number;
  name: string;
  title: string;
  sha256: string;
  signedAt: string;
  ip: string | null;
};
export type Incident = {
  id: string;
  source: string;
  whatLeaked: string;
  toWhom: string;
  leakedAt: string;
  details: string;
  status: string;
  reportedAt: string;
  resolution: string | null;
};
export type Evidence = {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
};
export type Scorecard = {
  nda: {
    currentVersion: number | null;
    signedVersion: number | null;
    signedAt: string | null;
    signedBy: string | null;
    current: boolean;
  };
  attestation: { attestedAt: string; expiresAt: string; current: boolean; daysLeft: number };
  incidents: { total: number; open: number; selfReported: number };
  acknowledgements: { measured: boolean; note: string };
  protectionsShipped: { measured: boolean; note: string };
  eligibility: Eligibility;
};

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
