// The job queue as services hold it from their construction. pg-boss starts after the services exist
// (its handlers call them), so the composition root makes this handle first, passes it to the
// services that send jobs, and connects the started queue to it once. Until then (the CLI, tests
// without jobs) there is no queue: the services see null and send nothing.
import type { Clock } from "../clock.ts";

/** What a service needs of a job queue (pg-boss's `send`, and `insert` for many jobs at once). */
export type Queue = {
  send(name: string, data: object, options: Record<string, unknown>): Promise<unknown>;
  /**
   * Many jobs of one queue in one statement (a wave's member mails). A job whose singleton key is
   * already queued is skipped, as `send` skips it. Without it, callers send one at a time.
   */
  sendMany?(name: string, jobs: { data: object; options: Record<string, unknown> }[]): Promise<unknown>;
};

export type JobQueue = {
  /** The connected queue, or null before the jobs start. */
  current(): Queue | null;
  /** When this process connected its queue (null before). */
  connectedAt(): Date | null;
  /** Runs `fn` when the queue is connected (at once when it already is). */
  onConnect(fn: (q: Queue) => void): void;
  /** The composition root: the started queue, once. */
  connect(q: Queue): void;
};

export function makeJobQueue(clock: Clock): JobQueue {
  let queue: Queue | null = null;
  let at: Date | null = null;
  const listeners: ((q: Queue) => void)[] = [];
  return {
    current: () => queue,
    connectedAt: () => at,
    onConnect(fn) {
      if (queue) fn(queue);
      else listeners.push(fn);
    },
    connect(q) {
      if (queue) throw new Error("the job queue is already connected");
      queue = q;
      at = clock.now();
      for (const fn of listeners.splice(0)) fn(q);
    },
  };
}
