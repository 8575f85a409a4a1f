// Browser-test set-up through the API: an active partner (applied, approved by two coordinators, at
// a tier), and one whose admin also accepted the invitation and signed the current NDA.
import { expect } from "vitest";
import { ApiSession, type Credentials } from "./harness.ts";

const ATTEST = { securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true };

/** "<key> Security", headquartered in `country`, approved by both approvers and set at `tier`. */
export async function activePartner(
  approvers: [ApiSession, ApiSession],
  key: string,
  tier: string,
  country = "DE",
): Promise<string> {
  const [c1, c2] = approvers;
  const app = await c1.request<{ partnerId: string }>("POST", "/api/partner-applications", {
    organisation: {
      name: `${key} Security`,
      legalName: `${key} Security Ltd`,
      country,
      staffCountries: [],
      website: `https://${key.toLowerCase()}.example`,
      kind: "antivirus",
      customers: 100,
    },
    contact: { name: "Contact", email: `contact@${key.toLowerCase()}.example` },
    attestations: ATTEST,
  });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  const id = app.body.partnerId;
  expect((await c1.request("POST", `/api/partners/${id}/approvals`)).status).toBe(200);
  expect((await c2.request("POST", `/api/partners/${id}/approvals`)).status).toBe(200);
  expect((await c1.request("PUT", `/api/partners/${id}/tier`, { tier })).status).toBe(200);
  return id;
}

/** An active partner whose admin (`who`) accepted the invitation and signed the current NDA. */
export async function onboardPartner(
  serverUrl: string,
  approvers: [ApiSession, ApiSession],
  key: string,
  tier: string,
  opts: { who?: Credentials; country?: string } = {},
): Promise<{ id: string; admin: ApiSession }> {
  const [c1, c2] = approvers;
  const who = opts.who ?? {
    email: `sec@${key.toLowerCase()}.example`,
    password: `${key} partner passphrase 9`,
  };
  const id = await activePartner(approvers, key, tier, opts.country);
  const inv = await c1.request<{ inviteUrl: string; userId: string }>("POST", `/api/partners/${id}/members`, {
    email: who.email,
    role: "partner_admin",
  });
  const token = inv.body.inviteUrl.split("/invite/")[1];
  expect((await c1.request("POST", `/api/invites/${token}/accept`, { password: who.password })).status).toBe(
    200,
  );
  // A member staff placed in a partner logs in once a second person confirms.
  expect((await c2.request("POST", `/api/users/${inv.body.userId}/confirm`)).status).toBe(200);
  const admin = new ApiSession(serverUrl);
  await admin.login(who.email, who.password);
  const nda = await admin.request<{ version: number }>("GET", "/api/ndas/current");
  const signed = await admin.request("POST", `/api/partners/${id}/nda-signatures`, {
    version: nda.body.version,
    name: "A",
    title: "CISO",
  });
  expect(signed.status).toBe(201);
  return { id, admin };
}
