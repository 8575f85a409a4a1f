// Validators that are not ours, for export tests: CSAF 2.0 by csaf-validator-lib's mandatory tests and
// the OASIS JSON schema, OSV by its JSON schema (both with ajv); CVE JSON 5 has no schema package on
// npm, so its required structure is asserted by hand here.
import { readFileSync } from "node:fs";
import * as mandatory from "@secvisogram/csaf-validator-lib/mandatoryTests.js";
import cvss20 from "@secvisogram/csaf-validator-lib/schemas/cvss-v2.0.js";
import cvss30 from "@secvisogram/csaf-validator-lib/schemas/cvss-v3.0.js";
import cvss31 from "@secvisogram/csaf-validator-lib/schemas/cvss-v3.1.js";
import validate from "@secvisogram/csaf-validator-lib/validate.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: exported documents are inspected as plain JSON
export type Json = any;

const REF = new URL("./fixtures/reference/", import.meta.url);
export const refJson = (name: string) => JSON.parse(readFileSync(new URL(name, REF), "utf8"));

function ajv() {
  const a = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(a);
  // The CSAF schema refers to the CVSS schemas without their date suffix.
  for (const s of [cvss20, cvss30, cvss31] as Record<string, unknown>[]) {
    a.addSchema({ ...s, $id: String(s.$id).split("?")[0] });
  }
  return a;
}
const csafSchema = ajv().compile(refJson("csaf-2.0-schema.json"));
const osvSchema = ajv().compile(refJson("osv-schema.json"));

export async function csafMandatory(doc: unknown) {
  const result = await validate(Object.values(mandatory) as Parameters<typeof validate>[0], doc);
  return result.tests.filter((t) => !t.isValid).map((t) => `${t.name}: ${JSON.stringify(t.errors)}`);
}
export const validCsafSchema = (doc: unknown) => (csafSchema(doc) ? [] : (csafSchema.errors ?? []));
export const validOsvSchema = (doc: unknown) => (osvSchema(doc) ? [] : (osvSchema.errors ?? []));

/** Asserts the parts of a CVE JSON 5 record (CNA container, published) that the schema requires. */
export function assertCveRecord(r: Json, cveId: string) {
  expect(r.dataType).toBe("CVE_RECORD");
  expect(r.dataVersion).toMatch(/^5\.\d$/);
  expect(r.cveMetadata).toMatchObject({ cveId, state: "PUBLISHED" });
  expect(r.cveMetadata.assignerOrgId).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i,
  );
  const cna = r.containers.cna;
  expect(cna.providerMetadata.orgId).toBe(r.cveMetadata.assignerOrgId);
  expect(cna.descriptions.length).toBeGreaterThan(0);
  for (const d of cna.descriptions) {
    expect(d.lang).toBe("en");
    expect(d.value.length).toBeGreaterThan(0);
    expect(d.value.length).toBeLessThanOrEqual(4096);
  }
  expect(cna.affected.length).toBeGreaterThan(0);
  for (const a of cna.affected) {
    expect(a.vendor || a.collectionURL).toBeTruthy();
    expect(a.product || a.packageName).toBeTruthy();
    expect(["affected", "unaffected", "unknown"]).toContain(a.defaultStatus);
    for (const v of a.versions) expect(["affected", "unaffected", "unknown"]).toContain(v.status);
  }
  expect(cna.references.length).toBeGreaterThan(0);
  for (const ref of cna.references) expect(() => new URL(ref.url)).not.toThrow();
  for (const m of cna.metrics ?? []) {
    const score = m.cvssV4_0 ?? m.cvssV3_1;
    expect(["CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE"]).toContain(score.baseSeverity);
    expect(score.vectorString.startsWith(`CVSS:${score.version}/`)).toBe(true);
  }
  for (const p of cna.problemTypes ?? [])
    for (const d of p.descriptions) expect(d.cweId ?? "CWE-1").toMatch(/^CWE-[1-9][0-9]*$/);
}
