import { describe, expect, it } from "vitest";
import { testOrder } from "./order.ts";

describe("test order", () => {
  it("is shuffled with a fresh seed unless TEST_SEED names one", () => {
    expect(testOrder({})).toEqual({ shuffle: true });
    expect(testOrder({ TEST_SEED: " " })).toEqual({ shuffle: true });
    expect(testOrder({ TEST_SEED: "1795962065962" })).toEqual({ shuffle: true, seed: 1795962065962 });
  });
  it("refuses a seed that is not a whole number", () => {
    for (const bad of ["abc", "-3", "1.5", "1e9", "1234567890123456"])
      expect(() => testOrder({ TEST_SEED: bad }), bad).toThrow(/TEST_SEED must be a whole number/);
  });
});
