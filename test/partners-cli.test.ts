// `forewarn partners ...` against the local data folder (through the runtime) and a running server
// (--url + token), on the same scenario: list, approve twice, show, suspend, reinstate, set-tier.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/authz/authorize.ts";
import { allCommands } from "../src/cli/index.ts";
import { loadConfig } from "../src/config.ts";
import { registerCommands, runCli } from "../src/main.ts";
import { openRuntime } from "../src/runtime.ts";
import { fakeIo, PASSWORD, type TestApp, testApp, testPasswords } from "./harness.ts";

registerCommands(allCommands);

const application = (name: string, country: string) => ({
  organisation: {
    name,
    legalName: `${name} GmbH`,
    country,
    staffCountries: [],
    website: "https://vendor.example",
    kind: "edr" as const,
    customers: 5,
  },
  contact: { name: "C", email: `c@${country.toLowerCase()}.example` },
  attestations: { securityVendor: true, noOffensiveTools: true, publishAtRelease: true, reportLeaks: true },
});

describe("forewarn partners: help and usage", () => {
  it("prints its usage and refuses malformed calls with exit 2", async () => {
    const h = fakeIo();
    expect(await runCli(["partners", "--help"], h.io)).toBe(0);
    expect(h.text()).toMatch(/^usage: forewarn partners/);
    expect(h.text()).toContain("set-tier ID TIER");
    const main = fakeIo();
    await runCli(["--help"], main.io);
    expect(main.text()).toContain("  partners");
    for (const [argv, msg] of [
      [["partners", "approve"], "needs the partner ID"],
      [["partners", "suspend", "org_01KJMMA2G0WXZJMHP1XX2PXV7D"], "needs --reason"],
      [["partners", "show", "acme"], "not a partner ID"],
      [["partners", "frob"], 'unknown sub-command "frob"'],
      [["partners", "approve", "org_01KJMMA2G0WXZJMHP1XX2PXV7D", "--data", "/nonexistent"], "needs --as"],
      [["partners", "list", "--url", "http://127.0.0.1:9"], "needs --token"],
    ] as const) {
      const r = fakeIo();
      expect(await runCli([...argv], r.io), argv.join(" ")).toBe(2);
      expect(r.errors()).toContain(msg);
    }
  });
});

describe("forewarn partners on the local data folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "forewarn-partners-cli-"));
  let id = "";
  const env = { FOREWARN_DATA_DIR: dir, DATABASE_URL: "" };
  const cli = async (...argv: string[]) => {
    const r = fakeIo(env);
    const code = await runCli(["partners", ...argv], r.io);
    return { code, out: r.text(), err: r.errors() };
  };

  beforeAll(async () => {
    const rt = await openRuntime(loadConfig({ ...env, FOREWARN_DATA_DIR: dir }), {
      passwords: testPasswords,
    });
    try {
      const sys = systemActor("test");
      await rt.services.accounts.createUser(sys, {
        email: "coord@example.org",
        name: "C",
        role: "coordinator",
        password: PASSWORD,
      });
      await rt.services.accounts.createUser(sys, {
        email: "boss@example.org",
        name: "B",
        role: "admin",
        password: PASSWORD,
      });
      id = (await rt.services.partners.apply(application("Lokal Sicherheit", "DE"), "http://localhost"))
        .partnerId;
    } finally {
      await rt.close();
    }
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists, approves with two named staff members, sets the tier, suspends and shows the timeline", async () => {
    const list = await cli("list");
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`^${id}  applicant +standard +DE  Lokal Sicherheit$`));
    expect((await cli("approve", id, "--as", "coord@example.org")).out).toBe(
      "approved (1 of 2); status under_review",
    );
    const twice = await cli("approve", id, "--as", "coord@example.org");
    expect(twice.code).toBe(1);
    expect(twice.err).toContain("already approved");
    expect((await cli("approve", id, "--as", "boss@example.org")).out).toBe(
      "approved (2 of 2); status active",
    );
    expect((await cli("set-tier", id, "vetted-plus", "--reason", "ten years without incident")).out).toBe(
      "tier vetted-plus",
    );
    expect((await cli("suspend", id, "--reason", "leak under investigation")).out).toBe("status suspended");
    const show = await cli("show", id);
    expect(show.code).toBe(0);
    expect(show.out).toContain("status suspended, tier vetted-plus");
    expect(show.out).toContain("NOT eligible");
    expect(show.out).toContain("the partner is suspended");
    expect(show.out).toContain("  suspended → suspended: leak under investigation");
    expect((await cli("reinstate", id, "--reason", "cleared")).out).toBe("status active");
    const json = JSON.parse((await cli("list", "--status", "active", "--json")).out);
    expect(json.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await cli("list", "--country", "us")).out).toBe("no partners match");
  }, 60_000);
});

describe("forewarn partners against a running server", () => {
  let t: TestApp;
  let url = "";
  let token = "";
  let id = "";
  beforeAll(async () => {
    t = await testApp("pglite");
    url = await t.app.listen({ host: "127.0.0.1", port: 0 });
    token = (await t.bearer((await t.user("coordinator")).email)).authorization?.replace("Bearer ", "") ?? "";
    id = (await t.services.partners.apply(application("Remote Shield", "US"), url)).partnerId;
  });
  afterAll(() => t.close());

  it("uses the API with a token from the flag or FOREWARN_TOKEN, and prints the server's refusals", async () => {
    const r = fakeIo({ FOREWARN_TOKEN: token });
    expect(await runCli(["partners", "list", "--url", url], r.io)).toBe(0);
    expect(r.text()).toContain("Remote Shield");
    const a = fakeIo();
    expect(await runCli(["partners", "approve", id, "--url", url, "--token", token], a.io)).toBe(0);
    expect(a.text()).toBe("approved (1 of 2); status under_review");
    const again = fakeIo();
    expect(await runCli(["partners", "approve", id, "--url", url, "--token", token], again.io)).toBe(1);
    expect(again.errors()).toMatch(/^409: you already approved Remote Shield/);
    const tier = fakeIo();
    expect(await runCli(["partners", "set-tier", id, "gold", "--url", url, "--token", token], tier.io)).toBe(
      1,
    );
    expect(tier.errors()).toContain('unknown tier "gold"');
    const show = fakeIo();
    expect(await runCli(["partners", "show", id, "--url", url, "--token", token], show.io)).toBe(0);
    expect(show.text()).toContain("approved → under_review");
    const bad = fakeIo();
    expect(await runCli(["partners", "list", "--url", url, "--token", "fw_wrong"], bad.io)).toBe(1);
    expect(bad.errors()).toContain("401");
  });
});
