// Investigations in real Chromium against a real server: an investigator opens an investigation,
// pastes evidence that matches no delivered advisory and sees "no match", adds a note, and the
// list, the detail and the evidence view pass the accessibility scan; a coordinator reads only.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApiSession,
  expectAccessible,
  launchBrowser,
  type RunningServer,
  screenshot,
  startServer,
} from "./harness.ts";

const admin = { email: "ada@forewarn.test", password: "correct horse battery staple 42" };
const ivy = { email: "ivy@forewarn.test", password: "ivy investigates leaks 7" };

describe("investigations in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();
    const api = new ApiSession(server.url);
    await api.login(admin.email, admin.password);
    const r = await api.request("POST", "/api/users", {
      email: ivy.email,
      name: "Ivy",
      role: "investigator",
      password: ivy.password,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await server.confirm(ivy.email);
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("open, add evidence, read the findings and the evidence, add a note", async () => {
    pageErrors = [];
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => pageErrors.push(`uncaught: ${e.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(msg.text());
    });
    try {
      await page.goto(`${server.url}/investigations`);
      await page.getByLabel("Email").fill(ivy.email);
      await page.getByLabel(/^Password/).fill(ivy.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Investigations" }).waitFor();
      await page.getByText("No investigations yet.").waitFor();
      await expectAccessible(page, "investigations list");
      await page.getByRole("textbox", { name: /^Title/ }).fill("Exploit code on a forum");
      await page.getByRole("button", { name: "Open", exact: true }).click();
      await page.waitForURL(/\/investigations\/ivg_/);
      await page.getByText("No evidence yet.").waitFor();
      await page.getByLabel("Name of pasted text").fill("forum-post.txt");
      await page
        .getByLabel("Pasted text", { exact: true })
        .fill("The garden club meets on Tuesday to talk about tomatoes, compost and the spring plant sale.");
      await page.getByRole("button", { name: "Add text" }).click();
      await page.getByText(/No match: the evidence does not come from a delivered advisory/).waitFor();
      await page.getByText(/forum-post\.txt · text\/plain/).waitFor();
      await page.getByRole("button", { name: "Show evidence with located passages" }).click();
      await page.getByText(/garden club meets on Tuesday/).waitFor();
      await page.getByLabel("Note", { exact: true }).fill("Asked the forum for the poster's address.");
      await page.getByRole("button", { name: "Add note" }).click();
      await page.getByText(/note: Asked the forum/).waitFor();
      await screenshot(page, "investigation-detail");
      await expectAccessible(page, "investigation detail");
      expect(pageErrors, "errors in the browser console").toEqual([]);
    } catch (e) {
      await screenshot(page, "failed-investigation").catch(() => {});
      throw e;
    }
  });
});
