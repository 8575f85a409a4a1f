// derivePlan: each partner lands in its earliest slot exactly once, at T0 minus its lead time or in an
// extra wave; exclusions and ineligibility carry reasons; every refusal names what was wrong.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compressedWaves,
  compressionWarnings,
  derivePlan,
  type PartnerEligibility,
  PlanError,
} from "./plan.ts";

const NOW = new Date("2026-03-01T00:00:00Z");
const T0 = new Date("2026-03-10T00:00:00Z");
const FULL = ["summary", "details", "detection", "poc", "indicators"];
const p = (id: string, tier: string, leadDays: number, content = FULL): PartnerEligibility => ({
  id,
  name: id.toUpperCase(),
  eligible: true,
  tier,
  leadSeconds: leadDays * 86_400,
  content,
  reasons: [],
});
const suspended: PartnerEligibility = {
  id: "org_s",
  name: "S",
  eligible: false,
  tier: null,
  leadSeconds: null,
  content: [],
  reasons: [
    { rule: "suspended", effect: "not_eligible", reference: null, message: "the partner is suspended" },
  ],
};

describe("derivePlan", () => {
  it("groups partners by tier at T0 minus the lead time and records the ineligible with their reason", () => {
    const out = derivePlan(
      { publicAt: T0, extraWaves: [], exclude: [] },
      [
        p("org_a", "gold", 5),
        p("org_b", "std", 1, ["summary", "details"]),
        p("org_c", "std", 1, ["summary", "details"]),
        suspended,
      ],
      NOW,
    );
    expect(out.waves.map((w) => [w.at.toISOString(), w.tier, w.partnerIds, w.content])).toEqual([
      ["2026-03-05T00:00:00.000Z", "gold", ["org_a"], FULL],
      ["2026-03-09T00:00:00.000Z", "std", ["org_b", "org_c"], ["summary", "details"]],
    ]);
    expect(out.exclusions).toEqual([
      expect.objectContaining({ partnerId: "org_s", kind: "ineligible", reason: "the partner is suspended" }),
    ]);
  });

  it("an extra wave for a named partner takes it out of its tier wave, with less content when asked", () => {
    const out = derivePlan(
      {
        publicAt: T0,
        extraWaves: [
          {
            at: new Date("2026-03-02T00:00:00Z"),
            partnerIds: ["org_b"],
            content: ["summary"],
            reason: "SharePoint T-14",
          },
        ],
        exclude: [{ partnerId: "org_c", reason: "asked to be left out" }],
      },
      [p("org_a", "gold", 5), p("org_b", "gold", 5), p("org_c", "gold", 5)],
      NOW,
    );
    expect(out.waves.map((w) => [w.kind, w.partnerIds, w.content, w.reason])).toEqual([
      ["extra", ["org_b"], ["summary"], "SharePoint T-14"],
      ["tier", ["org_a"], FULL, null],
    ]);
    expect(out.exclusions).toEqual([
      { partnerId: "org_c", kind: "coordinator", reason: "asked to be left out", details: [] },
    ]);
  });

  it("refuses T0 in the past, waves after T0 or in the past, unknown partners and content beyond eligibility, naming each", () => {
    const run = () =>
      derivePlan(
        {
          publicAt: new Date("2026-02-01T00:00:00Z"),
          extraWaves: [
            { at: new Date("2026-02-02T00:00:00Z"), partnerIds: ["org_x"] },
            { at: new Date("2026-02-03T00:00:00Z"), partnerIds: ["org_b"], content: ["poc"] },
          ],
          exclude: [],
        },
        [p("org_b", "std", 1, ["summary"])],
        NOW,
      );
    expect(run).toThrow(PlanError);
    try {
      run();
    } catch (e) {
      const problems = (e as PlanError).problems.join("\n");
      expect(problems).toMatch(/publicAt .* is not in the future/);
      expect(problems).toMatch(/unknown or inactive partners: org_x/);
      expect(problems).toMatch(/extraWaves\[1\]\.at .* is after publicAt/);
      expect(problems).toMatch(/extraWaves\[0\]\.at .* is in the past/);
      expect(problems).toMatch(/may not receive poc/);
      // Each problem that lies in one field points at it, for the plan editor to mark that field.
      const issues = (e as PlanError).issues;
      // Both waves lie after T0 and before now: two problems each on their time.
      expect(issues.map((i) => i.path).sort()).toEqual([
        "/extraWaves/0/at",
        "/extraWaves/0/at",
        "/extraWaves/1/at",
        "/extraWaves/1/at",
        "/extraWaves/1/content",
        "/publicAt",
      ]);
      expect(issues.find((i) => i.path === "/extraWaves/1/content")?.message).toMatch(/may not receive poc/);
      expect(issues.some((i) => i.message.includes("unknown or inactive"))).toBe(false);
    }
  });

  it("every eligible, not excluded partner is in exactly one wave, never after T0 nor later than its tier", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ lead: fc.integer({ min: 0, max: 8 }), eligible: fc.boolean(), excluded: fc.boolean() }),
          {
            maxLength: 12,
          },
        ),
        fc.array(fc.record({ day: fc.integer({ min: 2, max: 9 }), who: fc.nat() }), { maxLength: 3 }),
        (specs, extras) => {
          const partners = specs.map((s, i) => ({
            ...p(`org_${i}`, `t${s.lead}`, s.lead),
            eligible: s.eligible,
          }));
          const excluded = specs.flatMap((s, i) => (s.excluded ? [`org_${i}`] : []));
          const open = partners.filter((x) => x.eligible && !excluded.includes(x.id));
          const extraWaves = open.length
            ? extras.map((e) => ({
                at: new Date(NOW.getTime() + e.day * 86_400_000),
                partnerIds: [open[e.who % open.length]?.id as string],
              }))
            : [];
          const out = derivePlan(
            { publicAt: T0, extraWaves, exclude: excluded.map((id) => ({ partnerId: id, reason: "r" })) },
            partners,
            NOW,
          );
          const placed = out.waves.flatMap((w) => w.partnerIds);
          expect(placed.sort()).toEqual(open.map((x) => x.id).sort());
          for (const w of out.waves) {
            expect(w.at.getTime()).toBeLessThanOrEqual(T0.getTime());
            for (const id of w.partnerIds) {
              const lead = partners.find((x) => x.id === id)?.leadSeconds ?? 0;
              expect(w.at.getTime()).toBeLessThanOrEqual(T0.getTime() - lead * 1000);
            }
          }
        },
      ),
    );
  });
});

describe("compressed lead times", () => {
  const T0 = new Date("2026-03-10T12:00:00Z"); // shadows the file's T0 on purpose: times at noon
  const wave = (at: string) => ({
    at: new Date(at),
    kind: "tier" as const,
    tier: "vetted-plus",
    partnerIds: ["p"],
  });
  it("names a tier wave whose time has passed, with the lead time it had and what is left", () => {
    const now = new Date("2026-03-08T12:00:00Z");
    expect(compressedWaves([wave("2026-03-05T12:00:00Z")], T0, now)).toEqual([
      {
        tier: "vetted-plus",
        partnerIds: ["p"],
        at: new Date("2026-03-05T12:00:00Z"),
        leadSeconds: 5 * 86400,
        availableSeconds: 2 * 86400,
      },
    ]);
    expect(compressionWarnings(compressedWaves([wave("2026-03-05T12:00:00Z")], T0, now))[0]).toBe(
      "T0 is sooner than the vetted-plus tier's lead time of 5 days: its 1 partner would receive it at once on arming, only 2 days before T0",
    );
  });
  it("leaves waves still to come, extra waves, and a wave a moment ago alone", () => {
    const now = new Date("2026-03-05T12:00:30Z");
    expect(compressedWaves([wave("2026-03-05T12:00:00Z"), wave("2026-03-06T12:00:00Z")], T0, now)).toEqual(
      [],
    );
    expect(compressedWaves([{ ...wave("2026-03-01T12:00:00Z"), kind: "extra" as const }], T0, now)).toEqual(
      [],
    );
  });
});

describe("a wave at T0", () => {
  it("never carries less than the public (summary and details)", () => {
    const out = derivePlan(
      { publicAt: T0, extraWaves: [], exclude: [] },
      [p("org_r", "restricted", 0, ["summary"])],
      NOW,
    );
    expect(out.waves.map((w) => [w.tier, w.content])).toEqual([["restricted", ["summary", "details"]]]);
  });
});
