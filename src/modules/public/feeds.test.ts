// The Atom feed stays well-formed XML whatever an advisory's title or summary holds.
import { describe, expect, it } from "vitest";
import type { Publisher } from "../advisories/export/input.ts";
import { atomFeed, type PublicEntry, xml } from "./feeds.ts";

const publisher: Publisher = {
  name: "Example <Vendor>",
  publicUrl: "https://vendor.example/",
  cnaOrgId: "00000000-0000-4000-8000-000000000000",
  cnaShortName: "example",
};

/** A small XML 1.0 well-formedness check: legal characters only, known entities, balanced tags. */
function assertWellFormed(doc: string): void {
  for (const ch of doc) {
    const c = ch.codePointAt(0) ?? 0;
    const ok =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) throw new Error(`character U+${c.toString(16).toUpperCase()} is not allowed in XML 1.0`);
  }
  const body = doc.replace(/^<\?xml[^?]*\?>/, "");
  for (const m of body.matchAll(/&([^;]*);?/g)) {
    if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) throw new Error(`bad entity ${m[0]}`);
  }
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    if (m[0] === "<") throw new Error("stray <");
    if (m[0] === ">") throw new Error("stray >");
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else stack.push(name ?? "");
  }
  if (stack.length) throw new Error(`unclosed <${stack.join("> <")}>`);
}

const entry = (title: string, summary = "summary"): PublicEntry => ({
  trackingId: "FW-2026-0001",
  title,
  summary,
  publishedAt: new Date("2026-03-01T00:00:00Z"),
  updatedAt: new Date("2026-03-02T00:00:00Z"),
});

describe("Atom feed", () => {
  it("is well-formed with markup characters in text", () => {
    const feed = atomFeed(publisher, [entry(`<script>&"'`, "a < b & c > d")], new Date());
    assertWellFormed(feed);
    expect(feed).toContain("&lt;script&gt;&amp;&quot;&apos;");
  });

  it("replaces every C0 control but tab, LF and CR, lone surrogates and U+FFFE/U+FFFF", () => {
    const bad = [
      ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter((c) => !"\t\n\r".includes(c)),
      "\uD800",
      "\uDFFF",
      "\uFFFE",
      "\uFFFF",
    ];
    for (const c of bad) {
      const feed = atomFeed(publisher, [entry(`before${c}after`, `x${c}y`)], new Date());
      assertWellFormed(feed);
      expect(feed).toContain("before\uFFFDafter");
    }
    // Legal characters, including a surrogate pair, pass through unchanged.
    expect(xml("tab\there\nline\r😀\uE000")).toBe("tab\there\nline\r😀\uE000");
  });

  it("the checker itself refuses what XML forbids", () => {
    expect(() => assertWellFormed("<a>\u0001</a>")).toThrow(/U\+1/);
    expect(() => assertWellFormed("<a><b></a>")).toThrow(/unbalanced/);
    expect(() => assertWellFormed("<a>&nope</a>")).toThrow(/entity/);
  });
});
