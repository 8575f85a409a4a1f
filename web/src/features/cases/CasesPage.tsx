// Vulnerability cases: from report to fix (ISO/IEC 30111).
// Not built yet: the page says what will live here so the navigation never leads to a broken page.
import { IconBug } from "@tabler/icons-react";
import { PageHeader } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";

export function CasesPage() {
  return (
    <>
      <PageHeader title="Cases" description="Reported vulnerabilities, from intake to the fix." />
      <EmptyCapability
        icon={IconBug}
        comingSoon
        title="No cases yet"
        description="Cases will live here: each reported vulnerability, tracked from received to released against its deadline."
        features={[
          "Intake of researcher reports with attachments",
          "Phases: received, verified, remediation, pre-release, released, closed",
          "CVSS 4.0 scoring, CVE IDs, credit for the finder and the bounty",
        ]}
      />
    </>
  );
}
