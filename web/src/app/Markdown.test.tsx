import { MantineProvider } from "@mantine/core";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import { Markdown } from "./Markdown.tsx";

const html = (text: string) =>
  renderToStaticMarkup(
    <MantineProvider>
      <Markdown text={text} />
    </MantineProvider>,
  );

describe("markdown rendering", () => {
  test("renders GitHub markdown: headings, emphasis, code, lists and tables", () => {
    const out = html(
      "## Impact\n\n**Bypass** of `auth`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    );
    expect(out).toContain("Impact</h4>");
    expect(out).toContain("<strong>Bypass</strong>");
    expect(out).toMatch(/<code[^>]*>auth<\/code>/);
    expect(out.match(/<li/g)?.length).toBe(2);
    expect(out).toMatch(/<table[\s\S]*<td[^>]*>1<\/td>/);
  });

  test("drops raw HTML instead of rendering it", () => {
    const out = html('Hello <script>alert(1)</script><img src=x onerror="alert(2)"> world');
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).not.toContain("onerror");
    expect(out).toContain("Hello");
  });

  test("keeps http(s) links, opening them without an opener, and empties javascript: ones", () => {
    const out = html("[ok](https://example.com/a) [bad](javascript:alert(1)) [data](data:text/html,x)");
    expect(out).toMatch(
      /href="https:\/\/example.com\/a"[^>]*rel="noopener noreferrer nofollow"|rel="noopener noreferrer nofollow"[^>]*href="https:\/\/example.com\/a"/,
    );
    expect(out).not.toContain("javascript:");
    expect(out).not.toContain("data:text/html");
  });
});
