// A multipart/form-data body for app.inject: files in the field `file` (each with its name) and any
// text fields before them, as a browser's FormData would send them.
export function multipart(
  files: { name: string; content: Buffer } | { name: string; content: Buffer }[],
  fields: Record<string, string> = {},
) {
  const boundary = "----forewarntest";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of Array.isArray(files) ? files : [files])
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.content,
      Buffer.from("\r\n"),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}
