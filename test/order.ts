// The order tests run in, shared by both Vitest configs: always shuffled (files and the tests in
// them), with the seed from TEST_SEED when it is set (CI sets it from the commit) and a fresh one
// otherwise. Vitest prints the seed it used.

/** Vitest's `sequence` options for a shuffled run, seeded by `TEST_SEED` when it is a whole number. */
export function testOrder(env: NodeJS.ProcessEnv = process.env): { shuffle: true; seed?: number } {
  const raw = env.TEST_SEED?.trim();
  if (!raw) return { shuffle: true };
  if (!/^\d{1,15}$/.test(raw))
    throw new Error(`TEST_SEED must be a whole number, not ${JSON.stringify(raw)}`);
  return { shuffle: true, seed: Number(raw) };
}
