// Upload checks shared by every module that takes files: the declared type counts for nothing,
// the first bytes decide; each module then says which of these types it accepts. A stored file is
// sealed under the master key, bound to its row (sealedFile() in platform/db/columns.ts).
import { type Sealer, sha256Hex } from "./crypto.ts";
import { AppError, badRequest } from "./errors.ts";

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 5;

export type SniffedType =
  | "application/pdf"
  | "image/png"
  | "image/jpeg"
  | "application/zip"
  | "application/vnd.tcpdump.pcap"
  | "text/plain"
  | "text/markdown";

const starts = (b: Buffer, sig: number[]) => sig.every((x, i) => b[i] === x);

/** The file's type from its magic bytes (text: valid UTF-8 without control characters), or null. */
export function sniffType(bytes: Buffer, filename = ""): SniffedType | null {
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04]) || starts(bytes, [0x50, 0x4b, 0x05, 0x06]))
    return "application/zip";
  // pcap in both byte orders, micro- and nanosecond variants, and pcapng.
  for (const sig of [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x0a, 0x0d, 0x0d, 0x0a],
  ])
    if (starts(bytes, sig)) return "application/vnd.tcpdump.pcap";
  if (isText(bytes)) return /\.(md|markdown)$/i.test(filename) ? "text/markdown" : "text/plain";
  return null;
}

function isText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD")) return false;
  // Tabs, newlines, form feeds and carriage returns only among the C0 controls (and no DEL).
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127) return false;
  }
  return true;
}

/** A filename safe to store and to send back in Content-Disposition. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "file";
  const clean = base.replace(/[^A-Za-z0-9._ -]/g, "_").slice(0, 200);
  return clean.replace(/^\.+/, "") || "file";
}

/**
 * An upload's files, checked before anything is stored: at least one, none over MAX_FILE_BYTES
 * (413), each of a type `accepts` takes, judged by content (415 saying `expected`). Returns each with
 * a safe name and its type.
 */
export function checkedUploads<F extends { filename: string; bytes: Buffer }>(
  files: F[],
  accepts: (type: SniffedType) => boolean,
  expected: string,
): (F & { filename: string; mediaType: SniffedType })[] {
  if (files.length === 0) throw badRequest("no file in the upload");
  return files.map((f) => {
    if (f.bytes.length > MAX_FILE_BYTES)
      throw new AppError("payload_too_large", `${f.filename} is larger than 10 MiB`);
    const mediaType = sniffType(f.bytes, f.filename);
    if (!mediaType || !accepts(mediaType))
      throw new AppError("unsupported_media_type", `${f.filename}: ${expected} (judged by content)`);
    return { ...f, filename: safeFilename(f.filename), mediaType };
  });
}

/**
 * The values of a sealedFile() row for an accepted upload: its name, type and size, the SHA-256 of
 * its bytes, and the bytes sealed under `context` (the row's table and ID, so a copied value does not
 * open elsewhere).
 */
export function sealedFileValues(
  sealer: Sealer,
  context: string,
  file: { filename: string; mediaType: string; bytes: Buffer },
  uploadedBy: string | null,
) {
  return {
    filename: file.filename,
    mediaType: file.mediaType,
    size: file.bytes.length,
    sha256: sha256Hex(file.bytes),
    sealed: sealer.seal(file.bytes.toString("base64"), context),
    uploadedBy,
  };
}

/** The bytes of a sealedFile() row, opened under the context they were sealed with. */
export const openSealedFile = (sealer: Sealer, sealed: string, context: string): Buffer =>
  Buffer.from(sealer.open(sealed, context), "base64");
