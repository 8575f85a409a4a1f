// Cases and advisories in real Chromium against a real server: the public report form and tracking
// page, the case list with deadlines, case detail with timeline and messages, the advisory editor with
// preview per content level and revision diff, and the public advisory page after release.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApiSession,
  type Credentials,
  expectAccessible,
  launchBrowser,
  type RunningServer,
  screenshot,
  signIn,
  startServer,
} from "./harness.ts";

const admin = { email: "ada@forewarn.test", password: "correct horse battery staple 42" };
const alice = { email: "alice@forewarn.test", password: "alice long passphrase 1" };
const bob = { email: "bob@forewarn.test", password: "bob long passphrase 22" };
const CVSS = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
const SECTIONS = {
  summary: "Remote attackers can act as administrators.",
  details: "The console trusts `X-Forwarded-User`.",
  detection: "Alert on X-Forwarded-User from outside.",
  poc: "curl -H 'X-Forwarded-User: admin' https://gw/admin",
  indicators: "- 203.0.113.7",
};
const REVISED_SUMMARY = "Remote attackers can act as administrators.\n\nUpgrade to 4.2.2.";

type ReportedCase = { caseId: string; trackingLink: string };

describe("cases and advisories in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];
  // Each test makes what it needs through the API, its own case included, so any one passes alone
  // and in any order (the publication test moves its case on; no other test sees that).

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();
    const api = new ApiSession(server.url);
    await api.login(admin.email, admin.password);
    for (const u of [alice, bob]) {
      const r = await api.request("POST", "/api/users", {
        email: u.email,
        name: u.email.split("@")[0],
        role: "coordinator",
        password: u.password,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await server.confirm(u.email);
    }
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => pageErrors.push(`uncaught: ${e.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(msg.text());
    });
    return page;
  }
  function inBrowser(name: string, body: (page: Page) => Promise<void>) {
    test(name, async () => {
      pageErrors = [];
      const page = await newPage();
      try {
        await body(page);
        expect(pageErrors, "errors in the browser console").toEqual([]);
      } catch (e) {
        await screenshot(page, `failed-${name.replace(/\W+/g, "-").slice(0, 50)}`).catch(() => {});
        throw e;
      }
    });
  }
  async function as(u: Credentials): Promise<ApiSession> {
    const api = new ApiSession(server.url);
    await api.login(u.email, u.password);
    return api;
  }

  /** A case in phase `received`, reported through the public form's API as the first test reports it. */
  async function reportCase(): Promise<ReportedCase> {
    const r = await new ApiSession(server.url).request<{ caseId: string; trackingToken: string }>(
      "POST",
      "/api/reports",
      {
        product: "Acme Gateway",
        version: "4.2.1",
        title: "Admin console authentication bypass",
        description: "# Steps\n\nSend `X-Forwarded-User: admin` to `/admin`.",
        reporterEmail: "finder@example.net",
      },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const caseId = r.body.caseId;
    return { caseId, trackingLink: `${server.url}/report/${caseId}#token=${r.body.trackingToken}` };
  }

  /**
   * A case staff have triaged as the second test does in the browser: verified, scored CVSS 4.0 9.3
   * critical, and answered. A new one for each test that asks.
   */
  async function triagedCase(): Promise<ReportedCase> {
    const reported = await reportCase();
    const api = await as(alice);
    const url = `/api/cases/${reported.caseId}`;
    const moved = await api.request("POST", `${url}/transitions`, { to: "verified" });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const scored = await api.request("PUT", `${url}/cvss`, { vector: CVSS });
    expect(scored.status, JSON.stringify(scored.body)).toBe(200);
    const answered = await api.request("POST", `${url}/messages`, { body: "Thanks, we reproduced it." });
    expect(answered.status, JSON.stringify(answered.body)).toBe(201);
    return reported;
  }

  /** A draft advisory on the case, written by alice through the API. */
  async function draftAdvisory(api: ApiSession, caseId: string) {
    const created = await api.request<{ id: string; trackingId: string }>("POST", "/api/advisories", {
      caseId,
      title: "Acme Gateway: authentication bypass",
      products: [
        { vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] },
        { vendor: "Acme", product: "SDK", affected: ["1.8.0"], fixed: ["1.8.3"] },
      ],
      sections: SECTIONS,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { advisoryId: created.body.id, trackingId: created.body.trackingId };
  }

  inBrowser(
    "a researcher reports without an account and follows the case by its private link",
    async (page) => {
      await page.goto(`${server.url}/report`);
      await page.getByRole("heading", { name: "Report a vulnerability" }).waitFor();
      await page.getByLabel("Product").fill("Acme Gateway");
      await page.getByLabel("Version").fill("4.2.1");
      await page.getByLabel("Title").fill("Admin console authentication bypass");
      await page
        .getByLabel("Description (markdown)")
        .fill("# Steps\n\nSend `X-Forwarded-User: admin` to `/admin`.");
      await page.getByLabel("Email for notifications (optional)").fill("finder@example.net");
      await screenshot(page, "report-form");
      await expectAccessible(page, "report form");
      await page.getByRole("button", { name: "Submit report" }).click();
      const trackingLink = ((await page.getByTestId("tracking-link").textContent()) ?? "").trim();
      expect(trackingLink).toMatch(/\/report\/cas_[0-9A-Z]{26}#token=fwt_/);
      await expectAccessible(page, "report sent");

      await page.goto(trackingLink);
      expect(await page.getByTestId("case-phase").textContent()).toBe("received");
      await page.getByLabel("New message").fill("Happy to help test the fix.");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText("Happy to help test the fix.").waitFor();
      await screenshot(page, "report-tracking");
      await expectAccessible(page, "tracking page");
    },
  );

  inBrowser(
    "staff see the case with its deadline, move it, score it and answer the reporter",
    async (page) => {
      const { caseId } = await reportCase();
      await signIn(page, server.url, alice, { path: "/cases" });
      const row = page.getByTestId(`case-row-${caseId}`);
      await row.waitFor();
      expect(await row.textContent()).toContain("90 d left");
      await screenshot(page, "case-list");
      await expectAccessible(page, "cases list");
      await row.getByRole("link").click();
      await page.getByRole("heading", { name: "Admin console authentication bypass" }).waitFor();
      // An illegal jump is not even offered; the legal next phases are.
      await page.getByRole("button", { name: "verified", exact: true }).click();
      await page.getByTestId("case-phase").getByText("verified").waitFor();
      await page.getByLabel("CVSS 4.0 or 3.1 vector").fill(CVSS);
      await page.getByRole("button", { name: "Score" }).click();
      await page.getByTestId("cvss-score").getByText("9.3 critical").waitFor();
      await page.getByLabel("CVSS 4.0 or 3.1 vector").fill("CVSS:4.0/AV:Q");
      await page.getByRole("button", { name: "Score" }).click();
      await page.getByRole("alert").getByText(/AV/).waitFor();
      await page.getByLabel("New message").fill("Thanks, we reproduced it.");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText("Thanks, we reproduced it.").waitFor();
      await page.getByRole("button", { name: "Assign to me" }).click();
      await page.getByText("Assignee: you").waitFor();
      await page.locator('input[type="file"]').setInputFiles({
        name: "crash.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("segfault at 0x41414141\n"),
      });
      await page.getByRole("button", { name: "Upload" }).click();
      await page.getByRole("link", { name: "crash.txt" }).waitFor();
      const timeline = page.getByLabel("Case timeline");
      await timeline.getByText("received → verified").waitFor();
      await timeline.getByText(/CVSS 4\.0 scored 9\.3/).waitFor();
      // Who did it, by name; who reported it and how to reach them.
      expect(await timeline.textContent()).toContain(alice.email.split("@")[0]);
      expect(await timeline.textContent()).not.toMatch(/usr_[0-9A-Z]{26}/);
      const reporter = page.getByTestId("case-reporter");
      await reporter.getByRole("link", { name: "finder@example.net" }).waitFor();
      await reporter.getByText("Reported through the public form").waitFor();
      await screenshot(page, "case-detail");
      await expectAccessible(page, "case detail");
      // On a phone-sized screen no badge is cut to an ellipsis.
      await page.setViewportSize({ width: 360, height: 800 });
      for (const path of [`/cases/${caseId}`, "/cases"]) {
        await page.goto(`${server.url}${path}`);
        await page.locator(".mantine-Badge-label").first().waitFor();
        const cut = await page
          .locator(".mantine-Badge-label")
          .evaluateAll((els) =>
            els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent),
          );
        expect(cut, path).toEqual([]);
      }
    },
  );

  inBrowser("the reporter sees the answer on the tracking page", async (page) => {
    const { trackingLink } = await triagedCase();
    await page.goto(trackingLink);
    await page.getByText("Thanks, we reproduced it.").waitFor();
    expect(await page.getByTestId("case-phase").textContent()).toBe("verified");
  });

  inBrowser("the advisory editor previews each content level and diffs revisions", async (page) => {
    const { caseId } = await triagedCase();
    const { trackingId } = await draftAdvisory(await as(alice), caseId);

    await signIn(page, server.url, alice, { path: "/advisories" });
    await page.getByRole("link", { name: "New advisory" }).click();
    await page.getByRole("heading", { name: "New advisory" }).waitFor();
    await expectAccessible(page, "new advisory");
    await page.goBack();
    await page.getByRole("link", { name: new RegExp(trackingId) }).waitFor();
    await expectAccessible(page, "advisories list");
    await page.getByRole("link", { name: new RegExp(trackingId) }).click();
    await page.getByLabel("Summary (markdown)").waitFor();
    await expectAccessible(page, "advisory editor");
    await page.getByLabel("Summary (markdown)").fill(REVISED_SUMMARY);
    await page.getByRole("button", { name: "Save as revision 2" }).click();
    await page.getByRole("button", { name: "Save as revision 3" }).waitFor();

    await page.getByRole("tab", { name: "Preview by content level" }).click();
    const preview = page.getByTestId("preview");
    await preview.getByText("Remote attackers can act as administrators.").waitFor();
    expect(await preview.textContent()).not.toContain("curl -H");
    await page.getByRole("radiogroup", { name: "Content level" }).getByText("full").click();
    await preview.getByText(/curl -H/).waitFor();
    await screenshot(page, "advisory-preview");
    await expectAccessible(page, "advisory preview");

    await page.getByRole("tab", { name: "Revisions and diff" }).click();
    const diff = page.getByTestId("diff-field");
    await diff.getByText("sections.summary").waitFor();
    expect(await diff.locator('[data-diff="added"]').first().textContent()).toContain("Upgrade to 4.2.2.");
    await screenshot(page, "advisory-diff");
    await expectAccessible(page, "advisory revisions and diff");

    // A draft goes to review first; the author cannot approve their own revision.
    await page.getByRole("tab", { name: "Review, release and export" }).click();
    expect(await page.getByRole("button", { name: "Approve revision 2" }).count()).toBe(0);
    await page.getByRole("button", { name: "Ask for review" }).click();
    await page.getByTestId("advisory-state").getByText("in review").waitFor();
    expect(await page.getByRole("button", { name: "Approve revision 2" }).isDisabled()).toBe(true);

    // A detection rule as a file, listed with its hash.
    await page.locator('input[type="file"]').setInputFiles({
      name: "acme.rules",
      mimeType: "text/plain",
      buffer: Buffer.from('alert http any any -> any any (msg:"Acme bypass"; sid:1;)\n'),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("link", { name: "acme.rules" }).waitFor();
    await expectAccessible(page, "advisory review, release and export");
  });

  inBrowser(
    "nothing is public before release; after a second person approves and it is published, it is",
    async (page) => {
      // An advisory in review at revision 2, as the editor's test leaves it, on a scored case.
      const { caseId } = await triagedCase();
      const author = await as(alice);
      const { advisoryId, trackingId } = await draftAdvisory(author, caseId);
      const revised = await author.request("PUT", `/api/advisories/${advisoryId}`, {
        revision: 1,
        sections: { ...SECTIONS, summary: REVISED_SUMMARY },
      });
      expect(revised.status, JSON.stringify(revised.body)).toBe(200);
      const submitted = await author.request("POST", `/api/advisories/${advisoryId}/submit`, {});
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);

      const before = await fetch(`${server.url}/api/public/advisories`);
      expect(await before.json()).toEqual({ items: [], nextCursor: null });
      await page.goto(`${server.url}/security/advisories/${trackingId}`);
      await page.getByRole("alert").waitFor();
      await expectAccessible(page, "public advisory not found");

      await signIn(page, server.url, bob, { path: `/advisories/${advisoryId}` });
      await page.getByRole("tab", { name: "Review, release and export" }).click();
      await page.getByRole("button", { name: "Approve revision 2" }).click();
      await page.getByTestId("advisory-state").getByText("approved").waitFor();
      // The next step offered is a release plan; nobody publishes alone with one click.
      await page.getByRole("link", { name: "Plan release" }).waitFor();
      expect(await page.getByRole("button", { name: /Publish now/ }).count()).toBe(0);
      // Without a plan, publication takes two coordinators: one asks, another confirms.
      const asker = new ApiSession(server.url);
      await asker.login(bob.email, bob.password);
      const asked = await asker.request("POST", `/api/advisories/${advisoryId}/publish`, {});
      expect(asked.status, JSON.stringify(asked.body)).toBe(202);
      const confirmer = new ApiSession(server.url);
      await confirmer.login(alice.email, alice.password);
      const confirmed = await confirmer.request("POST", `/api/advisories/${advisoryId}/publish/confirm`, {});
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      await page.reload();
      await page.getByText("public", { exact: true }).waitFor();

      await page.goto(`${server.url}/security/advisories`);
      await page.getByRole("link", { name: new RegExp(trackingId) }).waitFor();
      await expectAccessible(page, "public advisories list");
      await page.getByRole("link", { name: new RegExp(trackingId) }).click();
      await page.getByRole("heading", { name: "Acme Gateway: authentication bypass" }).waitFor();
      await page.getByText("CVSS 4.0 9.3 critical").waitFor();
      await page.getByText("Upgrade to 4.2.2.").waitFor();
      expect(await page.content()).not.toContain("curl -H");
      await screenshot(page, "public-advisory");
      await expectAccessible(page, "public advisory");
      const feed = await (await fetch(`${server.url}/feeds/advisories.atom`)).text();
      expect(feed).toContain(trackingId);
    },
  );
});
