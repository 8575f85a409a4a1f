// HTTP routes of the accounts module: login/logout, me, second factor, API tokens, users.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { actionsOf } from "../../authz/authorize.ts";
import { accountsApi as api } from "../../contract/accounts.ts";
import { clearSessionCookie, requireActor, setSessionCookie } from "../../platform/http/auth.ts";
import { route } from "../../platform/http/route.ts";
import type { Accounts } from "./service.ts";

export function accountRoutes(app: FastifyInstance, accounts: Accounts, opts: { loginRateLimit: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  route(
    r,
    api.login,
    async (req, reply) => {
      const s = await accounts.login({ ...req.body, ip: req.ip, userAgent: req.headers["user-agent"] });
      setSessionCookie(req, reply, s.token, s.expiresAt);
      return { user: s.user, csrfToken: s.csrfToken };
    },
    { config: { rateLimit: { max: opts.loginRateLimit, timeWindow: "1 minute" } } },
  );

  route(r, api.logout, async (req, reply) => {
    await accounts.logout(requireActor(req));
    clearSessionCookie(req, reply);
    return reply.code(204).send(null);
  });

  route(r, api.getMe, async (req) => {
    const actor = requireActor(req);
    return { user: await accounts.me(actor), csrfToken: req.csrfToken, actions: actionsOf(actor) };
  });

  route(r, api.beginTotp, async (req) => accounts.beginTotp(requireActor(req)));

  route(r, api.confirmTotp, async (req) => accounts.confirmTotp(requireActor(req), req.body.code));

  route(r, api.disableTotp, async (req, reply) => {
    await accounts.disableTotp(requireActor(req), req.body.password);
    return reply.code(204).send(null);
  });

  route(r, api.createToken, async (req, reply) =>
    reply.code(201).send(await accounts.createToken(requireActor(req), req.body)),
  );

  route(r, api.listTokens, async (req) => ({ tokens: await accounts.listTokens(requireActor(req)) }));

  route(r, api.revokeToken, async (req, reply) => {
    await accounts.revokeToken(requireActor(req), req.params.id);
    return reply.code(204).send(null);
  });

  route(r, api.listUsers, async (req) => accounts.listUsers(requireActor(req), req.query));

  route(r, api.createUser, async (req, reply) =>
    reply.code(201).send({ user: await accounts.createUser(requireActor(req), req.body) }),
  );

  route(r, api.listPendingGrants, async (req) => ({
    users: await accounts.listPendingGrants(requireActor(req)),
  }));

  route(r, api.requestUserRole, async (req) => ({
    user: await accounts.requestRole(requireActor(req), req.params.id, req.body.role),
  }));

  route(r, api.confirmUserGrant, async (req) => ({
    user: await accounts.confirmGrant(requireActor(req), req.params.id),
  }));

  route(r, api.cancelUserGrant, async (req, reply) => {
    await accounts.cancelGrant(requireActor(req), req.params.id);
    return reply.code(204).send(null);
  });

  route(r, api.listOrganisations, async (req) => accounts.listOrganisations(requireActor(req), req.query));

  route(r, api.createOrganisation, async (req, reply) =>
    reply.code(201).send({ organisation: await accounts.createOrganisation(requireActor(req), req.body) }),
  );
}
