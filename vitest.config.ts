import { defineConfig } from "vitest/config";

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
    // Files and the tests in each file run in a random order: every test must stand alone. A failure
    // prints the seed; `npx vitest run --sequence.seed=<seed> <file>` replays that order.
    sequence: { shuffle: true },
  },
});
