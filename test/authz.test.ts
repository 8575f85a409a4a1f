// A denied-role test beside every route: each route's allowed roles are listed here, and the test
// fails when a route exists that the table does not cover.
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { engines, PASSWORD, type TestApp, testApp } from "./harness.ts";
import { multipart } from "./multipart.ts";
import { programmeFixtures } from "./programme.ts";

const SYS = systemActor("test");

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
    method: "POST",
    url: "/api/advisories/tracing-meter",
    body: { sections: { summary: "We identified the flaw." } },
    allowed: ["coordinator"],
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

// ---- partner roles: allowed on their own partner, 404 on another's ----

type PartnerRole = "partner_admin" | "partner_analyst";
type Scoped = {
  method: Case["method"];
  /** Below /api/partners/{id}; `{sub}` is the resource `make` creates on the partner. */
  sub: string;
  roles: readonly PartnerRole[];
  /** What the role gets on its own partner. */
  own: number;
  body?: (services: TestApp["services"]) => Promise<object> | object;
  upload?: true;
  /** Makes the sub-resource the path names on the partner (by staff, for the user) and returns its ID. */
  make?: (services: TestApp["services"], partnerId: string, userId: string) => Promise<string>;
  /** Runs before the requests (after both partners exist). */
  prepare?: (services: TestApp["services"]) => Promise<unknown>;
};

const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(64, 65)]);
const publicKey = async () =>
  (
    await openpgp.generateKey({
      userIDs: [{ email: "member@partner.example" }],
      // Made before the frozen clock's now, so the key is valid at it.
      date: new Date("2026-01-01T00:00:00Z"),
      format: "armored",
    })
  ).publicKey;
let seq = 0;

const BOTH = ["partner_admin", "partner_analyst"] as const;
const ADMIN = ["partner_admin"] as const;
const SCOPED: Scoped[] = [
  { method: "GET", sub: "", roles: BOTH, own: 200 },
  { method: "PATCH", sub: "", roles: ADMIN, own: 200, body: () => ({ website: "https://own.example" }) },
  { method: "GET", sub: "/events", roles: BOTH, own: 200 },
  { method: "GET", sub: "/eligibility", roles: BOTH, own: 200 },
  { method: "GET", sub: "/scorecard", roles: BOTH, own: 200 },
  { method: "GET", sub: "/members", roles: BOTH, own: 200 },
  {
    method: "POST",
    sub: "/members",
    roles: ADMIN,
    own: 201,
    body: () => ({ email: `invited.${++seq}@partner.example`, role: "partner_analyst" }),
  },
  {
    method: "DELETE",
    sub: "/members/{sub}",
    roles: ADMIN,
    own: 204,
    make: async (s, partnerId) =>
      (
        await s.accounts.createUser(SYS, {
          email: `member.${++seq}@partner.example`,
          name: "Member",
          role: "partner_analyst",
          password: PASSWORD,
          organisationId: partnerId,
        })
      ).id,
  },
  { method: "GET", sub: "/keys", roles: BOTH, own: 200 },
  { method: "POST", sub: "/keys", roles: BOTH, own: 201, body: async () => ({ armored: await publicKey() }) },
  {
    method: "DELETE",
    sub: "/keys/{sub}",
    roles: BOTH,
    own: 204,
    make: async (s, partnerId, userId) =>
      (await s.partners.addKey(SYS, partnerId, { armored: await publicKey(), userId })).id,
  },
  { method: "GET", sub: "/webhooks", roles: BOTH, own: 200 },
  {
    method: "POST",
    sub: "/webhooks",
    roles: ADMIN,
    own: 201,
    body: () => ({ url: "https://hooks.example.com/forewarn" }),
  },
  {
    method: "DELETE",
    sub: "/webhooks/{sub}",
    roles: ADMIN,
    own: 204,
    make: async (s, partnerId) =>
      (await s.partners.addWebhook(SYS, partnerId, "https://hooks.example.com/forewarn")).id,
  },
  { method: "GET", sub: "/nda-signatures", roles: BOTH, own: 200 },
  {
    method: "POST",
    sub: "/nda-signatures",
    roles: ADMIN,
    own: 201,
    // A new version, which both partners (who signed the last one) have yet to sign.
    prepare: (s) => s.partners.publishNda(SYS, "# NDA\n\nA new version."),
    body: async (s) => ({
      version: (await s.partners.currentNda()).version,
      name: "Ada Admin",
      title: "CISO",
    }),
  },
  {
    method: "POST",
    sub: "/attestations",
    roles: ADMIN,
    own: 200,
    body: () => ({ securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true }),
  },
  { method: "GET", sub: "/evidence", roles: ADMIN, own: 200 },
  { method: "POST", sub: "/evidence", roles: ADMIN, own: 201, upload: true },
  {
    method: "GET",
    sub: "/evidence/{sub}",
    roles: ADMIN,
    own: 200,
    make: async (s, partnerId) =>
      (await s.partners.uploadEvidence(SYS, partnerId, async () => ({ filename: "iso.pdf", data: PDF }))).id,
  },
  { method: "GET", sub: "/incidents", roles: BOTH, own: 200 },
  {
    method: "POST",
    sub: "/incidents",
    roles: ADMIN,
    own: 201,
    body: () => ({ whatLeaked: "a PoC", toWhom: "a forum", when: "yesterday" }),
  },
];

/** What staff see of a partner: unchanged by anything another partner's users try on it. */
const SEEN = ["", "/members", "/keys", "/webhooks", "/nda-signatures", "/evidence", "/incidents", "/events"];

describe.each(engines)("partner roles on their own partner and another's on %s", (engine) => {
  let t: TestApp;
  let fixtures: ReturnType<typeof programmeFixtures>;
  let approvers: [Actor, Actor];
  let staff: Record<string, string>;

  beforeAll(async () => {
    t = await testApp(engine);
    fixtures = programmeFixtures(t.services, t.app, { emailDomain: "scoped.example.org" });
    approvers = [
      (await fixtures.makeUser("coordinator")).actor,
      (await fixtures.makeUser("coordinator")).actor,
    ];
    staff = (await fixtures.makeUser("admin")).headers;
    await t.services.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
  });
  afterAll(() => t.close());

  /** An active partner with a signed NDA, and a user of each partner role. */
  async function partnerWithUsers() {
    const { id, admin } = await fixtures.activePartner(`p${++seq}`, "standard", approvers);
    const analyst = await fixtures.makeUser("partner_analyst", id);
    return {
      id,
      headers: { partner_admin: admin.headers, partner_analyst: analyst.headers },
      users: { partner_admin: admin.id, partner_analyst: analyst.id },
    };
  }

  it("covers every partner-scoped route a partner role may use, with the roles the table allows", () => {
    const key = (method: string, path: string, roles: readonly Role[]) =>
      `${method} ${path.replace(/\{(userId|keyId|webhookId|evidenceId)\}/, "{sub}")} ${[...roles].sort().join(",")}`;
    const routes = partnerRoutes()
      .filter((r) => r.path?.startsWith("/api/partners/{id}") && Array.isArray(r.allowed))
      .map((r) => ({ ...r, roles: (r.allowed as Role[]).filter((role) => role.startsWith("partner_")) }))
      .filter((r) => r.roles.length > 0)
      .map((r) => key(r.method, r.path as string, r.roles));
    expect(SCOPED.map((c) => key(c.method, `/api/partners/{id}${c.sub}`, c.roles)).sort()).toEqual(
      routes.sort(),
    );
  });

  for (const c of SCOPED) {
    it(`${c.method} /api/partners/{id}${c.sub}: ${c.roles.join(" and ")} allowed on their own partner, 404 on another's, which is left unchanged`, async () => {
      const own = await partnerWithUsers();
      const foreign = await partnerWithUsers();
      await c.prepare?.(t.services);
      const target = async (p: typeof own, role: PartnerRole) =>
        c.make ? c.sub.replace("{sub}", await c.make(t.services, p.id, p.users[role])) : c.sub;
      const send = async (headers: Record<string, string>, url: string) => {
        if (c.upload) {
          const up = multipart({ name: "iso27001.pdf", content: PDF });
          return t.app.inject({
            method: c.method,
            url,
            headers: { ...headers, ...up.headers },
            payload: up.payload,
          });
        }
        const body = c.body ? await c.body(t.services) : undefined;
        return t.app.inject({ method: c.method, url, headers, ...(body ? { payload: body } : {}) });
      };
      const seen = async () => {
        const views: unknown[] = [];
        for (const sub of SEEN)
          views.push(
            (await t.app.inject({ url: `/api/partners/${foreign.id}${sub}`, headers: staff })).json(),
          );
        return views;
      };
      for (const role of c.roles) {
        const res = await send(own.headers[role], `/api/partners/${own.id}${await target(own, role)}`);
        expect(res.statusCode, `${role} on its own partner: ${res.body}`).toBe(c.own);
      }
      // Another partner's resource (it exists) answers 404, as one that does not exist would.
      const foreignUrls: string[] = [];
      for (const role of c.roles)
        foreignUrls.push(`/api/partners/${foreign.id}${await target(foreign, role)}`);
      const before = await seen();
      for (const [i, role] of c.roles.entries()) {
        const res = await send(own.headers[role], foreignUrls[i] as string);
        expect(res.statusCode, `${role} on another partner: ${res.body}`).toBe(404);
        expect(res.json().error.code).toBe("not_found");
      }
      expect(await seen()).toEqual(before);
    });
  }
});

// ---- partner roles on the advisories delivered to them, and on one delivered to another partner ----

describe.each(engines)("partner roles on their own copy and another partner's on %s", (engine) => {
  let t: TestApp;
  type Side = {
    partnerId: string;
    advisoryId: string;
    fileId: string;
    headers: Record<PartnerRole, Record<string, string>>;
  };
  let own: Side;
  let foreign: Side;
  const T0 = "2026-03-10T12:00:00.000Z";

  beforeAll(async () => {
    t = await testApp(engine);
    const fixtures = programmeFixtures(t.services, t.app, { emailDomain: "copies.example.org" });
    const c1 = await fixtures.makeUser("coordinator");
    const c2 = await fixtures.makeUser("coordinator");
    await t.services.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    const partner = async (key: string) => {
      const { id, admin } = await fixtures.activePartner(key, "vetted-plus", [c1.actor, c2.actor]);
      const analyst = await fixtures.makeUser("partner_analyst", id);
      return { id, headers: { partner_admin: admin.headers, partner_analyst: analyst.headers } };
    };
    const [a, b] = [await partner("copies-a"), await partner("copies-b")];
    // One advisory for each partner: the other is excluded from its plan.
    const released = async (to: typeof a, not: typeof a): Promise<Side> => {
      const rep = await t.app.inject({
        method: "POST",
        url: "/api/reports",
        payload: { product: "Acme Gateway", version: "4.2.1", title: "Bypass", description: "Header." },
      });
      const adv = await t.services.advisories.create(c1.actor, {
        caseId: rep.json().caseId,
        title: `Acme Gateway: bypass for ${to.id}`,
        products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
        sections: { summary: "S.", details: "D.", detection: "R.", poc: "P.", indicators: "- 203.0.113.7" },
      });
      const [file] = await t.services.advisories.addFiles(c1.actor, adv.id, "poc", async () => [
        { filename: "replay.pcap", bytes: Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 1, 2, 3]) },
      ]);
      await t.services.advisories.submit(c2.actor, adv.id);
      await t.services.advisories.approve(c2.actor, adv.id);
      const url = `/api/advisories/${adv.id}/release-plan`;
      const plan = await t.app.inject({
        method: "POST",
        url,
        headers: c1.headers,
        payload: { publicAt: T0, exclude: [{ partnerId: not.id, reason: "not this partner's" }] },
      });
      expect(plan.statusCode, plan.body).toBe(201);
      for (const [h, step] of [
        [c2.headers, "approve"],
        [c1.headers, "arm"],
      ] as const)
        expect((await t.app.inject({ method: "POST", url: `${url}/${step}`, headers: h })).statusCode).toBe(
          200,
        );
      return { partnerId: to.id, advisoryId: adv.id, fileId: file?.id ?? "", headers: to.headers };
    };
    own = await released(a, b);
    foreign = await released(b, a);
    t.clock.set("2026-03-09T12:00:00Z");
    await t.services.releases.sweep();
  });
  afterAll(() => t.close());

  const ROUTES = [
    { method: "GET", sub: "", own: 200 },
    { method: "GET", sub: "/files/{fileId}", own: 200 },
    { method: "POST", sub: "/acks", own: 201, body: { status: "received" } },
  ] as const;
  const url = (side: Side, sub: string) =>
    `/api/partner/advisories/${side.advisoryId}${sub.replace("{fileId}", side.fileId)}`;

  it("covers every route under /api/partner/advisories/{id}", () => {
    const routes = releaseRoutes()
      .filter((r) => r.path?.startsWith("/api/partner/advisories/{id}"))
      .map((r) => `${r.method} ${r.path}`);
    expect(ROUTES.map((r) => `${r.method} /api/partner/advisories/{id}${r.sub}`).sort()).toEqual(
      routes.sort(),
    );
  });

  for (const r of ROUTES)
    it(`${r.method} /api/partner/advisories/{id}${r.sub}: both partner roles allowed on their own copy, 404 on another partner's, which is left unchanged`, async () => {
      const send = (headers: Record<string, string>, to: string) =>
        t.app.inject({ method: r.method, url: to, headers, ...("body" in r ? { payload: r.body } : {}) });
      const view = async () =>
        (await t.app.inject({ url: url(foreign, ""), headers: foreign.headers.partner_admin })).json();
      for (const role of ["partner_admin", "partner_analyst"] as const) {
        const res = await send(own.headers[role], url(own, r.sub));
        expect(res.statusCode, `${role} on its own copy: ${res.body}`).toBe(r.own);
      }
      // The other partner's copy exists; to this partner it is as absent as one that does not.
      const before = await view();
      expect(before.copy.advisoryId).toBe(foreign.advisoryId);
      for (const role of ["partner_admin", "partner_analyst"] as const) {
        const res = await send(own.headers[role], url(foreign, r.sub));
        expect(res.statusCode, `${role} on another partner's copy: ${res.body}`).toBe(404);
        expect(res.json().error.code).toBe("not_found");
        // Word for word the answer for an advisory that does not exist (but for the ID asked for).
        const missing = { ...foreign, advisoryId: "adv_00000000000000000000000000" };
        const none = await send(own.headers[role], url(missing, r.sub));
        expect(none.statusCode).toBe(404);
        const said = (body: string, id: string) => {
          const { code, message } = JSON.parse(body.replaceAll(id, "ID")).error;
          return { code, message };
        };
        expect(said(res.body, foreign.advisoryId)).toEqual(said(none.body, missing.advisoryId));
      }
      const after = await view();
      expect(after.acknowledgement).toEqual(before.acknowledgement);
    });
});
