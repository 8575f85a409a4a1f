// What a hit stores of attacker-chosen text (query names, request lines, user agents): printable,
// bounded, one line. Control characters, line and paragraph separators and bidirectional overrides
// become `\x{..}` escapes, a backslash doubles, and anything past the limit is cut with an ellipsis.

/** Longest stored query name / request line and user agent, in characters (escapes included). */
export const DETAIL_MAX = 300;
export const USER_AGENT_MAX = 300;

function needsEscape(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp < 0xa0) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff ||
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

/** The text made printable and at most `max` characters long (plus an ellipsis when cut). */
export function printable(input: string, max: number): string {
  let out = "";
  for (const ch of input) {
    const cp = ch.codePointAt(0) ?? 0;
    const piece = ch === "\\" ? "\\\\" : needsEscape(cp) ? `\\x{${cp.toString(16)}}` : ch;
    if (out.length + piece.length > max) return `${out}…`;
    out += piece;
  }
  return out;
}
