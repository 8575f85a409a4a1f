import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SECTIONS, type Section } from "../../contract/enums.ts";
import {
  type Compliance,
  evaluateEligibility,
  type PartnerFacts,
  type Rule,
  type Tier,
} from "./eligibility.ts";

const TIERS: Tier[] = [
  { name: "vetted-plus", leadTime: "P5D", leadSeconds: 432_000, content: [...SECTIONS] },
  {
    name: "standard",
    leadTime: "P1D",
    leadSeconds: 86_400,
    content: ["summary", "details", "detection", "indicators"],
  },
  { name: "restricted", leadTime: "PT0S", leadSeconds: 0, content: ["summary"] },
];
const RMSV: Rule = {
  id: "rul_1",
  name: "mandatory-reporting",
  condition: { countries: ["CN"] },
  effect: { type: "cap_tier", tier: "restricted" },
  reference: "RMSV art. 7, art. 9",
  enabled: true,
};
const NOW = new Date("2026-03-01T00:00:00Z");
const OK: Compliance = {
  currentNdaVersion: 2,
  signedNdaVersions: [1, 2],
  attestationExpiresAt: new Date("2027-01-01T00:00:00Z"),
};
const partner = (p: Partial<PartnerFacts> = {}): PartnerFacts => ({
  status: "active",
  tier: "standard",
  country: "US",
  staffCountries: [],
  affiliations: [],
  kind: "antivirus",
  ...p,
});
const run = (p: PartnerFacts, rules: Rule[] = [RMSV], compliance = OK) =>
  evaluateEligibility({ partner: p, tiers: TIERS, rules, compliance, now: NOW });

describe("eligibility", () => {
  it("gives an active, signed, attested partner its tier", () => {
    expect(run(partner())).toEqual({
      eligible: true,
      tier: "standard",
      leadTime: "P1D",
      leadSeconds: 86_400,
      content: ["summary", "details", "detection", "indicators"],
      reasons: [],
    });
  });

  it("caps a partner with headquarters or staff in a reporting-law country, citing the law", () => {
    for (const p of [
      partner({ country: "CN", tier: "vetted-plus" }),
      partner({ staffCountries: ["DE", "CN"] }),
    ]) {
      const e = run(p);
      expect(e.eligible).toBe(true);
      expect(e.tier).toBe("restricted");
      expect(e.leadSeconds).toBe(0);
      expect(e.content).toEqual(["summary"]);
      expect(e.reasons).toEqual([
        expect.objectContaining({
          rule: "mandatory-reporting",
          effect: "cap_tier:restricted",
          reference: "RMSV art. 7, art. 9",
        }),
      ]);
    }
  });

  it("stops delivery to a suspended partner, an unsigned NDA and an expired attestation, with every reason", () => {
    const e = run(partner({ status: "suspended" }), [RMSV], {
      currentNdaVersion: 3,
      signedNdaVersions: [1, 2],
      attestationExpiresAt: NOW,
    });
    expect(e.eligible).toBe(false);
    expect(e.content).toEqual([]);
    expect(e.reasons.map((r) => r.rule)).toEqual(["suspended", "nda", "attestation"]);
  });

  it("blocks when a cap names a tier that does not exist, and when nothing is left", () => {
    const ghost: Rule = { ...RMSV, effect: { type: "cap_tier", tier: "gone" } };
    expect(run(partner({ country: "CN" }), [ghost]).eligible).toBe(false);
    const strip: Rule = {
      ...RMSV,
      condition: {},
      effect: { type: "remove_content", content: [...SECTIONS] },
    };
    expect(run(partner(), [strip]).reasons.at(-1)?.rule).toBe("content");
  });

  it("matches affiliations case-insensitively and honours match: all", () => {
    const cnnvd: Rule = {
      ...RMSV,
      name: "gov-db",
      condition: { match: "all", affiliations: ["cnnvd"], kinds: ["antivirus"] },
      effect: { type: "remove_content", content: ["poc"] },
    };
    expect(run(partner({ tier: "vetted-plus", affiliations: ["Member of CNNVD"] }), [cnnvd]).content).toEqual(
      ["summary", "details", "detection", "indicators"],
    );
    expect(
      run(partner({ tier: "vetted-plus", kind: "cert", affiliations: ["CNNVD"] }), [cnnvd]).content,
    ).toHaveLength(5);
  });

  // The property the policy editor relies on: adding rules can only take away.
  const arbContent = fc.subarray([...SECTIONS] as Section[]);
  const arbRule = fc.record({
    id: fc.constant("r"),
    name: fc.string({ maxLength: 5 }),
    condition: fc.record(
      {
        countries: fc.array(fc.constantFrom("US", "CN", "DE", "RU"), { maxLength: 2 }),
        kinds: fc.array(fc.constantFrom("antivirus", "cert"), { maxLength: 2 }),
        match: fc.constantFrom("any" as const, "all" as const),
      },
      { requiredKeys: [] },
    ),
    effect: fc.oneof(
      fc.record({
        type: fc.constant("cap_tier" as const),
        tier: fc.constantFrom("vetted-plus", "standard", "restricted", "x"),
      }),
      fc.record({ type: fc.constant("remove_content" as const), content: arbContent }),
      fc.constant({ type: "not_eligible" as const }),
    ),
    reference: fc.constant("ref"),
    enabled: fc.boolean(),
  });
  const arbPartner = fc.record({
    status: fc.constantFrom("active", "suspended", "applicant"),
    tier: fc.constantFrom("vetted-plus", "standard", "restricted"),
    country: fc.constantFrom("US", "CN", "DE", "RU"),
    staffCountries: fc.array(fc.constantFrom("US", "CN", "DE", "RU"), { maxLength: 3 }),
    affiliations: fc.constant([]),
    kind: fc.constantFrom("antivirus", "cert"),
  });

  it("never increases tier lead time or content when a rule is added", () => {
    fc.assert(
      fc.property(arbPartner, fc.array(arbRule, { maxLength: 4 }), arbRule, (p, rules, extra) => {
        const before = run(p, rules);
        const after = run(p, [...rules, extra]);
        if (!before.eligible) {
          expect(after.eligible).toBe(false);
          return;
        }
        if (!after.eligible) return;
        expect(after.leadSeconds ?? 0).toBeLessThanOrEqual(before.leadSeconds ?? 0);
        for (const c of after.content) expect(before.content).toContain(c);
        // And never more than the partner's own tier gives.
        const own = TIERS.find((t) => t.name === p.tier);
        for (const c of after.content) expect(own?.content).toContain(c);
      }),
      { numRuns: 500 },
    );
  });
});
