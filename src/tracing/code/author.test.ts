// Author alternatives ({{a|b}}) keep working in prose and in code: a code block with author
// markup is left to the author, every other block still gets code points.
import { describe, expect, it } from "vitest";
import { planAdvisory } from "../plan.ts";
import { render, renderPlain } from "../render.ts";

const MD = `The service {{may|might}} crash when it parses the header.

\`\`\`python
def probe(host):
    r = send(host, timeout={{5|6}})
    return r
\`\`\`

\`\`\`python
def check(host):
    reply = fetch(host, "status")
    return reply
\`\`\`
`;

describe("author alternatives with the code layer", () => {
  it("render in prose and code, and leave the rest of an author-marked block alone", () => {
    const plan = planAdvisory(MD, { invisible: "off" });
    const author = plan.points.filter((p) => p.layer === "author").length;
    expect(author).toBe(2);
    const code = plan.sites.filter((s) => s.layer === "code").map((s) => s.alts[0]);
    expect(code).toContain("reply");
    expect(code).toContain('"status"');
    expect(code).not.toContain("r"); // in the author-marked block
    expect(renderPlain(plan)).toContain("timeout=5)");
    const ones = render(plan, new Uint8Array(plan.points.length).fill(1));
    expect(ones).toContain("might crash");
    expect(ones).toContain("timeout=6)");
    expect(ones).toContain("    r = send(host");
    expect(ones).not.toContain("{{");
  });
});

describe("code blocks and their protection", () => {
  it("end a block where its protection ends, so code sites never reach prose", () => {
    const md = "```yaml\nb: 1\na: 2\n``` trailing\n\nc: 3\nd: 4 could allow it.\n";
    const plan = planAdvisory(md, { invisible: "off" });
    for (const s of plan.sites.filter((x) => x.layer === "code")) expect(s.alts[0]).not.toContain("c: 3");
    expect(plan.sites.some((x) => x.layer === "code" && x.alts[0] === "b: 1\na: 2")).toBe(true);
  });
});
