// Leak investigations: from leaked evidence to the partners who held it.
// Not built yet: the page says what will live here so the navigation never leads to a broken page.
import { IconFingerprint } from "@tabler/icons-react";
import { PageHeader } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";

export function InvestigationsPage() {
  return (
    <>
      <PageHeader title="Investigations" description="Trace a leak back to its source." />
      <EmptyCapability
        icon={IconFingerprint}
        comingSoon
        title="No investigations yet"
        description="Leak investigations will live here: give Forewarn a leaked copy, an excerpt, a rule or exploit traffic, and it names the likely source."
        features={[
          "Accusations with a stated bound on the chance of accusing an innocent partner",
          "Exposure timeline: who held which content, and who opened it, before a given time",
          "Canary token alerts (DNS names, URLs)",
          "How unlikely an independent rediscovery inside the window is, and reports with plots",
        ]}
      />
    </>
  );
}
