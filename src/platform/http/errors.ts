// Maps every error to one shape: { error: { code, message, requestId } }. Database and other
// unexpected errors are logged with the request ID and answered as a bare 500.
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, type ErrorCode, STATUS } from "../errors.ts";

const MULTIPART_ERRORS =
  /^(Unexpected end of multipart data|Multipart: Boundary not found|Malformed part header)/;

function fromFastify(e: FastifyError): AppError | null {
  if (hasZodFastifySchemaValidationErrors(e)) {
    const issues = e.validation.map((v) => {
      const path = v.instancePath.split("/").filter(Boolean).join(".");
      const where = `${e.validationContext ?? "body"}${path ? `.${path}` : ""}`;
      return `${where}: ${v.message}`;
    });
    return new AppError("validation_failed", `invalid request: ${issues.join("; ")}`, {
      issues: e.validation.map((v) => ({ path: v.instancePath, message: v.message })),
    });
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AppError("payload_too_large", "the request body is larger than this endpoint accepts");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new AppError("unsupported_media_type", "send the body as application/json");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AppError("malformed_json", "the body is empty but Content-Type says JSON");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new AppError("malformed_json", `the body is not valid JSON: ${e.message}`);
  }
  // The multipart parser (busboy) throws plain Errors for a body cut short or without its boundary.
  if (!e.statusCode && MULTIPART_ERRORS.test(e.message ?? "")) {
    return new AppError("bad_request", `the multipart body is malformed or incomplete: ${e.message}`);
  }
  if (e instanceof SyntaxError || e.statusCode === 400) {
    return new AppError("malformed_json", `the body is not valid JSON: ${e.message}`);
  }
  if (e.statusCode === 429) return new AppError("rate_limited", e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code = (Object.entries(STATUS).find(([, s]) => s === e.statusCode)?.[0] ??
      "bad_request") as ErrorCode;
    return new AppError(code, e.message);
  }
  return null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = err instanceof AppError ? err : fromFastify(err);
    if (!known) {
      req.log.error({ err }, "unhandled error");
      return reply.code(500).send({
        error: {
          code: "internal",
          message: "internal error; quote the requestId to the operators",
          requestId: req.id,
        },
      });
    }
    if (known.status >= 500) req.log.error({ err }, known.message);
    if (known.code === "too_many_attempts" || known.code === "rate_limited") {
      const retry = Number(known.details?.retryAfterSeconds ?? 60);
      reply.header("retry-after", String(retry));
    }
    return reply.code(known.status).send({
      error: {
        code: known.code,
        message: known.message,
        requestId: req.id,
        ...(known.details ? { details: known.details } : {}),
      },
    });
  });
}
