// Evidence as it arrives: a JSON text, or a file whose type is judged by its bytes (text, markdown,
// HTML, rule files, scripts, HTTP request logs: all text; PDF through pdftotext when installed; a ZIP
// of several of these). Whatever the type, what is kept and read is text.
import { execFile } from "node:child_process";
import { unzipSync } from "fflate";
import { EVIDENCE_FILE_MAX_BYTES } from "../../contract/forensics.ts";
import { AppError } from "../../platform/errors.ts";
import { safeFilename, sniffType } from "../../platform/files.ts";

/** Largest evidence text sent as JSON, in characters. */
export const EVIDENCE_TEXT_MAX_CHARS = 500_000;
/** Most members read from one ZIP. */
export const ZIP_MAX_MEMBERS = 100;

export type EvidenceMediaType = "text/plain" | "text/markdown" | "text/html" | "application/pdf";
export type ParsedEvidence = {
  name: string;
  mediaType: EvidenceMediaType;
  size: number;
  bytes: Buffer;
  text: string;
};

const HTML = /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Visible text of an HTML document (scripts and styles dropped, block ends as newlines, entities decoded). */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<\/(p|div|li|h[1-6]|tr|pre|br|section|article)\s*>|<br\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

function pdfText(bytes: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "pdftotext",
      ["-q", "-enc", "UTF-8", "-", "-"],
      { timeout: 30_000, maxBuffer: 20 * 1024 * 1024, encoding: "utf8" },
      (err, stdout) => {
        if (err) {
          const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
          reject(
            new AppError(
              missing ? "unsupported_media_type" : "validation_failed",
              missing
                ? `${name}: PDF evidence needs pdftotext (poppler-utils) on the server; send its text instead`
                : `${name}: the PDF's text could not be extracted`,
            ),
          );
        } else resolve(stdout);
      },
    );
    child.stdin?.end(bytes);
  });
}

async function one(name: string, bytes: Buffer): Promise<ParsedEvidence> {
  const type = sniffType(bytes, name);
  if (type === "application/pdf")
    return { name, mediaType: type, size: bytes.length, bytes, text: await pdfText(bytes, name) };
  if (type === "text/plain" || type === "text/markdown") {
    const text = bytes.toString("utf8");
    if (HTML.test(text))
      return { name, mediaType: "text/html", size: bytes.length, bytes, text: htmlText(text) };
    return { name, mediaType: type, size: bytes.length, bytes, text };
  }
  throw new AppError(
    "unsupported_media_type",
    `${name}: evidence must be text (advisory, rule file, script, request log), markdown, HTML, PDF or a ZIP of these; its content is ${type ?? "binary data of an unknown type"}`,
  );
}

/**
 * The pieces of one upload: the file itself, or each file of a ZIP (folders and empty files skipped).
 * @example await parseEvidenceFile("leak.txt", Buffer.from("...")) // [{ mediaType: "text/plain", ... }]
 */
export async function parseEvidenceFile(filename: string, bytes: Buffer): Promise<ParsedEvidence[]> {
  const name = safeFilename(filename || "evidence");
  if (bytes.length === 0) throw new AppError("validation_failed", `${name}: the file is empty`);
  if (bytes.length > EVIDENCE_FILE_MAX_BYTES)
    throw new AppError(
      "payload_too_large",
      `evidence files are at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MiB`,
    );
  if (sniffType(bytes, name) !== "application/zip") return [await one(name, bytes)];
  let total = 0;
  let members = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(bytes), {
      filter: (f) => {
        if (f.name.endsWith("/")) return false;
        members++;
        total += f.originalSize;
        if (members > ZIP_MAX_MEMBERS)
          throw new AppError("payload_too_large", `${name}: a ZIP may hold at most ${ZIP_MAX_MEMBERS} files`);
        if (total > EVIDENCE_FILE_MAX_BYTES)
          throw new AppError(
            "payload_too_large",
            `${name}: the ZIP's files add up to more than ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MiB uncompressed`,
          );
        return true;
      },
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("validation_failed", `${name}: not a readable ZIP archive`);
  }
  const out: ParsedEvidence[] = [];
  for (const [member, data] of Object.entries(entries)) {
    const b = Buffer.from(data);
    if (b.length === 0) continue;
    const memberName = `${name}/${safeFilename(member)}`;
    if (sniffType(b, member) === "application/zip")
      throw new AppError(
        "unsupported_media_type",
        `${memberName}: a ZIP inside a ZIP is not read; upload it on its own`,
      );
    out.push(await one(memberName, b));
  }
  if (out.length === 0) throw new AppError("validation_failed", `${name}: the ZIP holds no files`);
  return out;
}
