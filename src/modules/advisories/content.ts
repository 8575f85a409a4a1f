// An advisory's content: title, products and markdown sections by content level. Pure functions:
// input checks and the one place that cuts a revision down to a content level (the release engine
// renders every recipient's copy from restrictToLevel's output, nowhere else).

import {
  CONTENT_LEVELS,
  type ContentLevel,
  SECTION_LIMITS,
  SECTION_TITLES,
  SECTIONS,
  type Section,
} from "../../contract/enums.ts";

import { resolveAuthorMarkup } from "../../tracing/author.ts";

export { CONTENT_LEVELS, type ContentLevel, SECTION_LIMITS, SECTION_TITLES, SECTIONS, type Section };

export type Product = {
  vendor: string;
  product: string;
  affected: string[];
  fixed: string[];
  cpe?: string | undefined;
  purl?: string | undefined;
};

export type AdvisoryContent = {
  title: string;
  products: Product[];
  sections: Record<Section, string>;
};

/**
 * What a reader who is not a partner recipient sees where the author placed a canary
 * (`{{canary:dns}}`, `{{canary:url}}`): names that never resolve (RFC 6761). Only a partner's
 * delivered copy carries a live token (src/modules/releases/canary-placeholders.ts).
 */
export const NEUTRAL_CANARY = {
  dns: "canary.invalid",
  url: "https://example.invalid/c/canary",
} as const;

/** The text with every canary placeholder neutral. @example neutralCanaries("{{canary:dns}}") // "canary.invalid" */
export function neutralCanaries(text: string): string {
  if (!text.includes("{{canary:")) return text;
  return text.replace(/\{\{canary:(dns|url)\}\}/g, (_m, kind: "dns" | "url") => NEUTRAL_CANARY[kind]);
}

/**
 * A section as anyone but a partner recipient reads it: canary placeholders neutral, author
 * alternatives (`{{a|b}}`) at their first wording and directives removed, so that no public or staff
 * rendering shows what varies between copies.
 * @example neutralText("It {{may|might}} call {{canary:dns}}.") // "It may call canary.invalid."
 */
export function neutralText(text: string): string {
  return resolveAuthorMarkup(neutralCanaries(text));
}

/**
 * The content restricted to a level: sections outside it are emptied, canary placeholders neutral
 * and author markup resolved (staff previews, exports and the public release; partner copies are
 * rendered elsewhere).
 * @example restrictToLevel(c, "summary").sections.poc === ""
 */
export function restrictToLevel(content: AdvisoryContent, level: ContentLevel): AdvisoryContent {
  const r = restrictToSections(content, CONTENT_LEVELS[level]);
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, neutralText(r.sections[s])])) as Record<
    Section,
    string
  >;
  return { ...r, sections };
}

/**
 * The content keeping only the given sections (a partner tier's content list), the others emptied.
 * @example restrictToSections(c, ["summary", "detection"]).sections.details === ""
 */
export function restrictToSections(
  content: AdvisoryContent,
  keepSections: readonly Section[],
): AdvisoryContent {
  const keep = new Set<Section>(keepSections);
  const sections = Object.fromEntries(
    SECTIONS.map((s) => [s, keep.has(s) ? content.sections[s] : ""]),
  ) as Record<Section, string>;
  return { title: content.title, products: content.products.map((p) => ({ ...p })), sections };
}

/** Problems with markdown a renderer or a CSAF consumer would trip over; [] when fine. */
export function markdownProblems(name: string, text: string): string[] {
  const out: string[] = [];
  if (text.length > SECTION_LIMITS[name as Section])
    out.push(`section ${name} is longer than ${SECTION_LIMITS[name as Section]} characters`);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) {
      out.push(`section ${name} contains a control character (code ${c}) at offset ${i}`);
      break;
    }
  }
  const fences = text.split("\n").filter((l) => /^\s{0,3}(```|~~~)/.test(l)).length;
  if (fences % 2 === 1) out.push(`section ${name} has an unclosed code fence (\`\`\`)`);
  return out;
}

/** Problems with the products list; [] when fine. */
export function productProblems(products: Product[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  products.forEach((p, i) => {
    const key = `${p.vendor.toLowerCase()}\u0000${p.product.toLowerCase()}`;
    if (seen.has(key)) out.push(`products[${i}]: ${p.vendor} ${p.product} is listed twice`);
    seen.add(key);
    if (p.affected.length === 0) out.push(`products[${i}]: affected needs at least one version`);
    const both = p.affected.filter((v) => p.fixed.includes(v));
    if (both.length) out.push(`products[${i}]: version ${both[0]} is both affected and fixed`);
    if (p.purl && !/^pkg:[a-z][a-z0-9.+-]*\/[^\s]+$/.test(p.purl))
      out.push(`products[${i}].purl is not a package URL (pkg:type/namespace/name)`);
    if (p.cpe && !/^cpe:2\.3:[aho*-](:[^:\s]+){10}$/.test(p.cpe))
      out.push(`products[${i}].cpe is not a CPE 2.3 formatted string`);
  });
  return out;
}
