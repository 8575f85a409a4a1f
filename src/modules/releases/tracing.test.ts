// The tracing text and its key: sections come back whole from any recipient's rendering, a copy
// restricted to fewer sections carries a subset of the points (never other ones), capacity per wave
// follows the sections, canary placeholders survive the variation untouched and become fresh tokens.
import { describe, expect, it } from "vitest";
import { codeword } from "../../tracing/code.ts";
import { render } from "../../tracing/render.ts";
import { SECTIONS } from "../advisories/content.ts";
import { canarySubstituter } from "./canary-placeholders.ts";
import { type Recipient, type RenderSource, renderCopy } from "./render.ts";
import {
  fingerprintCopy,
  planTracingKey,
  splitSections,
  tracingCapacity,
  tracingRuntime,
  tracingText,
} from "./tracing.ts";

const PROSE =
  "An attacker could send a crafted request to the management interface, which allows them to bypass authentication. " +
  "For more details about the affected releases, see the vendor notice. The update has been released and should be installed as soon as possible. " +
  "This includes changing the default credentials, however it is not required in order to apply the fix. ";

const SOURCE: RenderSource = {
  advisoryId: "adv_1",
  trackingId: "FW-2026-0001",
  revision: 3,
  content: {
    title: "Gateway: authentication bypass",
    products: [{ vendor: "Acme", product: "Gateway", affected: ["1.0"], fixed: ["1.1"] }],
    sections: {
      summary: PROSE,
      details: PROSE.repeat(3),
      detection: `${PROSE} Query {{canary:dns}} from a lab host.`,
      poc: `Post the result to {{canary:url}}. ${PROSE}`,
      indicators: "- 203.0.113.7",
    },
  },
  files: [],
};
const WHO: Recipient = { kind: "user", id: "usr_A", partnerId: "org_A", partnerName: "Partner A" };
const CANARY = { domain: "canary.example.org", publicUrl: "https://fw.example/" };

describe("tracing text", () => {
  it("comes back section by section from any rendering, the protected placeholders untouched", () => {
    const key = planTracingKey(SOURCE, [], "unit-1");
    if (!key) throw new Error("no key");
    expect(tracingText(SOURCE)).toContain("<!-- forewarn-section:details -->");
    for (const id of ["usr_A", "usr_B", "org_A"]) {
      const x = codeword(Buffer.from(key.key, "hex"), id, Float64Array.from(key.biases));
      const parts = splitSections(render(key.plan, x.subarray(0, key.plan.points.length)));
      expect([...parts.keys()]).toEqual([...SECTIONS]);
      expect(parts.get("indicators")).toBe("- 203.0.113.7");
      expect(parts.get("detection")).toContain("{{canary:dns}}");
      expect(parts.get("poc")).toContain("{{canary:url}}");
      // The wording differs from the author's, but only by variation (same words once normalised).
      const words = (s: string) => s.replace(/[\u200B-\u200D\u2060\uFEFF]/g, "").match(/[a-z]+/gi)?.length;
      expect(words(parts.get("summary") ?? "")).toBeGreaterThan(20);
    }
  });

  it("gives a copy with fewer sections a subset of the full copy's points, and capacity follows", () => {
    const key = planTracingKey(SOURCE, [], "unit-2");
    if (!key) throw new Error("no key");
    const cap = tracingCapacity(SOURCE, key, [
      { sections: ["summary"], recipients: 10 },
      { sections: [...SECTIONS], recipients: 40 },
    ]);
    const [summary, full] = cap.waves;
    expect(summary?.points.total).toBeGreaterThan(0);
    expect(summary?.points.total).toBeLessThan(full?.points.total ?? 0);
    expect(full?.points.total).toBe(cap.points.total);
    expect(full?.populationBound).toBeCloseTo((full?.epsilon ?? 0) * 40);
    const rt = tracingRuntime("trk_1", key);
    const small = renderCopy(SOURCE, ["summary"], WHO, (c, r) => fingerprintCopy(rt, CANARY, c, r)).copy;
    const big = renderCopy(SOURCE, [...SECTIONS], WHO, (c, r) => fingerprintCopy(rt, CANARY, c, r)).copy;
    // The same recipient's summary is the same text whatever else the copy carries.
    expect(small.sections.summary).toBe(big.sections.summary);
    expect(Object.keys(small.sections)).toEqual(["summary"]);
    expect(small.markdown).not.toContain("forewarn-section");
  });

  it("replaces each placeholder with its own fresh token and leaves none behind", () => {
    const key = planTracingKey(SOURCE, [], "unit-3");
    const rt = key ? tracingRuntime("trk_1", key) : null;
    const a = renderCopy(SOURCE, [...SECTIONS], WHO, (c, r) => fingerprintCopy(rt, CANARY, c, r));
    const b = renderCopy(SOURCE, [...SECTIONS], WHO, (c, r) => fingerprintCopy(rt, CANARY, c, r));
    expect(a.copy.markdown).not.toContain("{{canary:");
    expect(a.copy.markdown).toMatch(/ [a-z2-7]{20}\.canary\.example\.org /);
    expect(a.copy.markdown).toMatch(/https:\/\/fw\.example\/c\/[a-z2-7]{20}\./);
    expect(a.canaries?.map((t) => t.kind).sort()).toEqual(["dns", "url"]);
    const tokens = [...(a.canaries ?? []), ...(b.canaries ?? [])].map((t) => t.token);
    expect(new Set(tokens).size).toBe(4);
    // The same recipient rendered twice: the same wording (same codeword), new tokens.
    expect(a.codeword).toEqual(b.codeword);
  });

  it("without a canary domain, a DNS placeholder is the neutral name and mints nothing", () => {
    const { substitute, minted } = canarySubstituter({ publicUrl: "http://127.0.0.1:8080" });
    expect(substitute("dig {{canary:dns}} and {{canary:url}}")).toMatch(
      /^dig canary\.invalid and http:\/\/127\.0\.0\.1:8080\/c\/[a-z2-7]{20}$/,
    );
    expect(minted.map((m) => m.kind)).toEqual(["url"]);
  });

  it("has no key for an advisory with nothing to vary", () => {
    const empty: RenderSource = {
      ...SOURCE,
      content: {
        ...SOURCE.content,
        sections: { summary: "", details: "", detection: "", poc: "", indicators: "" },
      },
    };
    expect(planTracingKey(empty, [])).toBeNull();
    expect(tracingCapacity(empty, null, [{ sections: ["summary"], recipients: 1 }]).warnings[0]).toMatch(
      /nothing in this advisory can be fingerprinted/,
    );
  });
});
