// One place that refuses text no handler should see: NUL characters (PostgreSQL text cannot hold
// them) and lone UTF-16 surrogates (not Unicode; they break JSON, XML and the database) anywhere in
// the body, the query or the path parameters, keys included. Answered 400 before validation.
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";
import { isRawRoute } from "./auth.ts";

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why the string cannot be accepted, or null. */
export function badText(s: string): string | null {
  if (s.includes("\u0000")) return "contains a NUL control character (code 0)";
  if (LONE_SURROGATE.test(s)) return "contains a lone UTF-16 surrogate (not valid Unicode)";
  return null;
}

/** The first place in the value holding bad text, as `where.path: reason`, or null. */
export function findBadText(value: unknown, where: string, depth = 0): string | null {
  if (typeof value === "string") {
    const why = badText(value);
    return why ? `${where} ${why}` : null;
  }
  if (depth > 64 || value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = findBadText(v, `${where}.${i}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (Buffer.isBuffer(value)) return null;
  for (const [k, v] of Object.entries(value)) {
    const keyWhy = badText(k);
    if (keyWhy) return `a key in ${where} ${keyWhy}`;
    const bad = findBadText(v, `${where}.${k}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

export function installInputChecks(app: FastifyInstance): void {
  app.addHook("preValidation", async (req) => {
    if (isRawRoute(req)) return;
    const bad =
      findBadText(req.params, "params") ?? findBadText(req.query, "query") ?? findBadText(req.body, "body");
    if (bad) throw new AppError("validation_failed", `invalid request: ${bad}`);
  });
}
