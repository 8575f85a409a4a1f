// renderCopy: a recipient's copy carries only its sections and the files they allow, names who it is
// for, and passes through the fingerprint seam exactly once.
import { describe, expect, it } from "vitest";
import { type Fingerprint, type RenderSource, renderCopy } from "./render.ts";

const SOURCE: RenderSource = {
  advisoryId: "adv_1",
  trackingId: "FW-2026-0001",
  revision: 3,
  content: {
    title: "Gateway: admin bypass",
    products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
    sections: {
      summary: "SUMMARY-TEXT",
      details: "DETAILS-TEXT",
      detection: "DETECTION-TEXT",
      poc: "POC-TEXT",
      indicators: "",
    },
  },
  files: [
    {
      id: "afl_1",
      section: "detection",
      filename: "a.rules",
      mediaType: "text/plain",
      size: 5,
      sha256: "ab",
      text: "RULE!",
    },
    { id: "afl_2", section: "poc", filename: "p.zip", mediaType: "application/zip", size: 9, sha256: "cd" },
  ],
};
const WHO = { kind: "user" as const, id: "usr_1", partnerId: "org_1", partnerName: "Partner One" };

describe("renderCopy", () => {
  it("keeps only the recipient's sections and their files, in section order, empty ones left out", () => {
    const { copy, codeword } = renderCopy(SOURCE, ["indicators", "detection", "summary"], WHO);
    expect(codeword).toBeNull();
    expect(Object.keys(copy.sections)).toEqual(["summary", "detection"]);
    for (const hidden of ["DETAILS-TEXT", "POC-TEXT", "p.zip"])
      expect(JSON.stringify(copy)).not.toContain(hidden);
    expect(copy.files.map((f) => [f.filename, f.text])).toEqual([["a.rules", "RULE!"]]);
    expect(copy.markdown.indexOf("SUMMARY-TEXT")).toBeLessThan(copy.markdown.indexOf("DETECTION-TEXT"));
    expect(copy.markdown).toContain("Prepared for Partner One");
    expect(copy.markdown).toContain("Acme Gateway: affected 4.2.1; fixed in 4.2.2");
    expect(copy.recipient).toEqual({ kind: "user", id: "usr_1", partnerId: "org_1" });
  });

  it("heads the copy with T0 in UTC, the CVE IDs, CVSS vector and score and the CWE", () => {
    const { copy } = renderCopy(
      {
        ...SOURCE,
        facts: {
          publicAt: new Date("2026-06-01T12:00:00Z"),
          cveIds: ["CVE-2026-20001"],
          cvss: { version: "4.0", vector: "CVSS:4.0/AV:N/AC:L", score: 9.3, severity: "critical" },
          cwe: { id: "CWE-287", name: "Improper Authentication" },
        },
      },
      ["summary"],
      WHO,
    );
    expect(copy.markdown).toContain("embargoed until public release at 2026-06-01 12:00 UTC");
    expect(copy.markdown).toContain("- CVE: CVE-2026-20001");
    expect(copy.markdown).toContain("- CVSS: 9.3 critical (CVSS:4.0/AV:N/AC:L)");
    expect(copy.markdown).toContain("- CWE: CWE-287 Improper Authentication");
    expect(copy.markdown.indexOf("CVE-2026-20001")).toBeLessThan(copy.markdown.indexOf("SUMMARY-TEXT"));
    expect(copy).toMatchObject({
      publicAt: "2026-06-01T12:00:00.000Z",
      cveIds: ["CVE-2026-20001"],
      cvss: { score: 9.3, vector: "CVSS:4.0/AV:N/AC:L" },
      cwe: { id: "CWE-287" },
    });
    const none = renderCopy(
      { ...SOURCE, facts: { publicAt: new Date("2026-06-01T12:00:00Z"), cveIds: [], cvss: null, cwe: null } },
      ["summary"],
      WHO,
    ).copy.markdown;
    expect(none).toContain("- CVE: not assigned yet");
    expect(none).toContain("- CVSS: not scored yet");
  });

  it("lists binary files by reference only (no bytes in the copy)", () => {
    const { copy } = renderCopy(SOURCE, ["summary", "poc"], WHO);
    expect(copy.files).toEqual([
      {
        id: "afl_2",
        section: "poc",
        filename: "p.zip",
        mediaType: "application/zip",
        size: 9,
        sha256: "cd",
        text: null,
      },
    ]);
  });

  it("hands every copy to the fingerprint seam with its recipient and keeps what it returns", () => {
    const seen: string[] = [];
    const mark: Fingerprint = (copy, r) => {
      seen.push(r.id);
      return {
        copy: { ...copy, markdown: `${copy.markdown}<!-- ${r.id} -->` },
        codeword: new Uint8Array([1, 0, 1]),
      };
    };
    const out = renderCopy(SOURCE, ["summary"], WHO, mark);
    expect(seen).toEqual(["usr_1"]);
    expect(out.copy.markdown.endsWith("<!-- usr_1 -->")).toBe(true);
    expect([...(out.codeword ?? [])]).toEqual([1, 0, 1]);
  });
});
