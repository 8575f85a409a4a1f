// THE one place that turns advisory content into what a partner recipient receives. Every channel
// (portal, API, webhooks, email) serves the copy this function made and the delivery stored; nothing
// else renders advisory content for partners.
//
// Tracing seam: `fingerprint` is called on every copy with its recipient. The engine passes the
// plan's tracing key (tracing.ts: the recipient's wording of the prose and code, variants of the rule
// and PoC files, canary tokens) and stores the returned codeword sealed beside the copy
// (release_deliveries.codeword_sealed); NO_FINGERPRINT (the copy unchanged) is for tests of the
// rendering alone.
import { SECTIONS, type Section } from "../../contract/enums.ts";
import {
  type AdvisoryContent,
  type Product,
  restrictToSections,
  SECTION_TITLES,
} from "../advisories/index.ts";

export type Recipient = {
  kind: "organisation" | "user";
  /** The partner organisation's ID or the member's user ID. */
  id: string;
  partnerId: string;
  /** Shown on the copy ("Prepared for ..."), so a reader knows it is theirs alone. */
  partnerName: string;
};

/** A file of the advisory (detection rules, proof of concept). Text files travel inside the copy. */
export type SourceFile = {
  id: string;
  section: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** UTF-8 text of a text file; binary files (ZIP, pcap) are listed by reference only. */
  text?: string | undefined;
};

/** What a partner needs beside the text to act: the embargo's end and the advisory's identifiers. */
export type CopyFacts = {
  /** T0, the public release (the embargo ends then). */
  publicAt: Date;
  cveIds: string[];
  cvss: { version: string; vector: string; score: number; severity: string } | null;
  cwe: { id: string; name: string } | null;
};

export type RenderSource = {
  advisoryId: string;
  trackingId: string;
  revision: number;
  content: AdvisoryContent;
  files: readonly SourceFile[];
  /** Shown in the copy's header and carried in its JSON (copies made before this have none). */
  facts?: CopyFacts | undefined;
};

export type CopyFile = {
  id: string;
  section: Section;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** The file's text (text files only). */
  text: string | null;
};

export type Copy = {
  advisoryId: string;
  trackingId: string;
  revision: number;
  recipient: { kind: Recipient["kind"]; id: string; partnerId: string };
  title: string;
  products: Product[];
  /** Only the sections this recipient receives (absent ones are not sent at all). */
  sections: Partial<Record<Section, string>>;
  /** The whole copy as one markdown document. */
  markdown: string;
  files: CopyFile[];
  /** T0 as ISO 8601 UTC when the copy was made (the embargo's end). */
  publicAt?: string;
  cveIds?: string[];
  cvss?: CopyFacts["cvss"];
  cwe?: CopyFacts["cwe"];
};

export type Fingerprint = (
  copy: Copy,
  recipient: Recipient,
) => { copy: Copy; codeword: Uint8Array | null; canaries?: { kind: "dns" | "url"; token: string }[] };

/** The copy as rendered, no codeword (tests of the rendering alone; never a partner's copy). */
export const NO_FINGERPRINT: Fingerprint = (copy) => ({ copy, codeword: null });

const productLine = (p: Product) =>
  `- ${p.vendor} ${p.product}: affected ${p.affected.join(", ")}${p.fixed.length ? `; fixed in ${p.fixed.join(", ")}` : ""}`;

/** "2026-06-01 12:00 UTC": T0 in the copy's text, in one zone every reader can convert. */
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

const factsLines = (f: CopyFacts) =>
  [
    `- Public release (T0): ${utc(f.publicAt)}`,
    `- CVE: ${f.cveIds.length ? f.cveIds.join(", ") : "not assigned yet"}`,
    `- CVSS: ${f.cvss ? `${f.cvss.score} ${f.cvss.severity} (${f.cvss.vector})` : "not scored yet"}`,
    ...(f.cwe ? [`- CWE: ${f.cwe.id} ${f.cwe.name}`] : []),
  ].join("\n");

/** The whole copy as one markdown document, from its parts (the fingerprint seam assembles it again). */
export function copyMarkdown(copy: Copy, partnerName: string): string {
  const f: CopyFacts | null = copy.publicAt
    ? {
        publicAt: new Date(copy.publicAt),
        cveIds: copy.cveIds ?? [],
        cvss: copy.cvss ?? null,
        cwe: copy.cwe ?? null,
      }
    : null;
  const parts = [
    `# ${copy.title}`,
    `${copy.trackingId}, revision ${copy.revision}. TLP:AMBER, embargoed until public release${f ? ` at ${utc(f.publicAt)}` : ""}. Prepared for ${partnerName} alone: do not forward.`,
    ...(f ? [factsLines(f)] : []),
    `## Affected products\n\n${copy.products.map(productLine).join("\n")}`,
    ...SECTIONS.filter((s) => copy.sections[s] !== undefined).map(
      (s) => `## ${SECTION_TITLES[s]}\n\n${copy.sections[s]?.trim()}`,
    ),
  ];
  if (copy.files.length)
    parts.push(
      `## Files\n\n${copy.files.map((x) => `- ${x.filename} (${x.section}, ${x.size} bytes, SHA-256 ${x.sha256})`).join("\n")}`,
    );
  return `${parts.join("\n\n")}\n`;
}

/**
 * The recipient's copy of a revision, restricted to `sections`, with the files those sections allow.
 * Pure: the same inputs give the same copy (the fingerprint function is the only per-recipient change).
 */
export function renderCopy(
  source: RenderSource,
  sections: readonly Section[],
  recipient: Recipient,
  fingerprint: Fingerprint = NO_FINGERPRINT,
): ReturnType<Fingerprint> {
  const keep = SECTIONS.filter((s) => sections.includes(s));
  const restricted = restrictToSections(source.content, keep);
  const kept: Partial<Record<Section, string>> = {};
  for (const s of keep) if (restricted.sections[s].trim()) kept[s] = restricted.sections[s];
  const files: CopyFile[] = source.files
    .filter((f) => (keep as readonly string[]).includes(f.section))
    .map((f) => ({
      id: f.id,
      section: f.section as Section,
      filename: f.filename,
      mediaType: f.mediaType,
      size: f.size,
      sha256: f.sha256,
      text: f.text ?? null,
    }));
  const f = source.facts;
  const copy: Copy = {
    advisoryId: source.advisoryId,
    trackingId: source.trackingId,
    revision: source.revision,
    recipient: { kind: recipient.kind, id: recipient.id, partnerId: recipient.partnerId },
    title: restricted.title,
    products: restricted.products,
    sections: kept,
    markdown: "",
    files,
    ...(f ? { publicAt: f.publicAt.toISOString(), cveIds: f.cveIds, cvss: f.cvss, cwe: f.cwe } : {}),
  };
  copy.markdown = copyMarkdown(copy, recipient.partnerName);
  return fingerprint(copy, recipient);
}
