// One way to answer with a file: always as an attachment of type octet-stream, never sniffed by the
// browser, with the type we detected from its content in a header for tools.
import type { FastifyReply } from "fastify";

/** RFC 8187 ext-value: UTF-8, percent-encoding everything but attr-char. */
const encodeRfc8187 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The Content-Disposition of an attachment (RFC 6266): a printable-ASCII `filename` for old clients
 * and `filename*` with the exact name in UTF-8. Quotes, backslashes and control characters (CR/LF)
 * cannot break out of the header: they are replaced in the fallback and percent-encoded in `filename*`.
 */
export function contentDisposition(filename: string): string {
  const clean =
    [...filename.toWellFormed()].map((ch) => (/[\p{Cc}]/u.test(ch) ? "_" : ch)).join("") || "download";
  const fallback = clean.replace(/[^\x20-\x7e]|["\\]/g, "_");
  if (fallback === clean) return `attachment; filename="${fallback}"`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(clean)}`;
}

export function sendDownload(
  reply: FastifyReply,
  f: { filename: string; bytes: Buffer; mediaType?: string },
) {
  reply
    .type("application/octet-stream")
    .header("content-disposition", contentDisposition(f.filename))
    .header("x-content-type-options", "nosniff");
  if (f.mediaType) reply.header("x-detected-type", f.mediaType);
  return reply.send(f.bytes);
}
