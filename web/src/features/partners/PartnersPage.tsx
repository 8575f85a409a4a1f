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
          <Tabs.Tab value="directory">Directory</Tabs.Tab>
          <Tabs.Tab value="queue">Approval queue</Tabs.Tab>
          <Tabs.Tab value="tiers">Tiers</Tabs.Tab>
          <Tabs.Tab value="policy">Jurisdiction policy</Tabs.Tab>
          <Tabs.Tab value="ndas">NDA versions</Tabs.Tab>
          {investigates && <Tabs.Tab value="incidents">Incidents</Tabs.Tab>}
          {readsOutbox && <Tabs.Tab value="outbox">Mail outbox</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="directory">
          <Directory />
        </Tabs.Panel>
        <Tabs.Panel value="queue">
          <ApprovalQueue />
        </Tabs.Panel>
        <Tabs.Panel value="tiers">
          <TiersEditor />
        </Tabs.Panel>
        <Tabs.Panel value="policy">
          <PolicyEditor />
        </Tabs.Panel>
        <Tabs.Panel value="ndas">
          <NdaVersions />
        </Tabs.Panel>
        {investigates && (
          <Tabs.Panel value="incidents">
            <AllIncidents />
          </Tabs.Panel>
        )}
        {readsOutbox && (
          <Tabs.Panel value="outbox">
            <Outbox />
          </Tabs.Panel>
        )}
      </Tabs>
    </>
  );
}
