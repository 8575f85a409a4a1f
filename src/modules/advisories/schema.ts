// Tables of the advisories module: an advisory per case, its immutable revisions, reviews and the
// files of its detection and proof-of-concept sections (sealed at rest).
import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { AdvisoryState, Section } from "../../contract/enums.ts";
import { created, createdAt, ref, sealedFile, textId, ts, updatedAt } from "../../platform/db/columns.ts";

export const advisories = pgTable(
  "advisories",
  {
    id: textId(),
    /** Human tracking ID, also the CSAF document's tracking.id: FW-2026-0001. */
    trackingId: text("tracking_id").notNull(),
    caseId: text("case_id").notNull(),
    state: text("state").$type<AdvisoryState>().notNull(),
    /** Number of the newest revision (1-based); edits must name it (If-Match) to be accepted. */
    currentRevision: integer("current_revision").notNull(),
    /** Set at public release; until then the advisory is embargoed. */
    publishedAt: ts("published_at"),
    /** The revision made public (a release plan pins it); null means the current revision. */
    publishedRevision: integer("published_revision"),
    /**
     * A manual publication (an advisory without a release plan) asked for by one coordinator, waiting
     * for a different one to confirm it: { by, at, revision, publishAt (null: on confirmation) }.
     */
    publishRequest: jsonb("publish_request").$type<{
      by: string;
      at: string;
      revision: number;
      publishAt: string | null;
    } | null>(),
    ...created(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("advisories_tracking_key").on(t.trackingId),
    index("advisories_case_idx").on(t.caseId),
    // The public feed pages newest publication first, the staff list newest change first.
    index("advisories_published_idx").on(t.publishedAt, t.id),
    index("advisories_updated_idx").on(t.updatedAt, t.id),
  ],
);

export const advisoryRevisions = pgTable(
  "advisory_revisions",
  {
    id: textId(),
    advisoryId: ref("advisory_id", () => advisories.id),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    /** [{ vendor, product, affected: [..], fixed: [..], cpe?, purl? }] */
    products: jsonb("products").notNull(),
    /** { summary, details, detection, poc, indicators } in markdown. */
    sections: jsonb("sections").notNull(),
    changeNote: text("change_note"),
    authorId: text("author_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("advisory_revisions_number_key").on(t.advisoryId, t.number)],
);

export const advisoryReviews = pgTable(
  "advisory_reviews",
  {
    id: textId(),
    advisoryId: ref("advisory_id", () => advisories.id),
    revision: integer("revision").notNull(),
    reviewerId: text("reviewer_id").notNull(),
    decision: text("decision").notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [index("advisory_reviews_advisory_idx").on(t.advisoryId)],
);

export const advisoryFiles = pgTable(
  "advisory_files",
  {
    id: textId(),
    advisoryId: ref("advisory_id", () => advisories.id),
    /** `detection` (YARA/Suricata/Snort rules) or `poc`. */
    section: text("section").$type<Section>().notNull(),
    ...sealedFile(),
    createdAt: createdAt(),
  },
  (t) => [index("advisory_files_advisory_idx").on(t.advisoryId)],
);
