// README stays true to the code: every setting and every command is documented.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allCommands } from "../src/cli/index.ts";
import { configTable } from "../src/config.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("documents every environment variable with its default", () => {
    for (const row of configTable()) {
      const line = readme.split("\n").find((l) => l.split("|").map((c) => c.trim())[1] === `\`${row.name}\``);
      expect(line, `${row.name} is missing from README`).toBeDefined();
      if (row.default) expect(line).toContain(`\`${row.default}\``);
    }
  });

  it("documents every CLI command", () => {
    for (const c of allCommands) expect(readme).toContain(`forewarn ${c.name}`);
  });
});

describe("the repository stands alone", () => {
  it("no source, test, doc or script reads a folder outside the repository", () => {
    const root = new URL("../", import.meta.url);
    const files = execFileSync(
      "git",
      ["ls-files", "src", "test", "web", "bench", "bin", "docs", ".ci", "package.json", "README.md"],
      {
        cwd: root,
        encoding: "utf8",
      },
    )
      .split("\n")
      .filter((f) => f && !f.startsWith("test/fixtures/"));
    const outside = /\.\.\/(\.\.\/)*shared\/|TRACING\.md|PRODUCT\.md|STYLE\.md/;
    const offenders = files.filter((f) => outside.test(readFileSync(new URL(f, root), "utf8")));
    expect(offenders).toEqual([]);
  });
});
