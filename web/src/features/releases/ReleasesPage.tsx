// Release plans: T0 and the waves before it.
// Not built yet: the page says what will live here so the navigation never leads to a broken page.
import { IconCalendarEvent } from "@tabler/icons-react";
import { PageHeader } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";

export function ReleasesPage() {
  return (
    <>
      <PageHeader
        title="Releases"
        description="Release plans: the public time T0 and each tier’s wave before it."
      />
      <EmptyCapability
        icon={IconCalendarEvent}
        comingSoon
        title="No releases planned"
        description="Release plans will live here: T0 for each advisory and the waves that go out to each tier before it."
        features={[
          "Waves at T0 minus each tier’s lead time, each with its content level",
          "Released on time, never early, exactly once",
          "Delivery by portal, API, signed webhooks and encrypted email, with acknowledgements",
          "Breaking the embargo when exploitation in the wild is detected",
        ]}
      />
    </>
  );
}
