// buildApp(deps) -> a Fastify instance with every route. The server and the tests both build it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import helmet from "helmet";
import { auditRoutes } from "./audit/routes.ts";
import type { Audit } from "./audit/service.ts";
import { type Accounts, accountRoutes } from "./modules/accounts/index.ts";
import { type Advisories, advisoryRoutes } from "./modules/advisories/index.ts";
import { type Canaries, canaryRoutes } from "./modules/canaries/index.ts";
import { type Cases, caseRoutes } from "./modules/cases/index.ts";
import { type Forensics, forensicsRoutes } from "./modules/forensics/index.ts";
import { type Partners, partnerRoutes } from "./modules/partners/index.ts";
import { publicRoutes } from "./modules/public/index.ts";
import { type Releases, releaseRoutes } from "./modules/releases/index.ts";
import { systemRoutes } from "./modules/system/index.ts";
import { randomSecret } from "./platform/crypto.ts";
import { AppError } from "./platform/errors.ts";
import { installAuth, isRawRoute } from "./platform/http/auth.ts";
import { installErrorHandling } from "./platform/http/errors.ts";
import { installInputChecks } from "./platform/http/input.ts";
import type { JobHealth } from "./platform/jobs/health.ts";
import type { Outbox } from "./platform/mail/outbox.ts";

export type AppDeps = {
  services: {
    accounts: Accounts;
    audit: Audit;
    cases: Cases;
    advisories: Advisories;
    partners: Partners;
    outbox: Outbox;
    releases: Releases;
    canaries: Canaries;
    forensics: Forensics;
  };
  database: "pglite" | "postgresql";
  version: string;
  logLevel?: string;
  /** Where log lines go (default stdout); tests read them to check that nothing secret is logged. */
  logStream?: { write(line: string): void };
  trustProxy?: boolean;
  /** Folder of the built web UI; omitted in API-only tests. */
  webDist?: string | undefined;
  /** Logins per minute per client address before 429 (the per-account lockout applies as well). */
  loginRateLimit?: number;
  /** Vulnerability reports per hour per client address before 429. */
  reportRateLimit?: number;
  /** Background job alerts for GET /api/health (the server passes its job monitor). */
  jobHealth?: JobHealth;
};

export const BODY_LIMIT = 1024 * 1024;
const SECRET_PARAM = /token|secret|key|password|code|signature/i;

/** Path segments after which the next segment is a secret (an invite, a tracking or canary token). */
const SECRET_BEFORE = /^(invites?|track|tracking|reset|verify|unsubscribe|c)$/i;

/**
 * A URL as it may appear in logs: the values of query parameters that can carry secrets, and the
 * path segment after `/invite/`, `/invites/`, `/track/` (and the like), are replaced.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  const path = (q < 0 ? url : url.slice(0, q))
    .split("/")
    .map((seg, i, all) => (i > 0 && SECRET_BEFORE.test(all[i - 1] ?? "") && seg ? "[redacted]" : seg))
    .join("/");
  if (q < 0) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAM.test(name)) params.set(name, "[redacted]");
  return `${path}?${params.toString()}`;
}
export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../web/dist", import.meta.url));

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel ?? "info",
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      // Credentials and secrets never reach the log.
      redact: [
        "req.headers.authorization",
        "req.headers.cookie",
        'req.headers["x-csrf-token"]',
        'req.headers["x-tracking-token"]',
        'res.headers["set-cookie"]',
      ],
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.ip,
        }),
      },
    },
    // One line per request, at debug (below): at info the log carries business events instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: deps.trustProxy ?? false,
    genReqId: () => `req_${randomSecret(12)}`,
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false } },
    // A URL canary answers alike whatever follows /c/: a path that is not valid percent-encoding
    // (which the router would refuse with 400) reaches it as a token that matches nothing.
    rewriteUrl: (req) => {
      const url = req.url ?? "/";
      if (!url.startsWith("/c/")) return url;
      try {
        decodeURIComponent(url.split("?")[0] ?? "");
        return url;
      } catch {
        return "/c/-";
      }
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installInputChecks(app);
  // The API speaks JSON only: a text body is refused with 415 rather than half-parsed.
  app.removeContentTypeParser("text/plain");
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    req.log.debug(
      { req, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime) },
      "request completed",
    );
  });
  // Business events at info: every audit entry's type, actor and subject (never its payload).
  const stopAuditLog = deps.services.audit.onAppend((e) =>
    app.log.info(
      { audit: { seq: e.seq, type: e.type, actorId: e.actorId, subject: e.subject } },
      `audit ${e.type}`,
    ),
  );
  app.addHook("onClose", async () => stopAuditLog());

  // Security headers, built once: @fastify/helmet built the middleware again on every request
  // (parsing the CSP each time, about 5% of a partner's copy read in the read benchmark's profile).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine injects its CSS variables as inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Upgrading would break a plain-http deployment reached by name or LAN address; HSTS covers TLS.
        upgradeInsecureRequests: null,
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: "no-referrer" },
  });
  app.addHook("onRequest", (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (e) => done(e as Error | undefined)),
  );
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new AppError("rate_limited", `too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`, {
        retryAfterSeconds: Math.ceil(ctx.ttl / 1000),
      }),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Forewarn API",
        version: deps.version,
        description:
          "Run a vulnerability early-alert programme in which every recipient's copy is fingerprinted: the wording of its text sections and fenced code, its YARA, Sigma, Python, shell, raw HTTP and IOC files, and canary tokens where the author placed {{canary:dns}} or {{canary:url}}; titles, product lists and binary files are not varied. Authenticate with the session cookie from POST /api/auth/login (writes then need X-CSRF-Token) or with Authorization: Bearer <API token>. Errors are { error: { code, message, requestId } }.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "fw_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  installAuth(app, deps.services.accounts);
  accountRoutes(app, deps.services.accounts, { loginRateLimit: deps.loginRateLimit ?? 30 });
  auditRoutes(app, deps.services.audit);
  systemRoutes(app, {
    database: deps.database,
    version: deps.version,
    adminExists: async () => (await deps.services.accounts.countAdmins()) > 0,
    counts: {
      openCases: deps.services.cases.countOpen,
      advisories: deps.services.advisories.count,
      partners: deps.services.partners.countActive,
      cases: deps.services.cases.count,
      releases: () => deps.services.releases.countReleases(),
    },
    nextRelease: () => deps.services.releases.nextRelease(),
    alerts: () => deps.jobHealth?.alerts() ?? [],
  });
  caseRoutes(app, deps.services.cases, { reportRateLimit: deps.reportRateLimit ?? 20 });
  advisoryRoutes(app, deps.services.advisories);
  publicRoutes(app, deps.services.advisories);
  partnerRoutes(app, deps.services.partners, deps.services.outbox);
  releaseRoutes(app, deps.services.releases);
  canaryRoutes(app, deps.services.canaries);
  forensicsRoutes(app, deps.services.forensics);

  const web = deps.webDist;
  const hasWeb = web !== undefined && existsSync(`${web}/index.html`);
  // wildcard: files are looked up per request, so a rebuilt UI is served without a restart.
  // Source maps are not published: the build makes none, and a stray one is not served either.
  app.addHook("onRequest", async (req) => {
    const path = req.url.split("?")[0] ?? "";
    if (path.endsWith(".map") && !isRawRoute(req))
      throw new AppError("not_found", `no route ${req.method} ${path}`);
  });
  if (hasWeb) await app.register(fastifyStatic, { root: web, wildcard: true, index: ["index.html"] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    if (req.method === "GET" && !path.startsWith("/api/") && path !== "/api") {
      // The web app routes on the client: any other page path gets index.html.
      if (hasWeb) return reply.type("text/html").sendFile("index.html");
      return reply
        .type("text/plain")
        .send(
          "The web UI is not built. Run `npm run build:web` (or start with `npm start`, which builds it).",
        );
    }
    throw new AppError("not_found", `no route ${req.method} ${path}`);
  });
  return app;
}
