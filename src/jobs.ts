// The server's background jobs. Each handler is idempotent: pg-boss may run it again after a crash.
import { systemActor } from "./authz/authorize.ts";
import type { JobDef } from "./platform/jobs/jobs.ts";
import type { Services } from "./runtime.ts";

export const EXPIRE_CREDENTIALS = "accounts.expire-credentials";

export function jobDefinitions(services: Services): JobDef[] {
  return [
    {
      name: EXPIRE_CREDENTIALS,
      cron: "*/5 * * * *",
      handler: async () => {
        await services.accounts.expireCredentials(systemActor("jobs"));
      },
    },
  ];
}
