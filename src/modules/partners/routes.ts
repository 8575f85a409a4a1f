// HTTP routes of the partner programme: thin, schema-first; the services decide and audit.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { partnersApi as api } from "../../contract/partners.ts";
import { AppError } from "../../platform/errors.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { sendDownload } from "../../platform/http/download.ts";
import { route } from "../../platform/http/route.ts";
import type { Outbox } from "../../platform/mail/outbox.ts";
import type { Partners } from "./index.ts";
import { EVIDENCE_MAX_BYTES } from "./records.ts";

export function partnerRoutes(app: FastifyInstance, partners: Partners, outbox: Outbox) {
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1, fields: 2, parts: 3 },
    });
    register(scope, partners, outbox);
  });
}

function register(app: FastifyInstance, partners: Partners, outbox: Outbox) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  route(r, api.applyAsPartner, async (req, reply) => reply.code(201).send(await partners.apply(req.body)), {
    config: { rateLimit: { max: 20, timeWindow: "1 hour" } },
  });

  route(r, api.listPartners, async (req) => partners.list(requireActor(req), req.query));

  route(r, api.getPartner, async (req) => partners.get(requireActor(req), req.params.id));

  route(r, api.updatePartner, async (req) => partners.update(requireActor(req), req.params.id, req.body));

  route(r, api.partnerTimeline, async (req) => ({
    events: await partners.timeline(requireActor(req), req.params.id),
  }));

  route(r, api.approvePartner, async (req) => partners.approve(requireActor(req), req.params.id));

  for (const [verb, def] of [
    ["reject", api.rejectPartner],
    ["suspend", api.suspendPartner],
    ["reinstate", api.reinstatePartner],
    ["remove", api.removePartner],
  ] as const) {
    route(r, def, async (req) => partners[verb](requireActor(req), req.params.id, req.body.reason));
  }

  route(r, api.setPartnerTier, async (req) =>
    partners.setTier(requireActor(req), req.params.id, req.body.tier, req.body.reason),
  );

  route(r, api.partnerEligibility, async (req) => partners.eligibility(requireActor(req), req.params.id));

  route(r, api.partnerScorecard, async (req) => partners.scorecard(requireActor(req), req.params.id));

  // Members and invites
  route(r, api.listPartnerMembers, async (req) => ({
    members: await partners.listMembers(requireActor(req), req.params.id),
  }));

  route(r, api.invitePartnerMember, async (req, reply) =>
    reply.code(201).send(await partners.invite(requireActor(req), req.params.id, req.body)),
  );

  route(r, api.removePartnerMember, async (req, reply) => {
    await partners.removeMember(requireActor(req), req.params.id, req.params.userId);
    return reply.code(204).send(null);
  });

  route(r, api.acceptInvite, async (req) => partners.acceptInvite(req.params.token, req.body.password), {
    config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
  });

  // Keys and webhooks
  route(r, api.listMemberKeys, async (req) => ({
    keys: await partners.listKeys(requireActor(req), req.params.id),
  }));

  route(r, api.registerMemberKey, async (req, reply) =>
    reply.code(201).send(await partners.addKey(requireActor(req), req.params.id, req.body)),
  );

  route(r, api.revokeMemberKey, async (req, reply) => {
    await partners.revokeKey(requireActor(req), req.params.id, req.params.keyId);
    return reply.code(204).send(null);
  });

  route(r, api.listWebhooks, async (req) => ({
    webhooks: await partners.listWebhooks(requireActor(req), req.params.id),
  }));

  route(r, api.createWebhook, async (req, reply) =>
    reply.code(201).send(await partners.addWebhook(requireActor(req), req.params.id, req.body.url)),
  );

  route(r, api.deleteWebhook, async (req, reply) => {
    await partners.deleteWebhook(requireActor(req), req.params.id, req.params.webhookId);
    return reply.code(204).send(null);
  });

  // NDAs and attestations
  route(r, api.currentNda, async (req) => {
    return partners.currentNda(requireActor(req));
  });

  route(r, api.listNdas, async (req) => ({ ndas: await partners.listNdas(requireActor(req)) }));

  route(r, api.publishNda, async (req, reply) =>
    reply.code(201).send(await partners.publishNda(requireActor(req), req.body.text)),
  );

  route(r, api.listNdaSignatures, async (req) => ({
    signatures: await partners.listSignatures(requireActor(req), req.params.id),
  }));

  route(r, api.signNda, async (req, reply) =>
    reply.code(201).send(await partners.signNda(requireActor(req), req.params.id, req.body, req.ip ?? null)),
  );

  route(r, api.renewAttestation, async (req) => partners.attest(requireActor(req), req.params.id, req.body));

  // Tiers and policy
  route(r, api.listTiers, async (req) => ({ tiers: await partners.listTiers(requireActor(req)) }));

  route(r, api.replaceTiers, async (req) => ({
    tiers: await partners.replaceTiers(
      requireActor(req),
      Array.isArray(req.body) ? req.body : req.body.tiers,
    ),
  }));

  route(r, api.listPolicyRules, async (req) => ({ rules: await partners.listRules(requireActor(req)) }));

  route(r, api.replacePolicyRules, async (req) => ({
    rules: await partners.replaceRules(requireActor(req), req.body),
  }));

  route(r, api.previewPolicyRules, async (req) => partners.previewRules(requireActor(req), req.body.rules));

  // Evidence and incidents
  route(r, api.listEvidence, async (req) => ({
    evidence: await partners.listEvidence(requireActor(req), req.params.id),
  }));

  route(r, api.uploadEvidence, async (req, reply) => {
    const actor = requireActor(req);
    const read = async () => {
      if (!req.isMultipart())
        throw new AppError("unsupported_media_type", "send the document as multipart/form-data");
      const part = await req.file();
      if (!part) throw new AppError("validation_failed", "no file in the upload");
      return { filename: part.filename || "evidence", data: await part.toBuffer() };
    };
    return reply.code(201).send(await partners.uploadEvidence(actor, req.params.id, read));
  });

  route(r, api.downloadEvidence, async (req, reply) => {
    const f = await partners.downloadEvidence(requireActor(req), req.params.id, req.params.evidenceId);
    return sendDownload(reply as FastifyReply, {
      filename: f.filename,
      mediaType: f.mediaType,
      bytes: f.data,
    });
  });

  route(r, api.listPartnerIncidents, async (req) => ({
    incidents: await partners.listIncidents(requireActor(req), req.params.id),
  }));

  route(r, api.reportIncident, async (req, reply) =>
    reply.code(201).send(await partners.reportIncident(requireActor(req), req.params.id, req.body)),
  );

  route(r, api.listIncidents, async (req) =>
    partners.allIncidents(requireActor(req), req.query.status, req.query),
  );

  route(r, api.closeIncident, async (req) =>
    partners.closeIncident(requireActor(req), req.params.id, req.body.resolution),
  );

  route(r, api.listSuspensionRequests, async (req) => ({
    requests: await partners.listSuspensionRequests(requireActor(req), req.params.id),
  }));
  route(r, api.approveSuspensionRequest, async (req) =>
    partners.decideSuspension(requireActor(req), req.params.id, req.params.requestId, "approve"),
  );
  route(r, api.rejectSuspensionRequest, async (req) =>
    partners.decideSuspension(
      requireActor(req),
      req.params.id,
      req.params.requestId,
      "reject",
      req.body.note,
    ),
  );

  route(r, api.listOutbox, async (req) => ({ messages: await outbox.list(requireActor(req)) }));
}
