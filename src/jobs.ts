// The server's background jobs. Each handler is idempotent: pg-boss may run it again after a crash.
import { systemActor } from "./authz/authorize.ts";
import { CANARY_WEBHOOK } from "./modules/canaries/index.ts";
import { FIRE_WAVE, MAIL_SWEEP, PUBLISH, SEND_MAIL, SEND_WEBHOOK, SWEEP } from "./modules/releases/index.ts";
import type { JobDef } from "./platform/jobs/jobs.ts";
import type { Services } from "./runtime.ts";

export const EXPIRE_CREDENTIALS = "accounts.expire-credentials";
export const CASE_DEADLINES = "cases.deadline-warnings";
export const ATTESTATION_REMINDERS = "partners.attestation-reminders";
export const DELIVER_OUTBOX = "outbox.deliver";

export function jobDefinitions(services: Services): JobDef[] {
  return [
    {
      // Notices queued in the outbox go out through SMTP when one is configured.
      name: DELIVER_OUTBOX,
      cron: "* * * * *",
      handler: async () => {
        await services.outbox.deliverPending();
      },
    },
    {
      name: EXPIRE_CREDENTIALS,
      cron: "*/5 * * * *",
      handler: async () => {
        await services.accounts.expireCredentials(systemActor("jobs"));
      },
    },
    {
      name: CASE_DEADLINES,
      cron: "17 * * * *",
      handler: async () => {
        await services.cases.recordDeadlineWarnings(systemActor("jobs"));
      },
    },
    {
      // Idempotent: one reminder per partner admin per expiry date, however often it runs.
      name: ATTESTATION_REMINDERS,
      cron: "41 6 * * *",
      handler: async () => {
        await services.partners.remindAttestations(systemActor("jobs"));
      },
    },
    // The release engine: waves at their time (jobs sent with startAfter when a plan is armed), the
    // public release at T0, webhook attempts with back-off, and a sweep each minute that catches up
    // anything due that a lost or early job left (every handler is idempotent).
    { name: FIRE_WAVE, handler: (data) => services.releases.onFireJob(data) },
    { name: PUBLISH, handler: (data) => services.releases.onPublishJob(data) },
    {
      name: SEND_WEBHOOK,
      handler: (data) => services.releases.onWebhookJob(data),
      batchSize: 20,
      concurrency: 8,
    },
    // Release mail: one job per member delivery; the sweep queues again mails whose job was lost.
    {
      name: SEND_MAIL,
      handler: (data) => services.releases.email.onJob(data),
      batchSize: 20,
      concurrency: 4,
    },
    {
      name: MAIL_SWEEP,
      cron: "* * * * *",
      handler: async () => {
        await services.releases.email.sweep();
      },
    },
    // Canary hits to the programme's SIEM (FOREWARN_CANARY_WEBHOOK_URL): one signed POST per job.
    { name: CANARY_WEBHOOK, handler: (data) => services.canaries.onWebhookJob(data), concurrency: 2 },
    {
      name: SWEEP,
      cron: "* * * * *",
      handler: async () => {
        await services.releases.sweep();
      },
    },
  ];
}
