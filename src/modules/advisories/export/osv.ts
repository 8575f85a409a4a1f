// OSV from an advisory revision. Products with a package URL become packages of the matching OSV
// ecosystem; others keep vendor/product in database_specific (OSV has no ecosystem for them).
import { type ExportInput, isClear, isPublic, publicAdvisoryUrl } from "./input.ts";

export const OSV_SCHEMA_VERSION = "1.7.0";

const ECOSYSTEMS: Record<string, string> = {
  npm: "npm",
  pypi: "PyPI",
  maven: "Maven",
  golang: "Go",
  cargo: "crates.io",
  gem: "RubyGems",
  nuget: "NuGet",
  composer: "Packagist",
  hex: "Hex",
  pub: "Pub",
  deb: "Debian",
  apk: "Alpine",
  swift: "SwiftURL",
  cran: "CRAN",
  hackage: "Hackage",
};

/** OSV ID for a tracking ID: our own database, so the `x_` prefix OSV reserves for that. */
export const osvId = (trackingId: string) => `x_forewarn-${trackingId}`;

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function packageOf(purl: string | undefined): { ecosystem: string; name: string; purl: string } | null {
  if (!purl) return null;
  const m = /^pkg:([a-z][a-z0-9.+-]*)\/([^@?#]+)/.exec(purl);
  const ecosystem = m?.[1] ? ECOSYSTEMS[m[1]] : undefined;
  if (!m?.[2] || !ecosystem) return null;
  const path = decodeURIComponent(m[2]);
  const name = m[1] === "maven" ? path.replace("/", ":") : path;
  return { ecosystem, name, purl: purl.split("@")[0] ?? purl };
}

export function toOsv(i: ExportInput): Record<string, unknown> {
  const pub = isPublic(i);
  const times = [
    ...i.revisions.map((r) => r.createdAt.getTime()),
    ...(pub && i.publishedAt ? [i.publishedAt.getTime()] : []),
  ];
  const modified = new Date(Math.max(...times));
  const details = [i.content.sections.summary, i.content.sections.details]
    .filter((s) => s.trim())
    .join("\n\n");
  const affected = i.content.products.map((p) => {
    const pkg = packageOf(p.purl);
    const rangeEvents = p.fixed.length ? [{ introduced: "0" }, ...p.fixed.map((f) => ({ fixed: f }))] : [];
    return {
      ...(pkg ? { package: pkg } : {}),
      ...(pkg && rangeEvents.length ? { ranges: [{ type: "ECOSYSTEM", events: rangeEvents }] } : {}),
      versions: p.affected,
      database_specific: {
        vendor: p.vendor,
        product: p.product,
        fixed: p.fixed,
        ...(p.cpe ? { cpe: p.cpe } : {}),
      },
    };
  });
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: osvId(i.trackingId),
    modified: iso(modified),
    ...(pub && i.publishedAt ? { published: iso(i.publishedAt) } : {}),
    ...(i.cveId ? { aliases: [i.cveId] } : {}),
    summary: i.content.title,
    details,
    ...(i.cvss
      ? { severity: [{ type: i.cvss.version === "4.0" ? "CVSS_V4" : "CVSS_V3", score: i.cvss.vector }] }
      : {}),
    affected,
    ...(pub ? { references: [{ type: "ADVISORY", url: publicAdvisoryUrl(i.publisher, i.trackingId) }] } : {}),
    ...(i.credits.length
      ? { credits: i.credits.map((c) => ({ name: c.name, type: c.type.toUpperCase() })) }
      : {}),
    database_specific: {
      tracking_id: i.trackingId,
      ...(i.cwe ? { cwe_ids: [i.cwe.id] } : {}),
      tlp: isClear(i) ? "CLEAR" : "AMBER",
    },
  };
}
