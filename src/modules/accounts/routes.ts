// HTTP routes of the accounts module: login/logout, me, second factor, API tokens, users.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ROLES } from "../../authz/actions.ts";
import { actionsOf } from "../../authz/authorize.ts";
import { clearSessionCookie, requireActor, setSessionCookie } from "../../platform/http/auth.ts";
import { Email, errors, Name, NoContent } from "../../platform/http/schemas.ts";
import { PASSWORD_MAX } from "./passwords.ts";
import type { Accounts } from "./service.ts";

const UserOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  organisationId: z.string(),
  organisationName: z.string(),
  totpEnabled: z.boolean(),
  createdAt: z.date(),
  pending: z
    .object({
      role: z.enum(ROLES),
      kind: z.enum(["create", "promote"]),
      requestedBy: z.string().nullable(),
      requestedAt: z.date().nullable(),
    })
    .nullable()
    .describe(
      "A role grant waiting for a second person: `create` (the account cannot log in yet) or `promote` (the user keeps `role` until confirmed)",
    ),
});
const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
const Password = z.string().min(1).max(PASSWORD_MAX);
const UserIdParams = z.object({ id: z.string().regex(/^usr_[0-9A-Z]{26}$/, "not a user ID") });
const TokenIdParams = z.object({ id: z.string().regex(/^tok_[0-9A-Z]{26}$/, "not a token ID") });

export function accountRoutes(app: FastifyInstance, accounts: Accounts, opts: { loginRateLimit: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/auth/login",
    {
      config: { rateLimit: { max: opts.loginRateLimit, timeWindow: "1 minute" } },
      schema: {
        operationId: "login",
        tags: ["auth"],
        summary: "Log in with email, password and (if enabled) a TOTP or recovery code",
        description:
          "Sets an HttpOnly session cookie. Cookie-authenticated writes must send the returned csrfToken as X-CSRF-Token. Answers 401 totp_required when the password was right but the account needs a second factor; repeated failures lock that email out from this client address for a doubling period (429 too_many_attempts), whether or not an account has it. An account whose role grant awaits a second person cannot log in yet.",
        body: z.object({
          email: Email,
          password: Password,
          totp: z
            .string()
            .regex(/^\d{6}$/, "a 6-digit code")
            .optional(),
          recoveryCode: z.string().max(40).optional(),
        }),
        response: { 200: z.object({ user: UserOut, csrfToken: z.string() }), ...errors(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const s = await accounts.login({ ...req.body, ip: req.ip, userAgent: req.headers["user-agent"] });
      setSessionCookie(req, reply, s.token, s.expiresAt);
      return { user: s.user, csrfToken: s.csrfToken };
    },
  );

  r.post(
    "/api/auth/logout",
    {
      schema: {
        operationId: "logout",
        tags: ["auth"],
        summary: "End this session",
        response: { 204: NoContent, ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      await accounts.logout(requireActor(req));
      clearSessionCookie(req, reply);
      return reply.code(204).send(null);
    },
  );

  r.get(
    "/api/me",
    {
      schema: {
        operationId: "getMe",
        tags: ["auth"],
        summary: "The caller, its allowed actions and (for cookie sessions) its CSRF token",
        response: {
          200: z.object({ user: UserOut, csrfToken: z.string().nullable(), actions: z.array(z.string()) }),
          ...errors(401),
        },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      return { user: await accounts.me(actor), csrfToken: req.csrfToken, actions: actionsOf(actor) };
    },
  );

  r.post(
    "/api/me/totp",
    {
      schema: {
        operationId: "beginTotp",
        tags: ["auth"],
        summary: "Start two-factor enrolment: returns a new TOTP secret, active once confirmed",
        response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }), ...errors(401, 403, 409) },
      },
    },
    async (req) => accounts.beginTotp(requireActor(req)),
  );

  r.post(
    "/api/me/totp/confirm",
    {
      schema: {
        operationId: "confirmTotp",
        tags: ["auth"],
        summary: "Confirm enrolment with a current code; returns 10 one-time recovery codes, shown only now",
        body: z.object({ code: z.string().regex(/^\d{6}$/, "a 6-digit code") }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errors(400, 401, 403, 409) },
      },
    },
    async (req) => accounts.confirmTotp(requireActor(req), req.body.code),
  );

  r.delete(
    "/api/me/totp",
    {
      schema: {
        operationId: "disableTotp",
        tags: ["auth"],
        summary: "Turn two-factor authentication off (needs the password)",
        body: z.object({ password: Password }),
        response: { 204: NoContent, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      await accounts.disableTotp(requireActor(req), req.body.password);
      return reply.code(204).send(null);
    },
  );

  r.post(
    "/api/tokens",
    {
      schema: {
        operationId: "createToken",
        tags: ["tokens"],
        summary: "Create an API token for the caller; the token is returned only in this answer",
        body: z.object({ name: Name, expiresInDays: z.number().int().min(1).max(365).optional() }),
        response: {
          201: z.object({ id: z.string(), name: z.string(), token: z.string(), expiresAt: z.date() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req, reply) => reply.code(201).send(await accounts.createToken(requireActor(req), req.body)),
  );

  r.get(
    "/api/tokens",
    {
      schema: {
        operationId: "listTokens",
        tags: ["tokens"],
        summary: "The caller's API tokens (never the secret)",
        response: { 200: z.object({ tokens: z.array(TokenOut) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ tokens: await accounts.listTokens(requireActor(req)) }),
  );

  r.delete(
    "/api/tokens/:id",
    {
      schema: {
        operationId: "revokeToken",
        tags: ["tokens"],
        summary: "Revoke one of the caller's tokens (another user's token answers 404)",
        params: TokenIdParams,
        response: { 204: NoContent, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await accounts.revokeToken(requireActor(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    "/api/users",
    {
      schema: {
        operationId: "listUsers",
        tags: ["users"],
        summary: "All users (admin)",
        response: { 200: z.object({ users: z.array(UserOut) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ users: await accounts.listUsers(requireActor(req)) }),
  );

  r.post(
    "/api/users",
    {
      schema: {
        operationId: "createUser",
        tags: ["users"],
        summary: "Create a user (admin). Staff roles join the programme; other roles need organisationId.",
        description:
          "Roles that read embargoed content, approve or grant roles (admin, coordinator, investigator, partner_admin, partner_analyst) are only requested: the account has `pending.kind = create` and cannot log in until a different admin or coordinator confirms it (POST /api/users/{id}/confirm). Partner admins add their own members through invites instead. Auditor and researcher accounts are created at once.",
        body: z.object({
          email: Email,
          name: Name,
          role: z.enum(ROLES),
          password: z.string().min(1).max(PASSWORD_MAX),
          organisationId: z.string().max(40).optional(),
        }),
        response: { 201: z.object({ user: UserOut }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      reply.code(201).send({ user: await accounts.createUser(requireActor(req), req.body) }),
  );

  r.get(
    "/api/role-grants",
    {
      schema: {
        operationId: "listPendingGrants",
        tags: ["users"],
        summary: "Role grants waiting for a second person's confirmation (admin, coordinator)",
        response: { 200: z.object({ users: z.array(UserOut) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ users: await accounts.listPendingGrants(requireActor(req)) }),
  );

  r.post(
    "/api/users/:id/role",
    {
      schema: {
        operationId: "requestUserRole",
        tags: ["users"],
        summary: "Change a user's role (admin); a sensitive role waits for a second person's confirmation",
        params: UserIdParams,
        body: z.object({ role: z.enum(ROLES) }),
        response: { 200: z.object({ user: UserOut }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => ({ user: await accounts.requestRole(requireActor(req), req.params.id, req.body.role) }),
  );

  r.post(
    "/api/users/:id/confirm",
    {
      schema: {
        operationId: "confirmUserGrant",
        tags: ["users"],
        summary: "Confirm a pending role grant (admin, coordinator; not the one who asked, nor the user)",
        params: UserIdParams,
        response: { 200: z.object({ user: UserOut }), ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => ({ user: await accounts.confirmGrant(requireActor(req), req.params.id) }),
  );

  r.delete(
    "/api/users/:id/grant",
    {
      schema: {
        operationId: "cancelUserGrant",
        tags: ["users"],
        summary: "Withdraw a pending role grant (admin, coordinator); an account never confirmed is disabled",
        params: UserIdParams,
        response: { 204: NoContent, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await accounts.cancelGrant(requireActor(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  const OrgOut = z.object({ id: z.string(), name: z.string(), kind: z.string(), createdAt: z.date() });
  r.get(
    "/api/organisations",
    {
      schema: {
        operationId: "listOrganisations",
        tags: ["users"],
        summary: "Organisations users belong to (admin)",
        response: { 200: z.object({ organisations: z.array(OrgOut) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ organisations: await accounts.listOrganisations(requireActor(req)) }),
  );

  r.post(
    "/api/organisations",
    {
      schema: {
        operationId: "createOrganisation",
        tags: ["users"],
        summary: "Create an organisation for partner or researcher users (admin)",
        body: z.object({ name: Name }),
        response: { 201: z.object({ organisation: OrgOut }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      reply.code(201).send({ organisation: await accounts.createOrganisation(requireActor(req), req.body) }),
  );
}
