// Who receives what, and when: a pure function of the partner, the tiers, the policy rules, its NDA
// and attestation state, and the time. Every effect can only take away (tier, lead time, content),
// never add; each one leaves a reason carrying its rule and legal reference.

import { SECTIONS, type Section } from "../../contract/enums.ts";

export type Tier = { name: string; leadTime: string; leadSeconds: number; content: readonly Section[] };

export type Condition = {
  /** any (default): one listed criterion suffices; all: every listed criterion must hold. */
  match?: "any" | "all" | undefined;
  /** Headquarters or any staff country in the list. */
  countries?: readonly string[] | undefined;
  /** Headquarters only. */
  hqCountries?: readonly string[] | undefined;
  /** An affiliation containing any of these (case-insensitive). */
  affiliations?: readonly string[] | undefined;
  kinds?: readonly string[] | undefined;
};

export type Effect =
  | { type: "cap_tier"; tier: string }
  | { type: "remove_content"; content: readonly Section[] }
  | { type: "not_eligible" };

export type Rule = {
  id: string;
  name: string;
  condition: Condition;
  effect: Effect;
  reference: string;
  enabled: boolean;
};

export type PartnerFacts = {
  status: string;
  tier: string;
  country: string;
  staffCountries: readonly string[];
  affiliations: readonly string[];
  kind: string;
};

export type Compliance = {
  /** The NDA version in force, or null when none has been published. */
  currentNdaVersion: number | null;
  /** Versions this partner has signed. */
  signedNdaVersions: readonly number[];
  attestationExpiresAt: Date;
};

export type Reason = { rule: string; effect: string; reference: string | null; message: string };

export type Eligibility = {
  eligible: boolean;
  tier: string | null;
  leadTime: string | null;
  leadSeconds: number | null;
  content: Section[];
  reasons: Reason[];
};

export function matches(c: Condition, p: PartnerFacts): boolean {
  const up = (xs: readonly string[]) => xs.map((x) => x.toUpperCase());
  const checks: boolean[] = [];
  if (c.countries) {
    const list = up(c.countries);
    checks.push([p.country, ...p.staffCountries].some((x) => list.includes(x.toUpperCase())));
  }
  if (c.hqCountries) checks.push(up(c.hqCountries).includes(p.country.toUpperCase()));
  if (c.affiliations) {
    const pats = c.affiliations.map((a) => a.toLowerCase()).filter(Boolean);
    checks.push(p.affiliations.some((a) => pats.some((pat) => a.toLowerCase().includes(pat))));
  }
  if (c.kinds) checks.push(c.kinds.includes(p.kind));
  if (checks.length === 0) return true;
  return c.match === "all" ? checks.every(Boolean) : checks.some(Boolean);
}

export const effectLabel = (e: Effect): string =>
  e.type === "cap_tier"
    ? `cap_tier:${e.tier}`
    : e.type === "remove_content"
      ? `remove_content:${e.content.join(",")}`
      : "not_eligible";

const formatDays = (s: number) => (s % 86_400 === 0 ? `${s / 86_400} d` : `${s} s`);

export function evaluateEligibility(input: {
  partner: PartnerFacts;
  tiers: readonly Tier[];
  rules: readonly Rule[];
  compliance: Compliance;
  now: Date;
}): Eligibility {
  const { partner, tiers, rules, compliance, now } = input;
  const reasons: Reason[] = [];
  let blocked = false;
  const block = (rule: string, message: string, reference: string | null = null) => {
    blocked = true;
    reasons.push({ rule, effect: "not_eligible", reference, message });
  };

  if (partner.status !== "active") {
    block(
      partner.status,
      partner.status === "suspended"
        ? "the partner is suspended: delivery stopped"
        : `the partner is ${partner.status.replace("_", " ")}, not active`,
    );
  }
  if (compliance.currentNdaVersion === null) {
    block("nda", "no NDA has been published yet");
  } else if (!compliance.signedNdaVersions.includes(compliance.currentNdaVersion)) {
    block("nda", `the current NDA (version ${compliance.currentNdaVersion}) is not signed`);
  }
  if (compliance.attestationExpiresAt.getTime() <= now.getTime()) {
    block(
      "attestation",
      `the yearly attestation expired on ${compliance.attestationExpiresAt.toISOString()}`,
    );
  }

  const base = tiers.find((t) => t.name === partner.tier);
  let tierName: string | null = base?.name ?? null;
  let lead = base?.leadSeconds ?? 0;
  let leadTime = base?.leadTime ?? null;
  let content = new Set<Section>(base?.content ?? []);
  if (!base) block("tier", `the partner's tier "${partner.tier}" does not exist`);

  for (const r of rules) {
    if (!r.enabled || !matches(r.condition, partner)) continue;
    const e = r.effect;
    if (e.type === "not_eligible") {
      block(r.name, `rule "${r.name}" excludes this partner`, r.reference);
      continue;
    }
    if (e.type === "remove_content") {
      for (const c of e.content) content.delete(c);
      reasons.push({
        rule: r.name,
        effect: effectLabel(e),
        reference: r.reference,
        message: `rule "${r.name}" removes ${e.content.join(", ")}`,
      });
      continue;
    }
    const cap = tiers.find((t) => t.name === e.tier);
    if (!cap) {
      // A cap to a tier that no longer exists cannot be honoured safely: it blocks.
      block(r.name, `rule "${r.name}" caps at tier "${e.tier}", which does not exist`, r.reference);
      continue;
    }
    if (cap.leadSeconds < lead || (cap.leadSeconds === lead && tierName !== cap.name)) {
      tierName = cap.name;
      leadTime = cap.leadTime;
    }
    lead = Math.min(lead, cap.leadSeconds);
    content = new Set([...content].filter((c) => cap.content.includes(c)));
    reasons.push({
      rule: r.name,
      effect: effectLabel(e),
      reference: r.reference,
      message: `rule "${r.name}" caps the partner at ${cap.name} (${cap.leadSeconds === 0 ? "at release" : `${formatDays(cap.leadSeconds)} before release`})`,
    });
  }

  const ordered = SECTIONS.filter((c) => content.has(c));
  if (!blocked && ordered.length === 0) block("content", "the rules leave no content to receive");
  if (blocked)
    return { eligible: false, tier: null, leadTime: null, leadSeconds: null, content: [], reasons };
  return { eligible: true, tier: tierName, leadTime, leadSeconds: lead, content: ordered, reasons };
}
