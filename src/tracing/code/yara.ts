// YARA rules: variants that compile and match exactly the same files.
//  - string identifiers renamed in every use ($s1, #s1, @s1, !s1), to a fresh name that falls in
//    exactly the same wildcard sets ($s*) as the original;
//  - the order of plain string modifiers ("ascii wide" / "wide ascii");
//  - hex strings: digit case, or spacing when they have no letters;
//  - a text string without modifiers or escapes written as the hex string of its bytes;
//  - "any of" / "1 of"; hex integer literals' case; pairs of meta lines swapped;
//  - a one-line comment written as // or /* */;
//  - two string definitions that the condition sees only through sets holding both trade their
//    values (the order of the definitions, see valueSwaps).
// Rule names, tags and conditions' structure never change; a string value is only ever written as
// hex (above) or moved whole to another definition of the same sets.
import { type CodeEdit, nonOverlapping, pairSwaps, site } from "./types.ts";

type Tok = {
  kind: "comment" | "text" | "regex" | "hex" | "ident" | "word" | "num" | "punct";
  start: number;
  end: number;
  value: string;
};

const PLAIN_MODIFIERS = new Set(["ascii", "wide", "nocase", "fullword", "private"]);

/** Tokens of a YARA source; null when it cannot be tokenised (unterminated string or comment). */
export function yaraTokens(src: string): Tok[] | null {
  const toks: Tok[] = [];
  let i = 0;
  const push = (kind: Tok["kind"], start: number, end: number) =>
    toks.push({ kind, start, end, value: src.slice(start, end) });
  const prev = () => {
    for (let k = toks.length - 1; k >= 0; k--) if (toks[k]!.kind !== "comment") return toks[k];
    return undefined;
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c!)) {
      i++;
      continue;
    }
    if (src.startsWith("//", i)) {
      const e = src.indexOf("\n", i);
      const end = e === -1 ? src.length : e;
      push("comment", i, end);
      i = end;
      continue;
    }
    if (src.startsWith("/*", i)) {
      const e = src.indexOf("*/", i + 2);
      if (e === -1) return null;
      push("comment", i, e + 2);
      i = e + 2;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\n") return null;
        j += src[j] === "\\" ? 2 : 1;
      }
      if (j >= src.length) return null;
      push("text", i, j + 1);
      i = j + 1;
      continue;
    }
    const p = prev();
    if (c === "/" && p && (p.value === "=" || p.value === "matches")) {
      let j = i + 1;
      while (j < src.length && src[j] !== "/") {
        if (src[j] === "\n") return null;
        j += src[j] === "\\" ? 2 : 1;
      }
      if (j >= src.length) return null;
      j++;
      while (j < src.length && /[is]/.test(src[j]!)) j++;
      push("regex", i, j);
      i = j;
      continue;
    }
    if (c === "{" && p && p.value === "=") {
      const e = src.indexOf("}", i);
      if (e === -1) return null;
      push("hex", i, e + 1);
      i = e + 1;
      continue;
    }
    const m =
      /^[$#@!][A-Za-z0-9_]*\*?|^[A-Za-z_][A-Za-z0-9_]*|^0x[0-9A-Fa-f]+|^\d+(?:KB|MB)?|^(?:==|!=|<=|>=|<<|>>|\.\.)|^./.exec(
        src.slice(i, i + 256),
      );
    if (!m) return null;
    const v = m[0];
    const kind: Tok["kind"] =
      /^[$#@!]/.test(v) && (v.length > 1 || v === "$")
        ? "ident"
        : /^[A-Za-z_]/.test(v)
          ? "word"
          : /^\d|^0x/.test(v)
            ? "num"
            : "punct";
    // "!" alone is a negation only in front of nothing identifier-like; "!=" is a comparison.
    push(v === "!" ? "punct" : kind, i, i + v.length);
    i += v.length;
  }
  return toks;
}

/** Variation sites of a YARA source (rules, imports, comments). @example planYara(rule).length */
export function planYara(src: string, familyPrefix = "yara"): CodeEdit[] {
  const toks = yaraTokens(src);
  if (!toks) return [];
  const edits: (CodeEdit | null)[] = [];
  let ruleNo = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t!.kind === "comment") {
      edits.push(commentSite(src, t!));
      continue;
    }
    if (t!.kind !== "word" || t!.value !== "rule") continue;
    // rule NAME [: tags] {
    let b = k + 1;
    while (b < toks.length && toks[b]!.value !== "{") b++;
    let depth = 0;
    let e = b;
    for (; e < toks.length; e++) {
      if (toks[e]!.value === "{") depth++;
      else if (toks[e]!.value === "}" && --depth === 0) break;
    }
    if (e >= toks.length) return [];
    edits.push(...planRule(src, toks.slice(b + 1, e), `${familyPrefix}-r${ruleNo++}`));
    k = e;
  }
  return nonOverlapping(edits.filter((x): x is CodeEdit => x !== null));
}

function commentSite(src: string, t: Tok): CodeEdit | null {
  if (t.value.startsWith("//")) {
    const body = t.value.slice(2);
    if (body.includes("*/") || body.trim() === "") return null;
    return site(src, t.start, t.end, `/*${body.replace(/\s+$/, "")} */`);
  }
  const body = t.value.slice(2, -2);
  if (body.includes("\n") || body.trim() === "") return null;
  return site(src, t.start, t.end, `//${body.replace(/\s+$/, "")}`);
}

function planRule(src: string, body: Tok[], family: string): (CodeEdit | null)[] {
  const out: (CodeEdit | null)[] = [];
  // Sections.
  let section = "";
  const sectionOf: string[] = [];
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    if (t!.kind === "word" && body[k + 1]?.value === ":" && /^(meta|strings|condition)$/.test(t!.value)) {
      section = t!.value;
      sectionOf.push("");
      continue;
    }
    sectionOf.push(section);
  }
  for (const t of body) if (t.kind === "comment") out.push(commentSite(src, t));

  // Meta: one entry per line, swapped in pairs.
  const metaLines: { start: number; end: number }[] = [];
  for (let k = 0; k < body.length; k++) {
    if (sectionOf[k] !== "meta" || body[k]!.kind !== "word" || body[k + 1]?.value !== "=") continue;
    const v = body[k + 2];
    if (!v || body[k + 3]?.value === "=" || !v || sectionOf[k + 2] !== "meta") continue;
    const lineStart = src.lastIndexOf("\n", body[k]!.start - 1) + 1;
    const lineEnd = src.indexOf("\n", v.end) === -1 ? src.length : src.indexOf("\n", v.end);
    if (src.slice(lineStart, body[k]!.start).trim() !== "" || src.slice(v.end, lineEnd).trim() !== "")
      continue;
    metaLines.push({ start: lineStart, end: lineEnd });
  }
  // Consecutive runs only.
  let run: { start: number; end: number }[] = [];
  const flush = () => {
    out.push(...pairSwaps(src, run));
    run = [];
  };
  for (const l of metaLines) {
    if (run.length && src.slice(run[run.length - 1]!.end, l.start) !== "\n") flush();
    run.push(l);
  }
  flush();

  // Strings: definitions, values, modifiers.
  const defs: string[] = [];
  let anonymous = false;
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    if (sectionOf[k] !== "strings" || t!.kind !== "ident" || body[k + 1]?.value !== "=") continue;
    if (t!.value === "$") anonymous = true;
    else defs.push(t!.value.slice(1));
    const v = body[k + 2];
    if (!v) continue;
    let m = k + 3;
    const mods: Tok[] = [];
    while (m < body.length && body[m]!.kind === "word" && sectionOf[m] === "strings") {
      if (body[m + 1]?.value === "(") break;
      mods.push(body[m]!);
      m++;
    }
    const plainMods = m >= body.length || body[m]!.kind !== "word" || sectionOf[m] !== "strings";
    if (v.kind === "hex") out.push(hexSite(src, v));
    if (v.kind === "text" && mods.length === 0 && plainMods) out.push(textToHex(src, v));
    if (plainMods && mods.length >= 2 && mods.every((x) => PLAIN_MODIFIERS.has(x.value))) {
      const first = mods[0];
      const last = mods[mods.length - 1];
      const gaps = mods.slice(1).map((x, i) => src.slice(mods[i]!.end, x.start));
      if (gaps.every((g) => /^[ \t]+$/.test(g))) {
        const reversed = [...mods].reverse().map((x) => x.value);
        const alt = reversed.map((w, i) => (i ? gaps[i - 1] : "") + w).join("");
        out.push(site(src, first!.start, last!.end, alt));
      }
    }
  }

  // Condition: "any of" / "1 of", hex integers.
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    if (sectionOf[k] !== "condition") continue;
    if (body[k + 1]?.value === "of" && (t!.value === "any" || t!.value === "1"))
      out.push(site(src, t!.start, t!.end, t!.value === "any" ? "1" : "any"));
    if (t!.kind === "num" && /^0x[0-9A-Fa-f]*[A-Fa-f]/.test(t!.value)) {
      const digits = t!.value.slice(2);
      const alt = digits === digits.toUpperCase() ? digits.toLowerCase() : digits.toUpperCase();
      out.push(site(src, t!.start + 2, t!.end, alt));
    }
  }

  // Identifiers: a fresh name per string, in every use.
  const wildcards = body
    .filter((t, k) => sectionOf[k] === "condition" && t.kind === "ident" && t.value.endsWith("*"))
    .map((t) => t.value.slice(1, -1));
  const taken = new Set(defs);
  const used = new Set(
    body.filter((t) => t.kind === "ident" && !t.value.endsWith("*")).map((t) => t.value.slice(1)),
  );
  for (const u of used) taken.add(u);
  const inSets = (n: string) => wildcards.map((w) => n.startsWith(w)).join();
  if (!anonymous || wildcards.length === 0) {
    for (const name of new Set(defs)) {
      const fresh = freshName(name, taken, (f) => inSets(f) === inSets(name));
      if (!fresh) continue;
      taken.add(fresh);
      for (const t of body) {
        if (t.kind === "ident" && t.value.slice(1) === name)
          out.push(site(src, t.start + 1, t.end, fresh, `${family}-${name}`));
      }
    }
  }
  if (!anonymous) out.push(...valueSwaps(src, body, sectionOf, wildcards, out, `${family}-swap`));
  return out;
}

/**
 * Two string definitions trade places. A true swap of two lines moves their identifiers too, and a
 * renamed identifier is a site of its own (one text position, one point), so the two cannot share
 * the text: instead the identifiers stay where they are and the definitions' values trade places,
 * which is the same rule as the lines swapped and the two identifiers renamed into each other. That
 * is only invisible to the condition when it sees neither string by name ($a, #a, @a, !a, or inside
 * a list like ($a, $b)) and every wildcard set ($s*, them) holds both or neither; then every
 * quantifier, count and "for … of" loop over a set is unchanged. Rules with anonymous strings are
 * left alone. When both definitions carry the same modifiers, only the string values move and the
 * modifiers keep their own sites; otherwise value and modifiers move together. A value that has a
 * site of its own (hex case, text as hex, modifier order) is never moved: a swap would cost that
 * point to gain one. Each pair is one point (a family of two sites).
 */
function valueSwaps(
  src: string,
  body: Tok[],
  sectionOf: string[],
  wildcards: string[],
  taken: (CodeEdit | null)[],
  family: string,
): CodeEdit[] {
  const byName = new Set(
    body
      .filter((t, k) => sectionOf[k] === "condition" && t.kind === "ident" && t.value.length > 1)
      .filter((t) => !t.value.endsWith("*"))
      .map((t) => t.value.slice(1)),
  );
  const busy = (start: number, end: number) =>
    taken.some((e) => e !== null && e.start < end && start < e.end) ||
    body.some((t) => t.kind === "comment" && t.start < end && start < t.end);
  type Def = { literal: Tok; mods: string; modsStart: number; end: number; sets: string };
  const out: CodeEdit[] = [];
  const pending = new Map<string, Def>();
  let n = 0;
  for (let k = 0; k < body.length; k++) {
    const t = body[k]!;
    if (sectionOf[k] !== "strings" || t.kind !== "ident" || body[k + 1]?.value !== "=") continue;
    const name = t.value.slice(1);
    const literal = body[k + 2];
    if (!literal || byName.has(name) || !["text", "hex", "regex"].includes(literal.kind)) continue;
    // One definition on a line of its own, nothing after it but its modifiers.
    const lineStart = src.lastIndexOf("\n", t.start - 1) + 1;
    const nl = src.indexOf("\n", literal.start);
    const lineEnd = nl === -1 ? src.length : nl;
    if (src.slice(lineStart, t.start).trim() !== "" || literal.end > lineEnd) continue;
    // Its modifiers end on the line too, and nothing else shares it.
    let m = k + 3;
    while (m < body.length && sectionOf[m] === "strings" && body[m]!.kind !== "ident") m++;
    if (body.slice(k + 3, m).some((x) => x.end > lineEnd || x.kind === "comment")) continue;
    if (body[m] && body[m]!.start < lineEnd) continue;
    const end = lineStart + src.slice(lineStart, lineEnd).trimEnd().length;
    if (busy(literal.start, literal.end)) continue;
    const sets = wildcards.map((w) => name.startsWith(w)).join();
    const def: Def = { literal, mods: src.slice(literal.end, end), modsStart: literal.end, end, sets };
    const other = pending.get(sets);
    if (!other) {
      pending.set(sets, def);
      continue;
    }
    const sameMods = other.mods === def.mods;
    if (!sameMods && (busy(other.modsStart, other.end) || busy(def.modsStart, def.end))) {
      pending.set(sets, def);
      continue;
    }
    const unit = (d: Def) => [d.literal.start, sameMods ? d.literal.end : d.end] as const;
    const [a0, a1] = unit(other);
    const [b0, b1] = unit(def);
    const f = `${family}${n++}`;
    const x = site(src, a0, a1, src.slice(b0, b1), f);
    const y = site(src, b0, b1, src.slice(a0, a1), f);
    if (x && y) out.push(x, y);
    pending.delete(sets);
  }
  return out;
}

const LETTER_SWAP: Record<string, string> = { s: "a", a: "s", h: "x", x: "h", str: "s", re: "r", r: "re" };

function freshName(name: string, taken: Set<string>, sameSets: (n: string) => boolean): string | null {
  const m = /^([A-Za-z_]+?)(\d*)$/.exec(name);
  const candidates: string[] = [];
  if (m) {
    const swap = LETTER_SWAP[m[1]!];
    if (swap) candidates.push(`${swap}${m[2]}`);
    candidates.push(`${m[1]}_${m[2] || "0"}`);
  }
  candidates.push(`${name}_`, `${name}x`, `x${name}`, `${name}_v`);
  return candidates.find((c) => !taken.has(c) && /^[A-Za-z0-9_]+$/.test(c) && sameSets(c)) ?? null;
}

function hexSite(src: string, t: Tok): CodeEdit | null {
  const inner = t.value.slice(1, -1);
  if (/[A-Fa-f]/.test(inner.replace(/~/g, ""))) {
    const letters = inner.match(/[A-Fa-f]/g) ?? [];
    const upper = letters.filter((l) => l === l.toUpperCase()).length >= letters.length / 2;
    const alt = upper
      ? inner.replace(/[A-F]/g, (l) => l.toLowerCase())
      : inner.replace(/[a-f]/g, (l) => l.toUpperCase());
    return site(src, t.start + 1, t.end - 1, alt);
  }
  if (!/^\s[0-9?\s]+\s$/.test(inner)) return null; // only plain bytes and wildcards
  const bytes = inner.trim().split(/\s+/);
  if (!bytes.every((b) => /^[0-9?]{2}$/.test(b))) return null;
  return site(src, t.start + 1, t.end - 1, ` ${bytes.join("")} `);
}

function textToHex(src: string, t: Tok): CodeEdit | null {
  const inner = t.value.slice(1, -1);
  if (inner.length === 0 || inner.length > 48 || !/^[\x20-\x7E]+$/.test(inner) || /["\\]/.test(inner))
    return null;
  const hex = [...inner].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")).join(" ");
  return site(src, t.start, t.end, `{ ${hex} }`);
}
