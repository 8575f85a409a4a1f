// Canary tokens: recording hits from the DNS server and the HTTP canary (hits.ts), the investigators'
// list, badge and triage (listing.ts), and the SIEM webhook job. Composed into one service here.
import { z } from "zod";
import { AppError } from "../../platform/errors.ts";
import type { CanaryDeps } from "./context.ts";
import { makeHitRecorder } from "./hits.ts";
import { makeListing } from "./listing.ts";
import { makeCanaryReads } from "./reads.ts";

const webhookPayload = z.object({ hitId: z.string().min(1).max(100) });

export function makeCanaries(d: CanaryDeps) {
  const hits = makeHitRecorder(d);
  const listing = makeListing(d);
  const reads = makeCanaryReads(d);
  return {
    recordHit: hits.recordHit,
    /** The DNS server's sink: a lookup of a name under the zone is a DNS hit; true when the token is known. */
    dnsLookup: async (q: { token: string; source: string; detail: string }) =>
      (await hits.recordHit({ kind: "dns", ...q })).known,
    sendWebhook: hits.sendWebhook,
    listHits: listing.listHits,
    summary: listing.summary,
    markSeen: listing.markSeen,
    hitsOf: reads.hitsOf,
    /** The `canaries.webhook` job: one signed POST; a non-2xx answer throws so pg-boss retries. */
    async onWebhookJob(data: unknown) {
      const r = webhookPayload.safeParse(data);
      if (!r.success) throw new AppError("validation_failed", "malformed canaries.webhook job");
      if (!d.webhook) return;
      await hits.sendWebhook(r.data.hitId);
    },
  };
}

export type Canaries = ReturnType<typeof makeCanaries>;
