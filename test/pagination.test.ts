// Cursor pagination of the list routes on each engine: pages walk the whole list once (no duplicates,
// nothing left out, ties on the sort time broken by ID), a cursor is checked (400 for one this list
// did not return), the page size is bounded, and a caller's pages never hold another's rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contract } from "../src/contract/index.ts";
import { engines, type TestApp, testApp } from "./harness.ts";
import { walkPages } from "./pages.ts";

const REPORT = {
  product: "Acme Gateway",
  version: "4.2.1",
  title: "Authentication bypass in the admin console",
  description: "Send `GET /admin` with header `X-Forwarded-User: admin`.",
};

describe.each(engines)("pagination on %s", (engine) => {
  let t: TestApp;
  let staff: Record<string, string>;
  let r1: Record<string, string>;
  let r2: Record<string, string>;
  const own1: string[] = [];
  const own2: string[] = [];
  const anonymous: string[] = [];

  const report = async (headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: "POST", url: "/api/reports", payload: REPORT, headers });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().caseId as string;
  };

  const walk = (url: string, headers: Record<string, string>, limit: number) =>
    walkPages(t, url, headers, limit);

  beforeAll(async () => {
    t = await testApp(engine);
    staff = await t.bearer((await t.user("coordinator")).email);
    r1 = await t.bearer((await t.user("researcher")).email);
    r2 = await t.bearer((await t.user("researcher")).email);
    const start = t.clock.now();
    // Three at one instant (a tie on every sort time), then others a minute apart.
    for (let i = 0; i < 3; i++) own1.push(await report(r1));
    for (let i = 0; i < 3; i++) {
      t.clock.set(new Date(start.getTime() + (i + 1) * 60_000));
      own1.push(await report(r1));
      own2.push(await report(r2));
      anonymous.push(await report());
    }
    t.clock.set(start);
  });
  afterAll(() => t.close());

  it("walks every case once, in deadline order, whatever the page size", async () => {
    const all = [...own1, ...own2, ...anonymous];
    for (const limit of [1, 2, 5, 200]) {
      const { ids, sizes } = await walk("/api/cases", staff, limit);
      expect(new Set(ids).size, `limit ${limit}`).toBe(ids.length);
      expect([...ids].sort(), `limit ${limit}`).toEqual([...all].sort());
      expect(Math.max(...sizes)).toBeLessThanOrEqual(limit);
    }
    const one = await t.app.inject({ url: "/api/cases?limit=200", headers: staff });
    const deadlines = one
      .json()
      .items.map((c: { deadline: { deadlineAt: string } }) => c.deadline.deadlineAt);
    expect(deadlines).toEqual([...deadlines].sort());
    // The three reports made at one instant share their deadline: the ID orders them.
    const tied = one
      .json()
      .items.map((c: { id: string }) => c.id)
      .filter((id: string) => own1.slice(0, 3).includes(id));
    expect(tied).toEqual([...own1.slice(0, 3)].sort());
  });

  it("keeps filters on every page", async () => {
    const { ids } = await walk("/api/cases?phase=received", staff, 2);
    expect(ids).toHaveLength(own1.length + own2.length + anonymous.length);
    const none = await walk("/api/cases?phase=closed", staff, 2);
    expect(none.ids).toEqual([]);
  });

  it("shows a researcher only its own reports on every page, newest first", async () => {
    const mine = await walk("/api/reports", r1, 2);
    expect(mine.ids).toHaveLength(own1.length);
    expect(new Set(mine.ids)).toEqual(new Set(own1));
    expect(mine.ids.slice(0, 3)).toEqual([...own1.slice(3)].reverse());
    const theirs = await walk("/api/reports", r2, 1);
    expect(new Set(theirs.ids)).toEqual(new Set(own2));
    // A cursor taken from the other researcher's list moves the start, never the owner.
    const first = (await t.app.inject({ url: "/api/reports?limit=1", headers: r1 })).json();
    const foreign = await t.app.inject({
      url: `/api/reports?limit=200&cursor=${encodeURIComponent(first.nextCursor)}`,
      headers: r2,
    });
    expect(foreign.statusCode).toBe(200);
    for (const c of foreign.json().items) expect(own2).toContain(c.id);
  });

  it("answers 400 for a cursor it did not return and for a page size over 200", async () => {
    const casesCursor = (await t.app.inject({ url: "/api/cases?limit=1", headers: staff })).json().nextCursor;
    expect(casesCursor).toEqual(expect.any(String));
    const bad = [
      "/api/cases?cursor=not-a-cursor!",
      "/api/cases?cursor=AAAA",
      `/api/cases?cursor=${Buffer.from('["x","y","z"]').toString("base64url")}`,
      `/api/cases?cursor=${Buffer.from('[0,"2026-13-01T00:00:00.000Z","c"]').toString("base64url")}`,
      // Another list's cursor (its sort key has three parts; the advisories' two).
      `/api/advisories?cursor=${casesCursor}`,
      "/api/cases?limit=201",
      "/api/cases?limit=0",
      "/api/cases?limit=ten",
    ];
    for (const url of bad) {
      const res = await t.app.inject({ url, headers: staff });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message, url).toMatch(/cursor|limit/);
    }
  });

  it("bounds the page size of every list route the contract paginates", async () => {
    const paged = Object.values(contract).filter(
      (r) =>
        r.method === "GET" &&
        "cursor" in
          ((("querystring" in r ? r.querystring : undefined) as { shape?: object } | undefined)?.shape ?? {}),
    );
    expect(paged.length).toBeGreaterThanOrEqual(10);
    const admin = await t.bearer((await t.user("admin")).email);
    for (const r of paged) {
      const url = r.url.replace(":id", "cas_00000000000000000000000000");
      const res = await t.app.inject({ url: `${url}?limit=201`, headers: admin });
      expect(res.statusCode, r.url).toBe(400);
      const ok = await t.app.inject({ url: `${url}?limit=200`, headers: admin });
      expect(ok.statusCode, r.url).not.toBe(400);
    }
  });
});
