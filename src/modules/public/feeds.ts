// Pure renderers for the public side: the Atom feed, CSAF provider metadata, index.txt and changes.csv.
import { csafFilename, type Publisher, publicAdvisoryUrl } from "../advisories/index.ts";

export type PublicEntry = {
  trackingId: string;
  title: string;
  summary: string;
  publishedAt: Date;
  updatedAt: Date;
};

/** Characters XML 1.0 does not allow (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML character data: markup escaped, characters XML 1.0 forbids replaced by U+FFFD. */
export const xml = (s: string) =>
  s
    .replace(NOT_XML_CHAR, "\uFFFD")
    .replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
    );
const base = (p: Publisher) => p.publicUrl.replace(/\/$/, "");

export function atomFeed(p: Publisher, entries: PublicEntry[], now: Date): string {
  const updated = new Date(Math.max(0, ...entries.map((e) => e.updatedAt.getTime())));
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xml(`${base(p)}/feeds/advisories.atom`)}</id>`,
    `  <title>${xml(`${p.name} security advisories`)}</title>`,
    `  <updated>${(entries.length ? updated : now).toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xml(`${base(p)}/feeds/advisories.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xml(`${base(p)}/security/advisories`)}"/>`,
    `  <author><name>${xml(p.name)}</name></author>`,
  ];
  for (const e of entries) {
    const url = publicAdvisoryUrl(p, e.trackingId);
    lines.push(
      "  <entry>",
      `    <id>${xml(url)}</id>`,
      `    <title>${xml(`${e.trackingId}: ${e.title}`)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xml(url)}"/>`,
      `    <published>${e.publishedAt.toISOString()}</published>`,
      `    <updated>${e.updatedAt.toISOString()}</updated>`,
      `    <summary type="text">${xml(e.summary)}</summary>`,
      "  </entry>",
    );
  }
  lines.push("</feed>", "");
  return lines.join("\n");
}

/** CSAF 2.0 provider metadata (section 7.1.20) for a csaf_provider with a TLP:WHITE directory. */
export function providerMetadata(p: Publisher, entries: PublicEntry[], now: Date) {
  const updated = new Date(Math.max(0, ...entries.map((e) => e.updatedAt.getTime())));
  return {
    canonical_url: `${base(p)}/.well-known/csaf/provider-metadata.json`,
    distributions: [{ directory_url: `${base(p)}/.well-known/csaf/white/` }],
    last_updated: (entries.length ? updated : now).toISOString(),
    list_on_CSAF_aggregators: true,
    metadata_version: "2.0",
    mirror_on_CSAF_aggregators: true,
    publisher: { category: "vendor", name: p.name, namespace: p.publicUrl },
    role: "csaf_provider",
  };
}

/** Path of an advisory's CSAF file under the white directory: YEAR/name.json (year of first release). */
export const csafPath = (e: Pick<PublicEntry, "trackingId" | "publishedAt">) =>
  `${e.publishedAt.getUTCFullYear()}/${csafFilename(e.trackingId)}`;

export function indexTxt(entries: PublicEntry[]): string {
  return entries.map((e) => `${csafPath(e)}\n`).join("");
}

/** changes.csv: path and last change, newest first. */
export function changesCsv(entries: PublicEntry[]): string {
  return [...entries]
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
    .map((e) => `"${csafPath(e)}","${e.updatedAt.toISOString()}"\n`)
    .join("");
}
