// Waves and T0 on time: their jobs are queued a few seconds early and wait for the exact time in
// process. Queued at the time itself, the job queue's whole-second start times and its polling
// (every 2 s) made a wave start up to 3 s late. Nothing fires early either way: firing checks the
// time, and so does every delivery transaction.

/** Seconds before its time a wave's or T0's job is queued. */
export const EARLY_START_S = 3;
/** A run that comes early by at most this much (the early start, the polling, some slack) waits. */
export const WAIT_FOR_TIME_MS = (EARLY_START_S + 3) * 1000;

/** The queue's `startAfter` (whole seconds) for something due in `secondsUntil` seconds. */
export function earlyStart(secondsUntil: number): number {
  return Math.max(0, secondsUntil - EARLY_START_S);
}

type Outcome = { status: string; at?: Date | undefined };

/**
 * Runs `run`; if it came early by no more than WAIT_FOR_TIME_MS of real time, sleeps until its time
 * and runs it once more. Still early then (a clock that does not move with real time, or moved
 * back), the second result says so, and the caller queues the job again.
 * @example await atItsTime(() => fireWave(id), c.realMsUntil)
 */
export async function atItsTime<R extends Outcome>(
  run: () => Promise<R>,
  realMsUntil: (at: Date) => number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
): Promise<R> {
  const r = await run();
  if (r.status !== "early" || !r.at) return r;
  const ms = realMsUntil(r.at);
  if (ms > WAIT_FOR_TIME_MS) return r;
  await sleep(Math.max(0, Math.ceil(ms)) + 2);
  return run();
}
