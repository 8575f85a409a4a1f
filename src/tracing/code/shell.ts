// Shell commands: variants the shell expands to the same words.
//  - a quoted word without anything the shell expands inside ("abc" / 'abc');
//  - the first two flag-only options of grep in either order (grep -E -i / grep -i -E).
// Scripts with here-documents are left alone.
import { type CodeEdit, nonOverlapping, site } from "./types.ts";

const SAFE = /^[A-Za-z0-9_.,:/=@%+^ -]+$/;
const GREP_FLAGS = /^-[EFGPivwxcLlnohHsqrRaIzZUb]$/;

/** Variation sites of a shell script or a console snippet. */
export function planShell(src: string, _familyPrefix = "sh"): CodeEdit[] {
  if (/<</.test(src)) return [];
  const edits: (CodeEdit | null)[] = [];
  let i = 0;
  let wordStart = true;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") {
      i += 2;
      wordStart = false;
      continue;
    }
    if (c === "#" && wordStart) {
      const e = src.indexOf("\n", i);
      i = e === -1 ? src.length : e;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += c === '"' && src[j] === "\\" ? 2 : 1;
      if (j >= src.length) return [];
      const inner = src.slice(i + 1, j);
      // Not $'…' (ANSI-C) nor $"…" (translated): the $ changes what the quotes mean.
      if (inner !== "" && SAFE.test(inner) && !/^[-~]/.test(inner) && src[i - 1] !== "$") {
        const q = c === "'" ? '"' : "'";
        edits.push(site(src, i, j + 1, `${q}${inner}${q}`));
      }
      i = j + 1;
      wordStart = false;
      continue;
    }
    wordStart = /[\s;|&()]/.test(c!);
    i++;
  }
  for (const m of src.matchAll(/(?<=(?:^|[\s;|&(])grep[ \t]+)(-[A-Za-z])([ \t]+)(-[A-Za-z])(?=[ \t])/gm)) {
    const [, a, gap, b] = m;
    if (!GREP_FLAGS.test(a!) || !GREP_FLAGS.test(b!) || a === b) continue;
    const at = m.index ?? 0;
    edits.push(site(src, at, at + m[0].length, `${b}${gap}${a}`));
  }
  return nonOverlapping(edits.filter((x): x is CodeEdit => x !== null));
}
