// Python proofs of concept: variants with the same syntax tree up to the names of locals.
//  - quote style of a one-line string literal without quotes or backslashes inside ('x' / "x");
//  - function-local names renamed in every use, only in a function without nested functions,
//    lambdas, classes, global/nonlocal, or anything that can see names as data (eval, exec,
//    globals, locals, vars, dir, inspect, frames), never parameters (callers may pass them by
//    keyword), never a name inside an f-string, and only to a name that appears nowhere in the file;
//  - two adjacent entries of a dict literal swapped where the order cannot matter (see dictSwaps).
import { type CodeEdit, nonOverlapping, site } from "./types.ts";

type Tok = {
  kind: "name" | "string" | "number" | "op" | "comment";
  start: number;
  end: number;
  value: string;
  /** Column of the first token of a logical line; -1 inside a line. */
  lineCol: number;
  depth: number;
};

const KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type print".split(
    " ",
  ),
);
/** Names that reach variables by name at run time: renaming or reordering around them is not safe. */
const DYNAMIC_ACCESS = [
  "eval",
  "exec",
  "globals",
  "locals",
  "vars",
  "dir",
  "inspect",
  "_getframe",
  "f_locals",
  "f_globals",
  "__dict__",
  "compile",
];
/** A function using any of these (or a nested scope, or a debugger) keeps its local names. */
const INTROSPECTION = new Set([
  ...DYNAMIC_ACCESS,
  "nonlocal",
  "global",
  "lambda",
  "def",
  "class",
  "breakpoint",
  "pdb",
]);

const SYNONYMS: Record<string, string[]> = {
  r: ["resp", "res"],
  res: ["resp", "result"],
  resp: ["response", "res"],
  response: ["resp", "reply"],
  req: ["request", "rq"],
  request: ["req"],
  data: ["payload_data", "body"],
  body: ["content", "data"],
  payload: ["body_bytes", "blob"],
  url: ["target_url", "endpoint"],
  target: ["host_url", "dest"],
  host: ["hostname", "server"],
  port: ["port_no", "tcp_port"],
  s: ["sock", "conn"],
  sock: ["conn", "s"],
  conn: ["sock", "connection"],
  session: ["sess", "client"],
  sess: ["session", "client"],
  headers: ["hdrs", "header_map"],
  hdrs: ["headers", "header_map"],
  token: ["tok", "auth_token"],
  cookie: ["cookie_value", "ck"],
  cookies: ["jar", "cookie_jar"],
  params: ["query", "qs"],
  path: ["uri_path", "route"],
  buf: ["buffer", "chunk"],
  chunk: ["block", "piece"],
  result: ["outcome", "ret"],
  out: ["output", "result"],
  msg: ["message", "text"],
  i: ["idx", "k"],
  n: ["count", "num"],
  count: ["total", "num"],
  size: ["length", "nbytes"],
  length: ["size", "nbytes"],
  name: ["label", "ident"],
  value: ["val", "v"],
  key: ["k", "field"],
  line: ["row", "ln"],
  status: ["code", "status_code"],
  timeout: ["wait_s", "deadline"],
  offset: ["pos", "off"],
  header: ["hdr", "prefix"],
  raw: ["blob", "raw_bytes"],
  packet: ["pkt", "frame"],
  pkt: ["packet", "frame"],
};

const nonAscii = (ch: string | undefined) => ch !== undefined && ch.charCodeAt(0) > 127;

/** Tokens of a Python source; null when it cannot be tokenised (unterminated string, non-ASCII name). */
export function pythonTokens(src: string): Tok[] | null {
  const toks: Tok[] = [];
  let i = 0;
  let depth = 0;
  let atLineStart = true;
  let lineStart = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      if (depth === 0) atLineStart = true;
      i++;
      lineStart = i;
      continue;
    }
    if (c === "\\" && src[i + 1] === "\n") {
      i += 2;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    const push = (kind: Tok["kind"], end: number) => {
      const lineCol = kind !== "comment" && atLineStart ? i - lineStart : -1;
      if (kind !== "comment") atLineStart = false;
      toks.push({ kind, start: i, end, value: src.slice(i, end), lineCol, depth });
      i = end;
    };
    if (c === "#") {
      const e = src.indexOf("\n", i);
      push("comment", e === -1 ? src.length : e);
      continue;
    }
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
    if (str) {
      const q = str[2];
      const raw = /r/i.test(str[1]!);
      let j = i + str[0].length;
      for (;;) {
        if (j >= src.length) return null;
        if (src.startsWith(q!, j)) break;
        if (q!.length === 1 && src[j] === "\n") return null;
        j += src[j] === "\\" && !(raw && src[j + 1] === undefined) ? 2 : 1;
      }
      // The end of a triple-quoted string may carry line breaks: keep the line start right.
      const end = j + q!.length;
      const nl = src.lastIndexOf("\n", end - 1);
      push("string", end);
      if (nl >= 0 && nl >= toks[toks.length - 1]!.start) lineStart = nl + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
    if (name) {
      if (nonAscii(src[i + name[0].length])) return null;
      push("name", i + name[0].length);
      continue;
    }
    if (nonAscii(c)) return null;
    const num =
      /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?[jJ]?|\.\d+(?:[eE][-+]?\d+)?)/.exec(
        src.slice(i, i + 256),
      );
    if (num) {
      push("number", i + num[0].length);
      continue;
    }
    const op = /^(?:\*\*=|\/\/=|>>=|<<=|\.\.\.|[-+*/%&|^@]=|==|!=|<=|>=|:=|->|\*\*|\/\/|<<|>>|.)/.exec(
      src.slice(i, i + 3),
    );
    const v = op ? op[0] : c;
    if ("([{".includes(v!)) {
      push("op", i + 1);
      depth++;
      continue;
    }
    if (")]}".includes(v!)) depth = Math.max(0, depth - 1);
    push("op", i + v!.length);
  }
  return toks;
}

/** Variation sites of a Python source. @example planPython("x = 'a'\n").length // 1 */
export function planPython(src: string, familyPrefix = "py"): CodeEdit[] {
  const toks = pythonTokens(src);
  if (!toks) return [];
  // Python 3.12 f-strings may nest the same quotes (f"{d["k"]}"), which this tokenizer would cut
  // short: an f-string with unbalanced braces means the file is not planned at all.
  for (const t of toks) {
    if (t.kind !== "string" || !/^[rRbBuU]?[fF]/.test(t.value)) continue;
    const body = t.value.replace(/\{\{|\}\}/g, "");
    if ((body.match(/\{/g) ?? []).length !== (body.match(/\}/g) ?? []).length) return [];
  }
  const edits: (CodeEdit | null)[] = [];
  for (const t of toks) if (t.kind === "string") edits.push(quoteSite(src, t));
  const code = toks.filter((t) => t.kind !== "comment");
  const taken = new Set(code.filter((t) => t.kind === "name").map((t) => t.value));
  let fn = 0;
  for (let k = 0; k < code.length; k++) {
    if (code[k]!.value !== "def" || code[k]!.kind !== "name") continue;
    // "def" opens the line, or follows "async" that does.
    const opener = code[k]!.lineCol >= 0 ? code[k] : code[k - 1]?.value === "async" ? code[k - 1] : null;
    if (!opener || opener.lineCol < 0) continue;
    const col = opener.lineCol;
    // Parameters: every name inside the def's parentheses.
    let p = k + 2;
    if (code[p]?.value !== "(") continue;
    const params = new Set<string>();
    const bodyDepth = code[p]!.depth;
    for (p++; p < code.length && !(code[p]!.value === ")" && code[p]!.depth === bodyDepth); p++)
      if (code[p]!.kind === "name") params.add(code[p]!.value);
    let e = p + 1;
    while (e < code.length && !(code[e]!.lineCol >= 0)) e++; // the first statement of the body
    const bodyStart = e;
    while (e < code.length && !(code[e]!.lineCol >= 0 && code[e]!.lineCol <= col)) e++;
    const body = code.slice(bodyStart, e);
    if (body.length === 0 || body[0]!.lineCol <= col) continue; // a one-line def: leave it
    edits.push(...renameLocals(src, body, params, taken, `${familyPrefix}-f${fn++}`));
  }
  const kept = edits.filter((x): x is CodeEdit => x !== null);
  return nonOverlapping(dictSwaps(src, toks, kept, familyPrefix));
}

function quoteSite(src: string, t: Tok): CodeEdit | null {
  const m = /^([rRbBuUfF]{0,2})(['"])([\s\S]*)\2$/.exec(t.value);
  if (!m || m[3]!.startsWith(m[2]!) || /['"\\\n{}]/.test(m[3]!)) return null;
  const q = m[2] === "'" ? '"' : "'";
  return site(src, t.start, t.end, `${m[1]}${q}${m[3]}${q}`);
}

function renameLocals(
  src: string,
  body: Tok[],
  params: Set<string>,
  taken: Set<string>,
  family: string,
): (CodeEdit | null)[] {
  if (body.some((t) => t.kind === "name" && INTROSPECTION.has(t.value))) return [];
  const fStringText = body
    .filter((t) => t.kind === "string" && /^[rRbBuU]?[fF]/.test(t.value))
    .map((t) => t.value)
    .join(" ");
  const bound = new Set<string>();
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    // NAME [, NAME]* = …   at the start of a statement
    if (t!.lineCol >= 0 && t!.kind === "name") {
      let j = k;
      const names: string[] = [];
      while (body[j]?.kind === "name" && !KEYWORDS.has(body[j]!.value)) {
        names.push(body[j]!.value);
        if (body[j + 1]?.value === ",") j += 2;
        else {
          j++;
          break;
        }
      }
      const op = body[j]?.value ?? "";
      if (names.length && (op === "=" || (names.length === 1 && /^[-+*/%&|^@]=$|^\*\*=$|^\/\/=$/.test(op))))
        for (const n of names) bound.add(n);
    }
    // for NAME [, NAME]* in   (statements only: comprehension variables have their own scope)
    if (t!.value === "for" && t!.lineCol >= 0) {
      for (let j = k + 1; body[j] && body[j]!.value !== "in"; j++)
        if (body[j]!.kind === "name") bound.add(body[j]!.value);
        else if (body[j]!.value !== ",") break;
    }
    // with … as NAME / except … as NAME
    if (
      t!.value === "as" &&
      body[k + 1]?.kind === "name" &&
      body[k + 2] &&
      /^[:,)]$/.test(body[k + 2]!.value)
    )
      bound.add(body[k + 1]!.value);
  }
  const out: (CodeEdit | null)[] = [];
  for (const name of bound) {
    if (params.has(name) || KEYWORDS.has(name) || name.startsWith("__")) continue;
    if (new RegExp(`\\b${name}\\b`).test(fStringText)) continue;
    const fresh = (SYNONYMS[name] ?? [`${name}_`, `${name}_v`]).find(
      (c) => !taken.has(c) && !KEYWORDS.has(c) && !new RegExp(`\\b${c}\\b`).test(src),
    );
    if (!fresh) continue;
    taken.add(fresh);
    body.forEach((t, k) => {
      if (t.kind !== "name" || t.value !== name) return;
      if (body[k - 1]?.value === ".") return; // attribute
      if (t.depth > 0 && body[k + 1]?.value === "=" && /^[(,]$/.test(body[k - 1]?.value ?? "")) return; // keyword argument
      out.push(site(src, t.start, t.end, fresh, `${family}-${name}`));
    });
  }
  return out;
}

/** Keyword arguments of an HTTP client call whose dict becomes an unordered thing on the wire. */
const HTTP_KEYWORDS = new Set(["headers", "params", "data", "json", "cookies"]);
/** Methods of requests, httpx and aiohttp (modules, sessions, clients), and urllib's Request. */
const HTTP_METHODS = new Set([
  "get",
  "post",
  "put",
  "patch",
  "delete",
  "head",
  "options",
  "request",
  "Request",
]);
/** Modules whose `.get(`/`.post(`… calls send a dict argument over HTTP. */
const HTTP_MODULES = new Set(["requests", "httpx", "aiohttp", "urllib.request"]);
/** Their calls that make a client, whose methods send over HTTP too. */
const HTTP_CLIENTS = new Set(["Session", "Client", "AsyncClient", "ClientSession"]);

/**
 * Which receivers of a `.get(`, `.post(` … call are an HTTP library: a module imported by `import` or
 * `from … import` (under its name or an `as` alias), a client made from one and bound to a name
 * (`s = requests.Session()`, `with httpx.Client() as s`, `async with aiohttp.ClientSession() as s`),
 * or such a client made in place (`requests.Session().post(`). A name counts only where the file uses
 * it nowhere else than in that binding or before a dot, so a parameter, a reassignment or an object
 * of the file's own that has a `post` method is never taken for one. Returns a test of the receiver
 * expression that ends at a token index.
 */
function httpReceivers(code: Tok[]): (end: number) => boolean {
  const lineEnd = (k: number) => {
    let e = k + 1;
    while (e < code.length && code[e]!.lineCol < 0) e++;
    return e;
  };
  // A dotted name read from token k on: its text and the index after it.
  const dotted = (k: number): [string, number] => {
    let text = code[k]?.kind === "name" ? code[k]!.value : "";
    let e = k + 1;
    while (text && code[e]?.value === "." && code[e + 1]?.kind === "name") {
      text += `.${code[e + 1]!.value}`;
      e += 2;
    }
    return [text, e];
  };
  const aliases = new Map<string, number[]>(); // alias → token indexes of its import statement's names
  code.forEach((t, k) => {
    if (t.lineCol < 0) return;
    const end = lineEnd(k);
    if (t.value === "import") {
      for (let i = k + 1; i < end; ) {
        const [path, after] = dotted(i);
        if (!path) break;
        const as = code[after]?.value === "as" && code[after + 1]?.kind === "name" ? after + 1 : -1;
        if (HTTP_MODULES.has(path))
          aliases.set(as >= 0 ? code[as]!.value : path, [i, ...(as >= 0 ? [as] : [])]);
        i = (as >= 0 ? as + 1 : after) + 1; // past the comma
      }
    } else if (t.value === "from") {
      const [from, after] = dotted(k + 1);
      if (code[after]?.value !== "import") return;
      for (let i = after + 1; i < end; i++) {
        if (code[i]!.kind !== "name" || code[i - 1]?.value === "as") continue;
        const as = code[i + 1]?.value === "as" && code[i + 2]?.kind === "name" ? i + 2 : -1;
        if (HTTP_MODULES.has(`${from}.${code[i]!.value}`))
          aliases.set(as >= 0 ? code[as]!.value : code[i]!.value, [i, ...(as >= 0 ? [as] : [])]);
      }
    }
  });
  // Every use of a name other than `allowed` must be followed by a dot (a module or client read).
  const onlyDotted = (name: string, allowed: Set<number>) =>
    code.every(
      (t, k) => t.kind !== "name" || t.value !== name || allowed.has(k) || code[k + 1]?.value === ".",
    );
  for (const [alias, at] of aliases) {
    const root = alias.split(".")[0]!;
    if (!onlyDotted(root, new Set(at))) aliases.delete(alias);
  }
  // A client-making call `alias.Client(` starting at k: the index of its "(", or -1.
  const clientCall = (k: number) => {
    const [path, after] = dotted(k);
    const dot = path.lastIndexOf(".");
    return dot > 0 &&
      aliases.has(path.slice(0, dot)) &&
      HTTP_CLIENTS.has(path.slice(dot + 1)) &&
      code[after]?.value === "("
      ? after
      : -1;
  };
  const closing = (open: number) => {
    let e = open + 1;
    while (e < code.length && !(code[e]!.value === ")" && code[e]!.depth === code[open]!.depth)) e++;
    return e;
  };
  const bound = new Map<string, Set<number>>();
  const bind = (k: number) => bound.set(code[k]!.value, new Set([...(bound.get(code[k]!.value) ?? []), k]));
  code.forEach((t, k) => {
    if (t.kind === "name" && t.lineCol >= 0 && code[k + 1]?.value === "=" && clientCall(k + 2) >= 0) {
      const end = closing(clientCall(k + 2));
      if (code[end + 1] === undefined || code[end + 1]!.lineCol >= 0) bind(k);
    }
    if (t.value === "with" && clientCall(k + 1) >= 0) {
      const end = closing(clientCall(k + 1));
      if (
        code[end + 1]?.value === "as" &&
        code[end + 2]?.kind === "name" &&
        /^[:,]$/.test(code[end + 3]?.value ?? "")
      )
        bind(end + 2);
    }
  });
  const clients = new Set([...bound].filter(([name, at]) => onlyDotted(name, at)).map(([name]) => name));
  return (end: number) => {
    if (code[end]?.value === ")") {
      let open = end - 1;
      while (open >= 0 && !(code[open]!.value === "(" && code[open]!.depth === code[end]!.depth)) open--;
      let start = open - 1;
      while (start >= 2 && code[start - 1]?.value === "." && code[start - 2]?.kind === "name") start -= 2;
      return open > 0 && clientCall(start) === open;
    }
    let start = end;
    while (start >= 2 && code[start - 1]?.value === "." && code[start - 2]?.kind === "name") start -= 2;
    if (code[start - 1]?.value === ".") return false; // part of a longer expression
    const path = code
      .slice(start, end + 1)
      .map((t) => t.value)
      .join("");
    return code[end]?.kind === "name" && (aliases.has(path) || clients.has(path));
  };
}

/** A one-line string literal without prefix, quotes, backslashes or line breaks inside. */
const PLAIN_STRING = /^(['"])([^'"\\\n]+)\1$/;

/**
 * Dict literal entries swapped in pairs, only where the order of a dict cannot be seen. A dict
 * keeps insertion order in Python 3.7+, so this is limited to a literal whose keys are plain string
 * constants, distinct even without case (no **spread, no computed key, no comment inside), and that
 * goes straight to an HTTP client call as `headers=`, `params=`, `data=`, `json=` or `cookies=`
 * (the call is `X.get(`, `X.post(` … `X.request(` or `X.Request(` where `X` is an HTTP library's
 * module or client, see httpReceivers, and the file defines no function of that name), either written in the call or assigned to a name that the file uses
 * nowhere else than as such an argument (and with no eval, exec, globals, locals, vars …
 * anywhere). There the order only changes the order on the wire, where it carries no meaning: the
 * order of header fields of different names is not significant (RFC 9110, 5.3), and header names
 * are case-insensitive, hence distinct without case; a JSON object is an unordered collection of
 * names (RFC 8259, 4); servers should not rely on the order of cookies (RFC 6265, 4.2.2); query
 * and form parameters with distinct names look up the same values by name (only a server that
 * hashes or signs the raw query or body would see a difference, which a proof of concept does not
 * meet). The two entries must each be on one line and their values must be evaluated without side
 * effects whose order could show: a plain string, a number, True/False/None, a name or a dotted
 * attribute read (a pair is a plain string and a plain string, or two of the others).
 *
 * Keys and values that are plain strings keep their quote-style sites, split into the opening and
 * the closing quote (which stay in place) so that the swap moves only the text between them: the
 * two compose. A value with any other site of its own (a renamed local) is never moved.
 */
function dictSwaps(src: string, toks: Tok[], edits: CodeEdit[], prefix: string): CodeEdit[] {
  const code = toks.filter((t) => t.kind !== "comment");
  const defined = new Set<string>();
  code.forEach((t, k) => {
    if (t.value === "def" && code[k + 1]?.kind === "name") defined.add(code[k + 1]!.value);
  });
  const introspects = code.some((t) => t.kind === "name" && INTROSPECTION_NAMES.has(t.value));
  const httpReceiver = httpReceivers(code);
  // The token index of the "(" whose call a token at depth d sits in, when it is an HTTP call.
  const httpCall = (k: number): boolean => {
    const d = code[k]!.depth;
    let j = k - 1;
    while (j >= 0 && !(code[j]!.value === "(" && code[j]!.depth === d - 1)) j--;
    const method = code[j - 1];
    return (
      j > 1 &&
      method?.kind === "name" &&
      HTTP_METHODS.has(method.value) &&
      !defined.has(method.value) &&
      code[j - 2]?.value === "." &&
      httpReceiver(j - 3)
    );
  };
  // `KW=` + value token at k, inside an HTTP call, followed by "," or ")".
  const httpArgument = (k: number, end: number): boolean =>
    code[k - 1]?.value === "=" &&
    code[k - 2]?.kind === "name" &&
    HTTP_KEYWORDS.has(code[k - 2]!.value) &&
    /^[(,]$/.test(code[k - 3]?.value ?? "") &&
    code[k]!.depth > 0 &&
    /^[,)]$/.test(code[end + 1]?.value ?? "") &&
    httpCall(k);
  // A name every other occurrence of which is a store at the start of a statement or such an argument.
  const onlyAnArgument = (name: string): boolean =>
    !introspects &&
    code.every((t, k) => {
      if (t.kind !== "name" || t.value !== name) return true;
      if (code[k - 1]?.value === ".") return false; // maybe a class attribute read as self.NAME
      if (t.lineCol >= 0 && code[k + 1]?.value === "=") return true;
      if (t.depth > 0 && code[k + 1]?.value === "=" && /^[(,]$/.test(code[k - 1]?.value ?? "")) return true; // a keyword argument's name, not the variable
      return httpArgument(k, k);
    });

  const dropped = new Set<CodeEdit>();
  const added: CodeEdit[] = [];
  const quoteSiteOf = (t: Tok) =>
    edits.find((e) => e.start === t.start && e.end === t.end && !e.family && e.alts[0] === t.value);
  const busy = (start: number, end: number) => edits.some((e) => e.start < end && start < e.end);
  let n = 0;
  for (let k = 0; k < code.length; k++) {
    if (code[k]!.value !== "{" || code[k]!.kind !== "op") continue;
    const depth = code[k]!.depth;
    let close = k + 1;
    while (close < code.length && !(code[close]!.value === "}" && code[close]!.depth === depth)) close++;
    if (close >= code.length) break;
    const passed =
      httpArgument(k, close) ||
      (code[k - 1]?.value === "=" &&
        code[k - 2]?.kind === "name" &&
        code[k - 2]!.lineCol >= 0 &&
        (code[close + 1] === undefined || code[close + 1]!.lineCol >= 0) &&
        onlyAnArgument(code[k - 2]!.value));
    if (!passed) continue;
    const start = code[k]!.end;
    const end = code[close]!.start;
    if (toks.some((t) => t.kind === "comment" && t.start > start && t.start < end)) continue;
    // Entries at the dict's own depth, split at commas.
    const entries: Tok[][] = [[]];
    for (let j = k + 1; j < close; j++) {
      const t = code[j]!;
      if (t.value === "," && t.depth === depth + 1) entries.push([]);
      else entries[entries.length - 1]!.push(t);
    }
    if (entries[entries.length - 1]!.length === 0) entries.pop();
    const keys = entries.map((e) => (e[0]?.kind === "string" && e[1]?.value === ":" ? e[0] : null));
    const plainKeys = keys.map((t) => (t ? PLAIN_STRING.exec(t.value)?.[2] : undefined));
    // Header names are case-insensitive: "Accept" and "accept" are one header, the last one wins.
    const distinct = new Set(plainKeys.map((x) => x?.toLowerCase())).size === plainKeys.length;
    if (plainKeys.some((x) => x === undefined) || !distinct) continue;
    const kinds = entries.map((e) => {
      const value = e.slice(2);
      if (value.length === 0 || src.slice(e[0]!.start, value[value.length - 1]!.end).includes("\n"))
        return null;
      if (value.length === 1 && PLAIN_STRING.test(value[0]!.value)) return "string";
      const text = value.map((t) => t.value).join("");
      const simple =
        /^-?(?:\d[\d_]*(?:\.\d*)?|0[xX][0-9a-fA-F_]+)$/.test(text) ||
        /^(?:True|False|None)$/.test(text) ||
        (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(text) && !KEYWORDS.has(value[0]!.value));
      return simple && !busy(value[0]!.start, value[value.length - 1]!.end) ? "simple" : null;
    });
    for (let j = 0; j + 1 < entries.length; j++) {
      const a = entries[j]!;
      const b = entries[j + 1]!;
      if (!kinds[j] || kinds[j] !== kinds[j + 1]) continue;
      const f = `${prefix}-dict${n++}`;
      const moved: [Tok, Tok][] = [[a[0]!, b[0]!]];
      const va = a.slice(2);
      const vb = b.slice(2);
      const swaps: CodeEdit[] = [];
      if (kinds[j] === "string") moved.push([va[0]!, vb[0]!]);
      else {
        const [sa, ea, sb, eb] = [va[0]!.start, va[va.length - 1]!.end, vb[0]!.start, vb[vb.length - 1]!.end];
        const x = site(src, sa, ea, src.slice(sb, eb), f);
        const y = site(src, sb, eb, src.slice(sa, ea), f);
        if (x && y) swaps.push(x, y);
      }
      // Strings: the text between the quotes moves; the quotes stay, with their own site split in two.
      for (const [ta, tb] of moved) {
        const x = site(src, ta.start + 1, ta.end - 1, tb.value.slice(1, -1), f);
        const y = site(src, tb.start + 1, tb.end - 1, ta.value.slice(1, -1), f);
        if (x && y) swaps.push(x, y);
        for (const t of [ta, tb]) {
          const q = quoteSiteOf(t);
          if (!q) continue;
          dropped.add(q);
          const other = t.value[0] === "'" ? '"' : "'";
          for (const at of [t.start, t.end - 1]) {
            const s = site(src, at, at + 1, other, `${prefix}-quote${t.start}`);
            if (s) added.push(s);
          }
        }
      }
      added.push(...swaps);
      j++; // pairs do not overlap
    }
  }
  return [...edits.filter((e) => !dropped.has(e)), ...added];
}

/** In a file using any of these (attributes by name too), a dict reached through a name keeps its order. */
const INTROSPECTION_NAMES = new Set([...DYNAMIC_ACCESS, "setattr", "getattr", "__import__", "importlib"]);
