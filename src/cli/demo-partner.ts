// What both demos set up alike: their NDA, and a partner as they enrol it: applied for with every
// attestation given (the contact's account becomes its partner_admin), approved by two coordinators,
// and moved to its tier.
import type { Actor } from "../authz/authorize.ts";
import type { PartnerKind } from "../contract/enums.ts";
import type { Services } from "../runtime.ts";

export type DemoPartner = {
  name: string;
  /** Its web and mail domain: `slug.example`. */
  slug: string;
  country: string;
  kind: PartnerKind;
  customers: number;
  contact: { name: string; email: string };
  tier: string;
};

/**
 * Publishes the NDA both demos have partners sign, `detail` saying what a copy's fingerprint covers,
 * and returns its version.
 */
export async function publishDemoNda(s: Services, system: Actor, detail = ""): Promise<number> {
  await s.partners.publishNda(
    system,
    `# NDA\n\nEmbargoed details stay inside your organisation until release.\n\nEvery copy is fingerprinted for its recipient${detail}: a leaked copy or excerpt names whose copy it was.`,
  );
  return (await s.partners.currentNda()).version;
}

/** Enrols the partner and returns its ID. */
export async function enrolPartner(
  s: Services,
  by: { system: Actor; approvers: [Actor, Actor] },
  p: DemoPartner,
): Promise<string> {
  const { partnerId } = await s.partners.apply(
    {
      organisation: {
        name: p.name,
        legalName: `${p.name} Ltd`,
        country: p.country,
        staffCountries: [],
        website: `https://${p.slug}.example`,
        kind: p.kind,
        customers: p.customers,
      },
      contact: p.contact,
      attestations: {
        securityVendor: true,
        noOffensiveTools: true,
        publishAtRelease: true,
        reportLeaks: true,
      },
    },
    "http://127.0.0.1",
  );
  for (const approver of by.approvers) await s.partners.approve(approver, partnerId);
  await s.partners.setTier(by.system, partnerId, p.tier);
  return partnerId;
}
