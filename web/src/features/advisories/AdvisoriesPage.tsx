// Advisories: written once, released in waves, each copy fingerprinted.
// Not built yet: the page says what will live here so the navigation never leads to a broken page.
import { IconFileDescription } from "@tabler/icons-react";
import { PageHeader } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";

export function AdvisoriesPage() {
  return (
    <>
      <PageHeader
        title="Advisories"
        description="What partners receive: summaries, technical details, detection guidance and proof of concept."
      />
      <EmptyCapability
        icon={IconFileDescription}
        comingSoon
        title="No advisories yet"
        description="Advisories will live here: written once with content levels, and exported in standard formats."
        features={[
          "Content levels: summary, technical details, detection guidance, proof of concept, indicators",
          "Detection rules (YARA, Suricata, Snort) and files in traceable variants",
          "Exports as CSAF 2.0, CVE JSON 5 and OSV",
          "For partners: acknowledge receipt and report protection shipped",
        ]}
      />
    </>
  );
}
