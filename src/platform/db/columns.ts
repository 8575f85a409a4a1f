// The columns every module's tables share, written once: a timestamp read as a Date, the text
// primary key of a prefixed ID (platform/ids.ts), the creation and update times, who made the row, a
// required reference to another table, and a file sealed at rest. Each builds exactly the column it replaces (drizzle-kit sees no
// change), so a schema.ts reads as what is particular to its table.
import { type AnyPgColumn, integer, text, timestamp } from "drizzle-orm/pg-core";

type ReferenceActions = Parameters<ReturnType<typeof text>["references"]>[1];

/** `timestamp with time zone`, read as a Date. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** The `id` primary key: a prefixed ID from platform/ids.ts. */
export const textId = () => text("id").primaryKey();

/** When the row was made. */
export const createdAt = () => ts("created_at").notNull();

/** When the row last changed. */
export const updatedAt = () => ts("updated_at").notNull();

/** Who made the row (an actor reference, authz `actorRef`; null when not recorded) and when. */
export const created = () => ({ createdBy: text("created_by"), createdAt: createdAt() });

/** A required text reference to another table's key, e.g. `caseId: ref("case_id", () => cases.id)`. */
export const ref = (name: string, target: () => AnyPgColumn, actions?: ReferenceActions) =>
  text(name).notNull().references(target, actions);

/**
 * A file stored sealed under the master key (its bytes in `sealed`): its name, media type judged by
 * content, size, SHA-256 of the plain bytes and who uploaded it.
 */
export const sealedFile = () => ({
  filename: text("filename").notNull(),
  mediaType: text("media_type").notNull(),
  size: integer("size").notNull(),
  sha256: text("sha256").notNull(),
  sealed: text("sealed").notNull(),
  uploadedBy: text("uploaded_by"),
});

/** What a listing shows of a sealedFile() table's row: everything but the sealed bytes and uploader. */
export function listedFile<
  F extends AnyPgColumn,
  M extends AnyPgColumn,
  S extends AnyPgColumn,
  H extends AnyPgColumn,
>(t: { filename: F; mediaType: M; size: S; sha256: H }) {
  return { filename: t.filename, mediaType: t.mediaType, size: t.size, sha256: t.sha256 };
}
