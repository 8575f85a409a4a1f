// The audit API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { errors, IsoDate } from "./common.ts";
import { defineRoutes } from "./define.ts";

export const EntryOut = z.object({
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
export const VerifyOut = z.object({
  ok: z.boolean(),
  entries: z.number(),
  head: z.string(),
  broken: z.object({ seq: z.number(), id: z.string().nullable(), reason: z.string() }).nullable(),
});

export const auditApi = defineRoutes({
  listAudit: {
    method: "GET",
    url: "/api/audit",
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
  listAuditTypes: {
    method: "GET",
    url: "/api/audit/types",
    tags: ["audit"],
    summary: "Every audit event type, for filters",
    response: { 200: z.object({ types: z.array(z.string()) }), ...errors(401, 403) },
  },
  auditCheckpoint: {
    method: "GET",
    url: "/api/audit/checkpoint",
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
  verifyAudit: {
    method: "GET",
    url: "/api/audit/verify",
    tags: ["audit"],
    summary: "Recompute the hash chain; names the first entry that breaks it (auditor, admin)",
    response: { 200: VerifyOut, ...errors(401, 403) },
  },
});
