import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { authorMeter, proposeAlternatives, REVIEW_GROUPS, resolveAuthorMarkup } from "./author.ts";
import { singleLeakerPointsNeeded } from "./capacity.ts";
import { planAdvisory } from "./plan.ts";
import { renderPlain } from "./render.ts";

const DIR = "test/fixtures/advisories";
const advisories = readdirSync(DIR)
  .filter((f) => f.endsWith(".md"))
  .map((f) => ({ name: f, text: readFileSync(`${DIR}/${f}`, "utf8").replace(/\r\n?/g, "\n") }));

/** Writes every proposal's markup in place, last first so earlier offsets stay valid. */
function acceptAll(text: string, proposals: ReturnType<typeof proposeAlternatives>): string {
  let out = text;
  for (const p of [...proposals].sort((a, b) => b.start - a.start))
    out = out.slice(0, p.start) + p.markup + out.slice(p.end);
  return out;
}

const SAMPLE = [
  "A remote attacker who sends a crafted request to the sync endpoint gains code execution.",
  "We identified the flaw during an audit; the fixed release is available now.",
  "Administrators can read the values from the console, such as the session timeout.",
  "",
  "```python",
  "attacker = 'identified'  # such as",
  "```",
  "",
  "See `such as` and https://example.org/attacker/identified for the details.",
].join("\n");

describe("author proposals", () => {
  it("proposes only in free prose, with offsets that point at the wording and its sentence as context", () => {
    const ps = proposeAlternatives(SAMPLE);
    expect(ps.map((p) => p.text)).toEqual(["attacker", "identified", "such as"]);
    for (const p of ps) {
      expect(SAMPLE.slice(p.start, p.end)).toBe(p.text);
      expect(p.markup).toBe(`{{${p.text}|${p.alternative}}}`);
      expect(p.context).toContain(p.text);
      expect(p.context).not.toContain("\n");
      expect(REVIEW_GROUPS.some((g) => g.caution === p.caution && g.wordings.includes(p.alternative))).toBe(
        true,
      );
    }
    // Nothing in the code block, the inline code or the URL.
    const code = SAMPLE.indexOf("```python");
    expect(ps.every((p) => p.start < code)).toBe(true);
  });

  it.each(advisories)(
    "on $name: each accepted proposal adds one visible point and the public text is unchanged",
    ({ text }) => {
      const ps = proposeAlternatives(text);
      const before = planAdvisory(text);
      const accepted = acceptAll(text, ps);
      const after = planAdvisory(accepted);
      // A visible point survives stripping; the zero-width gap before the wording is given up for it.
      const visible = (p: ReturnType<typeof planAdvisory>) =>
        p.points.filter((x) => x.layer !== "invisible").length;
      expect(visible(after)).toBe(visible(before) + ps.length);
      expect(after.points.filter((p) => p.layer === "author").length).toBe(
        before.points.filter((p) => p.layer === "author").length + ps.length,
      );
      expect(renderPlain(after)).toBe(renderPlain(before));
      expect(resolveAuthorMarkup(accepted)).toBe(renderPlain(before));
    },
  );

  it("finds something to propose on most real advisories, and never twice at one place", () => {
    const counts = advisories.map((a) => proposeAlternatives(a.text));
    expect(counts.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(
      Math.ceil(advisories.length / 2),
    );
    for (const ps of counts)
      for (let k = 1; k < ps.length; k++) expect(ps[k]?.start).toBeGreaterThanOrEqual(ps[k - 1]?.end ?? 0);
  });

  it("stays bounded on a long text full of candidates: at most 60 proposals, none on an overlong line", () => {
    const sentence = "We identified the flaw in a specific module of the console. ";
    const many = `${sentence.repeat(300).trim()}\n\n${Array.from({ length: 300 }, () => sentence.trim()).join("\n\n")}`;
    const ps = proposeAlternatives(many);
    expect(ps.length).toBe(60);
    const longLineEnd = many.indexOf("\n");
    expect(ps.every((p) => p.start > longLineEnd)).toBe(true);
  });

  it("answers nothing for empty or unplannable text instead of throwing", () => {
    expect(proposeAlternatives("   ")).toEqual([]);
    expect(proposeAlternatives("attacker\u0000")).toEqual([]);
  });
});

describe("resolveAuthorMarkup", () => {
  it("shows the first wording and drops directives, never the alternatives", () => {
    const md =
      "It {{may|might}} crash.\n<!-- forewarn:protect Kestrel -->\nKestrel {{restart|restart now}} it.";
    expect(resolveAuthorMarkup(md)).toBe("It may crash.\nKestrel restart it.");
    expect(resolveAuthorMarkup(md)).toBe(renderPlain(planAdvisory(md)));
    expect(resolveAuthorMarkup("No markup {{canary:dns}} here.")).toBe("No markup {{canary:dns}} here.");
  });

  it("falls back to the first wording when the text cannot be planned", () => {
    expect(resolveAuthorMarkup("bad\u0000 {{a|b}} <!-- forewarn:protect X -->")).toBe("bad\u0000 a ");
  });
});

describe("authorMeter", () => {
  it("counts points by kind and compares them with what 1, 2 and 3 leakers need", () => {
    const text = advisories.find((a) => a.name.startsWith("fw-2025-0171"))?.text ?? "";
    const plain = authorMeter(text);
    const marked = authorMeter(acceptAll(text, proposeAlternatives(text)));
    expect(plain.points.total).toBe(planAdvisory(text).points.length);
    expect(plain.points.visible + plain.points.invisible).toBe(plain.points.total);
    expect(marked.points.author - plain.points.author).toBe(proposeAlternatives(text).length);
    // Needed points: the likelihood decoder for one leaker; (π²/2)·c²·ln(1/(0.2·ε₁)) for c colluders.
    const tardos = (c: number) => Math.ceil((Math.PI ** 2 / 2) * c * c * Math.log(1 / (0.2 * 1e-6)));
    expect(plain.needed.map((n) => n.points)).toEqual([singleLeakerPointsNeeded(1e-6), tardos(2), tardos(3)]);
    for (const n of plain.needed) {
      expect(n.met).toBe(plain.points.total >= n.points);
      expect(n.metWithoutInvisible).toBe(plain.points.visible >= n.points);
    }
    expect(authorMeter("").points.total).toBe(0);
    expect(authorMeter("").needed.every((n) => !n.met)).toBe(true);
  });
});
