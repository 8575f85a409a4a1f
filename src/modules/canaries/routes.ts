// HTTP routes of canaries: the URL canary `/c/<token>` (any method, anonymous, always 200 with an
// empty body whether the token is known, unknown or malformed) and the investigators' hit list, badge
// summary and triage.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { canariesApi as api } from "../../contract/canaries.ts";
import { RAW_ROUTE_CONFIG, requireActor } from "../../platform/http/auth.ts";
import { route } from "../../platform/http/route.ts";
import type { Canaries } from "./service.ts";

/** The token segment of a `/c/...` URL as sent, and the request line with it replaced. */
export function canaryRequest(method: string, url: string, httpVersion: string) {
  const rest = url.slice(3);
  const end = rest.search(/[/?#]/);
  const raw = end < 0 ? rest : rest.slice(0, end);
  let token = raw;
  try {
    token = decodeURIComponent(raw);
  } catch {
    // Not valid percent-encoding: no token can match; it is counted as unknown.
  }
  const line = `${method} /c/[token]${rest.slice(raw.length)} HTTP/${httpVersion}`;
  return { token, line };
}

export function canaryRoutes(app: FastifyInstance, canaries: Canaries) {
  // The URL canary in its own scope: any body of any type is drained unread (no 415, no 413), and the
  // answer goes out before the hit is recorded, so a known token looks and times like an unknown one.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, payload, done) => {
      payload.resume();
      done(null, undefined);
    });
    const pending = new Set<Promise<unknown>>();
    scope.addHook("onClose", async () => {
      await Promise.allSettled([...pending]);
    });
    scope.all("/c/*", { schema: { hide: true }, config: RAW_ROUTE_CONFIG }, async (req, reply) => {
      const { token, line } = canaryRequest(req.method, req.url, req.raw.httpVersion);
      const ua = req.headers["user-agent"];
      const p = canaries
        .recordHit({ kind: "url", token, source: req.ip, detail: line, userAgent: ua ?? null })
        .catch((e: unknown) => req.log.error({ err: e }, "canary hit not recorded"));
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return reply.code(200).header("cache-control", "no-store").send();
    });
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  route(r, api.listCanaryHits, async (req) => canaries.listHits(requireActor(req), req.query));

  route(r, api.canarySummary, async (req) => canaries.summary(requireActor(req)));

  route(r, api.markCanaryHitsSeen, async (req) => canaries.markSeen(requireActor(req), req.body));
}
