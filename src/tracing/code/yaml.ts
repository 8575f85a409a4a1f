// YAML and Sigma rules: variants that parse to the same data.
//  - adjacent one-line `key: value` entries of a block mapping swap in pairs (mappings are unordered);
//  - in a Sigma rule's detection section, adjacent one-line scalar items of a field's value list
//    swap in pairs (a field's values are alternatives, or all required with |all: order-free).
// Block scalars, anchors, aliases, merge keys, flow collections over several lines and
// multi-document files are left alone.
import { type CodeEdit, pairSwaps } from "./types.ts";

type Line = { start: number; end: number; indent: number; text: string };

const KEY_LINE = /^([A-Za-z0-9_.|-]+|"[^"\n]*"|'[^'\n]*'):[ \t]+(\S.*)$/;
const ITEM_LINE = /^-[ \t]+(\S.*)$/;

function scalarOk(v: string): boolean {
  const value = v.replace(/[ \t]+#.*$/, "");
  if (/^[|>&*!]|^<</.test(value)) return false;
  if (/^["']/.test(value) && !(value.length > 1 && value.endsWith(value[0]!))) return false;
  if (/^[[{]/.test(value) && !/[\]}]$/.test(value)) return false;
  return !/:[ \t]/.test(value.replace(/"[^"]*"|'[^']*'/g, "")); // "- a: b" is a mapping, not a scalar
}

/** Variation sites of a YAML document (Sigma rules get list swaps too). */
export function planYaml(src: string, _familyPrefix = "yaml"): CodeEdit[] {
  if (/^(?:---|\.\.\.)[ \t]*$/m.test(src.replace(/^---[ \t]*\n/, ""))) return []; // several documents
  if (/(?:^|[ \t])[&*][A-Za-z0-9_-]+|<<:/.test(src)) return [];
  const sigma = /^detection:[ \t]*$/m.test(src);
  const lines: Line[] = [];
  let off = 0;
  for (const text of src.split("\n")) {
    lines.push({
      start: off,
      end: off + text.length,
      indent: /^ */.exec(text)?.[0].length ?? 0,
      text: text.trim(),
    });
    off += text.length + 1;
  }
  // Lines inside block scalars or continuing a plain scalar are not entries.
  const skip = new Uint8Array(lines.length);
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (/\t/.test(src.slice(l!.start, l!.start + l!.indent + 1))) return [];
    if (/:[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$/.test(l!.text) || /^-[ \t]*[|>]/.test(l!.text)) {
      for (let j = k + 1; j < lines.length && (lines[j]!.text === "" || lines[j]!.indent > l!.indent); j++)
        skip[j] = 1;
    }
  }
  const deeperNext = (k: number) => {
    for (let j = k + 1; j < lines.length; j++) {
      if (lines[j]!.text === "" || lines[j]!.text.startsWith("#")) continue;
      return lines[j]!.indent > lines[k]!.indent && !ITEM_LINE.test(lines[j]!.text);
    }
    return false;
  };
  const out: CodeEdit[] = [];
  let inDetection = false;
  let run: Line[] = [];
  let runKind = "";
  const flush = () => {
    const keys = run.map((l) => (runKind === "map" ? KEY_LINE.exec(l.text)?.[1] : l.text));
    if (new Set(keys).size === keys.length)
      out.push(
        ...pairSwaps(
          src,
          run.map((l) => ({ start: l.start, end: l.end })),
        ),
      );
    run = [];
    runKind = "";
  };
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (l!.indent === 0 && l!.text !== "") inDetection = /^detection:/.test(l!.text);
    let kind = "";
    if (!skip[k] && !deeperNext(k)) {
      const key = KEY_LINE.exec(l!.text);
      if (key && scalarOk(key[2]!) && key[1] !== "<<") kind = `map@${l!.indent}`;
      const item = ITEM_LINE.exec(l!.text);
      if (item && sigma && inDetection && scalarOk(item[1]!) && l!.indent > 0) {
        // The parent is a field (not the condition).
        let p = k - 1;
        while (
          p >= 0 &&
          ((lines[p]!.indent >= l!.indent && lines[p]!.text.startsWith("-")) || lines[p]!.text === "")
        )
          p--;
        const parent = p >= 0 ? lines[p] : null;
        if (
          parent &&
          parent.indent <= l!.indent &&
          /^[A-Za-z0-9_.|-]+:[ \t]*$/.test(parent.text) &&
          !/^condition:/.test(parent.text)
        )
          kind = `seq@${l!.indent}@${p}`;
      }
    }
    if (kind === "" || (run.length && kind !== runKind)) flush();
    if (kind) {
      run.push(l!);
      runKind = kind;
    }
  }
  flush();
  // pairSwaps used "map@…" runs' first key for duplicates; the kind string only groups runs.
  return out;
}
