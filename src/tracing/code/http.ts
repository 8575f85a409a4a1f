// Raw HTTP requests: adjacent header lines swap in pairs (the order of differently named fields
// carries no meaning, RFC 9110 5.3). The request line stays first and Host stays where it is;
// repeated field names, obsolete line folding and pseudo-headers leave a request alone.
import { type CodeEdit, pairSwaps } from "./types.ts";

const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/[0-9.]+\r?$/;
const FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*\S.*$/;

/** Variation sites of one or more raw HTTP/1.x requests. */
export function planHttp(src: string, _familyPrefix = "http"): CodeEdit[] {
  const lines: { start: number; end: number; text: string }[] = [];
  let off = 0;
  for (const text of src.split("\n")) {
    lines.push({ start: off, end: off + text.length, text });
    off += text.length + 1;
  }
  const out: CodeEdit[] = [];
  for (let k = 0; k < lines.length; k++) {
    if (!REQUEST_LINE.test(lines[k]!.text)) continue;
    let e = k + 1;
    while (e < lines.length && lines[e]!.text.replace(/\r$/, "") !== "") e++;
    const fields = lines.slice(k + 1, e);
    const names = fields.map((l) => FIELD.exec(l.text.replace(/\r$/, ""))?.[1]?.toLowerCase() ?? null);
    if (names.some((n) => n === null) || new Set(names).size !== names.length) {
      k = e;
      continue;
    }
    // Runs of fields between Host lines.
    let run: typeof fields = [];
    fields.forEach((l, i) => {
      if (names[i] === "host") {
        out.push(...pairSwaps(src, run));
        run = [];
      } else run.push(l);
    });
    out.push(...pairSwaps(src, run));
    k = e;
  }
  return out;
}
