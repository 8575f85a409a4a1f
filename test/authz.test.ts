// A denied-role test beside every route: each route's allowed roles are listed here, and the test
// fails when a route exists that the table does not cover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../src/authz/actions.ts";
import { engines, type TestApp, testApp } from "./harness.ts";

type Case = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** The OpenAPI path when `url` holds IDs the default template does not know. */
  path?: string;
  /** What an allowed role gets when not 2xx, e.g. 404 for an unknown ID (authorization passed). */
  okStatus?: number;
  body?: object;
  allowed: readonly Role[] | "public" | "everyone";
};

const ROUTES: Case[] = [
  { method: "GET", url: "/api/health", allowed: "public" },
  { method: "POST", url: "/api/auth/login", allowed: "public" },
  { method: "POST", url: "/api/auth/logout", allowed: "everyone" },
  { method: "GET", url: "/api/me", allowed: "everyone" },
  { method: "POST", url: "/api/me/totp", allowed: "everyone" },
  { method: "POST", url: "/api/me/totp/confirm", body: { code: "123456" }, allowed: "everyone" },
  { method: "DELETE", url: "/api/me/totp", body: { password: "x" }, allowed: "everyone" },
  { method: "POST", url: "/api/tokens", body: { name: "t" }, allowed: "everyone" },
  { method: "GET", url: "/api/tokens", allowed: "everyone" },
  { method: "DELETE", url: "/api/tokens/tok_00000000000000000000000000", allowed: "everyone" },
  { method: "GET", url: "/api/users", allowed: ["admin"] },
  {
    method: "POST",
    url: "/api/users",
    body: { email: "z@example.org", name: "Z", role: "auditor", password: "correct horse battery staple" },
    allowed: ["admin"],
  },
  { method: "GET", url: "/api/role-grants", allowed: ["admin", "coordinator"] },
  {
    method: "POST",
    url: "/api/users/usr_00000000000000000000000000/role",
    path: "/api/users/{id}/role",
    body: { role: "auditor" },
    allowed: ["admin"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/users/usr_00000000000000000000000000/confirm",
    path: "/api/users/{id}/confirm",
    allowed: ["admin", "coordinator"],
    okStatus: 404,
  },
  {
    method: "DELETE",
    url: "/api/users/usr_00000000000000000000000000/grant",
    path: "/api/users/{id}/grant",
    allowed: ["admin", "coordinator"],
    okStatus: 404,
  },
  { method: "GET", url: "/api/organisations", allowed: ["admin"] },
  { method: "POST", url: "/api/organisations", body: { name: "Acme" }, allowed: ["admin"] },
  { method: "GET", url: "/api/audit", allowed: ["admin", "auditor"] },
  { method: "GET", url: "/api/audit/types", allowed: ["admin", "auditor"] },
  { method: "GET", url: "/api/audit/verify", allowed: ["admin", "auditor"] },
  { method: "GET", url: "/api/audit/checkpoint", allowed: ["admin", "auditor"] },
  { method: "GET", url: "/api/overview", allowed: ["admin", "coordinator", "investigator", "auditor"] },
  // advisories and the public side
  { method: "GET", url: "/api/advisories", allowed: ["coordinator", "investigator"] },
  {
    method: "POST",
    url: "/api/advisories",
    body: {
      caseId: "cas_00000000000000000000000000",
      title: "T",
      products: [{ vendor: "V", product: "P", affected: ["1"] }],
      sections: { summary: "S" },
    },
    allowed: ["coordinator"],
    okStatus: 400,
  },
  {
    method: "GET",
    url: "/api/advisories/adv_00000000000000000000000000",
    path: "/api/advisories/{id}",
    allowed: ["coordinator", "investigator"],
    okStatus: 404,
  },
  {
    method: "PUT",
    url: "/api/advisories/adv_00000000000000000000000000",
    path: "/api/advisories/{id}",
    body: { revision: 1, title: "T" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/advisories/adv_00000000000000000000000000/diff?from=1&to=2",
    path: "/api/advisories/{id}/diff",
    allowed: ["coordinator", "investigator"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/advisories/adv_00000000000000000000000000/content?level=summary",
    path: "/api/advisories/{id}/content",
    allowed: ["coordinator", "investigator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/advisories/adv_00000000000000000000000000/submit",
    path: "/api/advisories/{id}/submit",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/advisories/adv_00000000000000000000000000/approve",
    path: "/api/advisories/{id}/approve",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/advisories/adv_00000000000000000000000000/request-changes",
    path: "/api/advisories/{id}/request-changes",
    body: { comment: "c" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/advisories/adv_00000000000000000000000000/publish",
    path: "/api/advisories/{id}/publish",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/advisories/adv_00000000000000000000000000/publish/confirm",
    path: "/api/advisories/{id}/publish/confirm",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/advisories/adv_00000000000000000000000000/export?format=csaf",
    path: "/api/advisories/{id}/export",
    allowed: ["coordinator", "investigator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/advisories/adv_00000000000000000000000000/files?section=poc",
    path: "/api/advisories/{id}/files",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/advisories/adv_00000000000000000000000000/files/afl_00000000000000000000000000",
    path: "/api/advisories/{id}/files/{fileId}",
    allowed: ["coordinator", "investigator"],
    okStatus: 404,
  },
  { method: "GET", url: "/api/public/advisories", allowed: "public" },
  {
    method: "GET",
    url: "/api/public/advisories/FW-2026-0001",
    path: "/api/public/advisories/{trackingId}",
    allowed: "public",
  },
  {
    method: "GET",
    url: "/api/public/advisories/FW-2026-0001/export?format=csaf",
    path: "/api/public/advisories/{trackingId}/export",
    allowed: "public",
  },
  { method: "GET", url: "/feeds/advisories.atom", allowed: "public" },
  { method: "GET", url: "/.well-known/csaf/provider-metadata.json", allowed: "public" },
  { method: "GET", url: "/.well-known/csaf/white/index.txt", allowed: "public" },
  { method: "GET", url: "/.well-known/csaf/white/changes.csv", allowed: "public" },
  {
    method: "GET",
    url: "/.well-known/csaf/white/2026/fw-2026-0001.json",
    path: "/.well-known/csaf/white/{year}/{file}",
    allowed: "public",
  },
  // cases
  {
    method: "POST",
    url: "/api/reports",
    body: { product: "P", version: "1", title: "T", description: "D" },
    allowed: "public",
  },
  { method: "GET", url: "/api/reports", allowed: ["researcher"] },
  {
    method: "GET",
    url: "/api/reports/cas_00000000000000000000000000",
    path: "/api/reports/{caseId}",
    allowed: ["researcher"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/reports/cas_00000000000000000000000000/messages",
    path: "/api/reports/{caseId}/messages",
    body: { body: "hi" },
    allowed: ["researcher"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/reports/cas_00000000000000000000000000/attachments",
    path: "/api/reports/{caseId}/attachments",
    allowed: ["researcher"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/reports/cas_00000000000000000000000000/attachments/att_00000000000000000000000000",
    path: "/api/reports/{caseId}/attachments/{attachmentId}",
    allowed: ["researcher"],
    okStatus: 404,
  },
  { method: "GET", url: "/api/public/pgp-key", allowed: "public" },
  { method: "GET", url: "/api/cases", allowed: ["coordinator", "investigator"] },
  {
    method: "GET",
    url: "/api/cases/cas_00000000000000000000000000",
    path: "/api/cases/{id}",
    allowed: ["coordinator", "investigator", "researcher"],
    okStatus: 404,
  },
  {
    method: "PATCH",
    url: "/api/cases/cas_00000000000000000000000000",
    path: "/api/cases/{id}",
    body: { title: "x" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/cases/cas_00000000000000000000000000/transitions",
    path: "/api/cases/{id}/transitions",
    body: { to: "verified" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "PUT",
    url: "/api/cases/cas_00000000000000000000000000/cvss",
    path: "/api/cases/{id}/cvss",
    body: { vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "PUT",
    url: "/api/cases/cas_00000000000000000000000000/cve",
    path: "/api/cases/{id}/cve",
    body: { cveId: "CVE-2026-0001" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/cases/cas_00000000000000000000000000/notes",
    path: "/api/cases/{id}/notes",
    body: { body: "n" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/cases/cas_00000000000000000000000000/messages",
    path: "/api/cases/{id}/messages",
    body: { body: "m" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/cases/cas_00000000000000000000000000/attachments",
    path: "/api/cases/{id}/attachments",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/cases/cas_00000000000000000000000000/attachments/att_00000000000000000000000000",
    path: "/api/cases/{id}/attachments/{attachmentId}",
    allowed: ["coordinator", "investigator"],
    okStatus: 404,
  },
  {
    method: "POST",
    url: "/api/cases/cas_00000000000000000000000000/credits",
    path: "/api/cases/{id}/credits",
    body: { name: "N", type: "finder" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "DELETE",
    url: "/api/cases/cas_00000000000000000000000000/credits/crd_00000000000000000000000000",
    path: "/api/cases/{id}/credits/{creditId}",
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "PUT",
    url: "/api/cases/cas_00000000000000000000000000/bounty",
    path: "/api/cases/{id}/bounty",
    body: { amount: 100, currency: "EUR", status: "proposed" },
    allowed: ["coordinator"],
    okStatus: 404,
  },
  {
    method: "GET",
    url: "/api/cases/cas_00000000000000000000000000/notifications",
    path: "/api/cases/{id}/notifications",
    allowed: ["coordinator", "investigator"],
  },
  { method: "GET", url: "/api/cve-pool", allowed: ["admin"] },
  { method: "POST", url: "/api/cve-pool", body: { cveIds: ["CVE-2026-0001"] }, allowed: ["admin"] },
  // partners
  ...partnerRoutes(),
  ...releaseRoutes(),
  ...forensicsRoutes(),
];

function forensicsRoutes(): Case[] {
  const ID = "ivg_00000000000000000000000000";
  const READ = ["coordinator", "investigator"] as const;
  const WRITE = ["investigator"] as const;
  const on = (method: Case["method"], sub: string, allowed: readonly Role[], body?: object): Case => ({
    method,
    url: `/api/investigations/${ID}${sub}`,
    path: `/api/investigations/{id}${sub.replace("ivd_00000000000000000000000000", "{evidenceId}")}`,
    allowed,
    okStatus: 404,
    ...(body ? { body } : {}),
  });
  return [
    { method: "GET", url: "/api/investigations", allowed: [...READ] },
    { method: "POST", url: "/api/investigations", body: { title: "Leak" }, allowed: [...WRITE] },
    on("GET", "", READ),
    on("POST", "/notes", WRITE, { text: "n" }),
    on("POST", "/close", WRITE, { conclusion: "c" }),
    on("POST", "/proposals", WRITE, {
      action: "incident",
      partnerId: "org_00000000000000000000000000",
      reason: "r",
    }),
    on("POST", "/evidence", WRITE, { kind: "text", name: "n", text: "t" }),
    on("GET", "/evidence/ivd_00000000000000000000000000", READ),
    on("GET", "/exposure", READ),
    on("GET", "/report.html", READ),
    on("GET", "/report.pdf", READ),
    { method: "GET", url: "/api/forensics/suspicion", allowed: [...READ] },
    {
      method: "GET",
      url: "/api/forensics/suspicion/org_00000000000000000000000000",
      path: "/api/forensics/suspicion/{partnerId}",
      allowed: [...READ],
      okStatus: 404,
    },
  ];
}

/** Partner routes on an unknown partner: allowed roles pass authorization and get 404, others 403. */
function partnerRoutes(): Case[] {
  const P = "/api/partners/org_00000000000000000000000000";
  const STAFF = ["admin", "coordinator", "investigator", "auditor"] as const;
  const READ = [...STAFF, "partner_admin", "partner_analyst"] as const;
  const WRITE = ["admin", "coordinator", "partner_admin"] as const;
  const on = (method: Case["method"], sub: string, allowed: readonly Role[], body?: object): Case => ({
    method,
    url: `${P}${sub.replace(/\{\w+\}/g, (m) => ({ "{userId}": "usr_", "{keyId}": "key_", "{webhookId}": "whk_", "{evidenceId}": "evd_", "{requestId}": "psr_" })[m] + "0".repeat(26))}`,
    path: `/api/partners/{id}${sub}`,
    allowed,
    okStatus: 404,
    ...(body ? { body } : {}),
  });
  const attest = { securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true };
  return [
    {
      method: "POST",
      url: "/api/partner-applications",
      body: {
        organisation: {
          name: "Authz Co",
          legalName: "Authz Co Ltd",
          country: "US",
          staffCountries: [],
          website: "https://authz.example",
          kind: "edr",
          customers: 1,
        },
        contact: { name: "A", email: "a@authz.example" },
        attestations: attest,
      },
      allowed: "public",
    },
    {
      method: "POST",
      url: `/api/invites/${"x".repeat(43)}/accept`,
      path: "/api/invites/{token}/accept",
      body: { password: "p" },
      allowed: "public",
    },
    { method: "GET", url: "/api/partners", allowed: READ },
    on("GET", "", READ),
    on("PATCH", "", WRITE, { website: "https://x.example" }),
    on("GET", "/events", READ),
    on("POST", "/approvals", ["admin", "coordinator"]),
    on("POST", "/reject", ["admin", "coordinator"], { reason: "r" }),
    on("POST", "/suspend", ["admin", "coordinator"], { reason: "r" }),
    on("POST", "/reinstate", ["admin", "coordinator"], { reason: "r" }),
    on("POST", "/remove", ["admin", "coordinator"], { reason: "r" }),
    on("PUT", "/tier", ["admin", "coordinator"], { tier: "standard" }),
    on("GET", "/eligibility", READ),
    on("GET", "/scorecard", READ),
    on("GET", "/members", READ),
    on("POST", "/members", WRITE, { email: "m@example.org", role: "partner_analyst" }),
    on("DELETE", "/members/{userId}", WRITE),
    on("GET", "/keys", READ),
    on("POST", "/keys", [...WRITE, "partner_analyst"], { armored: "not yet parsed" }),
    on("DELETE", "/keys/{keyId}", [...WRITE, "partner_analyst"]),
    on("GET", "/webhooks", READ),
    on("POST", "/webhooks", WRITE, { url: "https://hooks.example.com/x" }),
    on("DELETE", "/webhooks/{webhookId}", WRITE),
    on("GET", "/nda-signatures", READ),
    on("POST", "/nda-signatures", ["partner_admin"], { version: 1, name: "N", title: "T" }),
    on("POST", "/attestations", ["partner_admin"], attest),
    on("GET", "/evidence", [...STAFF, "partner_admin"]),
    on("POST", "/evidence", WRITE),
    on("GET", "/evidence/{evidenceId}", [...STAFF, "partner_admin"]),
    on("GET", "/incidents", READ),
    on("POST", "/incidents", WRITE, { whatLeaked: "w", toWhom: "t", when: "now" }),
    on("GET", "/suspension-requests", STAFF),
    on("POST", "/suspension-requests/{requestId}/approve", ["admin", "coordinator"]),
    on("POST", "/suspension-requests/{requestId}/reject", ["admin", "coordinator"], { note: "n" }),
    { method: "GET", url: "/api/incidents", allowed: ["admin", "coordinator", "investigator"] },
    {
      method: "POST",
      url: "/api/incidents/inc_00000000000000000000000000/close",
      path: "/api/incidents/{id}/close",
      body: { resolution: "r" },
      allowed: ["admin", "coordinator", "investigator"],
      okStatus: 404,
    },
    { method: "GET", url: "/api/ndas/current", allowed: READ },
    { method: "GET", url: "/api/ndas", allowed: READ },
    {
      method: "POST",
      url: "/api/ndas",
      body: { text: "# NDA\n\nA new version for the authz test." },
      allowed: ["admin"],
    },
    { method: "GET", url: "/api/tiers", allowed: READ },
    {
      method: "PUT",
      url: "/api/tiers",
      body: [
        {
          name: "vetted-plus",
          leadTime: "P5D",
          content: ["summary", "details", "detection", "poc", "indicators"],
        },
        { name: "standard", leadTime: "P1D", content: ["summary", "details", "detection", "indicators"] },
        { name: "restricted", leadTime: "PT0S", content: ["summary"] },
      ],
      allowed: ["admin"],
    },
    { method: "GET", url: "/api/policy/rules", allowed: STAFF },
    { method: "PUT", url: "/api/policy/rules", body: [], allowed: ["admin"] },
    { method: "POST", url: "/api/policy/preview", body: { rules: [] }, allowed: ["admin"] },
    { method: "GET", url: "/api/outbox", allowed: ["admin"] },
    // canary hits (the URL canary /c/<token> is anonymous and not in the API document)
    { method: "GET", url: "/api/canaries/hits", allowed: ["admin", "coordinator", "investigator"] },
    { method: "GET", url: "/api/canaries/summary", allowed: ["admin", "coordinator", "investigator"] },
    {
      method: "POST",
      url: "/api/canaries/hits/seen",
      body: { all: true },
      allowed: ["admin", "coordinator", "investigator"],
    },
  ];
}

const template = (r: Case) => r.path ?? r.url.replace(/tok_[0-9A-Z]{26}/, "{id}");

describe.each(engines)("authorization on %s", (engine) => {
  let t: TestApp;
  const headers = new Map<Role, Record<string, string>>();

  beforeAll(async () => {
    t = await testApp(engine);
    for (const role of ROLES) headers.set(role, await t.bearer((await t.user(role)).email));
  });
  afterAll(() => t.close());

  it("covers every route the API has", async () => {
    const doc = (await t.app.inject({ url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const covered = ROUTES.map((r) => `${r.method} ${template(r)}`);
    expect(documented.sort()).toEqual([...new Set(covered)].sort());
  });

  for (const r of ROUTES.filter((x) => x.allowed !== "public")) {
    it(`${r.method} ${r.url} needs a login`, async () => {
      const res = await t.app.inject({
        method: r.method,
        url: r.url,
        ...(r.body ? { payload: r.body } : {}),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("unauthenticated");
    });
  }

  for (const r of ROUTES.filter((x) => Array.isArray(x.allowed))) {
    const denied = ROLES.filter((role) => !(r.allowed as readonly Role[]).includes(role));
    it(`${r.method} ${r.url} is denied to ${denied.join(", ")}`, async () => {
      for (const role of denied) {
        const res = await t.app.inject({
          method: r.method,
          url: r.url,
          headers: headers.get(role),
          ...(r.body ? { payload: r.body } : {}),
        });
        expect(res.statusCode, `${role} got ${res.statusCode}`).toBe(403);
        expect(res.json().error.code).toBe("forbidden");
      }
    });
    it(`${r.method} ${r.url} is allowed to ${(r.allowed as Role[]).join(", ")}`, async () => {
      for (const role of r.allowed as readonly Role[]) {
        const res = await t.app.inject({
          method: r.method,
          url: r.url,
          headers: headers.get(role),
          ...(Array.isArray(r.body)
            ? { payload: r.body }
            : r.body
              ? {
                  payload: {
                    ...r.body,
                    ...("email" in r.body ? { email: `${role}-${r.url.length}@example.org` } : {}),
                  },
                }
              : {}),
        });
        if (r.okStatus) expect(res.statusCode, `${role}: ${res.body}`).toBe(r.okStatus);
        else expect(res.statusCode, `${role}: ${res.body}`).toBeLessThan(300);
      }
    });
  }
});

/** Release engine routes on an unknown advisory: allowed roles pass authorization and get 404. */
function releaseRoutes(): Case[] {
  const ADV = "/api/advisories/adv_00000000000000000000000000";
  const READ = ["admin", "coordinator", "investigator", "auditor"] as const;
  const PARTNER = ["partner_admin", "partner_analyst"] as const;
  const plan = { publicAt: "2030-01-01T00:00:00Z" };
  const on = (
    method: Case["method"],
    sub: string,
    allowed: readonly Role[],
    body?: object,
    okStatus = 404,
  ) => ({
    method,
    url: `${ADV}${sub}`,
    path: `/api/advisories/{id}${sub}`,
    allowed,
    okStatus,
    ...(body ? { body } : {}),
  });
  return [
    { method: "GET", url: "/api/releases", allowed: READ },
    on("POST", "/release-plan", ["coordinator"], plan),
    on("GET", "/release-plan", READ),
    on("PATCH", "/release-plan", ["coordinator"], plan),
    on("POST", "/release-plan/preview", ["coordinator", "investigator"], plan),
    on("POST", "/release-plan/approve", ["coordinator"]),
    on("GET", "/release-plan/status", READ),
    on("POST", "/release-plan/arm", ["coordinator"]),
    on("POST", "/release-plan/cancel", ["coordinator"], { reason: "r" }),
    on("POST", "/embargo-break", ["coordinator"], { reason: "exploited in the wild", evidence: "e" }),
    on("POST", "/embargo-break/confirm", ["coordinator"]),
    {
      method: "GET",
      url: `${ADV}/release-plan/webhooks`,
      path: "/api/advisories/{id}/release-plan/webhooks",
      allowed: READ,
    },
    {
      method: "POST",
      url: `${ADV}/release-plan/webhooks/whm_00000000000000000000000000/redeliver`,
      path: "/api/advisories/{id}/release-plan/webhooks/{messageId}/redeliver",
      allowed: ["coordinator"],
      okStatus: 404,
    },
    { method: "GET", url: "/api/partner/advisories", allowed: PARTNER },
    {
      method: "GET",
      url: "/api/partner/advisories/adv_00000000000000000000000000",
      path: "/api/partner/advisories/{id}",
      allowed: PARTNER,
      okStatus: 404,
    },
    {
      method: "GET",
      url: "/api/partner/advisories/adv_00000000000000000000000000/files/afl_00000000000000000000000000",
      path: "/api/partner/advisories/{id}/files/{fileId}",
      allowed: PARTNER,
      okStatus: 404,
    },
    {
      method: "POST",
      url: "/api/partner/advisories/adv_00000000000000000000000000/acks",
      path: "/api/partner/advisories/{id}/acks",
      body: { status: "received" },
      allowed: PARTNER,
      okStatus: 404,
    },
  ];
}
