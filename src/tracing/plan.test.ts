import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { languageOfInfo } from "./code/index.ts";
import { isIocList } from "./code/ioc.ts";
import { PHRASE_GROUPS, SPELLING_FAMILIES } from "./phrases.ts";
import { layerCounts, PlanError, planAdvisory } from "./plan.ts";
import { render, renderPlain } from "./render.ts";

const DIR = "test/fixtures/advisories";
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith(".md"))
  .map((f) => ({ name: f, md: readFileSync(`${DIR}/${f}`, "utf8") }));

/** Protected tokens found independently of the planner: code, URLs, IDs, numbers, quotes. */
function protectedTokens(md: string): string[] {
  const out: string[] = [];
  const fences = md.match(/```[\s\S]*?```/g) ?? [];
  // Fenced code in a language with a code-aware planner varies (src/tracing/code); the rest stays.
  out.push(
    ...fences.filter(
      (f) => !languageOfInfo(/^```(.*)/.exec(f)?.[1] ?? "") && !isIocList(f.replace(/^```.*\n|```$/g, "")),
    ),
  );
  const rest = fences.reduce((s, f) => s.replace(f, " "), md);
  for (const re of [
    /`[^`\n]+`/g,
    /https?:\/\/[^\s<>()"`]+/g,
    /\b(?:CVE|CWE|GHSA)-[\w-]+/g,
    /\b\d+(?:\.\d+)+[\w.()-]*/g,
    /\b\d+\b/g,
    /"[^"\n]{1,80}"/g,
  ]) {
    out.push(...(rest.match(re) ?? []));
  }
  return out;
}

/** The text without fenced code in a language whose planner varies it (its tokens may change). */
function withoutVariedCode(md: string): string {
  return md.replace(/```[\s\S]*?```/g, (f) => (languageOfInfo(/^```(.*)/.exec(f)?.[1] ?? "") ? " " : f));
}

function count(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

describe("planAdvisory", () => {
  it("finds points in every layer that the real advisories use", () => {
    const plan = planAdvisory(fixtures.find((f) => f.name.startsWith("csaf-cisco"))?.md ?? "");
    const counts = layerCounts(plan);
    expect(counts.phrase).toBeGreaterThan(80);
    expect(counts.invisible).toBeGreaterThan(500);
    expect(counts.list).toBeGreaterThan(0);
  });

  it("keeps every protected token byte-for-byte in every rendering", () => {
    for (const { md } of fixtures) {
      const plan = planAdvisory(md);
      const tokens = protectedTokens(md);
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: plan.points.length, maxLength: plan.points.length }),
          (bits) => {
            const copy = render(
              plan,
              bits.map((b) => b & 1),
            );
            // A YARA "1 of them" may read "any of them": count outside the code that varies.
            const [inCopy, inMd] = [withoutVariedCode(copy), withoutVariedCode(md)];
            for (const t of tokens) expect(count(inCopy, t)).toBeGreaterThanOrEqual(count(inMd, t));
          },
        ),
        { numRuns: 10 },
      );
    }
  });

  it("never changes text outside prose on generated advisories", () => {
    const word = fc.constantFrom(
      "could allow",
      "the vulnerability",
      "in order to",
      "authorization",
      "e.g.",
      "flaw",
    );
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 8 }),
        fc.string({ maxLength: 20 }),
        (ws, code) => {
          const safe = code.replace(/[`\n{}]/g, "x");
          const md = `Intro ${ws.join(" and ")}.\n\n\`\`\`\n${ws.join(" ")} ${safe}\n\`\`\`\n\nSee \`${ws[0]}\` and https://example.com/${ws.length}/could-allow.\n`;
          const plan = planAdvisory(md);
          const ones = render(plan, new Uint8Array(plan.points.length).fill(1));
          expect(ones).toContain(`\`\`\`\n${ws.join(" ")} ${safe}\n\`\`\``);
          expect(ones).toContain(`\`${ws[0]}\``);
          expect(ones).toContain(`https://example.com/${ws.length}/could-allow.`);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("removes author markup and directives from every rendering", () => {
    const md =
      "<!-- forewarn:protect Acme Widget -->\nThe Acme Widget {{may|might}} crash when it {{receives|gets}} input.\n";
    const plan = planAdvisory(md, { invisible: "off" });
    expect(renderPlain(plan)).toBe("The Acme Widget may crash when it receives input.\n");
    const one = render(plan, new Uint8Array(plan.points.length).fill(1));
    expect(one).toBe("The Acme Widget might crash when it gets input.\n");
  });

  it("keeps a spelling convention consistent within a copy", () => {
    const md = "Authorization is checked. The authorization token and the authorization header.\n";
    const plan = planAdvisory(md, { invisible: "off" });
    const spelling = plan.points.filter((p) => p.layer === "spelling");
    expect(spelling).toHaveLength(1);
    const copy = render(plan, new Uint8Array(plan.points.length).fill(1));
    expect(copy).not.toMatch(/authoriz/i);
  });

  it("leaves capitalised names, headings and numbers alone", () => {
    const md =
      "# Could Allow Heading\n\nThe Security Vulnerability Policy and version 1.2.3 could allow two things.\n";
    const plan = planAdvisory(md, { invisible: "off" });
    const copy = render(plan, new Uint8Array(plan.points.length).fill(1));
    expect(copy).toContain("# Could Allow Heading");
    expect(copy).toContain("Security Vulnerability Policy");
    expect(copy).toContain("1.2.3");
    expect(copy).toContain("might allow");
  });

  it("exchanges context-bound wordings only where grammar and meaning allow", () => {
    const alts = (md: string) => planAdvisory(md, { invisible: "off" }).sites.map((s) => s.alts.join(" | "));
    // Varied in the right context …
    expect(alts("Users should apply it before the end of the week.")).toContain("before | prior to");
    expect(alts("The flaw is present on a vulnerable device.")).toContain("a vulnerable | an affected");
    expect(alts("The log files always show it, and the service is restarted every day.")).toContain(", | ");
    expect(alts("On the sensor appliances the reader runs as root.")).toContain(" | ,");
    expect(alts("It controls both the size and the content of the copy.")).toContain(
      "the size and the content | the content and the size",
    );
    expect(alts("Users can read the file. Users can be tricked easily.")).toContain(
      "Users can | Users are able to",
    );
    // … and never where they would change the grammar or the meaning.
    const none = [
      "Scan the files before they are opened by anyone.",
      "The attacker fixes the identifier before the victim logs in to the site.",
      "When a user authenticates, the server issues a new identifier.",
      "After upgrading, customers should restart the service.",
      "Users can be tricked into opening the file.",
      "You must log in to download the update.",
      "The program ran only once in the test.",
      "For devices running the affected software the fix is needed.",
      "For more details about the security issue see the page.",
      "It reads the header and the attacker controls the rest of it.",
      "It happened first and the last step was the same.",
    ];
    for (const md of none) {
      const found = alts(md).filter(
        (a) => !/flaw|vulnerab|affected|issue|problem|which|that|details|into|restart/.test(a),
      );
      expect(found, md).toEqual([]);
    }
  });

  it("rejects empty, binary and oversized advisories with a clear error", () => {
    expect(() => planAdvisory("  \n")).toThrow(PlanError);
    expect(() => planAdvisory("a\u0000b")).toThrow(/not text/);
    expect(() => planAdvisory("word ".repeat(500_000))).toThrow(/larger than/);
  });

  it("has a large, clean phrase table", () => {
    expect(PHRASE_GROUPS.length).toBeGreaterThan(300);
    expect(SPELLING_FAMILIES.length).toBeGreaterThan(80);
    for (const g of PHRASE_GROUPS) {
      const clean = g.map((v) => v.replace(/^~/, ""));
      expect(new Set(clean).size).toBe(clean.length);
      expect(g.some((v) => !v.startsWith("~"))).toBe(true);
      for (const v of clean) {
        expect(v).not.toMatch(/\d/);
        expect(v).not.toMatch(/n't\b|'re\b|'ll\b|'ve\b/); // no contractions
        expect(v).toBe(v.toLowerCase());
      }
    }
  });
});

describe("shell commands in prose", () => {
  it("carries no invisible mark inside a command a reader may copy, and keeps marking the prose around it", () => {
    const md =
      "To apply the fix, run sudo systemctl restart kestrel-agent now. Then the service reads its new policy file.\n\n$ curl -s http://127.0.0.1:8080/health then check the answer\n";
    const plan = planAdvisory(md);
    const ones = render(plan, new Uint8Array(plan.points.length).fill(1));
    const zeros = render(plan, new Uint8Array(plan.points.length));
    for (const copy of [ones, zeros]) {
      expect(copy).toContain("sudo systemctl restart kestrel-agent now");
      expect(copy).toContain("$ curl -s http://127.0.0.1:8080/health then check the answer");
    }
    expect(plan.points.some((p) => p.layer === "invisible")).toBe(true);
    expect(ones).not.toBe(zeros);
  });
});
