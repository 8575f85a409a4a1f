// The accounts API: each route's method, path, and request and response schemas, keyed by operationId.
import { z } from "zod";
import { Email, errors, Name, NoContent, PageQuery, page } from "./common.ts";
import { defineRoutes } from "./define.ts";
import { PASSWORD_MAX, ROLES } from "./enums.ts";
import { idSchema } from "./ids.ts";

export const UserOut = z.object({
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
export const OrgOut = z.object({ id: z.string(), name: z.string(), kind: z.string(), createdAt: z.date() });
export const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export const Password = z.string().min(1).max(PASSWORD_MAX);
export const UserIdParams = z.object({ id: idSchema("user", "a user") });
export const TokenIdParams = z.object({ id: idSchema("token", "a token") });

export const accountsApi = defineRoutes({
  login: {
    method: "POST",
    url: "/api/auth/login",
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
  logout: {
    method: "POST",
    url: "/api/auth/logout",
    tags: ["auth"],
    summary: "End this session",
    response: { 204: NoContent, ...errors(401, 403) },
  },
  getMe: {
    method: "GET",
    url: "/api/me",
    tags: ["auth"],
    summary: "The caller, its allowed actions and (for cookie sessions) its CSRF token",
    response: {
      200: z.object({ user: UserOut, csrfToken: z.string().nullable(), actions: z.array(z.string()) }),
      ...errors(401),
    },
  },
  beginTotp: {
    method: "POST",
    url: "/api/me/totp",
    tags: ["auth"],
    summary: "Start two-factor enrolment: returns a new TOTP secret, active once confirmed",
    response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }), ...errors(401, 403, 409) },
  },
  confirmTotp: {
    method: "POST",
    url: "/api/me/totp/confirm",
    tags: ["auth"],
    summary: "Confirm enrolment with a current code; returns 10 one-time recovery codes, shown only now",
    body: z.object({ code: z.string().regex(/^\d{6}$/, "a 6-digit code") }),
    response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errors(400, 401, 403, 409) },
  },
  disableTotp: {
    method: "DELETE",
    url: "/api/me/totp",
    tags: ["auth"],
    summary: "Turn two-factor authentication off (needs the password)",
    body: z.object({ password: Password }),
    response: { 204: NoContent, ...errors(400, 401, 403) },
  },
  createToken: {
    method: "POST",
    url: "/api/tokens",
    tags: ["tokens"],
    summary: "Create an API token for the caller; the token is returned only in this answer",
    body: z.object({ name: Name, expiresInDays: z.number().int().min(1).max(365).optional() }),
    response: {
      201: z.object({ id: z.string(), name: z.string(), token: z.string(), expiresAt: z.date() }),
      ...errors(400, 401, 403),
    },
  },
  listTokens: {
    method: "GET",
    url: "/api/tokens",
    tags: ["tokens"],
    summary: "The caller's API tokens (never the secret)",
    response: { 200: z.object({ tokens: z.array(TokenOut) }), ...errors(401, 403) },
  },
  revokeToken: {
    method: "DELETE",
    url: "/api/tokens/:id",
    tags: ["tokens"],
    summary: "Revoke one of the caller's tokens (another user's token answers 404)",
    params: TokenIdParams,
    response: { 204: NoContent, ...errors(400, 401, 403, 404) },
  },
  listUsers: {
    method: "GET",
    url: "/api/users",
    tags: ["users"],
    summary: "All users, oldest first (admin; paginated)",
    description:
      "One page of every account, pending ones included, in the order they were created (oldest first; the user ID breaks ties). Pass `nextCursor` as `cursor` for the next page.",
    querystring: PageQuery,
    response: { 200: page(UserOut), ...errors(400, 401, 403) },
  },
  createUser: {
    method: "POST",
    url: "/api/users",
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
  listPendingGrants: {
    method: "GET",
    url: "/api/role-grants",
    tags: ["users"],
    summary: "Role grants waiting for a second person's confirmation (admin, coordinator)",
    response: { 200: z.object({ users: z.array(UserOut) }), ...errors(401, 403) },
  },
  requestUserRole: {
    method: "POST",
    url: "/api/users/:id/role",
    tags: ["users"],
    summary: "Change a user's role (admin); a sensitive role waits for a second person's confirmation",
    params: UserIdParams,
    body: z.object({ role: z.enum(ROLES) }),
    response: { 200: z.object({ user: UserOut }), ...errors(400, 401, 403, 404, 409) },
  },
  confirmUserGrant: {
    method: "POST",
    url: "/api/users/:id/confirm",
    tags: ["users"],
    summary: "Confirm a pending role grant (admin, coordinator; not the one who asked, nor the user)",
    params: UserIdParams,
    response: { 200: z.object({ user: UserOut }), ...errors(401, 403, 404, 409) },
  },
  cancelUserGrant: {
    method: "DELETE",
    url: "/api/users/:id/grant",
    tags: ["users"],
    summary: "Withdraw a pending role grant (admin, coordinator); an account never confirmed is disabled",
    params: UserIdParams,
    response: { 204: NoContent, ...errors(401, 403, 404, 409) },
  },
  listOrganisations: {
    method: "GET",
    url: "/api/organisations",
    tags: ["users"],
    summary: "Organisations users belong to, oldest first (admin; paginated)",
    description:
      "One page of the organisations (the programme's own and every partner's or researcher's), in the order they were created (oldest first; the organisation ID breaks ties). Pass `nextCursor` as `cursor` for the next page.",
    querystring: PageQuery,
    response: { 200: page(OrgOut), ...errors(400, 401, 403) },
  },
  createOrganisation: {
    method: "POST",
    url: "/api/organisations",
    tags: ["users"],
    summary: "Create an organisation for partner or researcher users (admin)",
    body: z.object({ name: Name }),
    response: { 201: z.object({ organisation: OrgOut }), ...errors(400, 401, 403) },
  },
});
