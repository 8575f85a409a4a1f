// Notices when background jobs keep failing the same way (every release job failing to open a secret
// under the wrong master key, a broken SMTP relay): the failure becomes an alert in GET /api/health
// instead of staying a line in the job log. One success of the queue clears its alert.

export type JobAlert = {
  code: "jobs_failing" | "master_key_mismatch";
  queue: string;
  /** Consecutive failures with the same error since the last success. */
  failures: number;
  since: Date;
  /** What to do; fixed text, never the job's own error message (it could name job data). */
  hint: string;
};

export type JobHealth = {
  record(queue: string, outcome: { ok: true } | { ok: false; error: Error }): void;
  alerts(): JobAlert[];
};

// AES-GCM under another key: what Node says when a sealed secret does not open.
const WRONG_KEY = /unable to authenticate data/i;

const HINTS: Record<JobAlert["code"], string> = {
  master_key_mismatch:
    "background jobs cannot open secrets sealed under the master key: this server's FOREWARN_MASTER_KEY differs from the key the data was sealed with; give every server the same key and restart",
  jobs_failing: "background jobs keep failing with the same error: see the server log",
};

/** Raises an alert for a queue after `threshold` consecutive failures with the same error message. */
export function makeJobHealth(now: () => Date = () => new Date(), threshold = 3): JobHealth {
  const runs = new Map<string, { message: string; failures: number; since: Date }>();
  return {
    record(queue, outcome) {
      if (outcome.ok) {
        runs.delete(queue);
        return;
      }
      const message = outcome.error.message;
      const run = runs.get(queue);
      if (run && run.message === message) run.failures++;
      else runs.set(queue, { message, failures: 1, since: now() });
    },
    alerts() {
      const out: JobAlert[] = [];
      for (const [queue, run] of runs) {
        if (run.failures < threshold) continue;
        const code = WRONG_KEY.test(run.message) ? "master_key_mismatch" : "jobs_failing";
        out.push({ code, queue, failures: run.failures, since: run.since, hint: HINTS[code] });
      }
      return out;
    },
  };
}
