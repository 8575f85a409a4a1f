// The server's background jobs. Each handler is idempotent: pg-boss may run it again after a crash.
import { systemActor } from "./authz/authorize.ts";
import type { JobDef } from "./platform/jobs/jobs.ts";
import type { Services } from "./runtime.ts";

export const EXPIRE_CREDENTIALS = "accounts.expire-credentials";
export const CASE_DEADLINES = "cases.deadline-warnings";
export const ATTESTATION_REMINDERS = "partners.attestation-reminders";

export function jobDefinitions(services: Services): JobDef[] {
  return [
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
  ];
}
