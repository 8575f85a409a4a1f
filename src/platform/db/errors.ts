// Database errors the services act on. node-postgres puts the SQLSTATE on the error; Drizzle may wrap
// it (the driver's error as `cause`); PGlite does the same as node-postgres.

/** A unique constraint refused the row (SQLSTATE 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  return err?.code === "23505" || err?.cause?.code === "23505";
}
