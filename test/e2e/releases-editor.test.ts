// The plan editor in real Chromium (viewer in Europe/Berlin): a coordinator adds an extra wave for
// one partner with the "T-5 d" button (time in the viewer's zone, UTC beside it), asks for a section
// beyond that partner's eligibility and sees the API's refusal, narrows it, excludes another partner
// with a reason, and the preview shows both before anything is saved; saving keeps them.
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
import { onboardPartner } from "./partners-api.ts";

const admin = { email: "ada@forewarn.test", password: "correct horse battery staple 42" };
const coords = [
  { email: "carl@forewarn.test", password: "another long passphrase 7" },
  { email: "cora@forewarn.test", password: "yet another passphrase 8" },
];
const DAY = 86_400_000;
const ZONE = "Europe/Berlin";

/** An instant as a datetime-local value in ZONE, computed here independently of the web code. */
function berlinInput(d: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
const utcText = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

describe("plan editor: extra waves and exclusions", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let c1: ApiSession;
  let advisoryId = "";
  // T0 twenty days ahead on a whole hour: T-5 d is then an exact instant to look for.
  const t0 = new Date(Math.ceil((Date.now() + 20 * DAY) / 3_600_000) * 3_600_000);

  async function partner(key: string, tier: string, c2: ApiSession) {
    return (await onboardPartner(server.url, [c1, c2], key, tier)).id;
  }

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();
    const adminApi = new ApiSession(server.url);
    await adminApi.login(admin.email, admin.password);
    const sessions: ApiSession[] = [];
    for (const c of coords) {
      const made = await adminApi.request("POST", "/api/users", {
        email: c.email,
        name: "C",
        role: "coordinator",
        password: c.password,
      });
      expect(made.status).toBe(201);
      await server.confirm(c.email);
      const s = new ApiSession(server.url);
      await s.login(c.email, c.password);
      sessions.push(s);
    }
    c1 = sessions[0] as ApiSession;
    const c2 = sessions[1] as ApiSession;
    const tiers = await adminApi.request("PUT", "/api/tiers", [
      {
        name: "vetted-plus",
        leadTime: "P2D",
        content: ["summary", "details", "detection", "poc", "indicators"],
      },
      { name: "standard", leadTime: "P1D", content: ["summary", "details", "detection", "indicators"] },
      { name: "restricted", leadTime: "PT0S", content: ["summary"] },
    ]);
    expect(tiers.status).toBe(200);
    await partner("Gold", "vetted-plus", c2);
    await partner("Silver", "standard", c2);
    await partner("Bronze", "restricted", c2);
    const rep = await new ApiSession(server.url).request<{ caseId: string }>("POST", "/api/reports", {
      product: "Acme Gateway",
      version: "4.2.1",
      title: "Admin bypass",
      description: "Send the header.",
    });
    const adv = await c1.request<{ id: string }>("POST", "/api/advisories", {
      caseId: rep.body.caseId,
      title: "Acme Gateway: authentication bypass",
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: {
        summary: "A remote attacker can act as administrator.",
        details: "The console trusts X-Forwarded-User.",
        detection: "Alert on X-Forwarded-User.",
        poc: "curl -H 'X-Forwarded-User: admin' https://gateway/admin",
        indicators: "- 203.0.113.7",
      },
    });
    expect(adv.status, JSON.stringify(adv.body)).toBe(201);
    advisoryId = adv.body.id;
    expect((await c2.request("POST", `/api/advisories/${advisoryId}/submit`, {})).status).toBe(200);
    expect((await c2.request("POST", `/api/advisories/${advisoryId}/approve`, {})).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  async function open(who: { email: string; password: string }): Promise<Page> {
    context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      locale: "en-GB",
      timezoneId: ZONE,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, who);
    return page;
  }

  test("a T-5 d extra wave for one partner and an exclusion with a reason show in the preview, then are saved", async () => {
    const page = await open(coords[0] as { email: string; password: string });
    const preview = page.getByTestId("plan-preview");
    const extraAt = new Date(t0.getTime() - 5 * DAY);
    try {
      await page.goto(`${server.url}/releases/${advisoryId}`);
      await page.getByLabel("Public release (T0)").waitFor();
      await expectAccessible(page, "new release plan");
      await page.getByLabel("Public release (T0)").fill(berlinInput(t0));
      await page.getByRole("button", { name: "Preview" }).click();
      await preview.getByText("Tier standard: 1 partner").waitFor();
      expect(await preview.getByText("Extra wave", { exact: false }).count()).toBe(0);

      await page.getByRole("button", { name: "Add extra wave" }).click();
      await page.getByRole("combobox", { name: "Partners" }).click();
      await page.getByRole("option", { name: "Silver Security (standard)" }).click();
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "T-14 d" }).click();
      await page.getByRole("button", { name: "T-5 d" }).click();
      // The time is the viewer's (Berlin) wall time; UTC is shown beside it.
      expect(await page.getByLabel(/Extra wave 1: time/).inputValue()).toBe(berlinInput(extraAt));
      await page.getByText(utcText(extraAt)).first().waitFor();

      // More than the standard tier allows: the API's refusal is shown.
      await page.getByRole("combobox", { name: "Content" }).click();
      await page.getByRole("option", { name: "Proof of concept" }).click();
      await page.keyboard.press("Escape");
      // The refusal is said in the preview's alert and on the Content field at fault.
      await page
        .getByText(/may not receive poc/)
        .first()
        .waitFor();
      const content = page.getByRole("combobox", { name: "Content" });
      await expect.poll(() => content.getAttribute("aria-invalid")).toBe("true");
      await page.getByRole("button", { name: "Remove extra wave 1" }).waitFor();
      await page.getByRole("combobox", { name: "Content" }).click();
      await page.getByRole("option", { name: "Proof of concept" }).click();
      await page.getByRole("option", { name: "Summary" }).click();
      await page.getByRole("option", { name: "Detection" }).click();
      await page.keyboard.press("Escape");

      await page.getByRole("button", { name: "Exclude a partner" }).click();
      await page.getByRole("combobox", { name: "Excluded partner 1" }).click();
      await page.getByRole("option", { name: "Bronze Security (restricted)" }).click();
      await page.getByLabel("Reason").fill("works for the vendor under review");

      const extra = preview.getByTestId("timeline-extra");
      await extra.getByText("Extra wave: 1 partner").waitFor();
      await extra.getByText("Silver Security").waitFor();
      await extra.getByText(`(${utcText(extraAt)})`).waitFor();
      expect(await extra.getByText("detection", { exact: true }).count()).toBe(1);
      expect(await extra.getByText("poc", { exact: true }).count()).toBe(0);
      await preview.getByText("Not receiving: Bronze Security: works for the vendor under review").waitFor();
      await expect.poll(() => page.getByText(/may not receive poc/).count()).toBe(0);
      // Silver left its tier wave and Bronze is out: no restricted wave, and nothing saved yet.
      expect(await preview.getByText("Tier standard", { exact: false }).count()).toBe(0);
      expect(await preview.getByText("Tier restricted", { exact: false }).count()).toBe(0);
      expect((await c1.request("GET", `/api/advisories/${advisoryId}/release-plan`)).status).toBe(404);
      // The tracing capacity per wave is shown before anything is saved (and scanned by axe below).
      const capacity = preview.getByTestId("plan-capacity");
      await capacity.getByRole("table").waitFor();
      await capacity.getByRole("rowheader", { name: /^1: / }).waitFor();
      await screenshot(page, "release-plan-extra-wave-preview");
      await expectAccessible(page, "plan editor with extra wave and exclusion");

      await page.getByRole("button", { name: "Save plan" }).click();
      await page.getByText("Another coordinator must approve this plan").waitFor();
      const saved = await c1.request<{
        waves: { kind: string; at: string; partnerIds: string[]; content: string[] }[];
        exclusions: { kind: string; reason: string }[];
      }>("GET", `/api/advisories/${advisoryId}/release-plan`);
      expect(saved.body.waves.filter((w) => w.kind === "extra").map((w) => [w.at, w.content])).toEqual([
        [extraAt.toISOString(), ["summary", "detection"]],
      ]);
      expect(saved.body.exclusions.filter((x) => x.kind === "coordinator").map((x) => x.reason)).toEqual([
        "works for the vendor under review",
      ]);
      // The saved plan fills the editor again.
      await page.reload();
      expect(await page.getByLabel(/Extra wave 1: time/).inputValue()).toBe(berlinInput(extraAt));
      expect(await page.getByLabel("Reason").inputValue()).toBe("works for the vendor under review");
    } catch (e) {
      await screenshot(page, "failed-release-plan-extras").catch(() => {});
      throw e;
    }
  }, 90_000);
});
