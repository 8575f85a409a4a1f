// Export formats checked by validators that are not ours: CSAF 2.0 by csaf-validator-lib's mandatory
// tests and the OASIS JSON schema, OSV by its JSON schema (both with ajv); CVE JSON 5 has no schema
// package on npm, so its required structure is asserted by hand.
import { describe, expect, it } from "vitest";
import { restrictToLevel, restrictToSections } from "../src/modules/advisories/content.ts";
import { toCsaf } from "../src/modules/advisories/export/csaf.ts";
import { toCveRecord } from "../src/modules/advisories/export/cve.ts";
import type { ExportInput } from "../src/modules/advisories/export/input.ts";
import { toOsv } from "../src/modules/advisories/export/osv.ts";
import {
  assertCveRecord,
  csafMandatory,
  type Json,
  refJson,
  validCsafSchema,
  validOsvSchema,
} from "./validators.ts";

const SAMPLE_SECTIONS = {
  summary: "An authentication bypass in the admin console lets a remote attacker act as an administrator.",
  details:
    "## Root cause\n\nThe console trusts `X-Forwarded-User` from any client.\n\n```http\nGET /admin HTTP/1.1\nX-Forwarded-User: admin\n```\n",
  detection: "Alert on requests to `/admin` carrying `X-Forwarded-User` from outside the proxy.",
  poc: "```sh\ncurl -H 'X-Forwarded-User: admin' https://gateway/admin\n```\n",
  indicators: "- Requests to `/admin` from 203.0.113.7\n",
};

const base = (over: Partial<ExportInput> = {}): ExportInput => ({
  trackingId: "FW-2026-0001",
  content: {
    title: "Acme Gateway: authentication bypass in the admin console",
    products: [
      {
        vendor: "Acme",
        product: "Gateway",
        affected: ["4.2.0", "4.2.1"],
        fixed: ["4.2.2"],
        cpe: "cpe:2.3:a:acme:gateway:*:*:*:*:*:*:*:*",
      },
      {
        vendor: "Acme",
        product: "gateway-sdk",
        affected: ["< 1.8.3"],
        fixed: ["1.8.3"],
        purl: "pkg:npm/%40acme/gateway-sdk",
      },
    ],
    sections: { ...SAMPLE_SECTIONS },
  },
  revisions: [
    { number: 1, createdAt: new Date("2026-03-01T12:00:00Z"), changeNote: null },
    { number: 2, createdAt: new Date("2026-03-02T09:30:00Z"), changeNote: "Fixed versions added." },
  ],
  level: "full",
  publishedAt: null,
  now: new Date("2026-03-03T00:00:00Z"),
  cveId: "CVE-2026-10001",
  cwe: { id: "CWE-287", name: "Improper Authentication" },
  cvss: {
    version: "4.0",
    vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    score: 9.3,
    severity: "critical",
  },
  credits: [
    { name: "Jane Finder", type: "finder" },
    { name: "Acme PSIRT", type: "coordinator" },
  ],
  publisher: {
    name: "Acme PSIRT",
    publicUrl: "https://psirt.acme.example",
    cnaOrgId: "2f0b1c8e-5a4d-4e7b-9c1a-0d3e6f7a8b9c",
    cnaShortName: "acme",
  },
  generatorVersion: "0.1.0",
  ...over,
});

describe("CSAF 2.0", () => {
  it("the reference advisories pass the validators (the validators work)", async () => {
    const doc = refJson("csaf-2.0-examples/cisco-sa-20180328-smi2.json");
    expect(validCsafSchema(doc)).toEqual([]);
    expect(await csafMandatory(doc)).toEqual([]);
    const broken = structuredClone(doc);
    broken.document.tracking.version = "99";
    expect((await csafMandatory(broken)).length).toBeGreaterThan(0);
  });

  it("embargoed: TLP AMBER, interim, all five sections, valid", async () => {
    const doc = toCsaf(base()) as Json;
    expect(validCsafSchema(doc)).toEqual([]);
    expect(await csafMandatory(doc)).toEqual([]);
    expect(doc.document.distribution.tlp.label).toBe("AMBER");
    expect(doc.document.tracking).toMatchObject({ status: "interim", version: "2" });
    expect(doc.document.notes.map((n: { title: string }) => n.title)).toEqual([
      "Summary",
      "Technical details",
      "Detection guidance",
      "Proof of concept",
      "Indicators of compromise",
    ]);
    const names = JSON.stringify(doc.product_tree);
    expect(names).toContain("Gateway");
    expect(names).toContain("gateway-sdk");
    expect(names).toContain("vers:generic/<1.8.3");
    expect(doc.vulnerabilities[0].cve).toBe("CVE-2026-10001");
    expect(doc.vulnerabilities[0].product_status.known_affected).toHaveLength(3);
    expect(doc.vulnerabilities[0].product_status.fixed).toHaveLength(2);
  });

  it("public: TLP WHITE, final, a self reference; CVSS 3.1 as a score", async () => {
    const doc = toCsaf(
      base({
        publishedAt: new Date("2026-03-02T18:00:00Z"),
        content: restrictToLevel(base().content, "public"),
        level: "public",
        cvss: {
          version: "3.1",
          vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
          score: 9.8,
          severity: "critical",
        },
      }),
    ) as Json;
    expect(validCsafSchema(doc)).toEqual([]);
    expect(await csafMandatory(doc)).toEqual([]);
    expect(doc.document.distribution.tlp.label).toBe("WHITE");
    expect(doc.document.tracking.status).toBe("final");
    expect(doc.document.references[0].url).toBe(
      "https://psirt.acme.example/.well-known/csaf/white/2026/fw-2026-0001.json",
    );
    expect(doc.vulnerabilities[0].scores[0].cvss_v3.baseScore).toBe(9.8);
    expect(JSON.stringify(doc)).not.toContain("curl -H");
  });

  it("a published advisory exported with unpublished sections stays AMBER", async () => {
    const doc = toCsaf(base({ publishedAt: new Date("2026-03-02T18:00:00Z") })) as Json;
    expect(doc.document.distribution.tlp.label).toBe("AMBER");
    expect(doc.document.tracking.status).toBe("final");
    expect(await csafMandatory(doc)).toEqual([]);
  });

  it("a wrong CWE name or a contradicting status fails the mandatory tests (so they would catch our bugs)", async () => {
    const doc = toCsaf(base({ cwe: { id: "CWE-287", name: "Something else" } })) as Json;
    expect((await csafMandatory(doc)).some((e: string) => e.startsWith("mandatoryTest_6_1_11:"))).toBe(true);
    const contradicting = toCsaf(base()) as Json;
    contradicting.vulnerabilities[0].product_status.fixed.push(
      contradicting.vulnerabilities[0].product_status.known_affected[0],
    );
    expect(
      (await csafMandatory(contradicting)).some((e: string) => e.startsWith("mandatoryTest_6_1_6:")),
    ).toBe(true);
  });

  it("a product without a fix gets none_available, still valid", async () => {
    const content = base().content;
    const doc = toCsaf(
      base({
        content: {
          ...content,
          products: [{ vendor: "Acme", product: "Legacy", affected: ["1.0"], fixed: [] }],
        },
      }),
    ) as Json;
    expect(await csafMandatory(doc)).toEqual([]);
    expect(doc.vulnerabilities[0].remediations[0].category).toBe("none_available");
  });
});

describe("OSV", () => {
  it("is valid against the OSV schema, embargoed and public", () => {
    const embargoed = toOsv(base()) as Json;
    expect(validOsvSchema(embargoed)).toEqual([]);
    expect(embargoed.id).toBe("x_forewarn-FW-2026-0001");
    expect(embargoed.aliases).toEqual(["CVE-2026-10001"]);
    expect(embargoed.severity).toEqual([{ type: "CVSS_V4", score: base().cvss?.vector }]);
    expect(embargoed).not.toHaveProperty("published");
    const sdk = embargoed.affected.find((a: Json) => a.package);
    expect(sdk.package).toEqual({
      ecosystem: "npm",
      name: "@acme/gateway-sdk",
      purl: "pkg:npm/%40acme/gateway-sdk",
    });
    expect(sdk.ranges[0].events).toEqual([{ introduced: "0" }, { fixed: "1.8.3" }]);
    const pub = toOsv(base({ publishedAt: new Date("2026-03-02T18:00:00Z") })) as Json;
    expect(validOsvSchema(pub)).toEqual([]);
    expect(pub.published).toBe("2026-03-02T18:00:00Z");
  });

  it("the schema check can fail", () => {
    const bad = toOsv(base()) as Json;
    bad.severity = [{ type: "CVSS_V3", score: "CVSS:3.1/AV:Z" }];
    expect(validOsvSchema(bad).length).toBeGreaterThan(0);
  });
});

describe("CVE JSON 5", () => {
  it("has the CNA container's required structure", () => {
    const r = toCveRecord(base()) as Json;
    assertCveRecord(r, "CVE-2026-10001");
    expect(r.containers.cna.metrics[0].cvssV4_0).toMatchObject({ baseScore: 9.3, baseSeverity: "CRITICAL" });
    expect(r.containers.cna.problemTypes[0].descriptions[0].cweId).toBe("CWE-287");
    expect(r.containers.cna.credits.map((c: Json) => c.type)).toEqual(["finder", "coordinator"]);
    expect(r.containers.cna.affected.map((a: Json) => a.product)).toEqual(["Gateway", "gateway-sdk"]);
  });

  it("without a CVE ID still gives the CNA container, but no cveMetadata", () => {
    const r = toCveRecord(base({ cveId: null })) as Json;
    expect(r).not.toHaveProperty("cveMetadata");
    expect(r.containers.cna.affected).toHaveLength(2);
  });
});

describe("content levels", () => {
  it("keeps only the level's sections", () => {
    const c = base().content;
    expect(restrictToLevel(c, "summary").sections).toEqual({
      ...c.sections,
      details: "",
      detection: "",
      poc: "",
      indicators: "",
    });
    expect(restrictToLevel(c, "detection").sections.poc).toBe("");
    expect(restrictToLevel(c, "detection").sections.indicators).toBe(c.sections.indicators);
    expect(restrictToLevel(c, "full")).toEqual(c);
    const tier = restrictToSections(c, ["summary", "poc"]);
    expect(
      Object.entries(tier.sections)
        .filter(([, v]) => v)
        .map(([k]) => k),
    ).toEqual(["summary", "poc"]);
  });
});
