// The partner programme: staff get the directory, approval queue, tiers, policy and NDA versions;
// a partner user goes straight to its own organisation's portal.
import { Tabs } from "@mantine/core";
import { Navigate, Route, Routes, useNavigate, useSearchParams } from "react-router";
import { useCan, useCurrentUser } from "../../app/auth.tsx";
import { PageHeader } from "../../app/components.tsx";
import { AllIncidents } from "./AllIncidents.tsx";
import { ApprovalQueue } from "./ApprovalQueue.tsx";
import { Directory } from "./Directory.tsx";
import { NdaVersions } from "./NdaVersions.tsx";
import { Outbox } from "./Outbox.tsx";
import { PartnerDetailPage } from "./PartnerDetail.tsx";
import { PolicyEditor } from "./PolicyEditor.tsx";
import { TiersEditor } from "./TiersEditor.tsx";

export function PartnersPage() {
  const user = useCurrentUser();
  const staff = useCan("partners:read");
  return (
    <Routes>
      <Route
        index
        element={staff ? <StaffHome /> : <Navigate to={`/partners/${user.organisationId}`} replace />}
      />
      <Route path=":id" element={<PartnerDetailPage />} />
    </Routes>
  );
}

function StaffHome() {
  const investigates = useCan("incidents:read");
  const readsOutbox = useCan("outbox:read");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const tab = params.get("tab") ?? "directory";
  // Each tab's value (in the address), its label, and its page; the last two by the caller's actions.
  const tabs = [
    { value: "directory", label: "Directory", page: <Directory /> },
    { value: "queue", label: "Approval queue", page: <ApprovalQueue /> },
    { value: "tiers", label: "Tiers", page: <TiersEditor /> },
    { value: "policy", label: "Jurisdiction policy", page: <PolicyEditor /> },
    { value: "ndas", label: "NDA versions", page: <NdaVersions /> },
    ...(investigates ? [{ value: "incidents", label: "Incidents", page: <AllIncidents /> }] : []),
    ...(readsOutbox ? [{ value: "outbox", label: "Mail outbox", page: <Outbox /> }] : []),
  ];
  return (
    <>
      <PageHeader
        title="Partners"
        description="Vetted security vendors that receive advisories before T0: who may know what, and when."
      />
      <Tabs
        value={tab}
        onChange={(v) => navigate(`/partners${v && v !== "directory" ? `?tab=${v}` : ""}`)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.page}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
