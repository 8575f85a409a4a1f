// Resolves the caller of each request (session cookie or Bearer token) and enforces CSRF on
// cookie-authenticated writes. Routes read `req.actor` through requireActor().
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Actor } from "../../authz/authorize.ts";
import type { Accounts } from "../../modules/accounts/index.ts";
import { safeEqual } from "../crypto.ts";
import { AppError } from "../errors.ts";

export const SESSION_COOKIE = "fw_session";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
  }
}

/**
 * Route config of an endpoint that answers everyone alike, whatever they send (the URL canary): the
 * caller is not resolved (a bad token or a missing CSRF header changes nothing) and input checks skip it.
 */
export const RAW_ROUTE_CONFIG = { raw: true } as const;

export function isRawRoute(req: FastifyRequest): boolean {
  return (req.routeOptions.config as { raw?: boolean } | undefined)?.raw === true;
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError("unauthenticated", "log in or send Authorization: Bearer <token>");
  return req.actor;
}

export function installAuth(
  app: FastifyInstance,
  accounts: Pick<Accounts, "authenticateSession" | "authenticateToken">,
) {
  app.decorateRequest("actor", null);
  app.decorateRequest("csrfToken", null);
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (isRawRoute(req)) return;
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      const actor = m?.[1] ? await accounts.authenticateToken(m[1], req.ip) : null;
      if (!actor) throw new AppError("unauthenticated", "the Bearer token is unknown, expired or revoked");
      req.actor = actor;
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie || cookie.length > 200) return;
    const s = await accounts.authenticateSession(cookie, req.ip);
    if (!s) return;
    req.actor = s.actor;
    req.csrfToken = s.csrfToken;
    if (UNSAFE.has(req.method)) {
      const sent = req.headers["x-csrf-token"];
      if (typeof sent !== "string" || !safeEqual(sent, s.csrfToken)) {
        throw new AppError(
          "csrf_failed",
          "send the X-CSRF-Token header you got at login (or from GET /api/me)",
        );
      }
    }
  });
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: req.protocol === "https",
    expires: expiresAt,
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: req.protocol === "https",
  });
}
