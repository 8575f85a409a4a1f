// The release engine in real Chromium against a real server on the real clock: tiers with lead times
// of seconds, the coordinator who made the plan cannot approve it, a second one approves and arms it,
// the partner's inbox stays empty until its wave and then shows its copy (PoC included at its tier),
// which it acknowledges, and the live wave view shows the wave's copies, reads and acknowledgements
// as they change, without a reload. Each test has its own advisory and plan, and only the inbox test
// releases to the gold partner (the others exclude it), so the tests pass alone and in any order.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { stripFormat } from "../../src/tracing/attacks/index.ts";
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
const gold = { email: "sec@gold.example", password: "gold partner passphrase 1" };
const silver = { email: "sec@silver.example", password: "silver partner passphrase 3" };
const bronze = { email: "sec@bronze.example", password: "bronze partner passphrase 2" };
// A binary proof of concept: a ZIP by its magic bytes, then bytes that are not UTF-8.
const ZIP = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256)),
  Buffer.from([0xff, 0xfe]),
]);

describe("releases in the browser", () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let c1: ApiSession;
  let c2: ApiSession;
  const partnerIds: Record<string, string> = {};

  async function partner(
    key: string,
    tier: string,
    who: { email: string; password: string },
    c2: ApiSession,
  ) {
    const { id, admin } = await onboardPartner(server.url, [c1, c2], key, tier, { who });
    partnerIds[key] = id;
    return admin;
  }

  let goldApi: ApiSession;
  let silverApi: ApiSession;
  let bronzeApi: ApiSession;

  /**
   * A fresh approved advisory with a binary PoC and a draft plan, T0 `leadMs` from now (the
   * vetted-plus wave 25 s before it) for every partner but `without`; armed through the API when asked.
   */
  async function releasePlan(without: string, opts: { leadMs: number; arm?: boolean }) {
    const rep = await new ApiSession(server.url).request<{ caseId: string }>("POST", "/api/reports", {
      product: "Acme Gateway",
      version: "4.2.1",
      title: "Admin bypass",
      description: "Send the header.",
    });
    const adv = await c1.request<{ id: string; trackingId: string }>("POST", "/api/advisories", {
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
    const advisoryId = adv.body.id;
    const token = await c1.request<{ token: string }>("POST", "/api/tokens", {
      name: "upload",
      expiresInDays: 1,
    });
    const form = new FormData();
    form.append("file", new Blob([ZIP], { type: "application/zip" }), "exploit.zip");
    const upload = await fetch(`${server.url}/api/advisories/${advisoryId}/files?section=poc`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.body.token}` },
      body: form,
    });
    expect(upload.status, await upload.clone().text()).toBe(201);
    expect((await c2.request("POST", `/api/advisories/${advisoryId}/submit`, {})).status).toBe(200);
    expect((await c2.request("POST", `/api/advisories/${advisoryId}/approve`, {})).status).toBe(200);
    const publicAt = new Date(Math.ceil((Date.now() + opts.leadMs) / 1000) * 1000);
    const planUrl = `/api/advisories/${advisoryId}/release-plan`;
    const plan = await c1.request("POST", planUrl, {
      publicAt: publicAt.toISOString(),
      exclude: [{ partnerId: partnerIds[without], reason: "another test's partner" }],
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    if (opts.arm) {
      expect((await c2.request("POST", `${planUrl}/approve`, {})).status).toBe(200);
      expect((await c1.request("POST", `${planUrl}/arm`, {})).status).toBe(200);
    }
    return { advisoryId, trackingId: adv.body.trackingId, waveAt: publicAt.getTime() - 25_000 };
  }

  beforeAll(async () => {
    server = await startServer(admin);
    browser = await launchBrowser();
    const adminApi = new ApiSession(server.url);
    await adminApi.login(admin.email, admin.password);
    const sessions: ApiSession[] = [];
    for (const c of coords) {
      expect(
        (
          await adminApi.request("POST", "/api/users", {
            email: c.email,
            name: "C",
            role: "coordinator",
            password: c.password,
          })
        ).status,
      ).toBe(201);
      await server.confirm(c.email);
      const s = new ApiSession(server.url);
      await s.login(c.email, c.password);
      sessions.push(s);
    }
    c1 = sessions[0] as ApiSession;
    c2 = sessions[1] as ApiSession;
    const tiers = await adminApi.request("PUT", "/api/tiers", [
      {
        name: "vetted-plus",
        leadTime: "PT25S",
        content: ["summary", "details", "detection", "poc", "indicators"],
      },
      { name: "standard", leadTime: "PT10S", content: ["summary", "details", "detection", "indicators"] },
      { name: "restricted", leadTime: "PT0S", content: ["summary"] },
    ]);
    expect(tiers.status).toBe(200);
    goldApi = await partner("Gold", "vetted-plus", gold, c2);
    silverApi = await partner("Silver", "vetted-plus", silver, c2);
    bronzeApi = await partner("Bronze", "restricted", bronze, c2);
  }, 120_000);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(who: { email: string; password: string }): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, who);
    return page;
  }

  test("the coordinator who made the plan cannot approve it; a second one approves and arms it", async () => {
    // Armed below, so its wave reaches its partners during the other tests: never the gold partner,
    // whose inbox the inbox test expects empty until its own wave.
    const { advisoryId, trackingId } = await releasePlan("Gold", { leadMs: 50_000 });
    const own = await open(coords[0] as { email: string; password: string });
    try {
      await own.goto(`${server.url}/releases/${advisoryId}`);
      await own.getByText("Another coordinator must approve this plan").waitFor();
      expect(await own.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
      expect(await own.getByRole("button", { name: "Arm" }).count()).toBe(0);
    } catch (e) {
      await screenshot(own, "failed-release-plan-own").catch(() => {});
      throw e;
    }
    await context?.close();
    const page = await open(coords[1] as { email: string; password: string });
    try {
      await page
        .getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Releases" })
        .click();
      await page.getByRole("link", { name: new RegExp(trackingId) }).click();
      // The editor names the advisory and says each wave's time against T0 in words.
      await page.getByRole("heading", { name: `Release plan: ${trackingId}` }).waitFor();
      await page
        .getByText(/· at T0$/)
        .first()
        .waitFor();
      await page
        .getByText(/· 25 seconds before T0$/)
        .first()
        .waitFor();
      await page.getByText("Tier vetted-plus: 1 partner").waitFor();
      await page.getByText("Tier restricted: 1 partner").waitFor();
      await page.getByText("T0: public release").waitFor();
      await page.getByRole("button", { name: "Approve" }).click();
      await page.getByText(/Approved .* for revision 1/).waitFor();
      await page.getByRole("button", { name: "Arm" }).click();
      await page.getByText("armed", { exact: true }).waitFor();
      await screenshot(page, "release-plan-armed");
    } catch (e) {
      await screenshot(page, "failed-release-plan").catch(() => {});
      throw e;
    }
  }, 90_000);

  test("the partner's inbox is empty before its wave and holds its copy after it; it acknowledges", async () => {
    const { advisoryId, trackingId, waveAt } = await releasePlan("Silver", { leadMs: 50_000, arm: true });
    expect(Date.now()).toBeLessThan(waveAt);
    const page = await open(gold);
    try {
      await page
        .getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Releases" })
        .click();
      await page.getByText("Nothing released to you yet").waitFor();
      await expectAccessible(page, "partner inbox, empty");
      expect((await goldApi.request("GET", `/api/partner/advisories/${advisoryId}`)).status).toBe(404);
      // Wait for the wave (the server's own clock and jobs), then look again.
      await vi.waitFor(
        async () =>
          expect(
            (await goldApi.request("GET", `/api/partner/advisories/${advisoryId}`)).status,
            "the wave arrived",
          ).toBe(200),
        { timeout: 60_000, interval: 500 },
      );
      expect(Date.now()).toBeGreaterThanOrEqual(waveAt);
      expect((await bronzeApi.request("GET", `/api/partner/advisories/${advisoryId}`)).status).toBe(404);
      await page.reload();
      await page.getByRole("link", { name: new RegExp(trackingId) }).waitFor();
      await expectAccessible(page, "partner inbox");
      await page.getByRole("link", { name: new RegExp(trackingId) }).click();
      await page.getByText("Prepared for Gold Security alone", { exact: false }).waitFor();
      // The copy is this member's own: its prose carries invisible marks between words, so the PoC line
      // is looked for in the text as a reader who strips them would see it.
      await expect
        .poll(async () => stripFormat((await page.locator("main").textContent()) ?? ""))
        .toContain("curl -H 'X-Forwarded-User: admin'");
      // Before T0 the copy is labelled embargoed (the label follows the clock).
      expect(await page.getByTestId("copy-embargo").textContent()).toBe("embargoed");
      // The binary PoC travels by reference; its link downloads the very bytes uploaded.
      const link = page.getByRole("link", { name: "Download exploit.zip" });
      const href = (await link.getAttribute("href")) as string;
      expect(href).toMatch(new RegExp(`^/api/partner/advisories/${advisoryId}/files/afl_`));
      const file = await page.request.get(server.url + href);
      expect(file.status()).toBe(200);
      expect(Buffer.compare(await file.body(), ZIP)).toBe(0);
      await page.getByRole("button", { name: "Received" }).click();
      await page.getByText("Current: received").waitFor();
      await screenshot(page, "release-partner-copy");
      await expectAccessible(page, "partner copy");
    } catch (e) {
      await screenshot(page, "failed-release-partner").catch(() => {});
      throw e;
    }
  }, 150_000);

  test("the live wave view shows the wave's copies, reads and acknowledgements, refreshing by itself", async () => {
    // The silver partner's wave 15 s from now; it reads its copy and acknowledges it as received.
    const { advisoryId, trackingId } = await releasePlan("Gold", { leadMs: 40_000, arm: true });
    const copy = `/api/partner/advisories/${advisoryId}`;
    await vi.waitFor(
      async () => expect((await silverApi.request("GET", copy)).status, "the wave arrived").toBe(200),
      { timeout: 60_000, interval: 500 },
    );
    expect((await silverApi.request("POST", `${copy}/acks`, { status: "received" })).status).toBe(201);
    const page = await open(coords[0] as { email: string; password: string });
    try {
      await page.goto(`${server.url}/releases/${advisoryId}`);
      await page.getByRole("heading", { name: "Live wave view" }).waitFor();
      const wave = page.getByTestId("wave-vetted-plus");
      await wave.getByText("sent", { exact: true }).waitFor();
      // One partner reached (the silver partner), its copies read by its admin, acknowledged as received.
      await expect.poll(() => wave.getByTestId("bar-Partners reached").textContent()).toMatch(/^reached 1 ·/);
      await expect.poll(() => wave.getByTestId("bar-Acknowledgements").textContent()).toMatch(/received 1/);
      expect(await wave.getByTestId("bar-Portal and API copies").textContent()).toMatch(/read [1-9]/);
      await page.getByTestId("wave-restricted").waitFor();
      // The partner ships protection: the view shows it within a few seconds, without a reload.
      const shipped = await silverApi.request("POST", `${copy}/acks`, {
        status: "shipped",
        product: "Gold EDR",
      });
      expect(shipped.status).toBe(201);
      await expect
        .poll(() => wave.getByTestId("bar-Acknowledgements").textContent(), { timeout: 10_000 })
        .toMatch(/shipped 1 · in progress 0 · received 0/);
      await screenshot(page, "release-live-wave-view");
      await expectAccessible(page, "plan editor with the live wave view");
      await page
        .getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Releases" })
        .click();
      await page.getByRole("link", { name: new RegExp(trackingId) }).waitFor();
      await expectAccessible(page, "releases calendar");
    } catch (e) {
      await screenshot(page, "failed-release-live-view").catch(() => {});
      throw e;
    }
  }, 150_000);
});
