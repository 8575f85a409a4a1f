import { type Icon, IconLock, IconUserPlus } from "@tabler/icons-react";
import { useCan } from "./auth.tsx";
import { PageHeader } from "./components.tsx";
import { EmptyCapability } from "./EmptyCapability.tsx";

/** The page's header (`description`: what the page is for) over what the caller can do instead. */
export function ForStaff({
  icon = IconLock,
  what,
  description,
}: {
  icon?: Icon;
  what: string;
  description: string;
}) {
  return (
    <>
      <PageHeader title={what} description={description} />
      <ForStaffNotice icon={icon} what={what} />
    </>
  );
}

function ForStaffNotice({ icon, what }: { icon: Icon; what: string }) {
  const partner = useCan("partner:self");
  /** The administrator: creates the users who do this work. */
  const createsUsers = useCan("users:write");
  if (partner)
    return (
      <EmptyCapability
        icon={icon}
        title="Advisories released to your organisation are under Releases"
        description="Each advisory reaches you as a copy of your own at your wave, with your content level, under Releases: Released to us."
        link={{ to: "/releases", label: "Go to Released to us" }}
      />
    );
  return (
    <EmptyCapability
      icon={icon}
      title={`${what} are handled by coordinators and investigators`}
      description={
        createsUsers
          ? `The administrator manages users, partners and the programme's settings, and does not read ${what.toLowerCase()}. Create a coordinator (Users → Create user, role Coordinator) for the people who triage reports and write advisories, and an investigator to follow leaks.`
          : `Your role does not read ${what.toLowerCase()}. Ask an administrator of this instance if you need to.`
      }
      link={createsUsers ? { to: "/users", label: "Create a coordinator", icon: IconUserPlus } : undefined}
    />
  );
}
