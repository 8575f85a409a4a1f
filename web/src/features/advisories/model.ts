// The advisories API as the web shell sees it.

export const SECTIONS = ["summary", "details", "detection", "poc", "indicators"] as const;
export type Section = (typeof SECTIONS)[number];
export const SECTION_TITLES: Record<Section, string> = {
  summary: "Summary",
  details: "Technical details",
  detection: "Detection guidance",
  poc: "Proof of concept",
  indicators: "Indicators of compromise",
};
export const LEVELS = ["public", "summary", "details", "detection", "full"] as const;

export type Product = {
  vendor: string;
  product: string;
  affected: string[];
  fixed: string[];
  cpe?: string;
  purl?: string;
};
export type Content = { title: string; products: Product[]; sections: Record<Section, string> };
export type AdvisorySummary = {
  id: string;
  trackingId: string;
  caseId: string;
  state: "draft" | "in_review" | "approved";
  currentRevision: number;
  publishedAt: string | null;
  updatedAt: string;
  title: string;
};
export type Advisory = Omit<AdvisorySummary, "title"> & {
  createdAt: string;
  revision: Content & {
    number: number;
    authorId: string | null;
    createdAt: string;
    changeNote: string | null;
  };
  revisions: {
    number: number;
    authorId: string | null;
    createdAt: string;
    changeNote: string | null;
    title: string;
  }[];
  reviews: {
    revision: number;
    reviewerId: string;
    decision: string;
    comment: string | null;
    createdAt: string;
  }[];
  /** Name and e-mail of each author and reviewer, by user ID. */
  people: Record<string, { name: string; email: string }>;
  files: {
    id: string;
    section: string;
    filename: string;
    mediaType: string;
    size: number;
    sha256: string;
    createdAt: string;
  }[];
};
export type Diff = {
  from: number;
  to: number;
  fields: { field: string; changes: { added: boolean; removed: boolean; value: string }[] }[];
};

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
