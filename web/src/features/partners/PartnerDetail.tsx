// One partner: profile, what it receives now and why, its status timeline, and (by the caller's
// actions) the sanctions, members, keys, webhooks, NDA, evidence, incidents and scorecard. For a
// partner user this page is its portal. Each section lives in its own file in this folder.
import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Tabs, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { PartnerSuspicionPanel } from "../investigations/PartnerSuspicionPanel.tsx";
import { StatusBadge } from "./Directory.tsx";
import { EligibilityCard } from "./EligibilityCard.tsx";
import { EvidenceSection } from "./EvidenceSection.tsx";
import { IncidentsSection } from "./IncidentsSection.tsx";
import { KeysSection } from "./KeysSection.tsx";
import { MembersSection } from "./MembersSection.tsx";
import { countryName, KIND_LABELS } from "./model.ts";
import { NdaSection } from "./NdaSection.tsx";
import { PartnerTimeline } from "./PartnerTimeline.tsx";
import { ProfileCard } from "./ProfileCard.tsx";
import { ScorecardSection } from "./ScorecardSection.tsx";
import { StaffActions } from "./StaffActions.tsx";
import { SuspensionRequests } from "./SuspensionRequests.tsx";
import { WebhooksSection } from "./WebhooksSection.tsx";

export function PartnerDetailPage() {
  const { id = "" } = useParams();
  const staff = useCan("partners:read");
  const sanction = useCan("partners:sanction");
  const partnerAdmin = useCan("partner:manage");
  const closesIncidents = useCan("incidents:manage");
  const investigates = useCan("investigations:read");
  const partner = useApiQuery("getPartner", { params: { id } });
  const eligibility = useApiQuery("partnerEligibility", { params: { id } });
  const events = useApiQuery("partnerTimeline", { params: { id } });
  const p = partner.data;
  if (partner.error) return <ErrorAlert error={partner.error} title="This partner cannot be shown" />;
  if (!p) return null;

  return (
    <>
      {staff && (
        <Anchor component={Link} to="/partners" size="sm">
          ← All partners
        </Anchor>
      )}
      <Group justify="space-between" align="flex-start" mt="xs" mb="lg">
        <div>
          <Group gap="sm">
            <Title order={2}>{p.name}</Title>
            <StatusBadge status={p.status} />
            <Badge variant="outline">tier {p.tier}</Badge>
          </Group>
          <Text c="dimmed" size="sm">
            {p.legalName} · {KIND_LABELS[p.kind] ?? p.kind} · headquarters {countryName(p.country)}
            {p.staffCountries.length > 0 && ` · staff in ${p.staffCountries.map(countryName).join(", ")}`}
          </Text>
        </div>
        {sanction && <StaffActions partner={p} />}
      </Group>
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="members">Members</Tabs.Tab>
          <Tabs.Tab value="keys">Keys</Tabs.Tab>
          <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
          <Tabs.Tab value="nda">NDA</Tabs.Tab>
          {(staff || partnerAdmin) && <Tabs.Tab value="evidence">Evidence</Tabs.Tab>}
          <Tabs.Tab value="incidents">Incidents</Tabs.Tab>
          <Tabs.Tab value="scorecard">Scorecard</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <Stack>
              <EligibilityCard e={eligibility.data} error={eligibility.error} />
              <ProfileCard p={p} canEdit={partnerAdmin || sanction} staff={sanction} />
            </Stack>
            <Card withBorder radius="md">
              <Title order={4} mb="md">
                Timeline
              </Title>
              <ErrorAlert error={events.error} />
              <PartnerTimeline events={events.data?.events ?? []} />
            </Card>
          </SimpleGrid>
        </Tabs.Panel>
        <Tabs.Panel value="members">
          <MembersSection partnerId={id} canManage={partnerAdmin || sanction} />
        </Tabs.Panel>
        <Tabs.Panel value="keys">
          <KeysSection partnerId={id} canAdd={!staff || sanction} />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks">
          <WebhooksSection partnerId={id} canManage={partnerAdmin || sanction} />
        </Tabs.Panel>
        <Tabs.Panel value="nda">
          <NdaSection partnerId={id} canSign={partnerAdmin} />
        </Tabs.Panel>
        <Tabs.Panel value="evidence">
          <EvidenceSection partnerId={id} canUpload={partnerAdmin || sanction} />
        </Tabs.Panel>
        <Tabs.Panel value="incidents">
          <IncidentsSection partnerId={id} canReport={partnerAdmin || sanction} canClose={closesIncidents} />
        </Tabs.Panel>
        <Tabs.Panel value="scorecard">
          <ScorecardSection partnerId={id} />
          {sanction && <SuspensionRequests partnerId={id} />}
          {investigates && <PartnerSuspicionPanel partnerId={id} />}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
