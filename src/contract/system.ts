// The system API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { errors } from "./common.ts";
import { defineRoutes } from "./define.ts";

export const systemApi = defineRoutes({
  health: {
    method: "GET",
    url: "/api/health",
    tags: ["system"],
    summary: "Liveness, database kind, version and job alerts (no login)",
    description:
      "adminExists is false only on a brand-new instance, so the login page can say how to create the first administrator. alerts lists this server's background job queues whose last runs (three or more) all failed with the same error, until one succeeds: code master_key_mismatch when the error is a secret that does not open under this server's master key, jobs_failing otherwise; the job's own error message is only in the server log.",
    response: {
      200: z.object({
        status: z.literal("ok"),
        database: z.enum(["pglite", "postgresql"]),
        version: z.string(),
        adminExists: z.boolean(),
        alerts: z.array(
          z.object({
            code: z.enum(["jobs_failing", "master_key_mismatch"]),
            queue: z.string(),
            failures: z.number(),
            since: z.date(),
            hint: z.string(),
          }),
        ),
      }),
    },
  },
  overview: {
    method: "GET",
    url: "/api/overview",
    tags: ["system"],
    summary: "Counts for the programme dashboard (staff)",
    description:
      "nextRelease is the T0 of the next armed release plan still to come, or null; cases counts every case, releases the plans armed, fired or broken.",
    response: {
      200: z.object({
        partners: z.number(),
        openCases: z.number(),
        advisories: z.number(),
        nextRelease: z.date().nullable(),
        cases: z.number(),
        releases: z.number(),
      }),
      ...errors(401, 403),
    },
  },
});
