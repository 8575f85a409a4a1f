// The module rule of docs/architecture.md, checked on the source: a file outside a module imports it
// only through its index.ts; no module reads another module's tables (a schema file may name another
// module's tables for its foreign keys, and platform/db/schema.ts gathers them all); an index.ts
// exports no table; and every module has the one shape (index.ts, routes). The exceptions are listed
// below with their reason, and an exception that no longer matches an import fails too.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

type Exception = { from: string; to: string; why: string };

/** Imports of another module's internals that the architecture allows, each with its reason. */
const EXCEPTIONS: readonly Exception[] = [
  ...["advisories", "cases", "partners"].map((m) => ({
    from: "src/modules/releases/context.ts",
    to: `src/modules/${m}/schema.ts`,
    why: "copyRead: a partner's copy read joins the delivery with the partner's status, the advisory's publication and the case's identifiers in one query (the hot path)",
  })),
];

type Source = { path: string; text: string };

/** Every module specifier a TypeScript file imports or re-exports (static and dynamic). */
function specifiers(text: string): { spec: string; statement: string }[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: { spec: string; statement: string }[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)\s*from\s*["']([^"']+)["']/gm,
    /^\s*import\s+["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns)
    for (const m of code.matchAll(re)) out.push({ spec: m[1] as string, statement: m[0].trim() });
  return out;
}

const moduleOf = (path: string) => /^src\/modules\/([^/]+)\//.exec(path)?.[1];
const isSchema = (path: string) => /(^|\/|-)schema\.ts$/.test(path);

/** The imports that break the module rule, as "importer -> imported: why". */
function violations(sources: readonly Source[], exceptions: readonly Exception[] = EXCEPTIONS) {
  const found: string[] = [];
  const used = new Set<Exception>();
  for (const { path, text } of sources) {
    const own = moduleOf(path);
    for (const { spec, statement } of specifiers(text)) {
      if (!spec.startsWith(".")) continue;
      const target = posix.normalize(posix.join(posix.dirname(path), spec));
      const theirs = moduleOf(target);
      if (own && own === theirs && path.endsWith("/index.ts") && isSchema(target)) {
        // An index.ts hands out types of its tables at most, never a table.
        const names = /\{([^}]*)\}/.exec(statement)?.[1] ?? "*";
        const values = names
          .split(",")
          .map((n) => n.trim())
          .filter((n) => n && !n.startsWith("type "));
        if (statement.startsWith("export") && !/^export\s+type\b/.test(statement) && values.length > 0)
          found.push(`${path} -> ${target}: an index.ts exports a table (${values.join(", ")})`);
        continue;
      }
      if (!theirs || theirs === own) continue;
      if (target === `src/modules/${theirs}/index.ts`) continue;
      const gathering = path === "src/platform/db/schema.ts" || (own !== undefined && isSchema(path));
      if (gathering && isSchema(target)) continue;
      const exception = exceptions.find((e) => e.from === path && e.to === target);
      if (exception) {
        used.add(exception);
        continue;
      }
      found.push(
        `${path} -> ${target}: ${isSchema(target) ? "another module's tables" : "another module's internals"}; import src/modules/${theirs}/index.ts`,
      );
    }
  }
  for (const e of exceptions)
    if (!used.has(e))
      found.push(`${e.from} -> ${e.to}: listed as an exception but no longer imported; delete the entry`);
  return found;
}

function sourceFiles(dir: string): Source[] {
  const out: Source[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      out.push({ path, text: readFileSync(join(ROOT, path), "utf8") });
  }
  return out;
}

describe("the module rule", () => {
  const sources = sourceFiles("src");

  it("holds for every import in src/", () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(violations(sources)).toEqual([]);
  });

  it("finds an import of another module's internals, tables or a table in an index.ts", () => {
    const fake: Source[] = [
      { path: "src/modules/b/index.ts", text: 'export { makeB } from "./service.ts";\n' },
      { path: "src/modules/b/schema.ts", text: 'import { aTable } from "../a/schema.ts";\n' },
      {
        path: "src/modules/a/service.ts",
        text: [
          'import type { B } from "../b/index.ts";',
          'import { bTable } from "../b/schema.ts";',
          "import {\n  helper,\n  other,\n} from '../b/helpers.ts';",
          'const later = await import("../b/service.ts");',
        ].join("\n"),
      },
      { path: "src/modules/a/index.ts", text: 'export { aTable, type ARow } from "./schema.ts";\n' },
      { path: "src/cli/thing.ts", text: 'import { makeA } from "../modules/a/service.ts";\n' },
      { path: "src/app.ts", text: 'import { makeA } from "./modules/a/index.ts";\n' },
    ];
    const stale: Exception = { from: "src/x.ts", to: "src/modules/a/schema.ts", why: "test" };
    expect(violations(fake, [stale])).toEqual([
      "src/modules/a/service.ts -> src/modules/b/schema.ts: another module's tables; import src/modules/b/index.ts",
      "src/modules/a/service.ts -> src/modules/b/helpers.ts: another module's internals; import src/modules/b/index.ts",
      "src/modules/a/service.ts -> src/modules/b/service.ts: another module's internals; import src/modules/b/index.ts",
      "src/modules/a/index.ts -> src/modules/a/schema.ts: an index.ts exports a table (aTable)",
      "src/cli/thing.ts -> src/modules/a/service.ts: another module's internals; import src/modules/a/index.ts",
      "src/x.ts -> src/modules/a/schema.ts: listed as an exception but no longer imported; delete the entry",
    ]);
  });

  it("every module has the one shape: index.ts and its routes", () => {
    const modules = readdirSync(join(ROOT, "src/modules"), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    expect(modules.length).toBeGreaterThan(5);
    const missing = modules.flatMap(({ name }) => {
      const dir = join(ROOT, "src/modules", name);
      const lacks = [];
      if (!existsSync(join(dir, "index.ts"))) lacks.push(`${name}: no index.ts`);
      if (!existsSync(join(dir, "routes.ts")) && !existsSync(join(dir, "routes")))
        lacks.push(`${name}: no routes.ts or routes/`);
      return lacks;
    });
    expect(missing).toEqual([]);
  });

  it("is stated in docs/architecture.md with its exception", () => {
    const doc = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
    expect(doc).toContain("test/architecture.test.ts");
    expect(doc).toContain("copyRead");
  });
});
