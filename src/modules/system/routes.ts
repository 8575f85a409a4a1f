// Health and the programme overview.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { authorize } from "../../authz/authorize.ts";
import { systemApi as api } from "../../contract/system.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { route } from "../../platform/http/route.ts";
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
  route(r, api.health, async () => ({
    status: "ok" as const,
    database: info.database,
    version: info.version,
    adminExists: await info.adminExists(),
    alerts: info.alerts?.() ?? [],
  }));

  route(r, api.overview, async (req) => {
    authorize(requireActor(req), "programme:overview");
    const c = info.counts ?? {};
    const [partners, openCases, advisories, allCases, releases] = await Promise.all(
      [c.partners, c.openCases, c.advisories, c.cases, c.releases].map((f) => (f ? f() : Promise.resolve(0))),
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
  });
}
