// Zod pieces shared by every route: the error shape, ID params, limits.
import { z } from "zod";

export const ErrorOut = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe("Every 4xx and 5xx answer has this shape");

/** The error answers most routes can give, for their OpenAPI `responses`. */
export const errors = (...codes: (400 | 401 | 403 | 404 | 409 | 413 | 429)[]) =>
  Object.fromEntries(codes.map((c) => [c, ErrorOut])) as Record<number, typeof ErrorOut>;

export const Email = z.email().max(320);
export const Name = z.string().trim().min(1).max(200);
/** An ISO 8601 date-time with its offset, in the years 1970 to 9999 (UTC): nothing else is a real date here. */
export const IsoDate = z.iso.datetime({ offset: true }).refine((s) => {
  const y = new Date(s).getUTCFullYear();
  return y >= 1970 && y <= 9999;
}, "a date between the years 1970 and 9999");
export const NoContent = z.null().describe("No content");

/** How an answer describes a file stored sealed (platform/db/columns.ts sealedFile): spread into its object. */
export const StoredFile = z.object({
  filename: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
});

/** The query of every paginated list: `limit` (1 to 200, default 50; more is a 400) and `cursor`. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .describe("Items per page, 1 to 200 (default 50)"),
  // Room for the longest sort key a list has: a 200-character name (the partner directory) in UTF-8.
  cursor: z
    .string()
    .max(2000)
    .optional()
    .describe("nextCursor of the previous page; omit for the first page"),
});

/** The answer of every paginated list: one page of items in a stable order, and the next page's cursor. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  });
