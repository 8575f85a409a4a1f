// Every Python variant compiles and has the original's syntax tree once its renaming is undone.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonProbe } from "../../../test/fixtures/poc.ts";
import { planAdvisory, planFile } from "../plan.ts";
import { planPython } from "./python.ts";
import { renames, requireTool, run, variants } from "./tools.test-helpers.ts";

const FIXTURE = readFileSync("test/fixtures/advisories/fw-2025-0171-harbor-sync-rce.md", "utf8");
const POC = /```python\n([\s\S]*?)```/.exec(FIXTURE)?.[1] ?? "";

// The probe the fingerprinting tests deliver (urllib.request.Request with a headers dict).
const PROBE = pythonProbe({
  doc: "Probe.",
  beacon: "none",
  path: "/api/v2/admin/status",
  header: "X-Probe",
  agent: "probe/1.0",
  accept: "*/*",
  vulnerable: "status_code == 200",
  target: "http://127.0.0.1:8080",
});

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

// Dict literals whose order the planner may vary: entries of an HTTP client call's argument.
const DICTS = `import requests
import httpx

HEADERS = {
    "User-Agent": "Mozilla/5.0 (forewarn-poc)",
    'Accept': "application/json",
    "X-Requested-With": 'XMLHttpRequest',
    "X-Api-Key": API_KEY,
}
PARAMS = {'page': 1, 'limit': 50, 'debug': True, 'mode': None}


def exploit(base, args):
    url = base + "/api/v1/exec"
    session = requests.Session()
    resp = session.post(
        url,
        headers=HEADERS,
        params=PARAMS,
        json={"command": "id", "shell": "/bin/sh", "user": args.user, "token": args.token},
        cookies={'sid': args.sid, 'csrf': args.csrf},
        timeout=5,
    )
    other = httpx.get(url, data={"a": "1", "b": "2", "c": args.c}, headers={"X-One": "1", "X-Two": "2"})
    return resp.status_code, other.status_code


# Left alone: order visible, keys not distinct constants, values with effects, not an HTTP call.
def left_alone(base, extra, key):
    printed = {"alpha": 1, "beta": 2}
    print(printed)
    listed = list({"one": 1, "two": 2})
    twice = requests.get(base, params={"id": 1, "id": 2})
    spread = requests.get(base, params={"p": 1, "q": 2, **extra})
    computed = requests.get(base, params={key: 1, "q": 2})
    called = requests.get(base, headers={"X-A": str(1), "X-B": str(2)})
    mixed = requests.get(base, headers={"X-A": "a", "X-B": extra})
    commented = requests.get(base, params={
        "r": 1,  # first
        "s": 2,
    })
    local = send(base, json={"m": 1, "n": 2})
    return printed, listed, twice, spread, computed, called, mixed, commented, local


def send(url, json):
    return [k for k in json]
`;

// Compiles both sources, undoes the renaming in the variant's tree and compares the dumps, with the
// entries of dicts that are an HTTP argument or the value of an assignment sorted by key.
const CHECK = `
import ast, json, sys
cases = json.load(sys.stdin)
out = []
HTTP = {"headers", "params", "data", "json", "cookies"}
def sort_dict(d):
    if isinstance(d, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in d.keys):
        pairs = sorted(zip(d.keys, d.values), key=lambda p: p[0].value)
        d.keys = [k for k, _ in pairs]
        d.values = [v for _, v in pairs]
class Sort(ast.NodeVisitor):
    def visit_keyword(self, node):
        if node.arg in HTTP:
            sort_dict(node.value)
        self.generic_visit(node)
    def visit_Assign(self, node):
        sort_dict(node.value)
        self.generic_visit(node)
def tree(source):
    t = ast.parse(source)
    Sort().visit(t)
    return t
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
    a = ast.dump(tree(c["original"]))
    b = ast.dump(Undo().visit(tree(c["variant"])))
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
      ["dicts.py", DICTS],
      ["probe.py", PROBE],
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
    // A key moved to another value, or a dict the check does not sort reordered, is caught too.
    const moved = DICTS.replace('"command": "id", "shell"', '"command": "/bin/sh", "shell"');
    const listed = DICTS.replace('list({"one": 1, "two": 2})', 'list({"two": 2, "one": 1})');
    expect(
      sameTrees([
        { original: DICTS, variant: moved, renames: {} },
        { original: DICTS, variant: listed, renames: {} },
      ]),
    ).toEqual([false, false]);
  });

  it("swap pairs of dict entries of HTTP arguments, keeping quote sites on both sides", () => {
    const edits = planPython(DICTS);
    const swaps = edits.filter((e) => e.family?.includes("-dict"));
    const pairs = new Map<string, string[]>();
    for (const e of swaps) pairs.set(e.family!, [...(pairs.get(e.family!) ?? []), e.alts.join(" > ")]);
    expect([...pairs.values()]).toEqual([
      [
        "User-Agent > Accept",
        "Mozilla/5.0 (forewarn-poc) > application/json",
        "Accept > User-Agent",
        "application/json > Mozilla/5.0 (forewarn-poc)",
      ],
      ["page > limit", "1 > 50", "limit > page", "50 > 1"],
      ["debug > mode", "True > None", "mode > debug", "None > True"],
      ["command > shell", "id > /bin/sh", "shell > command", "/bin/sh > id"],
      ["user > token", "args.user > args.token", "token > user", "args.token > args.user"],
      ["sid > csrf", "args.sid > args.csrf", "csrf > sid", "args.csrf > args.sid"],
      ["a > b", "1 > 2", "b > a", "2 > 1"],
      ["X-One > X-Two", "1 > 2", "X-Two > X-One", "2 > 1"],
    ]);
    // The quotes of a moved key stay in place and keep their own site (one point, two quotes).
    const at = DICTS.indexOf("'Accept'");
    const quotes = edits.filter((e) => e.start === at || e.start === at + "'Accept'".length - 1);
    expect(quotes.map((e) => e.alts)).toEqual([
      ["'", '"'],
      ["'", '"'],
    ]);
    expect(quotes[0]!.family).toBe(quotes[1]!.family);
    // Every point of the file composes: all planned edits survive, none overlaps another.
    const plan = planFile("dicts.py", DICTS);
    expect(plan?.sites.length).toBe(edits.length);
  });

  it("leave dicts alone where order may show, byte for byte up to quote style", () => {
    const from = DICTS.indexOf("# Left alone");
    const normal = (s: string) => s.slice(s.indexOf("# Left alone")).replace(/'/g, '"');
    const plan = planFile("dicts.py", DICTS);
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect(planPython(DICTS).some((e) => e.family?.includes("-dict") && e.start >= from)).toBe(false);
    for (const { symbols, text } of variants(plan, 10)) {
      const undo = renames(plan, symbols);
      const body = normal(text).replace(/\b\w+\b/g, (w) => undo[w] ?? w);
      expect(body).toBe(normal(DICTS));
    }
    // A name read elsewhere, a file that looks names up, a method the file defines itself, f-string
    // values, an entry over two lines, bytes values, keys equal without case, a class attribute.
    for (const source of [
      'import requests\nH = {"a": "1", "b": "2"}\nrequests.get("u", headers=H)\nprint(H)\n',
      'import requests\nH = {"a": "1", "b": "2"}\nrequests.get("u", headers=H)\neval("H")\n',
      'import requests\nH = {"a": "1", "b": "2"}\nrequests.get("u", headers=H)\nH["c"] = "3"\n',
      'class C:\n    def get(self, url, headers):\n        return list(headers)\n\nC().get("u", headers={"a": "1", "b": "2"})\n',
      'import requests\nrequests.get("u", headers={"a": f"{1}", "b": f"{2}"})\n',
      'import requests\nrequests.get("u", headers={"a":\n    "1", "b": "2"}, params={"c": b"3", "d": b"4"})\n',
      'import requests\nrequests.get("u", headers={"Accept": "1", "accept": "2"})\n',
      'import requests\nclass P:\n    H = {"a": "1", "b": "2"}\n    def run(self):\n        print(self.H)\n        requests.get("u", headers=H)\n',
      // Receivers that are not an HTTP library: another library's object, a parameter, a module name
      // or a client name bound again to something else, a module never imported.
      'from queues import Queue\nq = Queue()\nq.post("u", json={"a": 1, "b": 2})\n',
      'def send(session):\n    session.post("u", json={"a": 1, "b": 2})\n',
      'import requests\nrequests = make_fake()\nrequests.post("u", json={"a": 1, "b": 2})\n',
      'import requests\ns = requests.Session()\ns = make_fake()\ns.post("u", json={"a": 1, "b": 2})\n',
      'import requests\ns = requests.Session()\nwrap(s)\ns.post("u", json={"a": 1, "b": 2})\n',
      'httpx.post("u", json={"a": 1, "b": 2})\n',
      'import requests\nmake().Session().post("u", json={"a": 1, "b": 2})\n',
    ])
      expect(
        planPython(source).filter((e) => e.family?.includes("-dict")),
        source,
      ).toEqual([]);
    // HTTP library receivers: a module (under an alias, or from `from … import`), a client bound by
    // assignment or `with`, a client made in place.
    for (const source of [
      'import requests as rq\nrq.get("u", params={"a": 1, "b": 2})\n',
      'from urllib import request\nrequest.Request("u", headers={"a": "1", "b": "2"})\n',
      'import requests\nrequests.Session().post("u", json={"a": 1, "b": 2})\n',
      'import httpx\nwith httpx.Client() as c:\n    c.post("u", json={"a": 1, "b": 2})\n',
      'import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n        async with s.post("u", json={"a": 1, "b": 2}) as r:\n            return r\n',
    ])
      expect(
        planPython(source).some((e) => e.family?.includes("-dict")),
        source,
      ).toBe(true);
    // The same shapes, passed only to the call, do vary; so does the probe's headers dict.
    expect(
      planPython(PROBE)
        .filter((e) => e.family?.includes("-dict"))
        .map((e) => e.alts[0]),
    ).toEqual(["X-Probe", "1", "User-Agent", "probe/1.0"]);
    expect(
      planPython('import requests\nH = {"a": "1", "b": "2"}\nrequests.get("u", headers=H)\n').some((e) =>
        e.family?.includes("-dict"),
      ),
    ).toBe(true);
  });
});
