// docs/tracing-phrases.md, generated from phrases.ts so reviewers read exactly what the planner
// uses (phrases-doc.test.ts fails when the file is stale and says how to regenerate it).
import { REVIEW_GROUPS } from "./author.ts";
import {
  CONTEXT_RULES,
  INTRO_PHRASES,
  NUMBER_WORDS,
  PHRASE_GROUPS,
  REMOVED_AFTER_REVIEW,
  SPELLING_FAMILIES,
} from "./phrases.ts";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/**
 * The reviewer's list of every phrase group, context rule and spelling family, as markdown.
 * @example phrasesMarkdown().startsWith("# Tracing phrase table") // true
 */
export function phrasesMarkdown(): string {
  const out: string[] = [];
  out.push("# Tracing phrase table");
  out.push("");
  out.push(
    "Generated from `src/tracing/phrases.ts` by `src/tracing/phrases-doc.ts`; do not edit by hand " +
      "(`FOREWARN_WRITE_DOCS=1 npx vitest run src/tracing/phrases-doc.test.ts` rewrites it). Every " +
      "wording below is exchanged for its alternative in lowercase advisory prose outside code, " +
      "quotes, names, numbers and links. A review removes any group that changes a fact, an " +
      "instruction or a nuance, and adds the sentence that showed it to `src/tracing/meaning.test.ts`.",
  );
  out.push("");
  out.push(`## Phrase groups (${PHRASE_GROUPS.length})`);
  out.push("");
  out.push("Matched wordings are replaced by the first other wording of their group; a wording marked");
  out.push("*written only* is put into copies but never looked for in the original.");
  out.push("");
  out.push("| # | matched | written instead | written only |");
  out.push("| --- | --- | --- | --- |");
  // The planner maps each wording by the first group that lists it (later groups only add).
  const firstGroup = new Map<string, number>();
  PHRASE_GROUPS.forEach((group, k) => {
    const clean = group.map((v) => v.replace(/^~/, ""));
    const matched = group.filter((v) => !v.startsWith("~") && !firstGroup.has(v));
    for (const v of matched) firstGroup.set(v, k);
    const written = matched.map((v) => clean.find((w) => w !== v) ?? "");
    const only = group.filter((v) => v.startsWith("~")).map((v) => v.slice(1));
    out.push(
      `| ${k + 1} | ${cell(matched.map(code).join(", "))} | ${cell(written.map(code).join(", "))} | ${cell(only.map(code).join(", "))} |`,
    );
  });
  out.push("");
  out.push(`## Context rules (${CONTEXT_RULES.length})`);
  out.push("");
  out.push("Exchanged only where the text around matches (regular expressions, case-insensitive).");
  out.push("");
  out.push("| # | from | to | both ways | before | not before | after | sentence start |");
  out.push("| --- | --- | --- | --- | --- | --- | --- | --- |");
  CONTEXT_RULES.forEach((r, k) => {
    out.push(
      `| ${k + 1} | ${cell(code(r.from))} | ${cell(code(r.to))} | ${r.both ? "yes" : "no"} | ${cell(r.before ? code(r.before) : "")} | ${cell(r.notBefore ? code(r.notBefore) : "")} | ${cell(r.after ? code(r.after) : "")} | ${r.start ? "yes" : ""} |`,
    );
  });
  out.push("");
  out.push(`## Spelling families (${SPELLING_FAMILIES.length})`);
  out.push("");
  out.push("US / UK pairs; all occurrences of one family in a copy use the same convention.");
  out.push("");
  SPELLING_FAMILIES.forEach((family, k) => {
    out.push(`${k + 1}. ${family.map(([us, uk]) => `${us} / ${uk}`).join(", ")}`);
  });
  out.push("");
  out.push("## Optional commas after these sentence openers");
  out.push("");
  out.push(INTRO_PHRASES.join(", "));
  out.push("");
  out.push("## Number words before a plural noun");
  out.push("");
  out.push(
    Object.entries(NUMBER_WORDS)
      .map(([w, d]) => `${w} / ${d}`)
      .join(", "),
  );
  out.push("");
  out.push("## Removed after review");
  out.push("");
  out.push("| wordings | why |");
  out.push("| --- | --- |");
  for (const [w, why] of REMOVED_AFTER_REVIEW) out.push(`| ${cell(w)} | ${cell(why)} |`);
  out.push("");
  out.push(`## Proposed to the author, never automatic (${REVIEW_GROUPS.length})`);
  out.push("");
  out.push(
    "The advisory editor proposes these in free prose (from `src/tracing/author.ts`); each is written " +
      "as `{{wording|alternative}}` only when the author accepts it for that sentence, after reading " +
      "the caution. Public renderings show the first wording.",
  );
  out.push("");
  out.push("| wordings | check before accepting |");
  out.push("| --- | --- |");
  for (const g of REVIEW_GROUPS)
    out.push(`| ${cell(g.wordings.map(code).join(" / "))} | ${cell(g.caution)} |`);
  out.push("");
  return out.join("\n");
}
