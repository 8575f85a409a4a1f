// Every paginated list reads its page in an index's order: a list that grows (partners, users,
// investigations, a reporter's cases…) must not sort the whole table for each page. Each list route of
// the contract is called as a user allowed to read it, the SQL it runs is captured, and every ordered,
// limited query is planned with sequential scans and sorts off: a plan that still needs a Sort node has
// no index in the list's order.
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contract, type RouteDef } from "../src/contract/index.ts";
import { openDatabase, pgliteDatabase } from "../src/platform/db/client.ts";
import * as schema from "../src/platform/db/schema.ts";
import type { TestApp, TestDatabase } from "./harness.ts";
import { testApp } from "./harness.ts";

type Captured = { sql: string; params: unknown[] };

/**
 * Lists that sort on purpose, and why the sort stays small. A new entry needs a reason a reviewer
 * accepts; the test checks each one is still a list route.
 */
const SORTS_ON_PURPOSE: Record<string, string> = {
  // One copy per advisory (DISTINCT ON) among the caller's own deliveries, found by recipient: the
  // sort covers one partner's or member's copies, never the table.
  "/api/partner/advisories": "one recipient's copies, picked per advisory",
};

/**
 * Lists under a resource: how to make one (as an anonymous reporter would, for a case) and the URL to
 * call, and the column the resource's ID is matched on. Such a list must find its rows through an index
 * on that column: an index in the list's order alone would walk every resource's rows and filter them.
 * A new list with path parameters needs an entry.
 */
const PATHS: Record<string, { column: string; url: (t: TestApp) => Promise<string> }> = {
  "/api/cases/:id/notifications": {
    column: "case_id",
    url: async (t) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/reports",
        payload: { product: "Acme Gateway", version: "4.2.1", title: "Index check", description: "Steps." },
      });
      if (res.statusCode !== 201) throw new Error(`could not file a report: ${res.body}`);
      return `/api/cases/${res.json().caseId}/notifications`;
    },
  },
};

/** The list routes: GET, paginated (`cursor` in the query). */
const routes = Object.values(contract as Record<string, RouteDef & { operationId: string }>).filter((r) => {
  const q = r.querystring as { shape?: Record<string, unknown> } | undefined;
  return r.method === "GET" && q?.shape && "cursor" in q.shape;
});
const lists = routes.filter((r) => !(r.url in SORTS_ON_PURPOSE));

describe("list pages read in an index's order", () => {
  let t: TestApp;
  const captured: Captured[] = [];
  let capturing = false;
  const callers: Record<string, string>[] = [];

  beforeAll(async () => {
    const base = await openDatabase({ inMemory: true });
    await base.migrate();
    if (base.engine.kind !== "pglite") throw new Error("expected an embedded database");
    const pglite = base.engine.pglite;
    // The same database with a drizzle handle that records what each request runs.
    const logged = drizzle({
      client: pglite,
      schema,
      logger: { logQuery: (sql, params) => capturing && captured.push({ sql, params }) },
    });
    const database: TestDatabase = {
      ...pgliteDatabase(pglite),
      db: logged as unknown as TestDatabase["db"],
      dispose: () => pglite.close(),
      snapshot: () => Promise.reject(new Error("not needed")),
    };
    t = await testApp("pglite", { database });
    for (const role of ["admin", "coordinator", "investigator", "auditor", "researcher"] as const) {
      const u = await t.user(role);
      callers.push(await t.login(u.email));
    }
    const partnerAdmin = await t.user("partner_admin");
    callers.push(await t.login(partnerAdmin.email));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("finds the list routes", () => {
    const urls = routes.map((r) => r.url);
    for (const url of Object.keys(SORTS_ON_PURPOSE)) expect(urls).toContain(url);
    for (const url of Object.keys(PATHS)) expect(urls).toContain(url);
    // Every list under a resource says how to make one.
    expect(urls.filter((u) => u.includes(":")).sort()).toEqual(Object.keys(PATHS).sort());
    expect(urls).toEqual(
      expect.arrayContaining(["/api/users", "/api/organisations", "/api/partners", "/api/investigations"]),
    );
  });

  it.each(lists.map((r) => [r.url, r] as const))("%s", async (url, route) => {
    // The first caller whose role may read the list; each request's queries are captured alone.
    let ordered: Captured[] = [];
    const under = PATHS[url];
    const path = under ? await under.url(t) : url;
    for (const headers of callers) {
      captured.length = 0;
      capturing = true;
      const res = await t.app.inject({ method: "GET", url: `${path}?limit=2`, headers });
      capturing = false;
      if (res.statusCode !== 200) continue;
      ordered = captured.filter((q) => /\border by\b/i.test(q.sql) && /\blimit\b/i.test(q.sql));
      break;
    }
    expect(
      ordered.length,
      `${route.operationId}: no ordered, limited query (or no caller may read it)`,
    ).toBeGreaterThan(0);
    if (t.database.engine.kind !== "pglite") throw new Error("expected an embedded database");
    const pg = t.database.engine.pglite;
    for (const q of ordered) {
      await pg.exec("SET enable_seqscan = off; SET enable_sort = off");
      try {
        const plan = await pg.query<{ "QUERY PLAN": string }>(`EXPLAIN ${q.sql}`, q.params);
        const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
        expect(
          text,
          `${route.operationId} sorts instead of reading an index:\n${q.sql}\n${text}`,
        ).not.toMatch(/\bSort\b/);
        if (under)
          expect(text, `${route.operationId} does not find its rows by ${under.column}:\n${text}`).toMatch(
            new RegExp(`Index Cond: .*\\b${under.column} = `),
          );
      } finally {
        await pg.exec("RESET enable_seqscan; RESET enable_sort");
      }
    }
  });
});
