// Hostile input over every operation of the OpenAPI document, as anonymous and as each role:
// NUL and lone surrogates in strings and query filters, huge strings, dates in year 10000,
// `__proto__`/`constructor` keys and CVSS metric names, wrong types, truncated multipart bodies.
// Whatever comes in, the answer is never a 5xx.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../src/authz/actions.ts";
import { systemActor } from "../src/authz/authorize.ts";
import { PASSWORD, type TestApp, testApp } from "./harness.ts";
import { programmeFixtures } from "./programme.ts";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  const?: unknown;
  default?: unknown;
  additionalProperties?: boolean | Schema;
};
type Parameter = {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema: Schema;
};
type Operation = {
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

/** Marks a JSON value that must go out as raw text (keys JavaScript objects cannot hold as data). */
const RAW = Symbol("raw");
type Raw = { [RAW]: string };
const raw = (text: string): Raw => ({ [RAW]: text });
const isRaw = (v: unknown): v is Raw => typeof v === "object" && v !== null && RAW in v;

function toJson(v: unknown): string {
  if (isRaw(v)) return v[RAW];
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

const HOSTILE_STRINGS = [
  "nul\u0000inside",
  "lone\uD800surrogate",
  "\uDFFF",
  "x".repeat(70_000),
  "10000-01-01T00:00:00Z",
  "+010000-01-01T00:00:00.000Z",
  "9999-12-31T23:59:59-23:59",
  "0000-01-01T00:00:00Z",
  "__proto__",
  "constructor",
  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/constructor:X",
  "CVSS:3.1/__proto__:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/__proto__:X",
  "CVSS:3.1/AV:N/AV:N/hasOwnProperty:N",
  "P99999999Y",
  "../../../etc/passwd",
  "",
];
const HOSTILE_OTHER: unknown[] = [
  1e308,
  -1,
  1.5,
  true,
  null,
  [],
  {},
  raw('{"__proto__":{"polluted":1}}'),
  raw('{"constructor":{"prototype":{"polluted":1}}}'),
];
const hostile = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_OTHER) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);

const ID_EXAMPLE = /^\^([a-z]{3})_/;
const PATTERN_CANDIDATES = [
  "123456",
  "2026",
  "CWE-79",
  "FW-2026-0001",
  "GBR",
  "summary,details",
  "fw-2026-0001.json",
  "acme",
  "a@example.org",
  "aaaaaaaaaaaaaaaaaaaaaaaa",
];

/** IDs of real resources by prefix (cas, adv, usr, org, ...), so plausible requests reach the services. */
const REAL: Record<string, string> = {};
/** The resource a path parameter names, by the path segment before it. */
const SEGMENT_PREFIX: Record<string, string> = {
  advisories: "adv",
  cases: "cas",
  reports: "cas",
  partners: "org",
  users: "usr",
  members: "usr",
  tokens: "tok",
};

/** A value the schema accepts (as far as this simple reading goes): the base mutations start from. */
function example(s: Schema | undefined, name = ""): unknown {
  if (!s) return "x";
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return example(alt.find((a) => a.type !== "null") ?? alt[0], name);
  if (s.allOf?.length) return example(s.allOf[0], name);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = example(v, k);
      return out;
    }
    case "array":
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => example(s.items, name));
    case "integer":
    case "number":
      return Math.max(1, s.minimum ?? 1);
    case "boolean":
      return true;
    case "null":
      return null;
    default: {
      if (s.format === "email") return "someone@example.org";
      if (s.format === "date-time") return "2026-03-05T12:00:00Z";
      if (s.format === "uri") return "https://127.0.0.1/hook";
      if (s.pattern) {
        const id = ID_EXAMPLE.exec(s.pattern);
        if (id) return REAL[id[1] as string] ?? `${id[1]}_${"0".repeat(26)}`;
        const re = new RegExp(s.pattern);
        const hit = PATTERN_CANDIDATES.find((c) => re.test(c));
        if (hit) return hit;
      }
      if (/url/i.test(name)) return "https://127.0.0.1/hook";
      return "x".repeat(Math.max(1, s.minLength ?? 1));
    }
  }
}

/** Paths to every leaf of a value (and to every object and array, which can be replaced whole). */
function locations(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) out.push(...locations(x, [...at, i]));
  } else if (v && typeof v === "object" && !isRaw(v))
    for (const [k, x] of Object.entries(v)) out.push(...locations(x, [...at, k]));
  return out;
}

function replaced(v: unknown, at: (string | number)[], with_: unknown): unknown {
  if (at.length === 0) return with_;
  const [head, ...rest] = at as [string | number, ...(string | number)[]];
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? replaced(x, rest, with_) : x));
  const o = { ...(v as Record<string, unknown>) };
  o[head] = replaced(o[head], rest, with_);
  return o;
}

const queryValue = (v: unknown) => (typeof v === "string" ? v : toJson(v));

/** Percent-encodes like encodeURIComponent, and a lone surrogate as its raw 3-byte form, as a hostile client may. */
function encode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    } else out += encodeURIComponent(s[i] as string);
  }
  return out;
}

type Req = {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  what: string;
};

function isMultipart(op: Operation) {
  return /multipart/i.test(`${op.summary ?? ""} ${op.description ?? ""}`);
}

const BOUNDARY = "----fuzzboundary";
const MULTIPART_BODIES: [string, string][] = [
  [
    "truncated in a part",
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello wor`,
  ],
  ["truncated in the headers", `--${BOUNDARY}\r\nContent-Disposition: form-da`],
  [
    "no closing boundary",
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n`,
  ],
  [
    "NUL in the file name",
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a\u0000.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`,
  ],
  [
    "a field, no file",
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`,
  ],
  ["empty", ""],
];

describe("fuzzing every operation", () => {
  let t: TestApp;
  const callers: { name: string; headers: Record<string, string> }[] = [{ name: "anonymous", headers: {} }];

  beforeAll(async () => {
    t = await testApp("pglite");
    const s = t.services;
    const SYS = systemActor("test");
    const fixtures = programmeFixtures(s, t.app);
    const c1 = await fixtures.makeUser("coordinator");
    const c2 = await fixtures.makeUser("coordinator");
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    const partner = await fixtures.activePartner("fuzz", "standard", [c1.actor, c2.actor]);
    const lab = await s.accounts.createOrganisation(SYS, { name: "Fuzz lab" });
    const users: [Role, string | undefined][] = [
      ["admin", undefined],
      ["investigator", undefined],
      ["auditor", undefined],
      ["partner_analyst", partner.id],
      ["researcher", lab.id],
    ];
    callers.push({ name: "coordinator", headers: c1.headers });
    callers.push({ name: "partner_admin", headers: partner.admin.headers });
    for (const [role, org] of users)
      callers.push({ name: role, headers: (await fixtures.makeUser(role, org)).headers });
    // Real resources, so plausible requests get past "not found" into the services.
    const report = await t.app.inject({
      method: "POST",
      url: "/api/reports",
      payload: { product: "Widget", version: "1.0", title: "Overflow", description: "It overflows." },
    });
    expect(report.statusCode).toBe(201);
    REAL.cas = report.json().caseId;
    callers.push({ name: "reporter", headers: { "x-tracking-token": report.json().trackingToken } });
    const advisory = await t.app.inject({
      method: "POST",
      url: "/api/advisories",
      headers: c1.headers,
      payload: {
        caseId: REAL.cas,
        title: "Overflow in Widget",
        products: [{ vendor: "V", product: "Widget", affected: ["1.0"] }],
        sections: { summary: "An overflow." },
      },
    });
    expect(advisory.statusCode, advisory.body).toBe(201);
    REAL.adv = advisory.json().id;
    REAL.trackingId = advisory.json().trackingId;
    REAL.org = partner.id;
    REAL.usr = partner.admin.id;
    expect(PASSWORD).toBeTruthy();
  });
  afterAll(() => t?.close());

  it("answers no hostile request with a 5xx", async () => {
    const doc = (await t.app.inject({ url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    expect(ops.length).toBeGreaterThan(100);

    const failures: string[] = [];
    let sent = 0;
    const send = async (r: Req, caller: string) => {
      sent++;
      const res = await t.app.inject({
        method: r.method as "GET",
        url: r.url,
        headers: r.headers,
        ...(r.payload !== undefined ? { payload: r.payload } : {}),
      });
      if (res.statusCode >= 500)
        failures.push(`${res.statusCode} ${r.method} ${r.url.slice(0, 120)} as ${caller}: ${r.what}`);
      return res.statusCode;
    };

    for (const [opIndex, { path, method, op }] of ops.entries()) {
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === "path");
      const queryParams = params.filter((p) => p.in === "query");
      const bodySchema = op.requestBody?.content["application/json"]?.schema;
      const base = {
        path: Object.fromEntries(
          pathParams.map((p) => {
            const segment = new RegExp(`/([a-z-]+)/\\{${p.name}\\}`).exec(path)?.[1] ?? "";
            const real = REAL[SEGMENT_PREFIX[segment] ?? ""];
            if (p.name === "trackingId" && REAL.trackingId) return [p.name, REAL.trackingId];
            return [p.name, real && !p.schema.pattern ? real : example(p.schema, p.name)];
          }),
        ),
        query: Object.fromEntries(
          queryParams.filter((p) => p.required).map((p) => [p.name, example(p.schema, p.name)]),
        ),
        body: bodySchema ? example(bodySchema) : undefined,
      };
      const build = (
        pathValues: Record<string, unknown>,
        query: Record<string, unknown>,
        body: unknown,
        headers: Record<string, string>,
        what: string,
      ): Req => {
        const url =
          path.replace(/\{(\w+)\}/g, (_, n: string) => encode(queryValue(pathValues[n]))) +
          (Object.keys(query).length
            ? `?${Object.entries(query)
                .map(([k, v]) => `${encode(k)}=${encode(queryValue(v))}`)
                .join("&")}`
            : "");
        return {
          method,
          url,
          headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
          ...(body === undefined ? {} : { payload: toJson(body) }),
          what,
        };
      };

      // Which callers get past authorization with a plausible request: they get the deep mutations.
      const deep: typeof callers = [];
      for (const c of callers) {
        const status = await send(
          build(base.path, base.query, base.body, c.headers, "plausible request"),
          c.name,
        );
        if (status !== 401 && status !== 403) deep.push(c);
      }
      if (deep.length === 0) deep.push(callers[1] as (typeof callers)[number]);
      // Bounded: at most two callers per operation get the deep mutations.
      deep.splice(2);

      type Mutation = { where: string; apply(v: unknown): Req };
      const mutations: ((h: Record<string, string>) => Mutation)[] = [];
      for (const p of pathParams)
        mutations.push((h) => ({
          where: `path.${p.name}`,
          apply: (v) =>
            build(
              { ...base.path, [p.name]: v },
              base.query,
              base.body,
              h,
              `path.${p.name}=${toJson(v).slice(0, 60)}`,
            ),
        }));
      for (const p of queryParams)
        mutations.push((h) => ({
          where: `query.${p.name}`,
          apply: (v) =>
            build(
              base.path,
              { ...base.query, [p.name]: v },
              base.body,
              h,
              `query.${p.name}=${toJson(v).slice(0, 60)}`,
            ),
        }));
      if (base.body !== undefined)
        for (const loc of locations(base.body))
          mutations.push((h) => ({
            where: `body.${loc.join(".")}`,
            apply: (v) =>
              build(
                base.path,
                base.query,
                replaced(base.body, loc, v),
                h,
                `body.${loc.join(".")}=${toJson(v).slice(0, 60)}`,
              ),
          }));
      // An unexpected body where none is declared, and hostile keys at the top of a declared one.
      mutations.push((h) => ({
        where: "body",
        apply: (v) => build(base.path, base.query, v, h, `body=${toJson(v).slice(0, 60)}`),
      }));

      for (const [ci, c] of deep.entries()) {
        const values = fc.sample(hostile, { numRuns: 2, seed: opIndex * 31 + ci });
        for (const m of mutations) {
          const mut = m(c.headers);
          // Every location gets the NUL, the lone surrogate and the year-10000 date from the first
          // caller; then each caller a random couple.
          const core = ci === 0 ? [HOSTILE_STRINGS[0], HOSTILE_STRINGS[1], HOSTILE_STRINGS[6]] : [];
          for (const v of [...core, ...values]) await send(mut.apply(v), c.name);
        }
      }
      if (isMultipart(op)) {
        for (const c of callers)
          for (const [what, body] of MULTIPART_BODIES)
            await send(
              {
                method,
                url: build(base.path, base.query, undefined, {}, "").url,
                headers: { ...c.headers, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
                payload: body,
                what: `multipart ${what}`,
              },
              c.name,
            );
      }
    }
    console.info(`fuzz: ${sent} requests over ${ops.length} operations`);
    expect(sent).toBeGreaterThan(1000);
    expect(failures, `${failures.length} answers were 5xx:\n${failures.slice(0, 80).join("\n")}`).toEqual([]);
  }, 180_000);
});
