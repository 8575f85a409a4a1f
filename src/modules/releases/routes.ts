// HTTP routes of the release engine: staff plan, preview, arm, move, cancel and break the embargo;
// partner users read their own released copies and acknowledge them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import { releasesApi as api, type PlanIn } from "../../contract/releases.ts";
import { requireActor } from "../../platform/http/auth.ts";
import { sendDownload } from "../../platform/http/download.ts";
import { route } from "../../platform/http/route.ts";
import type { Releases } from "./service.ts";

const planInput = (b: z.infer<typeof PlanIn>) => ({
  publicAt: new Date(b.publicAt),
  timeZone: b.timeZone,
  extraWaves: b.extraWaves?.map((w) => ({ ...w, at: new Date(w.at) })),
  exclude: b.exclude,
  compressLeadTimes: b.compressLeadTimes,
});

export function releaseRoutes(app: FastifyInstance, releases: Releases) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  route(r, api.listReleasePlans, async (req) => releases.listPlans(requireActor(req), req.query));

  route(r, api.createReleasePlan, async (req, reply) =>
    reply.code(201).send(await releases.createPlan(requireActor(req), req.params.id, planInput(req.body))),
  );

  route(r, api.previewReleasePlan, async (req) =>
    releases.preview(requireActor(req), req.params.id, planInput(req.body)),
  );

  route(r, api.getReleasePlan, async (req) => releases.getPlan(requireActor(req), req.params.id));

  route(r, api.moveReleasePlan, async (req) =>
    releases.move(requireActor(req), req.params.id, new Date(req.body.publicAt), {
      compressLeadTimes: req.body.compressLeadTimes,
    }),
  );

  route(r, api.approveReleasePlan, async (req) => releases.approve(requireActor(req), req.params.id));

  route(r, api.getReleaseStatus, async (req) => releases.status(requireActor(req), req.params.id));

  route(r, api.armReleasePlan, async (req) => releases.arm(requireActor(req), req.params.id));

  route(r, api.cancelReleasePlan, async (req) =>
    releases.cancel(requireActor(req), req.params.id, req.body.reason),
  );

  route(r, api.breakEmbargo, async (req, reply) => {
    const r = await releases.breakEmbargo(requireActor(req), req.params.id, req.body);
    return reply.code(r.requested ? 202 : 200).send(r.plan);
  });

  route(r, api.confirmEmbargoBreak, async (req) => releases.confirmBreak(requireActor(req), req.params.id));

  route(r, api.listReleaseWebhooks, async (req) => ({
    messages: await releases.webhookLog(requireActor(req), req.params.id),
  }));

  route(r, api.redeliverReleaseWebhook, async (req) =>
    releases.redeliverWebhook(requireActor(req), req.params.id, req.params.messageId),
  );

  // ---- partner side ----

  route(r, api.listPartnerAdvisories, async (req) => releases.inbox(requireActor(req), req.query));

  route(r, api.getPartnerAdvisory, async (req) =>
    releases.copy(requireActor(req), req.params.id, readClient(req)),
  );

  route(r, api.downloadPartnerAdvisoryFile, async (req, reply) => {
    const f = await releases.copyFile(requireActor(req), req.params.id, req.params.fileId, readClient(req));
    return sendDownload(reply as FastifyReply, f);
  });

  route(r, api.acknowledgePartnerAdvisory, async (req, reply) =>
    reply.code(201).send(await releases.acknowledge(requireActor(req), req.params.id, req.body)),
  );
}

/** The address and user agent of a partner's read (kept in the read's audit entry for forensics). */
function readClient(req: FastifyRequest) {
  const ua = req.headers["user-agent"];
  return { ip: req.ip || null, userAgent: typeof ua === "string" ? ua.slice(0, 500) : null };
}
