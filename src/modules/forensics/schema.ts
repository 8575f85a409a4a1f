// Tables of the forensics module: investigations with their timeline (opened, notes, evidence,
// closed), evidence sealed at rest, and the shingle index over every delivered revision that names
// the advisory a piece of evidence comes from.
import { index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { created, ref, textId, ts } from "../../platform/db/columns.ts";

export type InvestigationStatus = "open" | "closed";

export const investigations = pgTable(
  "investigations",
  {
    id: textId(),
    title: text("title").notNull(),
    /** The advisory the leak concerns, when known; otherwise the shingle index names it. */
    advisoryId: text("advisory_id"),
    /** First exploitation or sighting observed outside (the end of the exposure window). */
    observedAt: ts("observed_at"),
    status: text("status").$type<InvestigationStatus>().notNull(),
    conclusion: text("conclusion"),
    ...created(),
    closedBy: text("closed_by"),
    closedAt: ts("closed_at"),
  },
  (t) => [
    index("investigations_status_idx").on(t.status, t.createdAt),
    // The list pages newest first.
    index("investigations_created_idx").on(t.createdAt, t.id),
  ],
);

/** The status timeline: opened, note, evidence_added, closed. Note texts are sealed. */
export const investigationEvents = pgTable(
  "investigation_events",
  {
    id: textId(),
    investigationId: ref("investigation_id", () => investigations.id),
    kind: text("kind").notNull(),
    actorId: text("actor_id"),
    at: ts("at").notNull(),
    /** A note's text, sealed under `investigation_events.text:${id}`; null for other kinds. */
    textSealed: text("text_sealed"),
    /** Evidence ID for evidence_added; conclusion length etc. are not kept here. */
    ref: text("ref"),
  },
  (t) => [index("investigation_events_investigation_idx").on(t.investigationId, t.at)],
);

export const investigationEvidence = pgTable(
  "investigation_evidence",
  {
    id: textId(),
    investigationId: ref("investigation_id", () => investigations.id),
    name: text("name").notNull(),
    /** text (sent as JSON) or file (multipart; a ZIP gives one row per text file inside). */
    kind: text("kind").notNull(),
    /** Type judged by content: text/plain, text/markdown, text/html, application/pdf. */
    mediaType: text("media_type").notNull(),
    size: integer("size").notNull(),
    /** SHA-256 of the bytes as received (of the file inside a ZIP for ZIP members). */
    sha256: text("sha256").notNull(),
    source: text("source"),
    foundAt: ts("found_at"),
    /** The evidence text, sealed under `investigation_evidence.text:${id}`. */
    textSealed: text("text_sealed").notNull(),
    ...created(),
  },
  (t) => [index("investigation_evidence_investigation_idx").on(t.investigationId, t.createdAt)],
);

/**
 * Keyed 32-bit hashes of the word 5-shingles of each delivered revision (one row per tracing key and
 * shingle): HMAC under a key derived from the master key, so a database reader cannot test guesses
 * of embargoed sentences against it.
 */
export const forensicShingles = pgTable(
  "forensic_shingles",
  {
    hash: integer("hash").notNull(),
    tracingKeyId: text("tracing_key_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.tracingKeyId] })],
);

/** Which tracing keys are in the shingle index, with their advisory, revision and shingle count. */
export const forensicIndexedKeys = pgTable(
  "forensic_indexed_keys",
  {
    tracingKeyId: text("tracing_key_id").primaryKey(),
    advisoryId: text("advisory_id").notNull(),
    revision: integer("revision").notNull(),
    shingles: integer("shingles").notNull(),
    indexedAt: ts("indexed_at").notNull(),
  },
  (t) => [index("forensic_indexed_keys_advisory_idx").on(t.advisoryId)],
);
