// The web shell in real Chromium against a real server: sign-in with two-factor authentication,
// the empty programme, the audit chain check, and API tokens made on the account page.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApiSession,
  Authenticator,
  expectAccessible,
  launchBrowser,
  type RunningServer,
  screenshot,
  signIn,
  startServer,
} from "./harness.ts";

const admin = { email: "ada@forewarn.test", password: "correct horse battery staple 42" };
const coordinator = { email: "carl@forewarn.test", password: "another long passphrase 7" };

describe("web shell", () => {
  let server: RunningServer;
  let browser: Browser;
  let authenticator: Authenticator;
  let recoveryCodes: string[];
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();

    // Enrol the admin in two-factor authentication through the API, as a script would.
    const api = new ApiSession(server.url);
    await api.login(admin.email, admin.password);
    const enrol = await api.request<{ secret: string; otpauthUri: string }>("POST", "/api/me/totp");
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    authenticator = new Authenticator(enrol.body.secret);
    const confirm = await api.request<{ recoveryCodes: string[] }>("POST", "/api/me/totp/confirm", {
      code: await authenticator.code(),
    });
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    recoveryCodes = confirm.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Runs a browser test; when a step fails, what the browser showed is saved beside the other screenshots. */
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

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // Script errors and blocked resources (e.g. by the Content-Security-Policy) fail the test;
    // HTTP error answers the app handles (401 before login) are not errors of the page.
    page.on("pageerror", (e) => pageErrors.push(`uncaught: ${e.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(msg.text());
    });
    return page;
  }

  async function enterPassword(page: Page, email: string, password: string) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  inBrowser(
    "an admin signs in with a TOTP code, sees an empty programme and verifies the audit chain",
    async (page) => {
      await page.goto(server.url);
      await page.waitForURL(/\/login$/);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await screenshot(page, "login");
      await expectAccessible(page, "login");

      // A wrong password is refused with the server's message, and the form stays.
      await enterPassword(page, admin.email, "not the password");
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect((await alert.textContent())?.trim()).not.toBe("");
      expect(page.url()).toMatch(/\/login$/);
      await expectAccessible(page, "login with an error");

      // The right password leads to the second step.
      await enterPassword(page, admin.email, admin.password);
      await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
      await page.getByLabel("Authentication code").fill(await authenticator.code());
      await screenshot(page, "login-totp");
      await expectAccessible(page, "login, second factor");
      await page.getByRole("button", { name: "Verify" }).click();

      // Home: an empty programme.
      await page.getByRole("heading", { name: "Programme overview" }).waitFor();
      expect(await page.getByTestId("stat-partners").textContent()).toBe("0");
      expect(await page.getByTestId("stat-open-cases").textContent()).toBe("0");
      expect(await page.getByTestId("stat-advisories").textContent()).toBe("0");
      expect(await page.getByTestId("stat-next-release").textContent()).toBe("none");
      const nav = page.getByRole("navigation", { name: "Main navigation" });
      for (const label of [
        "Partners",
        "Cases",
        "Advisories",
        "Releases",
        "Investigations",
        "Audit log",
        "Users",
      ]) {
        await nav.getByRole("link", { name: label }).waitFor();
      }
      await screenshot(page, "overview");
      await expectAccessible(page, "programme overview");

      // A capability still to come explains itself instead of breaking.
      await nav.getByRole("link", { name: "Partners" }).click();
      await page.getByText("No partners yet").waitFor();
      await expectAccessible(page, "partners, empty");

      // Pages the administrator does not work on say who does and what to do, not a refusal.
      for (const [label, title] of [
        ["Cases", "Cases are handled by coordinators and investigators"],
        ["Advisories", "Advisories are handled by coordinators and investigators"],
      ] as const) {
        await nav.getByRole("link", { name: label }).click();
        await page.getByText(title).waitFor();
        await page.getByRole("link", { name: "Create a coordinator" }).waitFor();
        const text = (await page.locator("main").textContent()) ?? "";
        expect(text).not.toMatch(/may not|not available yet/i);
        await expectAccessible(page, `${label} for an administrator`);
      }
      await screenshot(page, "cases-for-admin");
      await nav.getByRole("link", { name: "Investigations" }).click();
      await page.getByRole("heading", { name: "Investigations" }).waitFor();
      await expectAccessible(page, "investigations");
      // No badge anywhere in the shell is cut short.
      const cut = await page
        .locator(".mantine-Badge-label")
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
      expect(cut).toEqual([]);

      // The audit log lists the sign-ins and the enrolment, and its chain verifies.
      await nav.getByRole("link", { name: "Audit log" }).click();
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      await page.getByTestId("audit-row").first().waitFor();
      await page
        .getByRole("button", { name: /^Show data of entry/ })
        .first()
        .click();
      await page.getByTestId("audit-data").waitFor();
      await page.getByRole("button", { name: "Verify chain" }).click();
      const result = page.getByTestId("verify-result");
      await result.waitFor();
      expect(await result.getAttribute("data-ok")).toBe("true");
      expect(await result.textContent()).toContain("Chain intact");
      await screenshot(page, "audit");
      await expectAccessible(page, "audit log");
      // The colour scheme follows the system's: the dark one reads as well.
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForFunction(() => document.documentElement.dataset.mantineColorScheme === "dark");
      await expectAccessible(page, "audit log, dark scheme");
      await page.goto(`${server.url}/`);
      await page.getByRole("heading", { name: "Programme overview" }).waitFor();
      await expectAccessible(page, "programme overview, dark scheme");
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto(`${server.url}/audit`);
      await page.getByRole("heading", { name: "Audit log" }).waitFor();

      // Signing out returns to the login page, and the session is gone.
      await page.getByTestId("user-menu").click();
      await page.getByRole("menuitem", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await page.goto(`${server.url}/audit`);
      await page.waitForURL(/\/login\?next=%2Faudit$/);
    },
  );

  inBrowser("a token created on the account page is shown once and works as a bearer token", async (page) => {
    // Sent to /login?next=%2Faccount, this time with a recovery code instead of the authenticator,
    // landing where we were going.
    await signIn(page, server.url, admin, { path: "/account", recoveryCode: recoveryCodes[0] ?? "" });
    await page.getByRole("heading", { name: "Account" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account");

    await page.getByRole("button", { name: "Create token" }).click();
    const dialog = page.getByRole("dialog", { name: "Create an API token" });
    await dialog.getByLabel("Name").fill("e2e script");
    await dialog.getByLabel("Expires in (days)").fill("7");
    await expectAccessible(page, "create token dialog");
    await dialog.getByRole("button", { name: "Create token" }).click();
    await dialog.waitFor({ state: "hidden" });
    const token = (await page.getByTestId("new-token-value").textContent())?.trim() ?? "";
    expect(token.length).toBeGreaterThan(20);
    await page.getByTestId("tokens-table").getByText("e2e script").waitFor();
    await screenshot(page, "account-token");
    await expectAccessible(page, "account with a new token");

    const me = await fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(admin.email);

    // Shown once: after a reload only its name remains.
    await page.reload();
    await page.getByTestId("tokens-table").getByText("e2e script").waitFor();
    expect(await page.getByTestId("new-token-value").count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // Revoked, it no longer opens the API.
    await page.getByTestId("tokens-table").getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).waitFor();
    await expectAccessible(page, "revoke token dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    await page.getByTestId("tokens-table").getByText("Revoked").waitFor();
    const after = await fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  inBrowser("an admin creates a coordinator, who sees only the pages of that role", async (page) => {
    await signIn(page, server.url, admin, { path: "/users", recoveryCode: recoveryCodes[1] ?? "" });
    await page.getByRole("heading", { name: "Users" }).waitFor();

    await page.getByRole("button", { name: "Create user" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a user" });
    await dialog.getByLabel("Email").fill(coordinator.email);
    await dialog.getByLabel(/^Name/).fill("Carl Coordinator");
    await dialog.getByLabel(/^Initial password/).fill(coordinator.password);
    await expectAccessible(page, "create user dialog");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByTestId("users-table").getByText(coordinator.email).waitFor();
    // A coordinator reads embargoed content: the admin who asked cannot confirm it alone.
    const pending = page.getByTestId(`pending-${coordinator.email}`);
    await pending.getByText("another person must confirm").waitFor();
    await screenshot(page, "users");
    await expectAccessible(page, "users");
    // The request is an alert in the audit log: "Alerts only" shows it and nothing else.
    await page.goto(`${server.url}/audit`);
    await page.getByTestId("audit-row").first().waitFor();
    await page.getByLabel("Alerts only (role grants, lockouts)").check();
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByTestId("audit-row").getByText("role_grant.requested").first().waitFor();
    const shown = await page.getByTestId("audit-row").allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    for (const row of shown) expect(row).toMatch(/role_grant\.|account\.locked/);
    await server.confirm(coordinator.email);

    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await signIn(page, server.url, coordinator);
    const nav = page.getByRole("navigation", { name: "Main navigation" });
    await nav.getByRole("link", { name: "Releases" }).waitFor();
    expect(await nav.getByRole("link", { name: "Audit log" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Users" }).count()).toBe(0);
    await page.goto(`${server.url}/audit`);
    await page.getByText("Not available to your role").waitFor();
    await expectAccessible(page, "a page not for this role");
  });
});
