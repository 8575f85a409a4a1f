import { describe, expect, test } from "vitest";
import { keyUnder, operationKey } from "./query.ts";

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
