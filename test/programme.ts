// Test fixtures for the programme as the release engine sees it: users with long-lived API tokens
// (the frozen clock jumps weeks ahead) and active partners with a signed NDA at a given tier.
import type { FastifyInstance } from "fastify";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import type { Services } from "../src/runtime.ts";
import { PASSWORD } from "./harness.ts";

export type TestUser = {
  id: string;
  email: string;
  orgId: string;
  headers: Record<string, string>;
  actor: Actor;
};

export function programmeFixtures(s: Services, app: FastifyInstance, opts: { emailDomain?: string } = {}) {
  const SYS = systemActor("test");
  const domain = opts.emailDomain ?? "example.org";
  let counter = 0;

  /** A user of the role, logged in, with a year-long Bearer token (sessions would expire as time jumps). */
  async function makeUser(role: Role, organisationId?: string): Promise<TestUser> {
    counter++;
    const u = await s.accounts.createUser(SYS, {
      email: `${role}.${counter}@${domain}`,
      name: `${role} ${counter}`,
      role,
      password: PASSWORD,
      organisationId,
    });
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: u.email, password: PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === "fw_session");
    const token = await app.inject({
      method: "POST",
      url: "/api/tokens",
      headers: { cookie: `fw_session=${cookie?.value}`, "x-csrf-token": login.json().csrfToken },
      payload: { name: "test", expiresInDays: 365 },
    });
    const actor: Actor = {
      kind: "user",
      userId: u.id as `usr_${string}`,
      email: u.email,
      role,
      organisationId: u.organisationId as `org_${string}`,
      via: "session",
    };
    return {
      id: u.id,
      email: u.email,
      orgId: u.organisationId,
      headers: { authorization: `Bearer ${token.json().token}` },
      actor,
    };
  }

  /** An applicant approved by two staff members, at `tier`, whose admin signed the current NDA. */
  async function activePartner(key: string, tier: string, approvers: [Actor, Actor]) {
    const res = await s.partners.apply(
      {
        organisation: {
          name: `Partner ${key}`,
          legalName: `Partner ${key} Ltd`,
          country: "DE",
          staffCountries: [],
          website: `https://${key}.example`,
          kind: "antivirus",
          customers: 1000,
        },
        contact: { name: `Contact ${key}`, email: `contact@${key}.example` },
        attestations: {
          securityVendor: true,
          noOffensiveTools: true,
          publishAtRelease: true,
          reportLeaks: true,
        },
      },
      "http://127.0.0.1",
    );
    const id = res.partnerId;
    await s.partners.approve(approvers[0], id);
    await s.partners.approve(approvers[1], id);
    await s.partners.setTier(SYS, id, tier);
    const admin = await makeUser("partner_admin", id);
    await s.partners.signNda(
      admin.actor,
      id,
      { version: (await s.partners.currentNda()).version, name: "Ada Admin", title: "CISO" },
      null,
    );
    return { id, admin };
  }

  return { makeUser, activePartner };
}
