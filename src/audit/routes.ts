// HTTP routes of the audit log: list with filters, event types, chain verification.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { auditApi as api } from "../contract/audit.ts";
import { requireActor } from "../platform/http/auth.ts";
import { route } from "../platform/http/route.ts";
import { encodeCheckpoint } from "./checkpoint.ts";
import type { Audit } from "./service.ts";

export function auditRoutes(app: FastifyInstance, audit: Audit) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  route(r, api.listAudit, async (req) => {
    const q = req.query;
    const page = await audit.list(requireActor(req), {
      actor: q.actor,
      type: q.type,
      alerts: q.alerts === "true" ? true : undefined,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      before: q.before,
      limit: q.limit,
    });
    return {
      entries: page.entries.map(({ payload, ...e }) => ({ ...e, data: payload })),
      nextBefore: page.nextBefore,
    };
  });

  route(r, api.listAuditTypes, async (req) => ({ types: [...audit.types(requireActor(req))] }));

  route(r, api.auditCheckpoint, async (req) => {
    const c = await audit.checkpoint(requireActor(req));
    return { line: encodeCheckpoint(c), ...c };
  });

  route(r, api.verifyAudit, async (req) => audit.verify(requireActor(req)));
}
