// `forewarn investigate` on an embedded database on disk: evidence files in, the advisory found and
// the leaking member accused, as text and as JSON; usage errors exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { systemActor } from "../src/authz/authorize.ts";
import { allCommands } from "../src/cli/index.ts";
import { loadConfig } from "../src/config.ts";
import { registerCommands, runCli } from "../src/main.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import { loadMasterKey, openRuntime } from "../src/runtime.ts";
import { stripFormat } from "../src/tracing/attacks/index.ts";
import { deliverTraced, fakeId, type TracedRecipient } from "./forensics-fixture.ts";
import { fakeIo, PASSWORD } from "./harness.ts";

registerCommands(allCommands);

describe("forewarn investigate", () => {
  const dir = mkdtempSync(join(tmpdir(), "fw-investigate-cli-"));
  const leak = join(dir, "leak.txt");
  let leaker: TracedRecipient;
  let advisoryId = "";

  beforeAll(async () => {
    const config = loadConfig({ FOREWARN_DATA_DIR: dir });
    const rt = await openRuntime(config);
    try {
      const recipients: TracedRecipient[] = [];
      for (let p = 0; p < 5; p++) {
        const org = await rt.services.accounts.createOrganisation(systemActor("test"), {
          name: `Partner ${p}`,
        });
        recipients.push({ partnerId: org.id, kind: "organisation", id: org.id });
        for (let m = 0; m < 10; m++) recipients.push({ partnerId: org.id, kind: "user", id: fakeId("usr") });
      }
      const traced = await deliverTraced(rt.database.db, makeSealer(loadMasterKey(config)), {
        markdown: readFileSync(
          "test/fixtures/advisories/heldout-orrery-appserver-deserialization.md",
          "utf8",
        ),
        recipients,
        keySeed: "cli",
        at: new Date("2026-03-01T00:00:00Z"),
        publicAt: new Date("2026-03-10T00:00:00Z"),
      });
      advisoryId = traced.advisoryId;
      leaker = recipients[17] as TracedRecipient;
      writeFileSync(leak, stripFormat(traced.copy(leaker.id)));
    } finally {
      await rt.close();
    }
  }, 120_000);

  it("names the advisory and the leaker, as text and as JSON", async () => {
    const t = fakeIo();
    expect(await runCli(["investigate", "--evidence", leak, "--data", dir], t.io)).toBe(0);
    expect(t.text()).toContain(`verdict: accused (advisory ${advisoryId})`);
    expect(t.text()).toMatch(new RegExp(`accused: ${leaker.id} \\(user of ${leaker.partnerId}\\) score`));
    expect(t.errors()).toContain("adding leak.txt (1/1)");
    const j = fakeIo();
    expect(
      await runCli(
        ["investigate", "--evidence", leak, "--advisory", advisoryId, "--json", "--data", dir],
        j.io,
      ),
    ).toBe(0);
    const out = JSON.parse(j.text());
    expect(out.id).toMatch(/^ivg_/);
    expect(out.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([leaker.id]);
  }, 120_000);

  it("works the same against a running server with an investigator's API token", async () => {
    const rt = await openRuntime(loadConfig({ FOREWARN_DATA_DIR: dir }));
    const app = await buildApp({
      services: rt.services,
      database: rt.database.kind,
      version: "test",
      logLevel: "silent",
    });
    try {
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      const email = "ines.investigator@example.org";
      await rt.services.accounts.createUser(systemActor("test"), {
        email,
        name: "Ines",
        role: "investigator",
        password: PASSWORD,
      });
      const login = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password: PASSWORD },
      });
      const cookie = login.cookies.find((c) => c.name === "fw_session");
      const made = await app.inject({
        method: "POST",
        url: "/api/tokens",
        headers: { cookie: `fw_session=${cookie?.value}`, "x-csrf-token": login.json().csrfToken },
        payload: { name: "cli" },
      });
      const token = made.json().token as string;
      const r = fakeIo();
      expect(
        await runCli(["investigate", "--evidence", leak, "--url", url, "--token", token, "--json"], r.io),
      ).toBe(0);
      const out = JSON.parse(r.text());
      expect(out.findings.advisoryIds).toEqual([advisoryId]);
      expect(out.findings.accused.map((a: { recipientId: string }) => a.recipientId)).toEqual([leaker.id]);
      const refused = fakeIo();
      expect(
        await runCli(["investigate", "--evidence", leak, "--url", url, "--token", "fw_wrong"], refused.io),
      ).toBe(1);
      expect(refused.errors()).toMatch(/401/);
    } finally {
      await app.close();
      await rt.close();
    }
  }, 120_000);

  it("refuses bad usage with exit 2", async () => {
    for (const argv of [
      ["investigate", "--data", dir],
      ["investigate", "--evidence", join(dir, "missing.txt"), "--data", dir],
      ["investigate", "--evidence", leak, "--advisory", "nope", "--data", dir],
    ]) {
      const h = fakeIo();
      expect(await runCli(argv, h.io), argv.join(" ")).toBe(2);
    }
  });
});
