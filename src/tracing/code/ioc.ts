// Lists of indicators of compromise (one hash, address, domain or URL a line): a set, so adjacent
// lines swap in pairs. Only blocks where every line is an indicator; anything else stays as it is.
import { type CodeEdit, pairSwaps } from "./types.ts";

const HASH = /^(?:[A-Fa-f0-9]{32}|[A-Fa-f0-9]{40}|[A-Fa-f0-9]{64}|[A-Fa-f0-9]{128})$/;
const IPV4 = /^(?:\d{1,3}(?:\.|\[\.\])){3}\d{1,3}(?::\d{1,5})?$/;
const DOMAIN = /^(?:[A-Za-z0-9-]+(?:\.|\[\.\]))+[A-Za-z]{2,}\.?$/;
const URL = /^(?:https?|hxxps?|h\*\*ps?)(?::|\[:\])\/\/\S+$/;

/** True when every non-empty line is an indicator and there are at least two. */
export function isIocList(code: string): boolean {
  const lines = code.split("\n").map((l) => l.trim());
  const items = lines.filter((l) => l !== "");
  return (
    items.length >= 2 && items.every((l) => HASH.test(l) || IPV4.test(l) || DOMAIN.test(l) || URL.test(l))
  );
}

/** Pair swaps over each run of indicator lines (a blank line ends a run). */
export function planIoc(code: string, _familyPrefix = "ioc"): CodeEdit[] {
  if (!isIocList(code)) return [];
  const out: CodeEdit[] = [];
  let run: { start: number; end: number }[] = [];
  let off = 0;
  for (const line of code.split("\n")) {
    if (line.trim() === "") {
      out.push(...pairSwaps(code, run));
      run = [];
    } else run.push({ start: off, end: off + line.length });
    off += line.length + 1;
  }
  out.push(...pairSwaps(code, run));
  return out;
}
