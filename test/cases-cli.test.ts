// `forewarn cases list|show` and `forewarn advisories export` against an embedded database on disk.
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/authz/authorize.ts";
import { allCommands } from "../src/cli/index.ts";
import { loadConfig } from "../src/config.ts";
import { registerCommands, runCli } from "../src/main.ts";
import { openRuntime } from "../src/runtime.ts";
import { fakeIo } from "./harness.ts";
import { csafMandatory, validOsvSchema } from "./validators.ts";

registerCommands(allCommands);

describe("forewarn cases / advisories", () => {
  const dir = mkdtempSync(join(tmpdir(), "fw-cases-cli-"));
  let caseId = "";
  let advisoryId = "";

  beforeAll(async () => {
    const rt = await openRuntime(loadConfig({ FOREWARN_DATA_DIR: dir }));
    try {
      const sys = systemActor("test");
      caseId = (
        await rt.services.cases.submit(null, {
          product: "Acme Gateway",
          version: "4.2.1",
          title: "Admin bypass",
          description: "Send X-Forwarded-User.",
        })
      ).caseId;
      await rt.services.cases.transition(sys, caseId, { to: "verified", reason: "reproduced" });
      await rt.services.cases.setCvss(
        sys,
        caseId,
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      );
      advisoryId = (
        await rt.services.advisories.create(sys, {
          caseId,
          title: "Acme Gateway: authentication bypass",
          products: [
            { vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] },
            { vendor: "Acme", product: "SDK", affected: ["1.0"], fixed: [] },
          ],
          sections: {
            summary: "Bypass.",
            details: "Details.",
            detection: "Rule.",
            poc: "curl",
            indicators: "1.2.3.4",
          },
        })
      ).id;
    } finally {
      await rt.close();
    }
  });
  afterAll(() => {});

  it("has help for both commands", async () => {
    for (const argv of [
      ["cases", "--help"],
      ["advisories", "--help"],
      ["cases", "list", "--help"],
      ["advisories", "export", "--help"],
    ]) {
      const h = fakeIo();
      expect(await runCli(argv, h.io)).toBe(0);
      expect(h.out.join("\n")).toMatch(/^usage: forewarn (cases|advisories)/);
    }
  });

  it("lists cases with their deadline and shows one with its timeline", async () => {
    const l = fakeIo();
    expect(await runCli(["cases", "list", "--data", dir], l.io)).toBe(0);
    const line = l.out.find((x) => x.startsWith(caseId));
    expect(line).toContain("verified");
    expect(line).toMatch(/\b(89|90)d left\b/);
    const s = fakeIo();
    expect(await runCli(["cases", "show", caseId, "--data", dir], s.io)).toBe(0);
    const text = s.out.join("\n");
    expect(text).toContain("received -> verified: reproduced");
    expect(text).toContain("9.3 critical");
    const j = fakeIo();
    expect(await runCli(["cases", "show", caseId, "--json", "--data", dir], j.io)).toBe(0);
    expect(JSON.parse(j.out.join("\n")).phase).toBe("verified");
  });

  it("exports CSAF and OSV that validate, and refuses bad arguments", async () => {
    const c = fakeIo();
    expect(await runCli(["advisories", "export", advisoryId, "--format", "csaf", "--data", dir], c.io)).toBe(
      0,
    );
    const csaf = JSON.parse(c.out.join("\n"));
    expect(csaf.document.distribution.tlp.label).toBe("AMBER");
    expect(await csafMandatory(csaf)).toEqual([]);
    const o = fakeIo();
    expect(await runCli(["advisories", "export", advisoryId, "--format", "osv", "--data", dir], o.io)).toBe(
      0,
    );
    expect(validOsvSchema(JSON.parse(o.out.join("\n")))).toEqual([]);
    const noCve = fakeIo();
    expect(
      await runCli(["advisories", "export", advisoryId, "--format", "cve", "--data", dir], noCve.io),
    ).toBe(0);
    expect(noCve.err.join("\n")).toContain("no CVE ID yet");
    expect(JSON.parse(noCve.out.join("\n")).containers.cna.affected).toHaveLength(2);
    const bad = fakeIo();
    expect(await runCli(["advisories", "export", advisoryId, "--format", "pdf"], bad.io)).toBe(2);
    const badId = fakeIo();
    expect(await runCli(["cases", "show", "nope"], badId.io)).toBe(2);
  });

  it("lists advisories with tracking and CVE IDs, and exports one by either", async () => {
    // It assigns a CVE ID: on a copy of the data folder, so the other tests see the advisory without one.
    const own = join(mkdtempSync(join(tmpdir(), "fw-cases-cli-cve-")), "data");
    cpSync(dir, own, { recursive: true });
    const l = fakeIo();
    expect(await runCli(["advisories", "list", "--data", own], l.io)).toBe(0);
    const line = l.out.find((x) => x.includes(advisoryId)) ?? "";
    expect(line).toMatch(/^FW-\d{4}-0001 +draft +embargoed +- +Acme Gateway: authentication bypass/);
    const trackingId = line.split(" ")[0] as string;

    const byTracking = fakeIo();
    expect(
      await runCli(
        ["advisories", "export", trackingId.toLowerCase(), "--format", "osv", "--data", own],
        byTracking.io,
      ),
    ).toBe(0);
    expect(JSON.parse(byTracking.out.join("\n")).id).toContain(trackingId);

    const rt = await openRuntime(loadConfig({ FOREWARN_DATA_DIR: own }));
    try {
      await rt.services.cases.assignCve(systemActor("test"), caseId, "CVE-2026-31337");
    } finally {
      await rt.close();
    }
    const j = fakeIo();
    expect(await runCli(["advisories", "list", "--json", "--data", own], j.io)).toBe(0);
    expect(JSON.parse(j.out.join("\n"))).toMatchObject([
      { id: advisoryId, trackingId, cveId: "CVE-2026-31337" },
    ]);
    const byCve = fakeIo();
    expect(
      await runCli(["advisories", "export", "CVE-2026-31337", "--format", "cve", "--data", own], byCve.io),
    ).toBe(0);
    expect(JSON.parse(byCve.out.join("\n")).cveMetadata.cveId).toBe("CVE-2026-31337");

    const unknown = fakeIo();
    expect(
      await runCli(["advisories", "export", "FW-1999-0001", "--format", "osv", "--data", own], unknown.io),
    ).toBe(1);
    expect(unknown.err.join("\n")).toContain("no advisory FW-1999-0001: `forewarn advisories list`");
  });
});
