// docs/tracing-phrases.md must list exactly the phrase table the planner uses.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PHRASE_GROUPS } from "./phrases.ts";
import { phrasesMarkdown } from "./phrases-doc.ts";

const PATH = "docs/tracing-phrases.md";

describe("docs/tracing-phrases.md", () => {
  it("is generated from the phrase table and up to date", () => {
    const want = phrasesMarkdown();
    if (process.env.FOREWARN_WRITE_DOCS === "1") writeFileSync(PATH, want);
    const have = readFileSync(PATH, "utf8");
    expect(
      have === want,
      `${PATH} is stale: run FOREWARN_WRITE_DOCS=1 npx vitest run src/tracing/phrases-doc.test.ts`,
    ).toBe(true);
    expect(have).toContain(`## Phrase groups (${PHRASE_GROUPS.length})`);
    expect(have).toContain("`could allow`");
  });
});
