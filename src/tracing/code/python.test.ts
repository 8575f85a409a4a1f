// Every Python variant compiles and has the original's syntax tree once its renaming is undone.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { planAdvisory, planFile } from "../plan.ts";
import { planPython } from "./python.ts";
import { renames, requireTool, run, variants } from "./tools.test-helpers.ts";

const FIXTURE = readFileSync("test/fixtures/advisories/fw-2025-0171-harbor-sync-rce.md", "utf8");
const POC = /```python\n([\s\S]*?)```/.exec(FIXTURE)?.[1] ?? "";

const EXTRA = `import json
import requests

BASE = "http://127.0.0.1:8080"


class Client:
    def __init__(self, base):
        self.base = base

    def fetch(self, path, token=None):
        url = self.base + path
        headers = {'Authorization': 'Bearer ' + (token or ''), "Accept": "application/json"}
        resp = requests.get(url, headers=headers, timeout=5)
        for key, value in resp.headers.items():
            print(f"{key}: {value}")
        data = [row for row in resp.json() if row]
        return json.dumps(data, sort_keys=True)


def uses_locals(a):
    result = a * 2
    return locals()


def closure(x):
    total = 0

    def inner():
        return total + x

    return inner


def keyword(n):
    size = n + 1
    return dict(size=size)
`;

const TRICKY = `import asyncio
import os

LIMIT = 3
counter = 0


@staticmethod
def helper(items, limit=LIMIT):
    total = 0
    first, second = items[0], items[1]
    head, *rest = items
    for i, (a, b) in enumerate(zip(items, items[1:])):
        total += a * b + i
    try:
        handle = open(os.devnull)
    except OSError as err:
        return str(err)
    with handle as fh:
        fh.read(0)
    squares = [total for total in range(limit)]
    if (n := len(rest)) > 0:
        total += n
    del first
    return total, second, squares, head, counter


async def fetch(queue):
    result = await queue.get()
    await asyncio.sleep(0)
    match result:
        case {"status": status}:
            outcome = status
        case _:
            outcome = None
    return outcome


def reads_global():
    value = counter + 1
    return value
`;

// Compiles both sources, undoes the renaming in the variant's tree and compares the dumps.
const CHECK = `
import ast, json, sys
cases = json.load(sys.stdin)
out = []
for c in cases:
    compile(c["original"], "original.py", "exec")
    compile(c["variant"], "variant.py", "exec")
    m = c["renames"]
    class Undo(ast.NodeTransformer):
        def visit_Name(self, node):
            node.id = m.get(node.id, node.id)
            return node
        def undo_binding(self, node):  # a name bound by a pattern or an except clause
            if node.name:
                node.name = m.get(node.name, node.name)
            self.generic_visit(node)
            return node
        visit_MatchAs = visit_MatchStar = visit_ExceptHandler = undo_binding
    a = ast.dump(ast.parse(c["original"]))
    b = ast.dump(Undo().visit(ast.parse(c["variant"])))
    out.append(a == b)
print(json.dumps(out))
`;

beforeAll(() => requireTool("python3"));

function sameTrees(
  cases: { original: string; variant: string; renames: Record<string, string> }[],
): boolean[] {
  return JSON.parse(run("python3", ["-c", CHECK], JSON.stringify(cases)));
}

describe("Python variants", () => {
  it("rename function locals and swap quotes, never parameters, attributes, keywords or introspected scopes", () => {
    const sites = planPython(EXTRA).map((e) => e.alts);
    const renamed = new Set(sites.filter((a) => /^\w+$/.test(a[0])).map((a) => a[0]));
    expect(renamed).toEqual(new Set(["url", "headers", "resp", "data", "size"]));
    // key/value are read in an f-string; row lives in a comprehension; result sits beside locals();
    // total is captured by a closure; base, path, token, x, a, n are parameters.
    expect(sites).toContainEqual(["'Authorization'", '"Authorization"']);
    expect(sites).toContainEqual(['"Accept"', "'Accept'"]);
    expect(sites.some((a) => a[0].startsWith("f"))).toBe(false); // f-strings keep their quotes
    // The keyword argument "size=" keeps its name; only the value is renamed.
    const kw = planPython(EXTRA).filter((e) => e.alts[0] === "size");
    const kwarg = EXTRA.indexOf("dict(size=") + "dict(".length;
    expect(kw.length).toBe(2);
    expect(kw.map((e) => e.start)).not.toContain(kwarg);
  });

  it("compile with the same syntax tree as the original for random symbol vectors", () => {
    const cases: { original: string; variant: string; renames: Record<string, string> }[] = [];
    for (const [name, source] of [
      ["poc.py", POC],
      ["client.py", EXTRA],
      ["tricky.py", TRICKY],
    ] as const) {
      const plan = planFile(name, source);
      expect(plan).not.toBeNull();
      if (!plan) return;
      expect(plan.points.length).toBeGreaterThan(8);
      for (const { symbols, text } of variants(plan, 15))
        cases.push({ original: source, variant: text, renames: renames(plan, symbols) });
    }
    // The PoC inside advisory copies (renaming undone through the advisory plan's sites).
    const advisory = planAdvisory(FIXTURE);
    for (const { symbols, text } of variants(advisory, 8, 3))
      cases.push({
        original: POC,
        variant: /```python\n([\s\S]*?)```/.exec(text)?.[1] ?? "",
        renames: renames(advisory, symbols),
      });
    const result = sameTrees(cases);
    expect(result.length).toBe(cases.length);
    result.forEach((ok, k) => {
      expect(ok, `variant ${k}:\n${cases[k]!.variant}`).toBe(true);
    });
  });

  it("leave a file alone when an f-string nests its own quotes (Python 3.12)", () => {
    expect(planPython('def f(d):\n    x = f"{d["k"]}"\n    y = \'a\'\n    return x + y\n')).toEqual([]);
  });

  it("detects a wrong variant (the check is not vacuous)", () => {
    const bad = POC.replace('b"OK"', 'b"KO"').replace("b'OK'", "b'KO'");
    expect(sameTrees([{ original: POC, variant: bad, renames: {} }])).toEqual([false]);
  });
});
