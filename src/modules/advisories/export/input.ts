// What every export format is rendered from: one revision's content (already restricted to the
// level the caller may see), the advisory's history and the case's identifiers, scoring and credits.
import type { AdvisoryContent, ContentLevel } from "../content.ts";

export type Publisher = {
  name: string;
  /** Base URL of this instance's public side, e.g. https://psirt.example.com */
  publicUrl: string;
  /** The CNA's organisation UUID and short name, for CVE records. */
  cnaOrgId: string;
  cnaShortName: string;
};

export type ExportInput = {
  trackingId: string;
  content: AdvisoryContent;
  /** The level `content` was restricted to; only `public` content of a published advisory is TLP:CLEAR. */
  level: ContentLevel;
  revisions: { number: number; createdAt: Date; changeNote: string | null }[];
  publishedAt: Date | null;
  now: Date;
  cveId: string | null;
  /** CWE with its catalogue name (CSAF compares the name), or null. */
  cwe: { id: string; name: string } | null;
  cvss: { version: string; vector: string; score: number; severity: string } | null;
  credits: { name: string; type: string }[];
  publisher: Publisher;
  generatorVersion: string;
};

export const isPublic = (i: Pick<ExportInput, "publishedAt" | "now">) =>
  i.publishedAt !== null && i.publishedAt.getTime() <= i.now.getTime();

/**
 * TLP:CLEAR (WHITE in CSAF 2.0) only for the public sections of a published advisory: a staff export
 * of a released advisory still carries detection rules and PoC that were never published.
 */
export const isClear = (i: Pick<ExportInput, "publishedAt" | "now" | "level">) =>
  isPublic(i) && i.level === "public";

/** The CSAF file name for a tracking ID (CSAF 2.0 section 5.1): lower case, [+\-a-z0-9] and _. */
export const csafFilename = (trackingId: string) =>
  `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, "_")}.json`;

export const publicAdvisoryUrl = (p: Publisher, trackingId: string) =>
  `${p.publicUrl.replace(/\/$/, "")}/security/advisories/${encodeURIComponent(trackingId)}`;

export const csafUrl = (p: Publisher, trackingId: string, year: number) =>
  `${p.publicUrl.replace(/\/$/, "")}/.well-known/csaf/white/${year}/${csafFilename(trackingId)}`;
