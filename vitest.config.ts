import { defineConfig } from "vitest/config";
import { testOrder } from "./test/order.ts";

export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest.json" },
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/**/*.test.ts", "web/**/*.test.tsx"],
    exclude: ["test/e2e/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Database-backed suites each open their own database; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Every test must stand alone, so files and tests run in a shuffled order: TEST_SEED fixes it
    // (CI derives it from the commit, so a red run replays exactly), otherwise a new one each run.
    // Vitest prints the seed; `TEST_SEED=<seed> npm test` replays that order.
    sequence: testOrder(),
  },
});
