// The API contract (src/contract/) against what the server serves and what the web and the CLI see:
// every route of the contract is in the OpenAPI document with its method and path and nothing else
// is; the typed client calls the running server and gets the contract's shapes and ApiErrors; and
// the web's types are the contract's, so a changed response field fails the type check.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { ApiError, makeClient, pathOf, queryOf } from "../src/contract/client.ts";
import { contract, type Input, type OperationId, type Output } from "../src/contract/index.ts";
import type { Role, Session } from "../web/src/app/types.ts";
import type { Advisory, AdvisorySummary } from "../web/src/features/advisories/model.ts";
import type { CaseSummary, StaffCase } from "../web/src/features/cases/model.ts";
import type { PartnerListItem, Tier } from "../web/src/features/partners/model.ts";
import { engines, type TestApp, testApp } from "./harness.ts";

type Doc = { paths: Record<string, Record<string, { operationId?: string }>> };

describe.each(engines)("the API contract (%s)", (engine) => {
  let t: TestApp;
  let doc: Doc;
  let url: string;
  let admin: { email: string };
  beforeAll(async () => {
    t = await testApp(engine);
    doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
    url = await t.app.listen({ host: "127.0.0.1", port: 0 });
    admin = await t.user("admin");
  });
  afterAll(() => t.close());

  it("and the served OpenAPI document name the same operations, methods and paths", () => {
    const served = new Map<string, string>();
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path} has an operationId`).toBeTruthy();
        served.set(op.operationId ?? "", `${method.toUpperCase()} ${path}`);
      }
    const declared = new Map(
      Object.entries(contract).map(([id, def]) => [
        id,
        `${def.method} ${def.url.replace(/:(\w+)/g, "{$1}")}`,
      ]),
    );
    expect(declared.size).toBeGreaterThan(100);
    expect([...served.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [id, route] of declared) expect(served.get(id), id).toBe(route);
    for (const [id, def] of Object.entries(contract)) expect(def.operationId).toBe(id);
  });

  it("client: typed answers from the running server, and the server's refusals as ApiError", async () => {
    const auth = await t.bearer(admin.email);
    const api = makeClient({ baseUrl: url, headers: () => auth });
    const health = await api.call("health");
    expect(health).toMatchObject({ status: "ok", version: "test", adminExists: true });
    expectTypeOf(health.database).toEqualTypeOf<"pglite" | "postgresql">();

    const me = await api.call("getMe");
    expect(me.user.email).toBe(admin.email);
    expect(typeof me.user.createdAt).toBe("string"); // a date travels as an ISO string, and is typed so
    expectTypeOf(me.user.createdAt).toEqualTypeOf<string>();

    const org = await api.call("createOrganisation", { body: { name: "Contract Org" } });
    const { items: organisations } = await api.call("listOrganisations");
    expect(organisations.map((o) => o.id)).toContain(org.organisation.id);

    const missing = await api
      .call("getPartner", { params: { id: "org_00000000000000000000000000" } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: "not_found" });
    expect((missing as ApiError).requestId).toMatch(/^req_/);

    const invalid = await api
      .call("createUser", {
        // @ts-expect-error the contract says role is one of ROLES: the client refuses this at compile time
        body: { email: "x@example.org", name: "X", role: "overlord", password: "a long enough password" },
      })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: "validation_failed" });
    expect((invalid as ApiError).details).toBeTruthy();

    const anonymous = await makeClient({ baseUrl: url })
      .call("listUsers")
      .catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ status: 401 });
  });

  it("client: sends the CSRF token on writes (and only there) with the session cookie", async () => {
    const headers = await t.login(admin.email);
    const seen: { method: string; csrf: string | null }[] = [];
    const api = makeClient({
      baseUrl: url,
      headers: () => ({ cookie: headers.cookie ?? "" }),
      csrfToken: () => headers["x-csrf-token"],
      fetch: (input, init) => {
        seen.push({ method: init?.method ?? "GET", csrf: new Headers(init?.headers).get("x-csrf-token") });
        return fetch(input, init);
      },
    });
    await api.call("listTokens");
    const created = await api.call("createToken", { body: { name: "contract" } });
    expect(created.token).toBeTruthy();
    expect(seen).toEqual([
      { method: "GET", csrf: null },
      { method: "POST", csrf: headers["x-csrf-token"] },
    ]);
    const noCsrf = makeClient({ baseUrl: url, headers: () => ({ cookie: headers.cookie ?? "" }) });
    await expect(noCsrf.call("createToken", { body: { name: "x" } })).rejects.toMatchObject({ status: 403 });
  });
});

describe("client paths and queries", () => {
  it("fills path parameters encoded and leaves empty query values out", () => {
    expect(pathOf("/api/partners/:id/keys/:keyId", { id: "org_1", keyId: "a/b" })).toBe(
      "/api/partners/org_1/keys/a%2Fb",
    );
    expect(() => pathOf("/api/partners/:id", {})).toThrow(/missing path parameter id/);
    expect(queryOf({ status: "active,suspended", tier: "", q: undefined, n: 2 })).toBe(
      "?status=active%2Csuspended&n=2",
    );
    expect(queryOf({})).toBe("");
  });
});

describe("types: the web and the CLI see the contract", () => {
  it("web types are the contract's outputs (a changed field fails npm run typecheck)", () => {
    expectTypeOf<Advisory>().toEqualTypeOf<Output<"getAdvisory">>();
    expectTypeOf<AdvisorySummary[]>().toEqualTypeOf<Output<"listAdvisories">["items"]>();
    expectTypeOf<CaseSummary[]>().toEqualTypeOf<Output<"listCases">["items"]>();
    expectTypeOf<PartnerListItem>().toEqualTypeOf<Output<"listPartners">["items"][number]>();
    expectTypeOf<Session>().toEqualTypeOf<Output<"getMe">>();
    expectTypeOf<StaffCase["phase"]>().toEqualTypeOf<CaseSummary["phase"]>();
    expectTypeOf<Session["user"]["role"]>().toEqualTypeOf<Role>();
    expectTypeOf<Advisory["state"]>().toEqualTypeOf<"draft" | "in_review" | "approved">();
    expectTypeOf<Tier>().toEqualTypeOf<Output<"listTiers">["tiers"][number]>();

    const advisory = {} as Advisory;
    // @ts-expect-error the wire carries dates as strings: a page treating one as a Date fails to compile
    advisory.createdAt satisfies Date;
    // @ts-expect-error a field the response schema does not have is not on the web's type either
    void advisory.secretNotes;
    expectTypeOf<Output<"getPartner">>().not.toHaveProperty("passwordHash");
  });

  it("inputs follow the request schemas: path parameters, query and body", () => {
    expectTypeOf<Input<"getPartner">["params"]>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<Input<"setPartnerTier">["body"]>().toEqualTypeOf<{
      tier: string;
      reason?: string | undefined;
    }>();
    expectTypeOf<Input<"health">["params"]>().toEqualTypeOf<undefined>();
    expectTypeOf<Input<"uploadEvidence">["body"]>().toEqualTypeOf<FormData | undefined>();
    expectTypeOf<Output<"logout">>().toEqualTypeOf<null>();
    const ops: OperationId[] = ["getAdvisory"];
    // @ts-expect-error an operation the contract does not have
    ops.push("noSuchOperation");
  });
});
