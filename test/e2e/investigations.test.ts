// Investigations in real Chromium against a real server: an investigator opens an investigation,
// pastes evidence that matches no delivered advisory and sees "no match", uploads an evidence file,
// adds a note, and the list, the detail and the evidence view pass the accessibility scan; a
// coordinator reads only.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
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
const ivy = { email: "ivy@forewarn.test", password: "ivy investigates leaks 7" };
const cora = { email: "cora@forewarn.test", password: "cora coordinates releases 9" };

describe("investigations in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  // The first test starts from an empty list, which another test's investigation would fill: each
  // test has a programme of its own, so either passes alone and in any order.
  beforeEach(async () => {
    server = await startServer(admin);
    const api = new ApiSession(server.url);
    await api.login(admin.email, admin.password);
    for (const [u, name, role] of [
      [ivy, "Ivy", "investigator"],
      [cora, "Cora", "coordinator"],
    ] as const) {
      const r = await api.request("POST", "/api/users", { email: u.email, name, role, password: u.password });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await server.confirm(u.email);
    }
  });

  async function open(who: Credentials, path: string): Promise<Page> {
    pageErrors = [];
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => pageErrors.push(`uncaught: ${e.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(msg.text());
    });
    await signIn(page, server.url, who, { path });
    return page;
  }
  afterEach(async () => {
    await context?.close();
    context = undefined;
    await server?.stop();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("open, add evidence, read the findings and the evidence, add a note", async () => {
    const page = await open(ivy, "/investigations");
    try {
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
      // A chosen file goes up as multipart with the CSRF token; the evidence shown reads it too.
      await page.getByLabel(/Drop evidence files here/).setInputFiles({
        name: "pastebin-dump.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("Someone's shopping list: eggs, flour, butter and a bag of lemons.\n"),
      });
      await page.getByText("1 file(s) added").waitFor();
      await page.getByText(/pastebin-dump\.txt · text\/plain/).waitFor();
      await page.getByText(/bag of lemons/).waitFor();
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

  test("a coordinator reads an investigation but cannot open one or change it", async () => {
    const ivyApi = new ApiSession(server.url);
    await ivyApi.login(ivy.email, ivy.password);
    const opened = await ivyApi.request<{ id: string }>("POST", "/api/investigations", {
      title: "Rule file in a public repository",
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const page = await open(cora, "/investigations");
    try {
      await page.getByRole("link", { name: "Rule file in a public repository" }).click();
      await page.waitForURL(new RegExp(`/investigations/${opened.body.id}$`));
      await page.getByText("No evidence yet.").waitFor();
      await page.getByRole("heading", { name: "Timeline" }).waitFor();
      expect(await page.getByRole("button", { name: "Add note" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Add text" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Close investigation" }).count()).toBe(0);
      await page.getByRole("link", { name: "All investigations" }).click();
      await page.getByRole("table", { name: "Investigations" }).waitFor();
      expect(await page.getByRole("button", { name: "Open", exact: true }).count()).toBe(0);
      expect(pageErrors, "errors in the browser console").toEqual([]);
    } catch (e) {
      await screenshot(page, "failed-investigation-coordinator").catch(() => {});
      throw e;
    }
  });
});
