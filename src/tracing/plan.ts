// Variation planning: markdown advisory → template of fixed text and variation sites, grouped into
// points (one codeword symbol each). Prose varies, and fenced code in a language with a code-aware
// planner (code/) where its tools see no difference; other protected spans are never touched.
import { fencedCodeEdits, languageOfFile, planCode } from "./code/index.ts";
import { INVISIBLE, tokenize } from "./normalize.ts";
import {
  CONTEXT_RULES,
  type ContextRule,
  INTRO_PHRASES,
  NUMBER_WORDS,
  PHRASE_GROUPS,
  SPELLING_FAMILIES,
} from "./phrases.ts";

export type Layer =
  | "phrase"
  | "spelling"
  | "punctuation"
  | "number"
  | "list"
  | "order"
  | "author"
  | "invisible"
  | "code";
export const LAYERS: readonly Layer[] = [
  "phrase",
  "spelling",
  "punctuation",
  "number",
  "list",
  "order",
  "author",
  "invisible",
  "code",
];
/** Layers that survive whitespace and Unicode normalisation. */
export const VISIBLE_LAYERS: readonly Layer[] = LAYERS.filter((l) => l !== "invisible");

export type Site = {
  point: number;
  layer: Layer;
  /** Text written for symbol 0 and symbol 1. */
  alts: [string, string];
  /** Text of the plain (unfingerprinted) rendering. */
  plain: string;
};

export type Plan = {
  version: 1;
  /** Fixed text (string) or the index of a site (number), in document order. */
  segments: (string | number)[];
  sites: Site[];
  /** Each point lists its sites; all sites of a point show the same symbol. */
  points: { layer: Layer; sites: number[] }[];
};

export type PlanOptions = {
  /** Invisible layer density: a zero-width choice at every word gap, after sentences only, or none. */
  invisible?: "dense" | "sentences" | "off";
  /** Names to keep byte-for-byte in addition to the built-in rules (products, projects). */
  protect?: readonly string[];
};

export const MAX_ADVISORY_BYTES = 2_000_000;

export class PlanError extends Error {}

type Edit = {
  start: number;
  end: number;
  /** null: removed from every rendering (author directives). */
  alts: [string, string] | null;
  plain: string;
  layer: Layer;
  /** Sites with the same family share a point (spelling conventions). */
  family?: string;
};

const LETTER = /\p{L}/u;

/**
 * Finds every variation point of an advisory in markdown.
 * @example
 * const plan = planAdvisory("An attacker could allow access, e.g. to files.");
 * plan.points.length > 0 // true
 */
export function planAdvisory(markdown: string, options: PlanOptions = {}): Plan {
  const { text, edits } = analyse(markdown, options);
  return assemble(text, edits);
}

/** Where the planner varies an advisory: offsets in its text (CRLF folded to LF), by layer. */
export type PlannedSpan = { start: number; end: number; layer: Layer };

/**
 * The planner's view of an advisory: its text (CRLF folded to LF), which characters are protected
 * (code, names, URLs, directives, author markup) and the span of every edit, in text offsets. The
 * author layer's proposals (author.ts) are placed only where this leaves the text free.
 */
export function plannedSpans(
  markdown: string,
  options: PlanOptions = {},
): { text: string; mask: Uint8Array; spans: PlannedSpan[] } {
  const { text, mask, edits } = analyse(markdown, options);
  return { text, mask, spans: edits.map((e) => ({ start: e.start, end: e.end, layer: e.layer })) };
}

function analyse(markdown: string, options: PlanOptions): { text: string; mask: Uint8Array; edits: Edit[] } {
  const text = markdown.replace(/\r\n?/g, "\n");
  if (text.trim() === "") throw new PlanError("the advisory is empty");
  if (Buffer.byteLength(text, "utf8") > MAX_ADVISORY_BYTES)
    throw new PlanError(`the advisory is larger than ${MAX_ADVISORY_BYTES} bytes`);
  if (text.includes("\u0000")) throw new PlanError("the advisory is not text (it contains NUL bytes)");

  const mask = new Uint8Array(text.length);
  const edits: Edit[] = [];
  const protect = [...(options.protect ?? [])];

  // Directives are removed from every copy; `forewarn:protect A; B` adds protected names.
  const directiveLines = new Map<number, string>();
  for (const m of text.matchAll(/<!--\s*forewarn:([a-z-]+)\s*([\s\S]*?)-->[ \t]*\n?/g)) {
    const at = m.index ?? 0;
    edits.push({ start: at, end: at + m[0].length, alts: null, plain: "", layer: "author" });
    markRange(mask, at, at + m[0].length);
    if (m[1] === "protect") protect.push(...m[2]!.split(/[;\n]/).map((s) => s.trim()));
    directiveLines.set(lineOf(text, at), m[1]!);
  }

  // Author-marked alternatives always vary, even inside code (the author vouches for them).
  for (const m of text.matchAll(/\{\{([^{}\n]*?)\}\}/g)) {
    const at = m.index ?? 0;
    if (mask[at]) continue;
    const parts = m[1]!.split("|");
    if (parts.length < 2) continue;
    const [a, b] = parts;
    edits.push({ start: at, end: at + m[0].length, alts: [a!, b!], plain: a!, layer: "author" });
    markRange(mask, at, at + m[0].length);
  }

  protectSpans(
    text,
    mask,
    protect.filter((s) => s.length > 0),
  );
  // Fenced code in a known language varies only where its own tools see no difference.
  edits.push(...codeInsideBlocks(text, mask, edits));
  edits.push(...listSwaps(text, mask, directiveLines));

  const candidates = [
    ...phraseMatches(text, mask),
    ...contextMatches(text, mask),
    ...clauseCommaMatches(text, mask),
    ...openerCommaMatches(text, mask),
    ...coordinationSwaps(text, mask),
    ...spellingMatches(text, mask),
    ...numberMatches(text, mask),
    ...serialCommaMatches(text, mask),
    ...introCommaMatches(text, mask),
    ...relativeMatches(text, mask),
    ...reducedRelativeMatches(text, mask),
  ].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  let reach = 0;
  let insertedAt = -1; // one insertion per gap: two optional commas at one place would give ",,"
  for (const c of candidates) {
    if (c.start < reach) continue;
    if (c.start === c.end) {
      if (c.start === insertedAt) continue;
      insertedAt = c.start;
    }
    edits.push(c);
    reach = c.end;
  }

  const mode = options.invisible ?? "dense";
  if (mode !== "off") {
    const busy = new Uint8Array(text.length + 1);
    for (const e of edits) for (let i = e.start + 1; i < e.end; i++) busy[i] = 1;
    for (const m of text.matchAll(/ (?=\p{L})/gu)) {
      const at = (m.index ?? 0) + 1;
      const before = text[at - 2] ?? "";
      if (mask[at - 1] || mask[at] || mask[at - 2] || busy[at]) continue;
      const sentenceEnd = /[.!?]/.test(before);
      if (mode === "sentences" ? !sentenceEnd : !(LETTER.test(before) || /[,.;:!?)]/.test(before))) continue;
      edits.push({ start: at, end: at, alts: [INVISIBLE[0], INVISIBLE[1]], plain: "", layer: "invisible" });
    }
  }

  return { text, mask, edits };
}

/** Code sites that lie inside protected blocks and touch no other edit; a family goes whole or not at all. */
function codeInsideBlocks(text: string, mask: Uint8Array, taken: Edit[]): Edit[] {
  const code = fencedCodeEdits(text);
  const bad = new Set<string>();
  const ok = code.map((e) => {
    const fine = e.end > e.start && mask.subarray(e.start, e.end).every((v) => v === 1);
    const clear = !taken.some((a) => a.start < e.end && e.start < a.end);
    if (!(fine && clear) && e.family) bad.add(e.family);
    return fine && clear;
  });
  return code.filter((e, k) => ok[k] && !(e.family && bad.has(e.family)));
}

/**
 * The plan of an attached text file (a rule, a proof of concept): only code-aware sites of its
 * language; null for binary files and unknown languages, which stay byte-for-byte.
 * @example planFile("detect.yar", rule)?.points.length
 */
export function planFile(name: string, content: string): Plan | null {
  if (content.includes("\u0000") || content.includes("\uFFFD")) return null;
  if (Buffer.byteLength(content, "utf8") > MAX_ADVISORY_BYTES) return null;
  const language = languageOfFile(name, content);
  if (!language) return null;
  return assemble(content, planCode(language, content));
}

function assemble(text: string, edits: Edit[]): Plan {
  edits.sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start));
  const segments: (string | number)[] = [];
  const sites: Site[] = [];
  const families: (string | undefined)[] = [];
  let at = 0;
  for (const e of edits) {
    if (e.start < at) continue; // overlapping edit (should not happen); keep the earlier one
    if (e.start > at) segments.push(text.slice(at, e.start));
    if (e.alts) {
      segments.push(sites.length);
      sites.push({ point: -1, layer: e.layer, alts: e.alts, plain: e.plain });
      families.push(e.family);
    }
    at = e.end;
  }
  if (at < text.length) segments.push(text.slice(at));
  const merged = mergeSegments(segments);
  assignPoints(merged, sites, families);
  const points: Plan["points"] = [];
  sites.forEach((s, i) => {
    points[s.point] ??= { layer: s.layer, sites: [] };
    points[s.point]!.sites.push(i);
  });
  return { version: 1, segments: merged, sites, points };
}

function mergeSegments(segments: (string | number)[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (typeof s === "string" && typeof last === "string") out[out.length - 1] = last + s;
    else if (s !== "") out.push(s);
  }
  return out;
}

// Sites of one spelling family, and sites whose surroundings are identical (a repeated sentence),
// share a point: a reader could not tell them apart, and a copy should not contradict itself.
function assignPoints(segments: (string | number)[], sites: Site[], families: (string | undefined)[]): void {
  const parent = sites.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byFamily = new Map<string, number>();
  families.forEach((f, i) => {
    if (!f) return;
    const first = byFamily.get(f);
    if (first === undefined) byFamily.set(f, i);
    else union(first, i);
  });
  // Context keys over the plain rendering's tokens.
  const stream: string[] = [];
  const siteAt: { site: number; pos: number }[] = [];
  for (const seg of segments) {
    if (typeof seg === "string") stream.push(...tokenize(seg).tokens);
    else {
      siteAt.push({ site: seg, pos: stream.length });
      stream.push(...tokenize(sites[seg]!.plain).tokens);
    }
  }
  const byContext = new Map<string, number>();
  for (const { site, pos } of siteAt) {
    const s = sites[site];
    const len = tokenize(s!.plain).tokens.length;
    const key = [
      s!.layer,
      stream.slice(Math.max(0, pos - 8), pos).join(" "),
      s!.alts.join("\u0001"),
      stream.slice(pos + len, pos + len + 8).join(" "),
    ].join("\u0002");
    const first = byContext.get(key);
    if (first === undefined) byContext.set(key, site);
    else union(first, site);
  }
  const ids = new Map<number, number>();
  sites.forEach((s, i) => {
    const root = find(i);
    let id = ids.get(root);
    if (id === undefined) {
      id = ids.size;
      ids.set(root, id);
    }
    s.point = id;
  });
}

function lineOf(text: string, at: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function markRange(mask: Uint8Array, start: number, end: number): void {
  mask.fill(1, Math.max(0, start), Math.min(mask.length, end));
}

function markAll(text: string, mask: Uint8Array, re: RegExp, group = 0): void {
  for (const m of text.matchAll(re)) {
    const at = (m.index ?? 0) + (group ? m[0].indexOf(m[group]!) : 0);
    markRange(mask, at, at + m[group]!.length);
  }
}

/** Marks every span that must stay byte-for-byte: code, URLs, paths, numbers, IDs, names, quotes. */
export function protectSpans(text: string, mask: Uint8Array, names: readonly string[] = []): void {
  // Block-level: fenced and indented code, headings, tables, HTML.
  const lines = text.split("\n");
  let offset = 0;
  let fence: string | null = null;
  let prevBlank = true;
  let prevCode = false;
  for (const line of lines) {
    const end = offset + line.length + 1;
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    let code = false;
    if (fence) {
      code = true;
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = null;
    } else if (fenceMatch) {
      fence = fenceMatch[1]!;
      code = true;
    } else if (/^( {4}|\t)/.test(line) && (prevBlank || prevCode) && line.trim() !== "") code = true;
    const block = code || /^\s{0,3}#{1,6}(\s|$)/.test(line) || /^\s*\|/.test(line) || /^\s*</.test(line);
    if (block) markRange(mask, offset, end);
    prevCode = code;
    prevBlank = line.trim() === "";
    offset = end;
  }
  const inline: RegExp[] = [
    /``[^\n]*?``|`[^`\n]+`/g, // inline code
    /<!--[\s\S]*?-->|<[^>\n]+>/g, // HTML
    /\]\([^)\n]*\)|^\s*\[[^\]\n]+\]:\s*\S+.*$/gm, // link destinations, reference definitions
    /\b(?:https?|ftp|file|ssh|git):\/\/[^\s<>"`]+|\bwww\.[^\s<>"`]+/g, // URLs
    /[\w.+-]+@[\w-]+\.[\w.-]+/g, // e-mail addresses
    /[^\s()"'`<>[\]]*[/\\][^\s()"'`<>[\]]*/g, // paths, anything with a slash
    /\b[\w-]{2,}\.[A-Za-z0-9]{1,8}\b/g, // file names
    /[^\s,;"'`<>]*\d[^\s,;"'`<>]*/g, // numbers, versions, dates, CVE/CWE/GHSA IDs
    /\b[A-Z][A-Z0-9_-]+\b/g, // acronyms and upper-case identifiers
    /\b\w*[a-z]\w*[A-Z]\w*\b|\b\w+_\w*\b/g, // camelCase, snake_case
    /"[^"\n]{0,300}"|\u201C[^\u201D\n]{0,300}\u201D|\u2018[^\u2019\n]{0,300}\u2019|\u00AB[^\u00BB\n]*\u00BB/g, // quotes
    // A shell command written in prose ("run sudo systemctl restart kestrel now."): to the end of
    // its sentence, so that a reader who copies it never pastes a zero-width mark into a shell.
    /(?<![\p{L}\p{N}_-])(?:sudo|systemctl|apt-get|yum|dnf|rpm|dpkg|chmod|chown|iisreset|netsh|kubectl|iptables|setenforce|firewall-cmd|powershell|pwsh|docker|openssl|curl|wget|grep|egrep|sed|awk)[ \t][^\n]*?(?=[.;!?](?:\s|$)|\n|$)/gu,
    /^[ \t]*[$#][ \t].*$/gm, // a prompt line ("$ ./install.sh --check")
  ];
  for (const re of inline) markAll(text, mask, re);
  // Capitalised words are names unless they open a sentence; a sentence opener followed by
  // another capitalised word is part of a name too ("Smart Install client").
  const caps = [...text.matchAll(/(?<![\p{L}\p{N}_-])\p{Lu}[\p{L}\p{N}'-]*/gu)];
  for (let k = 0; k < caps.length; k++) {
    const m = caps[k];
    const at = m!.index ?? 0;
    const next = caps[k + 1];
    const nextAdjacent = next && /^[ \t]+$/.test(text.slice(at + m![0].length, next.index ?? 0));
    if (!isSentenceStart(text, at) || nextAdjacent) markRange(mask, at, at + m![0].length);
  }
  for (const name of names) {
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1))
      markRange(mask, i, i + name.length);
  }
}

/** True when the word at `at` opens a sentence, a line, a list item or a quote block. */
function isSentenceStart(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "\t")) i--;
  if (i < 0 || text[i] === "\n") return true;
  const lineStart = text.lastIndexOf("\n", i) + 1;
  if (/^\s*(?:[-*+]|\d+[.)]|>)\s*$/.test(text.slice(lineStart, at))) return true;
  return /[.!?:]/.test(text[i]!) && i < at - 1;
}

function isSentenceStartForMatch(text: string, at: number): boolean {
  return isSentenceStart(text, at);
}

function free(mask: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (mask[i]) return false;
  return true;
}

/** The matches of a wording pattern that lie wholly in text the mask leaves free: where, and what. */
function* freeMatches(text: string, re: RegExp, mask: Uint8Array): Generator<{ at: number; orig: string }> {
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (free(mask, at, at + m[0].length)) yield { at, orig: m[0] };
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function phrasePattern(variants: Iterable<string>): RegExp {
  const sorted = [...variants].sort((a, b) => b.length - a.length);
  const body = sorted.map((v) => escapeRe(v).replace(/ /g, "\\s+")).join("|");
  return new RegExp(`(?<![\\p{L}\\p{N}_\\-'\u2019])(?:${body})(?![\\p{L}\\p{N}_\\-])`, "giu");
}

function startsWithVowel(s: string): boolean {
  return /^[aeiou]/i.test(s);
}

/** Gives `alt` the case of `orig`, or null when the original's case is not plain lower/sentence case. */
function matchCase(text: string, at: number, orig: string, alt: string): string | null {
  if (orig.includes("\n\n")) return null;
  if (orig === orig.toLowerCase()) return alt;
  const rest = orig.slice(1);
  if (
    orig[0] === orig[0]!.toUpperCase() &&
    rest === rest.toLowerCase() &&
    isSentenceStartForMatch(text, at)
  ) {
    if (/^(e\.g|i\.e)/.test(alt)) return null;
    return alt[0]!.toUpperCase() + alt.slice(1);
  }
  return null;
}

/** a/an must still agree with the word that follows it, before and after the site. */
function articleAgrees(text: string, at: number, orig: string, alt: string): boolean {
  const before = /(?:^|[^\p{L}])(an?)\s+$/iu.exec(text.slice(Math.max(0, at - 6), at));
  if (before && startsWithVowel(orig) !== startsWithVowel(alt)) return false;
  const trailing = /(?:^|\s)(an?)$/i.exec(alt);
  if (trailing) {
    const next = /^\s+(\p{L})/u.exec(text.slice(at + orig.length, at + orig.length + 40))?.[1] ?? "";
    if (next && startsWithVowel(next) !== (trailing[1]!.toLowerCase() === "an")) return false;
  }
  return true;
}

type PhraseIndex = { re: RegExp; alt: Map<string, string> };
let phraseIndex: PhraseIndex | null = null;

function getPhraseIndex(): PhraseIndex {
  if (phraseIndex) return phraseIndex;
  const alt = new Map<string, string>();
  for (const group of PHRASE_GROUPS) {
    const clean = group.map((v) => v.replace(/^~/, ""));
    group.forEach((v, i) => {
      if (v.startsWith("~") || alt.has(clean[i]!)) return;
      const other = clean.find((w, j) => j !== i && w !== clean[i]);
      if (other) alt.set(clean[i]!, other);
    });
  }
  phraseIndex = { re: phrasePattern(alt.keys()), alt };
  return phraseIndex;
}

function phraseMatches(text: string, mask: Uint8Array): Edit[] {
  const { re, alt } = getPhraseIndex();
  const out: Edit[] = [];
  for (const { at, orig } of freeMatches(text, re, mask)) {
    const key = orig.toLowerCase().replace(/\s+/g, " ");
    const target = alt.get(key);
    if (!target) continue;
    const written = matchCase(text, at, orig, target);
    if (written === null || !articleAgrees(text, at, orig, written)) continue;
    if (tokenize(written).tokens.join(" ") === tokenize(orig).tokens.join(" ")) continue;
    out.push({ start: at, end: at + orig.length, alts: [orig, written], plain: orig, layer: "phrase" });
  }
  return out;
}

type CompiledRule = { re: RegExp; written: string; start: boolean };
let contextIndex: CompiledRule[] | null = null;

function compileRule(rule: ContextRule, from: string, to: string): CompiledRule {
  const body = escapeRe(from).replace(/ /g, "\\s+");
  const src = [
    rule.before ? `(?<=${rule.before})` : "",
    rule.notBefore ? `(?<!${rule.notBefore})` : "",
    `(?<![\\p{L}\\p{N}_\\-'\u2019])(?:${body})(?![\\p{L}\\p{N}_\\-])`,
    rule.after ? `(?=${rule.after})` : "",
  ].join("");
  return { re: new RegExp(src, "giu"), written: to, start: rule.start ?? false };
}

function getContextIndex(): CompiledRule[] {
  contextIndex ??= CONTEXT_RULES.flatMap((r) =>
    r.both ? [compileRule(r, r.from, r.to), compileRule(r, r.to, r.from)] : [compileRule(r, r.from, r.to)],
  );
  return contextIndex;
}

/** Phrase-table wordings that may only be exchanged in a given context (see CONTEXT_RULES). */
function contextMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  for (const rule of getContextIndex()) {
    for (const { at, orig } of freeMatches(text, rule.re, mask)) {
      if (rule.start && !isSentenceStart(text, at)) continue;
      const written = matchCase(text, at, orig, rule.written);
      if (written === null || !articleAgrees(text, at, orig, written)) continue;
      out.push({ start: at, end: at + orig.length, alts: [orig, written], plain: orig, layer: "phrase" });
    }
  }
  return out;
}

const FINITE =
  "is|are|was|were|has|have|had|can|could|may|might|will|would|should|must|does|do|did|remains|remain|cannot|needs|need";
const CLAUSE_SUBJECT = `(?:(?:the|this|these|an?)(?:[ \\t]+\\p{Ll}+){1,2})`;
const CLAUSE_PRONOUN = "(?:it|they|we|there)";

/**
 * The comma before "and" / "but" joining two independent clauses is optional:
 * "…a dedicated user, but it has…" / "…a dedicated user but it has…". Only where the second
 * clause opens with a subject and a finite verb, so the comma never splits a list or a phrase.
 */
function clauseCommaMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  const tail = `[ \\t]+(?:and|but)[ \\t]+(?:${CLAUSE_SUBJECT}[ \\t]+(?:${FINITE})|${CLAUSE_PRONOUN}[ \\t]+(?:${FINITE}|\\p{Ll}+(?:s|ed)))(?![\\p{L}\\p{N}_-])`;
  const withComma = new RegExp(`(?<=\\p{L}),(?=${tail})`, "gu");
  const without = new RegExp(`(?<=\\p{L})(?=${tail})`, "gu");
  const clauseBefore = (at: number) => {
    let s = at;
    while (s > 0 && !/[.!?:;\n]/.test(text[s - 1]!)) s--;
    const head = text.slice(s, at);
    // A clause of its own before the conjunction (at least five words), not "between A and B".
    return (
      (head.match(/[\p{L}\p{N}]+/gu) ?? []).length >= 5 &&
      !/\b(?:between|both|either|neither|whether)\b/i.test(head)
    );
  };
  for (const m of text.matchAll(withComma)) {
    const at = m.index ?? 0;
    if (!free(mask, at, at + 1) || !clauseBefore(at)) continue;
    out.push({ start: at, end: at + 1, alts: [",", ""], plain: ",", layer: "punctuation" });
  }
  for (const m of text.matchAll(without)) {
    const at = m.index ?? 0;
    if (mask[at] || !clauseBefore(at)) continue;
    // Not after a comma-separated series ("A, B and it is" is still a list).
    let s = at;
    while (s > 0 && !/[.!?:;\n]/.test(text[s - 1]!)) s--;
    if (text.slice(s, at).includes(",")) continue;
    out.push({ start: at, end: at, alts: ["", ","], plain: "", layer: "punctuation" });
  }
  return out;
}

const OPENER_FUNCTION = new Set(
  "of to in on at by for with from into onto over under than as and or but that which who whom whose where when while if is are was were be been has have had not no can could may might will would should must do does did time moment point event way extent fact end case then there it they this these those such so about against across after before during through via within without among around behind below above beyond like near per since until upon toward towards including except regarding concerning between into than".split(
    " ",
  ),
);
const OPENER_PREPOSITIONS = "On|In|For|With|During|After|Before|Under|Within|Across|Without|Through|Upon";

/**
 * The comma after a short sentence-opening phrase is optional: "On the appliances, automatic
 * processing can be disabled" / "On the appliances automatic processing can be disabled". Removed
 * after prepositional phrases and (never after a clause) of at most six words; added only after a
 * prepositional phrase of plain words that is followed by a subject ("In the default
 * configuration the service …").
 */
function openerCommaMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  // Never after a clause ("When a user authenticates, the server …" would read "authenticates the
  // server"), nor after a phrase ending in a participle or a preposition.
  const drop = new RegExp(
    `(?<![\\p{L}\\p{N}_-])(?:${OPENER_PREPOSITIONS})[ \\t]+([^,.;:!?\\n"()[\\]]{1,80}?),(?=[ \\t]+(\\p{L}+))`,
    "gu",
  );
  for (const m of text.matchAll(drop)) {
    const at = m.index ?? 0;
    const comma = at + m[0].length - 1;
    if (!isSentenceStart(text, at) || mask[comma]) continue;
    const words = m[1]!.trim().split(/[ \t]+/);
    if (words.length + 1 > 6) continue;
    const lastWord = words[words.length - 1]!.toLowerCase();
    if (OPENER_FUNCTION.has(lastWord) || /(?:ing|ed)$/.test(lastWord)) continue;
    if (words.some((w) => /^(?:that|which|who|is|are|was|were|can|could|may|might|will|would)$/i.test(w)))
      continue;
    const next = m[2];
    if (!CLAUSE_OPENERS.has(next!.toLowerCase()) && !/^\p{Lu}/u.test(next!)) continue;
    out.push({ start: comma, end: comma + 1, alts: [",", ""], plain: ",", layer: "punctuation" });
  }
  const add = new RegExp(
    `(?<![\\p{L}\\p{N}_-])(?:${OPENER_PREPOSITIONS})[ \\t]+((?:[\\p{L}\\p{N}.-]+[ \\t]+){1,4}?)(?=(?:the|it|they|this|these|an?|all|most|users|customers|administrators|attackers)[ \\t]+\\p{Ll})`,
    "gu",
  );
  for (const m of text.matchAll(add)) {
    const at = m.index ?? 0;
    if (!isSentenceStart(text, at)) continue;
    const words = m[1]!.trim().split(/[ \t]+/);
    const plainWords = words.every(
      (w, k) =>
        !OPENER_FUNCTION.has(w.toLowerCase()) &&
        !(k > 0 && /^(?:the|a|an|all|each|every|any|its|their)$/i.test(w)) &&
        /^[\p{L}\p{N}]/u.test(w) &&
        !/[.]$/.test(w) &&
        !/(?:ing|ed)$/i.test(w), // "For devices running the …": a participle takes the next phrase
    );
    if (!plainWords || words.length > 4) continue;
    const last = words[words.length - 1];
    if (/^(?:the|a|an|all|each|every|any|its|their|these|this|some|most)$/i.test(last!)) continue;
    const gap = at + m[0].length - 1; // the space before the subject
    let end = gap;
    while (end > at && /[ \t]/.test(text[end - 1]!)) end--;
    if (mask[end]) continue;
    out.push({ start: end, end, alts: ["", ","], plain: "", layer: "punctuation" });
  }
  return out;
}

const ORDERED_WORDS = new Set(
  "first last second third former latter previous next old new original following latest earliest same other rest former source destination before after start end beginning top bottom left right".split(
    " ",
  ),
);

/**
 * Two coordinated noun phrases whose order carries nothing swap: "both the size and the content
 * of the overflow" / "both the content and the size of the overflow". Only "the X and/or the Y"
 * with single-word heads followed by punctuation or "of", never sequence words.
 */
function coordinationSwaps(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  const re =
    /(?<![\p{L}\p{N}_-])the[ \t]+(\p{Ll}{3,})[ \t]+(and|or)[ \t]+the[ \t]+(\p{Ll}{3,})(?=[.,;:)]|[ \t]+of[ \t])/gu;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    const [whole, a, conj, b] = m;
    if (a === b || ORDERED_WORDS.has(a!) || ORDERED_WORDS.has(b!)) continue;
    if (!free(mask, at, at + whole.length)) continue;
    const swapped = `the ${b} ${conj} the ${a}`;
    out.push({ start: at, end: at + whole.length, alts: [whole, swapped], plain: whole, layer: "order" });
  }
  return out;
}

type SpellingIndex = { re: RegExp; other: Map<string, { other: string; family: string }> };
let spellingIndex: SpellingIndex | null = null;

function getSpellingIndex(): SpellingIndex {
  if (spellingIndex) return spellingIndex;
  const other = new Map<string, { other: string; family: string }>();
  SPELLING_FAMILIES.forEach((family, f) => {
    for (const [us, uk] of family) {
      other.set(us, { other: uk, family: `spelling-${f}` });
      other.set(uk, { other: us, family: `spelling-${f}` });
    }
  });
  spellingIndex = { re: phrasePattern(other.keys()), other };
  return spellingIndex;
}

function spellingMatches(text: string, mask: Uint8Array): Edit[] {
  const { re, other } = getSpellingIndex();
  const out: Edit[] = [];
  for (const { at, orig } of freeMatches(text, re, mask)) {
    const entry = other.get(orig.toLowerCase());
    if (!entry) continue;
    const written = matchCase(text, at, orig, entry.other);
    if (written === null) continue;
    out.push({
      start: at,
      end: at + orig.length,
      alts: [orig, written],
      plain: orig,
      layer: "spelling",
      family: entry.family,
    });
  }
  return out;
}

const NOT_PLURAL = new Set([
  "is",
  "was",
  "has",
  "does",
  "this",
  "thus",
  "its",
  "his",
  "as",
  "us",
  "always",
  "less",
  "across",
  "unless",
  "plus",
  "yes",
  "perhaps",
  "whereas",
  "besides",
  "series",
]);

function numberMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  const re =
    /(?<![\p{L}\p{N}_-])(two|three|four|five|six|seven|eight|nine)[ \t]+([a-z][a-z-]*s)(?![\p{L}\p{N}_-])/gu;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (NOT_PLURAL.has(m[2]!) || !free(mask, at, at + m[0].length)) continue;
    out.push({
      start: at,
      end: at + m[1]!.length,
      alts: [m[1]!, NUMBER_WORDS[m[1]!]!],
      plain: m[1]!,
      layer: "number",
    });
  }
  return out;
}

const SHORT_ITEM = /^[ \t]*[\p{L}][\p{L}\p{N}'-]*(?:[ \t]+[\p{L}\p{N}'-]+){0,4}[ \t]*$/u;

function serialCommaMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  // "A, B, and C" → the serial comma may go.
  for (const m of text.matchAll(/,(?=[ \t]+(?:and|or)[ \t]+\p{L})/gu)) {
    const at = m.index ?? 0;
    const prev = text.lastIndexOf(",", at - 1);
    if (prev < 0 || !SHORT_ITEM.test(text.slice(prev + 1, at))) continue;
    if (/[.;:!?\n]/.test(text.slice(prev, at))) continue;
    if (!free(mask, prev, at + 1)) continue;
    out.push({ start: at, end: at + 1, alts: [",", ""], plain: ",", layer: "punctuation" });
  }
  // "A, B, C and D" → a serial comma may come (two short items before make it a list).
  for (const m of text.matchAll(/(?<=\p{L})(?=[ \t]+(?:and|or)[ \t]+\p{L})/gu)) {
    const at = m.index ?? 0;
    const c1 = text.lastIndexOf(",", at - 1);
    if (c1 < 0 || !SHORT_ITEM.test(text.slice(c1 + 1, at))) continue;
    const c0 = text.lastIndexOf(",", c1 - 1);
    if (c0 < 0 || !SHORT_ITEM.test(text.slice(c0 + 1, c1))) continue;
    if (/[.;:!?\n]/.test(text.slice(c0, at))) continue;
    if (!free(mask, c0, at)) continue;
    out.push({ start: at, end: at, alts: ["", ","], plain: "", layer: "punctuation" });
  }
  return out;
}

let introPattern: RegExp | null = null;
const CLAUSE_OPENERS = new Set([
  "the",
  "a",
  "an",
  "this",
  "these",
  "those",
  "it",
  "its",
  "they",
  "there",
  "we",
  "you",
  "customers",
  "users",
  "administrators",
  "attackers",
  "no",
  "most",
  "each",
  "every",
  "both",
  "only",
]);

/** "In most cases, this …" / "In most cases this …": the comma after a short opener is optional. */
function introCommaMatches(text: string, mask: Uint8Array): Edit[] {
  introPattern ??= new RegExp(
    `(?<![\\p{L}\\p{N}_-])(?:${INTRO_PHRASES.map((p) => escapeRe(p).replace(/ /g, "[ \\t]+")).join("|")})(,?)(?=[ \\t]+\\p{L})`,
    "giu",
  );
  const out: Edit[] = [];
  for (const m of text.matchAll(introPattern)) {
    const at = m.index ?? 0;
    const orig = m[0];
    const end = at + orig.length;
    if (!isSentenceStart(text, at) || !free(mask, at, end)) continue;
    const first = orig[0];
    if (first !== first!.toUpperCase()) continue;
    // Only where the comma cannot change the parse: the clause must open with a subject
    // ("In addition, customers" but never "In addition to", "Currently supported versions").
    const next = /^[ \t]+([\p{L}]+)/u.exec(text.slice(end))?.[1] ?? "";
    if (!CLAUSE_OPENERS.has(next.toLowerCase()) && !/^\p{Lu}/u.test(next)) continue;
    if (m[1]) out.push({ start: end - 1, end, alts: [",", ""], plain: ",", layer: "punctuation" });
    else out.push({ start: end, end, alts: ["", ","], plain: "", layer: "punctuation" });
  }
  return out;
}

const RELATIVE_VERBS =
  "is|are|was|were|has|have|had|can|could|may|might|will|would|does|do|did|allow|allows|affect|affects|contain|contains|fix|fixes|address|addresses|support|supports|require|requires|run|runs|use|uses|include|includes|provide|provides|describe|describes|impact|impacts|trigger|triggers|appear|appears|identify|identifies|return|returns|handle|handles|process|processes|accept|accepts|expose|exposes|rely|relies|depend|depends|receive|receives|match|matches|enable|enables|resolve|resolves|ship|ships|listen|listens|load|loads|parse|parses|should|must|shall|need|needs|omit|omits|open|opens|read|reads|write|writes|call|calls|set|sets|send|sends|create|creates|store|stores|check|checks|exceed|exceeds|carry|carries|sit|sits|make|makes|hold|holds|take|takes|list|lists|point|points|refer|refers|belong|belongs|follow|follows|cause|causes|lead|leads|result|results|link|links|bundle|bundles|manage|manages|connect|connects|trust|trusts";
const NOT_ANTECEDENT = new Set([
  "so",
  "such",
  "now",
  "given",
  "provided",
  "except",
  "all",
  "is",
  "are",
  "was",
  "were",
  "be",
  "and",
  "or",
  "but",
  "than",
  "like",
  "ensure",
  "ensures",
  "confirm",
  "confirms",
  "verify",
  "verifies",
  "note",
  "indicates",
  "shows",
  "means",
  "states",
  "say",
  "says",
  "in",
  "of",
  "at",
  "that",
  "which",
  "fact",
  "way",
]);

/** Restrictive relative pronoun: "the devices that are" / "the devices which are" (no comma before). */
function relativeMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  const re = new RegExp(
    `(?<=(\\p{Ll}+)[ \\t]+)(that|which)(?=[ \\t]+(?:${RELATIVE_VERBS})(?![\\p{L}-]))`,
    "gu",
  );
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (NOT_ANTECEDENT.has(m[1]!) || !free(mask, at, at + m[2]!.length)) continue;
    const other = m[2] === "that" ? "which" : "that";
    out.push({ start: at, end: at + m[2]!.length, alts: [m[2]!, other], plain: m[2]!, layer: "phrase" });
  }
  return out;
}

const PARTICIPLE =
  /^(?:[a-z]+ed|known|shown|given|written|sent|built|run|found|made|held|set|kept|seen|taken|done|bound)$/;

/** "files that are uploaded through" / "files uploaded through": the reduced relative clause. */
function reducedRelativeMatches(text: string, mask: Uint8Array): Edit[] {
  const out: Edit[] = [];
  const re =
    /(?<=(\p{Ll}+)[ \t]+)(?:that|which)[ \t]+(?:is|are)[ \t]+(?=(\p{Ll}+)[ \t]+(?:by|in|on|from|through|with|as|to|for|at|under|via)[ \t])/gu;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (NOT_ANTECEDENT.has(m[1]!) || !PARTICIPLE.test(m[2]!) || !free(mask, at, at + m[0].length)) continue;
    out.push({ start: at, end: at + m[0].length, alts: [m[0], ""], plain: m[0], layer: "phrase" });
  }
  return out;
}

const ORDER_WORDS =
  /\b(first|firstly|second|secondly|third|then|next|finally|lastly|after|afterwards|before|step|steps|previous|following)\b/i;

/** Bullet lists whose items are clearly unordered give one swap point per pair of items. */
function listSwaps(text: string, mask: Uint8Array, directives: Map<number, string>): Edit[] {
  const out: Edit[] = [];
  const lines = text.split("\n");
  const starts: number[] = [];
  let off = 0;
  for (const l of lines) {
    starts.push(off);
    off += l.length + 1;
  }
  let i = 0;
  while (i < lines.length) {
    const head = /^([ \t]*)([-*+])[ \t]+\S/.exec(lines[i]!);
    if (!head || mask[starts[i]!]) {
      i++;
      continue;
    }
    let j = i;
    while (
      j < lines.length &&
      lines[j]!.startsWith(`${head[1]}${head[2]} `) &&
      !mask[starts[j]! + head[1]!.length]
    )
      j++;
    const items = lines.slice(i, j);
    const nextLine = lines[j] ?? "";
    const directive = directives.get(i - 1) ?? directives.get(i - 2);
    const clean =
      nextLine.trim() === "" &&
      items.length >= 2 &&
      items.every((l) => {
        const body = l.slice(head[0].length - 1);
        return (
          !/:\s*$/.test(body) &&
          !ORDER_WORDS.test(body) &&
          body.split(/\s+/).length <= 25 &&
          !/\{\{/.test(body)
        );
      });
    const unordered = directive === "unordered" || (directive !== "ordered" && clean);
    if (unordered && items.length >= 2) {
      for (let k = 0; k + 1 < items.length; k += 2) {
        const a = items[k];
        const b = items[k + 1];
        const start = starts[i + k];
        const end = start! + a!.length + 1 + b!.length;
        out.push({
          start: start!,
          end,
          alts: [`${a}\n${b}`, `${b}\n${a}`],
          plain: `${a}\n${b}`,
          layer: "list",
        });
        markRange(mask, start!, end);
      }
    }
    i = Math.max(j, i + 1);
  }
  return out;
}

/** Counts of points and sites per layer. @example layerCounts(planAdvisory("...")).phrase */
export function layerCounts(plan: Plan): Record<Layer, number> {
  const counts = Object.fromEntries(LAYERS.map((l) => [l, 0])) as Record<Layer, number>;
  for (const p of plan.points) counts[p.layer]++;
  return counts;
}
