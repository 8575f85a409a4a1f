// The partner programme: the security vendors that receive advisories early.
// Not built yet: the page says what will live here so the navigation never leads to a broken page.
import { IconHeartHandshake } from "@tabler/icons-react";
import { PageHeader } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";

export function PartnersPage() {
  return (
    <>
      <PageHeader title="Partners" description="Vetted security vendors that receive advisories before T0." />
      <EmptyCapability
        icon={IconHeartHandshake}
        comingSoon
        title="No partners yet"
        description="Partners will live here: the security vendors admitted to your programme, their vetting and their tier."
        features={[
          "Applications with vetting evidence and attestations, approved by two staff members",
          "NDA versions and signatures, yearly re-attestation",
          "Tiers with lead times and content levels, and a jurisdiction policy",
          "Suspension and removal with reasons, self-reported leaks and scorecards",
        ]}
      />
    </>
  );
}
