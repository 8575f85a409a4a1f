// What other modules, the composition root and the job definitions may use of the release engine.
// The service is composed in service.ts from one file per use case; everything else stays inside.

export { DELIVERY_BATCH } from "./context.ts";
export {
  type DeliveredRecipient,
  type DeliveredSource,
  deliveredRecords,
  type ExposureRecords,
  type ScoredDelivery,
  type TracingKeyRef,
} from "./delivered.ts";
export { MAIL_SWEEP, SEND_MAIL } from "./email.ts";
export { FIRE_WAVE, PUBLISH, SEND_WEBHOOK, SWEEP } from "./jobs.ts";
// Built before advisories and partners (which read them) and before the engine (which reads those).
export { makeReleaseReads } from "./reads.ts";
export { releaseRoutes } from "./routes.ts";
export { ACK_STATUSES, type AckStatus, makeReleases, type ReleaseDeps, type Releases } from "./service.ts";
export {
  type DeliveredTracing,
  deliveredTracing,
  type TracingCapacity,
  type WaveCapacity,
} from "./tracing.ts";
// Standard Webhooks signing and the checked HTTP transport, for other senders (the canary SIEM webhook).
export { httpTransport, signedHeaders, type Transport, WEBHOOK_RETRY } from "./webhooks.ts";
