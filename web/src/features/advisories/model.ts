// The advisories API as the web shell sees it: aliases of the API contract (src/contract/), and display helpers.

import {
  CONTENT_LEVEL_NAMES,
  SECTION_TITLES,
  SECTIONS,
  type Section,
} from "../../../../src/contract/enums.ts";
import type { Output } from "../../../../src/contract/index.ts";

export { SECTION_TITLES, SECTIONS, type Section };
export const LEVELS = CONTENT_LEVEL_NAMES;

export type AdvisorySummary = Output<"listAdvisories">["items"][number];
export type Advisory = Output<"getAdvisory">;
export type Product = Advisory["revision"]["products"][number];
export type Content = Output<"getAdvisoryContent">;
export type Diff = Output<"diffAdvisory">;

export const STATE_COLORS = { draft: "gray", in_review: "yellow", approved: "teal" } as const;

/** Products as editable lines: "Vendor | Product | affected, ... | fixed, ... | purl or cpe". */
export function productsToText(ps: Product[]): string {
  return ps
    .map((p) =>
      [p.vendor, p.product, p.affected.join(", "), p.fixed.join(", "), p.purl ?? p.cpe ?? ""]
        .join(" | ")
        .replace(/ \| $/, ""),
    )
    .join("\n");
}

export function textToProducts(text: string): Product[] {
  const list = (s: string | undefined) =>
    (s ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [vendor = "", product = "", affected, fixed, id] = l.split("|").map((x) => x.trim());
      const p: Product = { vendor, product, affected: list(affected), fixed: list(fixed) };
      if (id?.startsWith("pkg:")) p.purl = id;
      else if (id?.startsWith("cpe:")) p.cpe = id;
      return p;
    });
}

/** A user ID as people read it: the name, a system actor by its name, else the ID. */
export function whoIs(people: Advisory["people"], id: string | null): string {
  if (!id) return "unknown";
  if (id.startsWith("system:")) return `Forewarn (${id.slice("system:".length)})`;
  return people[id]?.name ?? id;
}
