import { defineConfig } from "vitest/config";
import { testOrder } from "./test/order.ts";

// Browser tests: real Debian Chromium driven by playwright-core against a real server process.
export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest-e2e.json" },
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // Every test must stand alone, so files and tests run in a shuffled order: TEST_SEED fixes it
    // (CI derives it from the commit, so a red run replays exactly), otherwise a new one each run.
    // Vitest prints the seed; `TEST_SEED=<seed> npm test` replays that order.
    sequence: testOrder(),
  },
});
