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
