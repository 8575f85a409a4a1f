// CSAF 2.0 security advisory from an advisory revision. TLP AMBER while embargoed, WHITE once public
// (TLP 2.0 calls it CLEAR; CSAF 2.0's schema only knows WHITE). Valid under the mandatory tests of
// csaf-validator-lib (see test/exports.test.ts).
import { SECTION_TITLES, SECTIONS, type Section } from "../content.ts";
import { csafUrl, type ExportInput, isClear, isPublic } from "./input.ts";

const NOTE_CATEGORY: Record<Section, string> = {
  summary: "summary",
  details: "details",
  detection: "general",
  poc: "other",
  indicators: "other",
};

type Branch = {
  category: string;
  name: string;
  branches?: Branch[];
  product?: { product_id: string; name: string; product_identification_helper?: Record<string, string> };
};

/** A version string that states a range goes into a product_version_range branch (test 6.1.31). */
function versionBranch(v: string): { category: string; name: string } {
  if (v.startsWith("vers:")) return { category: "product_version_range", name: v };
  if (
    /^\s*(<=|>=|<|>|=)/.test(v) ||
    /[*]|\b(before|prior|after|through|all|earlier|later|and|up to)\b/i.test(v)
  ) {
    const compact = v.replace(/\s+/g, "");
    return /^(<=|>=|<|>|=)[^<>=|]+(\|(<=|>=|<|>|=)[^<>=|]+)*$/.test(compact)
      ? { category: "product_version_range", name: `vers:generic/${compact}` }
      : { category: "product_version_range", name: v };
  }
  return { category: "product_version", name: v };
}

export function toCsaf(i: ExportInput): Record<string, unknown> {
  const pub = isPublic(i);
  const clear = isClear(i);
  const revs = [...i.revisions].sort((a, b) => a.number - b.number);
  const last = revs.at(-1);
  if (!last) throw new Error("an advisory has at least one revision");
  const initial = i.publishedAt && pub ? i.publishedAt : (revs[0]?.createdAt ?? i.now);
  const current = new Date(Math.max(last.createdAt.getTime(), initial.getTime()));

  // product tree: vendor > product name > version, one product ID per version.
  const vendors = new Map<string, Branch>();
  const affectedIds: string[] = [];
  const fixedIds: string[] = [];
  const fixNotes: string[] = [];
  const unfixed: string[] = [];
  let n = 0;
  for (const p of i.content.products) {
    let vendor = vendors.get(p.vendor);
    if (!vendor) {
      vendor = { category: "vendor", name: p.vendor, branches: [] };
      vendors.set(p.vendor, vendor);
    }
    const versions: Branch[] = [];
    const add = (v: string, into: string[]) => {
      n++;
      const id = `FWP-${n}`;
      const helper: Record<string, string> = {};
      if (p.cpe) helper.cpe = p.cpe;
      if (p.purl) helper.purl = p.purl.includes("@") ? p.purl : `${p.purl}@${encodeURIComponent(v)}`;
      const b = versionBranch(v);
      versions.push({
        ...b,
        product: {
          product_id: id,
          name: `${p.vendor} ${p.product} ${v}`,
          ...(Object.keys(helper).length && b.category === "product_version"
            ? { product_identification_helper: helper }
            : {}),
        },
      });
      into.push(id);
      return id;
    };
    const productAffected = p.affected.map((v) => add(v, affectedIds));
    for (const v of p.fixed) add(v, fixedIds);
    vendor.branches?.push({ category: "product_name", name: p.product, branches: versions });
    if (p.fixed.length) fixNotes.push(`${p.product}: update to ${p.fixed.join(" or ")}`);
    else unfixed.push(...productAffected);
  }
  const fixable = affectedIds.filter((id) => !unfixed.includes(id));

  const notes = SECTIONS.filter((s) => i.content.sections[s].trim()).map((s) => ({
    category: NOTE_CATEGORY[s],
    title: SECTION_TITLES[s],
    text: i.content.sections[s],
  }));

  const vulnNotes: Record<string, string>[] = [
    { category: "description", title: "Summary", text: i.content.sections.summary || i.content.title },
  ];
  const scores: Record<string, unknown>[] = [];
  if (i.cvss?.version === "3.1") {
    scores.push({
      products: affectedIds,
      cvss_v3: {
        version: "3.1",
        vectorString: i.cvss.vector,
        baseScore: i.cvss.score,
        baseSeverity: i.cvss.severity.toUpperCase(),
      },
    });
  } else if (i.cvss) {
    // CSAF 2.0 has no CVSS 4.0 score object: the vector travels as a note.
    vulnNotes.push({
      category: "other",
      title: `CVSS ${i.cvss.version}`,
      text: `${i.cvss.vector} (score ${i.cvss.score.toFixed(1)}, ${i.cvss.severity})`,
    });
  }

  const remediations: Record<string, unknown>[] = [];
  if (fixable.length)
    remediations.push({ category: "vendor_fix", details: `${fixNotes.join("; ")}.`, product_ids: fixable });
  if (unfixed.length)
    remediations.push({
      category: "none_available",
      details: "No fixed version is available yet.",
      product_ids: unfixed,
    });

  const year = initial.getUTCFullYear();
  return {
    document: {
      category: "csaf_security_advisory",
      csaf_version: "2.0",
      title: i.content.title,
      lang: "en",
      publisher: { category: "vendor", name: i.publisher.name, namespace: i.publisher.publicUrl },
      distribution: {
        tlp: { label: clear ? "WHITE" : "AMBER", url: "https://www.first.org/tlp/" },
        ...(clear
          ? {}
          : {
              text: pub
                ? "Contains sections that were not published: not for further distribution."
                : "Embargoed: not for further distribution before public release.",
            }),
      },
      notes,
      ...(pub
        ? {
            references: [
              { category: "self", summary: "Canonical URL", url: csafUrl(i.publisher, i.trackingId, year) },
            ],
          }
        : {}),
      tracking: {
        id: i.trackingId,
        status: pub ? "final" : "interim",
        version: String(last.number),
        initial_release_date: initial.toISOString(),
        current_release_date: current.toISOString(),
        revision_history: revs.map((r) => ({
          number: String(r.number),
          date: r.createdAt.toISOString(),
          summary: r.changeNote ?? (r.number === 1 ? "Initial version." : `Revision ${r.number}.`),
        })),
        generator: { engine: { name: "Forewarn", version: i.generatorVersion }, date: i.now.toISOString() },
      },
    },
    product_tree: { branches: [...vendors.values()] },
    vulnerabilities: [
      {
        ...(i.cveId ? { cve: i.cveId } : { ids: [{ system_name: i.publisher.name, text: i.trackingId }] }),
        ...(i.cwe ? { cwe: i.cwe } : {}),
        title: i.content.title,
        notes: vulnNotes,
        product_status: {
          known_affected: affectedIds,
          ...(fixedIds.length ? { fixed: fixedIds } : {}),
        },
        remediations,
        ...(scores.length ? { scores } : {}),
        ...(i.credits.length
          ? {
              acknowledgments: i.credits.map((c) => ({
                names: [c.name],
                summary: c.type.replaceAll("_", " "),
              })),
            }
          : {}),
      },
    ],
  };
}
