// The author layer in real Chromium: a coordinator editing an advisory sees the tracing meter, accepts
// a proposed alternative with one click (the section now carries `{{wording|alternative}}`), saves,
// and the preview by content level shows the first wording only.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ApiSession,
  expectAccessible,
  launchBrowser,
  type RunningServer,
  screenshot,
  signIn,
  startServer,
} from "./harness.ts";

const admin = { email: "ada@forewarn.test", password: "correct horse battery staple 42" };
const coord = { email: "carl@forewarn.test", password: "another long passphrase 7" };
const SUMMARY = "We identified the flaw during a routine audit of the console.";

describe("advisory editor: tracing meter and author alternatives", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let api: ApiSession;
  let advisoryId = "";

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();
    const adminApi = new ApiSession(server.url);
    await adminApi.login(admin.email, admin.password);
    const made = await adminApi.request("POST", "/api/users", {
      email: coord.email,
      name: "Carl",
      role: "coordinator",
      password: coord.password,
    });
    expect(made.status).toBe(201);
    await server.confirm(coord.email);
    api = new ApiSession(server.url);
    await api.login(coord.email, coord.password);
    const rep = await new ApiSession(server.url).request<{ caseId: string }>("POST", "/api/reports", {
      product: "Acme Console",
      version: "2.1",
      title: "Session fixation",
      description: "The session ID survives login.",
    });
    const adv = await api.request<{ id: string }>("POST", "/api/advisories", {
      caseId: rep.body.caseId,
      title: "Acme Console: session fixation",
      products: [{ vendor: "Acme", product: "Console", affected: ["2.1"], fixed: ["2.2"] }],
      sections: {
        summary: SUMMARY,
        details: "The console keeps the session ID it was given before login.",
        detection: "",
        poc: "",
        indicators: "",
      },
    });
    expect(adv.status, JSON.stringify(adv.body)).toBe(201);
    advisoryId = adv.body.id;
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  async function open(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: "en-GB" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, coord);
    return page;
  }

  test("the meter counts the text's points, and one click writes an alternative the preview never shows", async () => {
    const page = await open();
    await page.goto(`${server.url}/advisories/${advisoryId}`);
    const meter = page.getByTestId("tracing-meter");
    await meter.getByTestId("tracing-points").waitFor();
    await expect.poll(() => meter.getByTestId("tracing-points").textContent()).toMatch(/0 written by you/);
    const needed = meter.getByTestId("tracing-needed");
    expect(await needed.getByRole("row").count()).toBe(4); // a header and 1, 2, 3 leakers
    await expectAccessible(page, "advisory editor with the tracing meter");

    await meter
      .getByRole("button", { name: "Accept “found” as an alternative to “identified” in Summary" })
      .click();
    const summary = page.getByLabel("Summary (markdown)");
    await expect
      .poll(() => summary.inputValue())
      .toBe("We {{identified|found}} the flaw during a routine audit of the console.");
    // The meter follows the text: the accepted alternative is a point written by the author.
    await expect.poll(() => meter.getByTestId("tracing-points").textContent()).toMatch(/1 written by you/);
    await screenshot(page, "advisory-tracing-meter");

    await page.getByRole("button", { name: /^Save as revision 2/ }).click();
    await expect
      .poll(
        async () =>
          (await api.request<{ currentRevision: number }>("GET", `/api/advisories/${advisoryId}`)).body
            .currentRevision,
      )
      .toBe(2);
    const saved = await api.request<{ revision: { sections: { summary: string } } }>(
      "GET",
      `/api/advisories/${advisoryId}`,
    );
    expect(saved.body.revision.sections.summary).toContain("{{identified|found}}");

    await page.getByRole("tab", { name: "Preview by content level" }).click();
    await page.getByText(SUMMARY).first().waitFor();
    const body = (await page.locator("main").textContent()) ?? "";
    expect(body).not.toContain("{{");
    expect(body).not.toContain("found the flaw");
  });
});
