// The public side: only advisories whose release time has passed, at the public content level.
// JSON list and pages, an Atom feed, and the CSAF provider layout aggregators read.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { publicApi as api } from "../../contract/public.ts";
import { notFound } from "../../platform/errors.ts";
import { route } from "../../platform/http/route.ts";
import type { Advisories } from "../advisories/index.ts";
import { atomFeed, changesCsv, csafPath, indexTxt, providerMetadata } from "./feeds.ts";

const Cache = "public, max-age=300";

export function publicRoutes(app: FastifyInstance, advisories: Advisories) {
  const opts = { publisher: advisories.publisher, clock: { now: advisories.now } };
  const r = app.withTypeProvider<ZodTypeProvider>();
  const text = (reply: FastifyReply, type: string, body: string) =>
    reply.header("cache-control", Cache).type(type).send(body);

  route(r, api.listPublicAdvisories, async (req) => {
    const p = await advisories.publicPage(req.query);
    return { items: p.items.map(({ id: _id, ...e }) => e), nextCursor: p.nextCursor };
  });

  route(r, api.getPublicAdvisory, async (req) => advisories.publicAdvisory(req.params.trackingId));

  route(r, api.exportPublicAdvisory, async (req) =>
    advisories.publicExport(req.params.trackingId, req.query.format),
  );

  route(r, api.advisoryFeed, async (_req, reply) =>
    text(
      reply,
      "application/atom+xml; charset=utf-8",
      atomFeed(opts.publisher, await advisories.publicList(), opts.clock.now()),
    ),
  );

  route(r, api.csafProviderMetadata, async (_req, reply) =>
    reply
      .header("cache-control", Cache)
      .send(providerMetadata(opts.publisher, await advisories.publicList(), opts.clock.now())),
  );

  route(r, api.csafIndex, async (_req, reply) =>
    text(reply, "text/plain; charset=utf-8", indexTxt(await advisories.publicList())),
  );

  route(r, api.csafChanges, async (_req, reply) =>
    text(reply, "text/csv; charset=utf-8", changesCsv(await advisories.publicList())),
  );

  route(r, api.csafDocument, async (req, reply) => {
    const entry = (await advisories.publicList()).find(
      (e) => csafPath(e) === `${req.params.year}/${req.params.file}`,
    );
    if (!entry) throw notFound(`CSAF document ${req.params.year}/${req.params.file}`);
    return (reply as FastifyReply)
      .header("cache-control", Cache)
      .type("application/json")
      .send(JSON.stringify(await advisories.publicExport(entry.trackingId, "csaf")));
  });
}
