// HTTP routes of the audit log: list with filters, event types, chain verification.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../platform/http/auth.ts";
import { errors, IsoDate } from "../platform/http/schemas.ts";
import { encodeCheckpoint } from "./checkpoint.ts";
import type { Audit } from "./service.ts";

const EntryOut = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.date(),
  type: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  subject: z.string().nullable(),
  data: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

const VerifyOut = z.object({
  ok: z.boolean(),
  entries: z.number(),
  head: z.string(),
  broken: z.object({ seq: z.number(), id: z.string().nullable(), reason: z.string() }).nullable(),
});

export function auditRoutes(app: FastifyInstance, audit: Audit) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/audit",
    {
      schema: {
        operationId: "listAudit",
        tags: ["audit"],
        summary: "Audit entries, newest first (auditor, admin). Reading the log is itself audited.",
        querystring: z.object({
          actor: z.string().max(320).optional().describe("actor ID (usr_...) or email"),
          type: z.string().max(100).optional(),
          alerts: z
            .enum(["true", "false"])
            .optional()
            .describe("true: only alert-worthy types (role grants requested/confirmed/cancelled, lockouts)"),
          from: IsoDate.optional(),
          to: IsoDate.optional(),
          before: z.coerce.number().int().min(1).optional().describe("seq cursor from nextBefore"),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({ entries: z.array(EntryOut), nextBefore: z.number().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
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
    },
  );

  r.get(
    "/api/audit/types",
    {
      schema: {
        operationId: "listAuditTypes",
        tags: ["audit"],
        summary: "Every audit event type, for filters",
        response: { 200: z.object({ types: z.array(z.string()) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ types: [...audit.types(requireActor(req))] }),
  );

  r.get(
    "/api/audit/checkpoint",
    {
      schema: {
        operationId: "auditCheckpoint",
        tags: ["audit"],
        summary: "A signed checkpoint of the chain's head, to keep outside this instance (auditor, admin)",
        description:
          "Pins the head entry and its hash, signed with an Ed25519 key derived from the master key. `forewarn audit verify --checkpoint LINE` later fails when the log no longer contains that entry with that hash. Making one is audited.",
        response: {
          200: z.object({
            line: z.string().describe("the checkpoint as one line, for `forewarn audit verify --checkpoint`"),
            seq: z.number(),
            hash: z.string(),
            at: z.string(),
            publicKey: z.string(),
            signature: z.string(),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => {
      const c = await audit.checkpoint(requireActor(req));
      return { line: encodeCheckpoint(c), ...c };
    },
  );

  r.get(
    "/api/audit/verify",
    {
      schema: {
        operationId: "verifyAudit",
        tags: ["audit"],
        summary: "Recompute the hash chain; names the first entry that breaks it (auditor, admin)",
        response: { 200: VerifyOut, ...errors(401, 403) },
      },
    },
    async (req) => audit.verify(requireActor(req)),
  );
}
