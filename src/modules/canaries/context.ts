// What the canary use cases share: their dependencies (narrow ports over other modules' services) and
// the job queue name of the SIEM webhook.
import type { ServiceDeps } from "../../platform/deps.ts";
import type { JobQueue } from "../../platform/jobs/queue.ts";
import type { Mailer } from "../../platform/mail/outbox.ts";

/** One job per stored hit when FOREWARN_CANARY_WEBHOOK_URL is set; pg-boss retries with back-off. */
export const CANARY_WEBHOOK = "canaries.webhook";

export type CanaryDeps = ServiceDeps & {
  mailer: Mailer;
  /** The accounts service: who is alerted, and names for the listing. */
  accounts: {
    activeUsersWithRole(role: "investigator"): Promise<{ id: string; email: string }[]>;
    namesOf(input: { userIds: string[]; organisationIds: string[] }): Promise<{
      users: Map<string, { email: string; name: string }>;
      organisations: Map<string, string>;
    }>;
  };
  /** Links in alert mail. */
  publicUrl: string;
  /** Hits stored per token per minute (FOREWARN_CANARY_HITS_PER_MINUTE); more are counted only. */
  hitsPerMinute?: number | undefined;
  /** The programme's SIEM endpoint and its Standard Webhooks secret. */
  webhook?: { url: string; secret: string } | undefined;
  /** POSTs a signed webhook (releases' transport, with the same dial rules). */
  transport: (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number }>;
  queue?: JobQueue | undefined;
  /**
   * Told of every stored hit after it is durable and its webhook queued (forensics attaches it to an
   * investigation). Its failure goes to `reportError` and never undoes the hit or its answer.
   */
  onHit?: ((hit: StoredHit) => Promise<unknown>) | undefined;
  /** Where a failure of `onHit` is reported (default: one line on stderr, the server's log). */
  reportError?: ((e: unknown, what: string) => void) | undefined;
};

/** A stored hit as other modules see it: a certain attribution to the recipient whose copy carried it. */
export type StoredHit = {
  hitId: string;
  advisoryId: string;
  deliveryId: string;
  partnerId: string;
  recipientKind: string;
  recipientId: string;
  kind: "dns" | "url";
  at: Date;
};

export const DEFAULT_HITS_PER_MINUTE = 10;
