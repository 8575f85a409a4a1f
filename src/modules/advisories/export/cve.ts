// A CVE JSON 5 record (CVE_RECORD, data version 5.1) with the CNA container, as submitted to the CVE
// services at release. No npm package ships the official schema, so test/exports.test.ts checks the
// required structure by hand.
import { type ExportInput, isPublic, publicAdvisoryUrl } from "./input.ts";

/** Said with an export whose case has no CVE ID yet. */
export const CVE_ID_MISSING =
  "the case has no CVE ID yet: cveMetadata is left out until one is reserved or entered (PUT /api/cases/:id/cve)";

/**
 * The record; without a CVE ID only the CNA container we author (the record's cveMetadata needs
 * the ID), so the content can be reviewed before an ID is reserved.
 */
export function toCveRecord(i: ExportInput): Record<string, unknown> {
  const pub = isPublic(i);
  const lastRevision = [...i.revisions].sort((a, b) => b.number - a.number)[0];
  const updated = lastRevision?.createdAt ?? i.now;
  const description = [i.content.sections.summary, i.content.sections.details]
    .filter((s) => s.trim())
    .join("\n\n");
  const metrics: Record<string, unknown>[] = [];
  if (i.cvss) {
    const key = i.cvss.version === "4.0" ? "cvssV4_0" : "cvssV3_1";
    metrics.push({
      format: "CVSS",
      scenarios: [{ lang: "en", value: "GENERAL" }],
      [key]: {
        version: i.cvss.version,
        vectorString: i.cvss.vector,
        baseScore: i.cvss.score,
        baseSeverity: i.cvss.severity.toUpperCase(),
      },
    });
  }
  return {
    dataType: "CVE_RECORD",
    dataVersion: "5.1",
    ...(i.cveId
      ? {
          cveMetadata: {
            cveId: i.cveId,
            assignerOrgId: i.publisher.cnaOrgId,
            assignerShortName: i.publisher.cnaShortName,
            state: "PUBLISHED",
            ...(pub && i.publishedAt ? { datePublished: i.publishedAt.toISOString() } : {}),
            dateUpdated: updated.toISOString(),
          },
        }
      : {}),
    containers: {
      cna: {
        providerMetadata: {
          orgId: i.publisher.cnaOrgId,
          shortName: i.publisher.cnaShortName,
          dateUpdated: updated.toISOString(),
        },
        title: i.content.title.slice(0, 256),
        ...(pub && i.publishedAt ? { datePublic: i.publishedAt.toISOString() } : {}),
        descriptions: [
          {
            lang: "en",
            value: description.slice(0, 4096) || i.content.title,
            supportingMedia: [
              { type: "text/markdown", base64: false, value: description || i.content.title },
            ],
          },
        ],
        affected: i.content.products.map((p) => ({
          vendor: p.vendor,
          product: p.product,
          ...(p.cpe ? { cpes: [p.cpe] } : {}),
          ...(p.purl ? { packageURL: p.purl.split("@")[0] } : {}),
          defaultStatus: "unknown",
          versions: [
            ...p.affected.map((v) => ({ version: v, status: "affected" })),
            ...p.fixed.map((v) => ({ version: v, status: "unaffected" })),
          ],
        })),
        ...(i.cwe
          ? {
              problemTypes: [
                {
                  descriptions: [
                    { lang: "en", cweId: i.cwe.id, description: `${i.cwe.id} ${i.cwe.name}`, type: "CWE" },
                  ],
                },
              ],
            }
          : {}),
        references: [{ url: publicAdvisoryUrl(i.publisher, i.trackingId), tags: ["vendor-advisory"] }],
        ...(metrics.length ? { metrics } : {}),
        ...(i.credits.length
          ? {
              credits: i.credits.map((c) => ({
                lang: "en",
                value: c.name,
                type: c.type.replaceAll("_", "-"),
              })),
            }
          : {}),
        source: { discovery: "EXTERNAL" },
      },
    },
  };
}
