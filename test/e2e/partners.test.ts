// The partner programme in real Chromium against a real server: the public application form, the
// directory with filters, the approval queue, tiers / policy preview / NDA versions, a partner's
// timeline and suspension, and the partner portal (invite, NDA signing, members, keys, webhooks,
// leak report, scorecard).
import * as openpgp from "openpgp";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApiSession,
  expectAccessible,
  launchBrowser,
  type RunningServer,
  screenshot,
  signIn,
  startServer,
} from "./harness.ts";
import { onboardPartner } from "./partners-api.ts";

const admin = { email: "ada@forewarn.test", password: "correct horse battery staple 42" };
const coord = { email: "carl@forewarn.test", password: "another long passphrase 7" };
const partnerAdmin = { email: "sec@bastionworks.example", password: "bastion works passphrase 1" };
const ATTEST = { securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true };

const application = (name: string, country: string) => ({
  organisation: {
    name,
    legalName: `${name} Inc.`,
    country,
    staffCountries: [],
    website: "https://vendor.example",
    kind: "edr",
    customers: 1000,
  },
  contact: { name: "Contact", email: `contact@${name.toLowerCase().replace(/\W/g, "")}.example` },
  attestations: ATTEST,
});

describe("partner programme in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];
  let adminApi: ApiSession;
  let coordApi: ApiSession;

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();
    adminApi = new ApiSession(server.url);
    await adminApi.login(admin.email, admin.password);
    const u = await adminApi.request("POST", "/api/users", {
      email: coord.email,
      name: "Carl",
      role: "coordinator",
      password: coord.password,
    });
    expect(u.status).toBe(201);
    await server.confirm(coord.email);
    coordApi = new ApiSession(server.url);
    await coordApi.login(coord.email, coord.password);
  });

  // Each test makes the partners it needs through the API, under names (and headquarters) of its
  // own, so any one passes alone and in any order: only the first test's applicant is in Germany,
  // only the directory test's in China, and only the policy test's eligible partner in the US.

  /** An organisation's application, as the public form sends it; the new partner's ID. */
  async function apply(name: string, country: string): Promise<string> {
    const r = await coordApi.request<{ partnerId: string }>(
      "POST",
      "/api/partner-applications",
      application(name, country),
    );
    expect(r.status).toBe(201);
    return r.body.partnerId;
  }

  /** An applicant a coordinator and then an admin approved: active, at the tier it was assigned. */
  async function approvedApplicant(name: string, country: string): Promise<string> {
    const id = await apply(name, country);
    for (const api of [coordApi, adminApi])
      expect((await api.request("POST", `/api/partners/${id}/approvals`)).status).toBe(200);
    return id;
  }

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  function inBrowser(name: string, body: (page: Page) => Promise<void>) {
    test(name, async () => {
      pageErrors = [];
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on("pageerror", (e) => pageErrors.push(`uncaught: ${e.message}`));
      page.on("console", (msg) => {
        if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
          pageErrors.push(msg.text());
      });
      try {
        await body(page);
        expect(pageErrors, "errors in the browser console").toEqual([]);
      } catch (e) {
        await screenshot(page, `failed-partners-${name.replace(/\W+/g, "-").slice(0, 40)}`).catch(() => {});
        throw e;
      }
    });
  }

  inBrowser("an organisation applies through the public form without an account", async (page) => {
    await page.goto(`${server.url}/apply`);
    await page.getByRole("heading", { name: "Apply to the early-alert programme" }).waitFor();
    await page.getByLabel("Organisation name").fill("Nordlicht Security");
    await page.getByLabel("Legal name").fill("Nordlicht Security GmbH");
    await page.getByLabel("Headquarters country").first().fill("Germ");
    await page.getByRole("option", { name: "Germany (DE)" }).click();
    await page.getByLabel("Website").fill("https://nordlicht.example");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Nora Licht");
    await page.getByRole("textbox", { name: "Email" }).fill("nora@nordlicht.example");
    for (const label of [
      /commercial security vendor/,
      /offensive tools/,
      /only at public release/,
      /report any leak/,
    ])
      await page.getByLabel(label).check();
    await screenshot(page, "partners-apply");
    await expectAccessible(page, "application form");
    await page.getByRole("button", { name: "Submit application" }).click();
    await page.getByTestId("application-done").waitFor();
    expect(await page.getByTestId("application-done").textContent()).toContain("nora@nordlicht.example");
    await expectAccessible(page, "application sent");
    const list = await coordApi.request<{ items: { name: string; status: string }[] }>(
      "GET",
      "/api/partners?country=DE",
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: "Nordlicht Security", status: "applicant" }),
    ]);
  });

  inBrowser(
    "staff filter the directory and approve from the queue; the second approver activates",
    async (page) => {
      const ids = { us: await apply("Shieldworks", "US"), cn: await apply("Great Wall Defence", "CN") };
      await signIn(page, server.url, coord);
      await page
        .getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Partners" })
        .click();
      const table = page.getByTestId("partners-table");
      await table.getByRole("link", { name: "Shieldworks" }).waitFor();
      await page.getByLabel("Country", { exact: true }).first().fill("China");
      await page.getByRole("option", { name: "China (CN)" }).click();
      await table.getByRole("link", { name: "Great Wall Defence" }).waitFor();
      await expect.poll(() => table.getByRole("link", { name: "Shieldworks" }).count()).toBe(0);
      // The tier column says what the partner receives now, with the assigned tier beside it.
      const tierCell = table
        .getByRole("row")
        .filter({ hasText: "Great Wall Defence" })
        .getByTestId("tier-cell");
      await tierCell.getByText("receives nothing").waitFor();
      await tierCell.getByText("assigned standard").waitFor();
      await screenshot(page, "partners-directory");
      await expectAccessible(page, "partners directory");

      await page.getByRole("tab", { name: "Approval queue" }).click();
      for (const name of ["Shieldworks", "Great Wall Defence"]) {
        const card = page.getByTestId("queue-card").filter({ hasText: name });
        await card.getByRole("button", { name: "Approve" }).click();
        await card.getByText("1 of 2 approvals").waitFor();
      }
      await screenshot(page, "partners-queue");
      await expectAccessible(page, "approval queue");
      // The same person again is refused with the server's reason.
      await page
        .getByTestId("queue-card")
        .filter({ hasText: "Shieldworks" })
        .getByRole("button", { name: "Approve" })
        .click();
      await page.getByRole("alert").filter({ hasText: "already approved" }).waitFor();
      for (const key of ["us", "cn"] as const) {
        const r = await adminApi.request<{ status: string }>("POST", `/api/partners/${ids[key]}/approvals`);
        expect(r.body.status).toBe("active");
      }
      await page.goto(`${server.url}/partners/${ids.us}`);
      const timeline = page.getByTestId("timeline");
      await timeline.getByText("Approved → active").waitFor();
      await timeline.getByText("Approved → under review").waitFor();
      await timeline.getByText(admin.email, { exact: false }).waitFor();
      await page.getByTestId("eligibility").getByText("Not eligible").waitFor();
      await page
        .getByTestId("eligibility")
        .getByText(/current NDA \(version 1\) is not signed/)
        .waitFor();
      await expectAccessible(page, "partner detail");
      // A coordinator reads the partner's suspicion across incidents on its scorecard tab.
      await page.getByRole("tab", { name: "Scorecard" }).click();
      const suspicion = page.getByTestId("partner-suspicion");
      await suspicion.getByText("Not accused across incidents").waitFor();
      await suspicion.getByText("No investigation has matched an advisory this partner received.").waitFor();
      await expectAccessible(page, "partner scorecard with suspicion");
    },
  );

  inBrowser(
    "a partner admin joins by invite and uses the portal: NDA, members, keys, webhooks, leak report, scorecard",
    async (page) => {
      const id = await approvedApplicant("Bastion Works", "GB");
      const other = await approvedApplicant("Kestrel Labs", "NL");
      const inv = await coordApi.request<{ inviteUrl: string }>("POST", `/api/partners/${id}/members`, {
        email: partnerAdmin.email,
        role: "partner_admin",
      });
      expect(inv.status).toBe(201);
      await page.goto(`${server.url}/invite/${inv.body.inviteUrl.split("/invite/")[1]}`);
      await page.getByLabel("Choose a password").waitFor();
      await expectAccessible(page, "invite page");
      await page.getByLabel("Choose a password").fill(partnerAdmin.password);
      await page.getByRole("button", { name: "Set password" }).click();
      await page.getByTestId("invite-accepted").waitFor();
      await expectAccessible(page, "invite accepted");
      // Placed in the partner by staff, the admin logs in once a second person confirms.
      await server.confirm(partnerAdmin.email);

      await signIn(page, server.url, partnerAdmin);
      await page
        .getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Partners" })
        .click();
      await page.getByRole("heading", { name: "Bastion Works" }).waitFor();
      await page.getByTestId("eligibility").getByText("Not eligible").waitFor();
      await expectAccessible(page, "partner portal overview");

      await page.getByRole("tab", { name: "NDA" }).click();
      await page.getByTestId("nda-text").waitFor();
      await expectAccessible(page, "partner portal NDA");
      await page.getByLabel("Your full name").fill("Sam Shield");
      await page.getByLabel("Your title").fill("CISO");
      await page.getByRole("button", { name: "Sign NDA" }).click();
      await page.getByText("Version 1: Sam Shield, CISO").waitFor();
      const attestation = page.getByTestId("attestation");
      await attestation.getByText(/\d+ days left/).waitFor();
      for (const label of [
        /commercial security vendor/,
        /offensive tools/,
        /only at public release/,
        /report any leak/,
      ])
        await attestation.getByLabel(label).check();
      await attestation.getByRole("button", { name: "Renew attestation" }).click();
      await page.getByText("Attestation renewed for a year").waitFor();

      await page.getByRole("tab", { name: "Overview" }).click();
      await page
        .getByTestId("eligibility")
        .getByText(/Eligible: standard/)
        .waitFor();
      await page.getByRole("button", { name: "Edit profile" }).click();
      // What the policy reads (affiliations among it) is staff-only: the partner edits the rest.
      await page.getByText(/kind and affiliations decide the partner's tier/).waitFor();
      await expectAccessible(page, "partner profile editor");
      expect(await page.getByLabel("Affiliations").count()).toBe(0);
      await page.getByLabel("Website").fill("https://bastionworks.example/security");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByRole("link", { name: "https://bastionworks.example/security" }).waitFor();
      await screenshot(page, "partners-portal-overview");

      await page.getByRole("tab", { name: "Members" }).click();
      await page.getByLabel("Email").fill("analyst@bastionworks.example");
      await page.getByRole("button", { name: "Send invite" }).click();
      await page
        .getByTestId("invite-result")
        .getByText(/\/invite\//)
        .waitFor();
      await page.getByTestId("members-table").getByText("analyst@bastionworks.example").waitFor();
      await expectAccessible(page, "partner portal members");

      await page.getByRole("tab", { name: "Keys" }).click();
      const { publicKey } = await openpgp.generateKey({
        userIDs: [{ name: "Sam", email: partnerAdmin.email }],
        format: "armored",
      });
      const fp = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
      await page.getByLabel(/OpenPGP public key/).fill(publicKey);
      await page.getByRole("button", { name: "Register key" }).click();
      await page.getByTestId("key-card").getByText(fp.slice(0, 4)).first().waitFor();
      expect(await page.getByTestId("key-card").textContent()).toContain(fp.replace(/(.{4})/g, "$1 ").trim());
      await expectAccessible(page, "partner portal keys");

      await page.getByRole("tab", { name: "Webhooks" }).click();
      await page.getByLabel("Endpoint (https)").fill("http://hooks.bastionworks.example/x");
      await page.getByRole("button", { name: "Add endpoint" }).click();
      await page.getByRole("alert").filter({ hasText: "https" }).waitFor();
      await page.getByLabel("Endpoint (https)").fill("https://hooks.bastionworks.example/x");
      await page.getByRole("button", { name: "Add endpoint" }).click();
      await page
        .getByTestId("webhook-secret")
        .getByText(/whsec_/)
        .waitFor();
      await expectAccessible(page, "partner portal webhooks");

      await page.getByRole("tab", { name: "Incidents" }).click();
      await page.getByLabel("What leaked").fill("Detection rule for FW-2026-0001");
      await page.getByLabel("To whom").fill("a contractor's public repository");
      await page.getByLabel("When").fill("yesterday 09:00 UTC");
      await page.getByRole("button", { name: "Report leak" }).click();
      await page.getByTestId("incident-card").getByText("Detection rule for FW-2026-0001").waitFor();
      await expectAccessible(page, "partner portal incidents");

      await page.getByRole("tab", { name: "Scorecard" }).click();
      const card = page.getByTestId("scorecard");
      await card.getByText("version 1 signed").waitFor();
      expect(await card.getByText("no advisory received yet").count()).toBe(2);
      await screenshot(page, "partners-portal-scorecard");
      await expectAccessible(page, "partner portal scorecard");

      // Another partner's page answers "not found" to a partner user.
      await page.goto(`${server.url}/partners/${other}`);
      await page.getByRole("alert").filter({ hasText: "not found" }).waitFor();
      await expectAccessible(page, "another partner, not found");
    },
  );

  inBrowser(
    "admins edit tiers, preview a policy change over every partner, and read NDA versions",
    async (page) => {
      // The one partner the US rule below changes: eligible at standard, headquartered in the US.
      await onboardPartner(server.url, [coordApi, adminApi], "Sentinel", "standard", { country: "US" });
      await apply("Polarlicht", "AT");
      await signIn(page, server.url, admin);
      await page.goto(`${server.url}/partners?tab=tiers`);
      const lead = page.getByLabel("Lead time of standard");
      await expect.poll(() => lead.inputValue()).toBe("P1D");
      await lead.fill("PT36H");
      await expectAccessible(page, "tiers");
      await page.getByRole("button", { name: "Save tiers" }).click();
      await page.getByText("Tiers saved").waitFor();
      const tiers = await adminApi.request<{ tiers: { name: string; leadTime: string }[] }>(
        "GET",
        "/api/tiers",
      );
      expect(tiers.body.tiers.find((t) => t.name === "standard")?.leadTime).toBe("PT36H");
      // The saved tiers are what a fresh page shows: the next edit starts from there.
      await page.reload();
      await expect.poll(() => lead.inputValue()).toBe("PT36H");
      await lead.fill("P1M");
      await page.getByRole("button", { name: "Save tiers" }).click();
      await page.getByRole("alert").filter({ hasText: "months" }).waitFor();

      await page.getByRole("tab", { name: "Jurisdiction policy" }).click();
      const rulesShown = page.getByTestId("rule-card");
      await expect
        .poll(() => rulesShown.first().getByLabel("Rule name").inputValue())
        .toBe("mandatory-government-vulnerability-reporting");
      await page.getByRole("button", { name: "Add rule" }).click();
      const rule = rulesShown.nth(1);
      await rule.getByLabel("Rule name").fill("no-details-for-us");
      await rule.getByLabel("Headquarters or staff in").first().click();
      await page.keyboard.type("United St");
      await page.getByRole("option", { name: "United States (US)" }).click();
      await rule.getByLabel("Effect").first().click();
      await page.getByRole("option", { name: "Remove content" }).click();
      await page.keyboard.press("Escape");
      // The second multi-select of the card (the first is the country list).
      await rule.locator(".mantine-MultiSelect-input").nth(1).click();
      await page.getByRole("option", { name: "details", exact: true }).click();
      await rule.getByLabel("Legal reference").fill("illustrative export-control clause");
      // The preview evaluates every partner not removed, those other tests made among them.
      const all = await adminApi.request<{ items: { status: string }[] }>("GET", "/api/partners?limit=200");
      const evaluated = all.body.items.filter((p) => p.status !== "removed").length;
      await page.getByRole("button", { name: "Preview changes" }).click();
      const preview = page.getByTestId("policy-preview");
      await preview.getByText(`1 of ${evaluated} partners would change:`).waitFor();
      await preview.getByRole("cell", { name: "Sentinel Security" }).waitFor();
      await preview.getByRole("cell", { name: /summary, detection, indicators$/ }).waitFor();
      await screenshot(page, "partners-policy-preview");
      await expectAccessible(page, "jurisdiction policy with preview");
      const saved = await adminApi.request<{ rules: unknown[] }>("GET", "/api/policy/rules");
      expect(saved.body.rules).toHaveLength(1);

      await page.getByRole("tab", { name: "NDA versions" }).click();
      await page.getByTestId("nda-versions").getByText("Version 1", { exact: true }).waitFor();
      await page.getByTestId("nda-versions").getByText("in force").waitFor();
      await expectAccessible(page, "NDA versions");
      // The mail outbox stands in for a transport: the applicant's invitation waits there.
      await page.getByRole("tab", { name: "Mail outbox" }).click();
      await page.getByTestId("outbox").getByText("contact@polarlicht.example").click();
      await page
        .getByTestId("outbox")
        .getByText(/\/invite\/[A-Za-z0-9_-]{43}/)
        .filter({ visible: true })
        .waitFor();
      await expectAccessible(page, "mail outbox");
    },
  );

  inBrowser(
    "a coordinator suspends a partner with a reason: delivery stops and the timeline says why",
    async (page) => {
      // An eligible partner whose admin reported a leak.
      const { id, admin: partnerApi } = await onboardPartner(
        server.url,
        [coordApi, adminApi],
        "Citadel",
        "standard",
        { country: "FR" },
      );
      const leak = await partnerApi.request("POST", `/api/partners/${id}/incidents`, {
        whatLeaked: "Detection rule for FW-2026-0002",
        toWhom: "a contractor's public repository",
        when: "yesterday 09:00 UTC",
      });
      expect(leak.status, JSON.stringify(leak.body)).toBe(201);
      await signIn(page, server.url, coord);
      await page.goto(`${server.url}/partners/${id}`);
      await page.getByRole("button", { name: "Suspend" }).click();
      await page.getByLabel("Reason").fill("PoC matching our copy found on a forum");
      await expectAccessible(page, "suspend dialog");
      await page.getByRole("button", { name: "Confirm suspend" }).click();
      await page.getByTestId("status-badge").filter({ hasText: "suspended" }).waitFor();
      await page.getByTestId("eligibility").getByText("Not eligible").waitFor();
      await page.getByTestId("eligibility").getByText("the partner is suspended: delivery stopped").waitFor();
      await page.getByTestId("timeline").getByText("PoC matching our copy found on a forum").waitFor();
      await screenshot(page, "partners-suspended");
      await expectAccessible(page, "suspended partner");
      await page.goto(`${server.url}/partners?tab=incidents`);
      const incident = page
        .getByTestId("incident-card")
        .filter({ hasText: "Detection rule for FW-2026-0002" });
      await incident.getByLabel("Resolution").waitFor();
      await expectAccessible(page, "incidents");
      await incident.getByLabel("Resolution").fill("repository taken down within the hour");
      await incident.getByRole("button", { name: "Close incident" }).click();
      await page.getByText("Closed", { exact: true }).click();
      await page.getByText("Resolution: repository taken down within the hour").waitFor();
      const audit = await adminApi.request<{ entries: { type: string; subject: string }[] }>(
        "GET",
        "/api/audit?type=partner.status_changed&limit=50",
      );
      expect(audit.body.entries.filter((e) => e.subject === id).length).toBe(3);
    },
  );
});
