import { describe, expect, test } from "vitest";
import type { ApiClient } from "./api.ts";
import { keyUnder, listQuery, operationKey } from "./query.ts";

describe("the cache key of a read by operation", () => {
  test("is the path it asks for, with its parameters filled in", () => {
    expect(operationKey("getCase", { params: { id: "c_1" } })).toEqual(["/api/cases/c_1"]);
    expect(operationKey("listCases")).toEqual(["/api/cases"]);
  });

  test("carries the query, empty values left out as they are not sent", () => {
    expect(operationKey("listPartners", { query: { status: "active", q: "" } })).toEqual([
      "/api/partners",
      { status: "active" },
    ]);
  });

  test("so a change that invalidates a path reaches the reads under it", () => {
    const read = operationKey("getReleasePlan", { params: { id: "adv_1" } });
    expect(keyUnder(read, "/api/advisories/adv_1")).toBe(true);
    expect(keyUnder(read, "/api/cases")).toBe(false);
  });
});

describe("a paginated list read", () => {
  test("follows the cursor to the last page, keeping the caller's query, cached under the list's own key", async () => {
    const asked: unknown[] = [];
    const pages: Record<string, { items: string[]; nextCursor: string | null }> = {
      first: { items: ["p_1", "p_2"], nextCursor: "c2" },
      c2: { items: ["p_3"], nextCursor: null },
    };
    const api = {
      call: async (operationId: string, input: { query: { cursor?: string } }) => {
        asked.push([operationId, input]);
        return pages[input.query.cursor ?? "first"];
      },
    } as unknown as ApiClient;
    const read = listQuery(api, "listCases", { query: { status: "open" } });
    expect(read.queryKey).toEqual(["/api/cases", { status: "open" }]);
    expect(await read.queryFn({ signal: new AbortController().signal })).toEqual(["p_1", "p_2", "p_3"]);
    expect(asked).toEqual([
      ["listCases", { query: { status: "open", limit: 200, cursor: undefined } }],
      ["listCases", { query: { status: "open", limit: 200, cursor: "c2" } }],
    ]);
  });
});
