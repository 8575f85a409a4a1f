// One way to answer with a file: always as an attachment of type octet-stream, never sniffed by the
// browser, with the type we detected from its content in a header for tools.
import type { FastifyReply } from "fastify";

export function sendDownload(
  reply: FastifyReply,
  f: { filename: string; bytes: Buffer; mediaType?: string },
) {
  // A quote, backslash or line break in a stored name must not break out of the header.
  const name = f.filename.replace(/["\\\r\n]/g, "_");
  reply
    .type("application/octet-stream")
    .header("content-disposition", `attachment; filename="${name}"`)
    .header("x-content-type-options", "nosniff");
  if (f.mediaType) reply.header("x-detected-type", f.mediaType);
  return reply.send(f.bytes);
}
