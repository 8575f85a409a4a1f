// Health and the programme overview.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { authorize } from "../../authz/authorize.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { errors } from "../../platform/http/schemas.ts";
import type { JobAlert } from "../../platform/jobs/health.ts";

export function systemRoutes(
  app: FastifyInstance,
  info: {
    database: "pglite" | "postgresql";
    version: string;
    adminExists: () => Promise<boolean>;
    /** Dashboard counts from the modules that have them; a missing one counts 0. */
    counts?: Partial<
      Record<"partners" | "openCases" | "advisories" | "cases" | "releases", () => Promise<number>>
    >;
    /** Alerts of this server's background jobs (the same failure again and again). */
    alerts?: () => JobAlert[];
    /** The next armed release's T0, if any. */
    nextRelease?: () => Promise<Date | null>;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/health",
    {
      schema: {
        operationId: "health",
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
    },
    async () => ({
      status: "ok" as const,
      database: info.database,
      version: info.version,
      adminExists: await info.adminExists(),
      alerts: info.alerts?.() ?? [],
    }),
  );

  r.get(
    "/api/overview",
    {
      schema: {
        operationId: "overview",
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
    },
    async (req) => {
      authorize(requireActor(req), "programme:overview");
      const c = info.counts ?? {};
      const [partners, openCases, advisories, allCases, releases] = await Promise.all(
        [c.partners, c.openCases, c.advisories, c.cases, c.releases].map((f) =>
          f ? f() : Promise.resolve(0),
        ),
      );
      const nextRelease = info.nextRelease ? await info.nextRelease() : null;
      return {
        partners: partners ?? 0,
        openCases: openCases ?? 0,
        advisories: advisories ?? 0,
        nextRelease,
        cases: allCases ?? 0,
        releases: releases ?? 0,
      };
    },
  );
}
