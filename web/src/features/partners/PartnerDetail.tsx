// One partner: profile, what it receives now and why, its status timeline, and (by role) the
// sanctions, members, keys, webhooks, NDA, evidence, incidents and scorecard. For a partner user
// this page is its portal.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import {
  IconBan,
  IconCheck,
  IconCircleCheck,
  IconCircleX,
  IconClock,
  IconPlayerPlay,
  IconTrash,
} from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import { useApiQuery } from "../../app/useApiQuery.ts";
import { StatusBadge } from "./Directory.tsx";
import {
  COUNTRY_OPTIONS,
  countryName,
  type Eligibility,
  EVENT_LABELS,
  KIND_LABELS,
  type PartnerDetail,
  type PartnerEvent,
  STATUS_COLORS,
  type Tier,
} from "./model.ts";
import {
  EvidenceSection,
  IncidentsSection,
  KeysSection,
  MembersSection,
  NdaSection,
  ScorecardSection,
  WebhooksSection,
} from "./Portal.tsx";

const STAFF = ["admin", "coordinator", "investigator", "auditor"];

export function PartnerDetailPage() {
  const { id = "" } = useParams();
  const user = useCurrentUser();
  const staff = STAFF.includes(user.role);
  const sanction = user.role === "admin" || user.role === "coordinator";
  const partnerAdmin = user.role === "partner_admin";
  const partner = useApiQuery<PartnerDetail>(`/api/partners/${id}`);
  const eligibility = useApiQuery<Eligibility>(`/api/partners/${id}/eligibility`);
  const events = useApiQuery<{ events: PartnerEvent[] }>(`/api/partners/${id}/events`);
  const reloadAll = () => {
    partner.reload();
    eligibility.reload();
    events.reload();
  };
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
        {sanction && <StaffActions partner={p} onDone={reloadAll} />}
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
              <ProfileCard p={p} canEdit={partnerAdmin || sanction} staff={sanction} onSaved={reloadAll} />
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
          <NdaSection partnerId={id} canSign={partnerAdmin} onSigned={reloadAll} />
        </Tabs.Panel>
        <Tabs.Panel value="evidence">
          <EvidenceSection partnerId={id} canUpload={partnerAdmin || sanction} />
        </Tabs.Panel>
        <Tabs.Panel value="incidents">
          <IncidentsSection
            partnerId={id}
            canReport={partnerAdmin || sanction}
            canClose={["admin", "coordinator", "investigator"].includes(user.role)}
            onReported={reloadAll}
          />
        </Tabs.Panel>
        <Tabs.Panel value="scorecard">
          <ScorecardSection partnerId={id} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function EligibilityCard({ e, error }: { e: Eligibility | undefined; error: unknown }) {
  return (
    <Card withBorder radius="md" data-testid="eligibility">
      <Title order={4} mb="xs">
        What it receives now
      </Title>
      <ErrorAlert error={error} />
      {e &&
        (e.eligible ? (
          <Group gap="xs" mb="xs">
            <IconCircleCheck color="var(--mantine-color-green-6)" />
            <Text fw={600}>
              Eligible: {e.tier}, {formatLead(e.leadTime)}
            </Text>
          </Group>
        ) : (
          <Group gap="xs" mb="xs">
            <IconCircleX color="var(--mantine-color-red-6)" />
            <Text fw={600}>Not eligible: receives nothing</Text>
          </Group>
        ))}
      {e?.eligible && (
        <Group gap={4} mb="xs">
          {e.content.map((c) => (
            <Badge key={c} variant="light">
              {c}
            </Badge>
          ))}
        </Group>
      )}
      <Stack gap={6}>
        {e?.reasons.map((r) => (
          <Alert
            key={`${r.rule}:${r.effect}`}
            variant="light"
            color={r.effect === "not_eligible" ? "red" : "yellow"}
            p="xs"
          >
            <Text size="sm">{r.message}</Text>
            {r.reference && (
              <Text size="xs" c="dimmed">
                {r.reference}
              </Text>
            )}
          </Alert>
        ))}
      </Stack>
    </Card>
  );
}

function ProfileEditor({ p, staff, onSaved }: { p: PartnerDetail; staff: boolean; onSaved: () => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [website, setWebsite] = useState(p.website);
  const [customers, setCustomers] = useState<number | string>(p.customers);
  const [affiliations, setAffiliations] = useState(p.affiliations.join(", "));
  const [staffCountries, setStaffCountries] = useState<string[]>(p.staffCountries);
  const [error, setError] = useState<unknown>(null);
  async function save() {
    setError(null);
    try {
      await api.patch(`/api/partners/${p.id}`, {
        website,
        customers: Number(customers),
        ...(staff
          ? {
              staffCountries,
              affiliations: affiliations
                .split(",")
                .map((a) => a.trim())
                .filter(Boolean),
            }
          : {}),
      });
      notifications.show({ color: "green", message: "Profile saved" });
      setOpen(false);
      onSaved();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)}>
        Edit profile
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Edit ${p.name}`}>
        <Stack>
          <TextInput label="Website" value={website} onChange={(e) => setWebsite(e.currentTarget.value)} />
          <NumberInput label="Protected customers" min={0} value={customers} onChange={setCustomers} />
          {staff && (
            <TextInput
              label="Affiliations"
              description="Comma-separated, e.g. membership of a government vulnerability database"
              value={affiliations}
              onChange={(e) => setAffiliations(e.currentTarget.value)}
            />
          )}
          {staff && (
            <MultiSelect
              label="Countries where staff work"
              searchable
              data={COUNTRY_OPTIONS}
              value={staffCountries}
              onChange={setStaffCountries}
            />
          )}
          {!staff && (
            <Text size="xs" c="dimmed">
              Headquarters, staff countries, kind and affiliations decide the partner's tier and policy: ask
              your coordinator to change them.
            </Text>
          )}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button onClick={() => void save()}>Save</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function ProfileCard({
  p,
  canEdit,
  staff,
  onSaved,
}: {
  p: PartnerDetail;
  canEdit: boolean;
  staff: boolean;
  onSaved: () => void;
}) {
  return (
    <Card withBorder radius="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Profile</Title>
        {canEdit && <ProfileEditor key={p.updatedAt} p={p} staff={staff} onSaved={onSaved} />}
      </Group>
      <Stack gap={4}>
        <Text size="sm">
          Website:{" "}
          <Anchor href={p.website} target="_blank" rel="noreferrer noopener">
            {p.website}
          </Anchor>
        </Text>
        <Text size="sm">Protected customers: {p.customers.toLocaleString("en")}</Text>
        <Text size="sm">Contacts: {p.contacts.map((c) => `${c.name} <${c.email}>`).join(", ")}</Text>
        <Text size="sm">Affiliations: {p.affiliations.join(", ") || "none declared"}</Text>
        <Text size="sm">
          Attested <Timestamp iso={p.attestedAt} />, renew by <Timestamp iso={p.attestationExpiresAt} />
        </Text>
        <Text size="sm">
          Approvals: {p.approvals.length} of {p.approvalsNeeded}
        </Text>
      </Stack>
    </Card>
  );
}

export function PartnerTimeline({ events }: { events: PartnerEvent[] }) {
  return (
    <Timeline active={events.length - 1} bulletSize={22} lineWidth={2} data-testid="timeline">
      {events.map((e) => (
        <Timeline.Item
          key={e.id}
          color={e.toStatus ? (STATUS_COLORS[e.toStatus] ?? "blue") : "gray"}
          bullet={
            e.toStatus === "active" ? (
              <IconCheck size={12} />
            ) : e.toStatus === "suspended" ? (
              <IconBan size={12} />
            ) : (
              <IconClock size={12} />
            )
          }
          title={`${EVENT_LABELS[e.type] ?? e.type}${e.toStatus && (e.type === "approved" || e.type === "applied") ? ` → ${e.toStatus.replace("_", " ")}` : ""}`}
        >
          {e.reason && <Text size="sm">{e.reason}</Text>}
          {e.type === "tier_changed" && (
            <Text size="sm">
              {String(e.data.from)} → {String(e.data.to)}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            <Timestamp iso={e.at} />{" "}
            {e.actorEmail
              ? `· ${e.actorEmail}`
              : e.actorId
                ? `· ${e.actorId}`
                : e.type === "applied"
                  ? "· applicant"
                  : "· programme staff"}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function StaffActions({ partner, onDone }: { partner: PartnerDetail; onDone: () => void }) {
  const api = useApi();
  const tiers = useApiQuery<{ tiers: Tier[] }>("/api/tiers");
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<"suspend" | "reinstate" | "remove" | "reject" | null>(null);
  const [reason, setReason] = useState("");
  const s = partner.status;

  async function run(fn: () => Promise<unknown>, message: string) {
    setError(null);
    try {
      await fn();
      notifications.show({ color: "green", message });
      onDone();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }

  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        {(s === "applicant" || s === "under_review") && (
          <>
            <Button
              leftSection={<IconCheck size={16} />}
              onClick={() =>
                void run(() => api.post(`/api/partners/${partner.id}/approvals`), "Approval recorded")
              }
            >
              Approve
            </Button>
            <Button variant="default" onClick={() => setAction("reject")}>
              Reject
            </Button>
          </>
        )}
        {s === "active" && (
          <Button color="orange" leftSection={<IconBan size={16} />} onClick={() => setAction("suspend")}>
            Suspend
          </Button>
        )}
        {s === "suspended" && (
          <Button
            color="green"
            leftSection={<IconPlayerPlay size={16} />}
            onClick={() => setAction("reinstate")}
          >
            Reinstate
          </Button>
        )}
        {s !== "removed" && (
          <Button
            color="red"
            variant="subtle"
            leftSection={<IconTrash size={16} />}
            onClick={() => setAction("remove")}
          >
            Remove
          </Button>
        )}
        <Select
          aria-label="Tier"
          w={150}
          data={(tiers.data?.tiers ?? []).map((t) => t.name)}
          value={partner.tier}
          onChange={(v) =>
            v &&
            v !== partner.tier &&
            void run(() => api.put(`/api/partners/${partner.id}/tier`, { tier: v }), `Moved to ${v}`)
          }
        />
      </Group>
      <ErrorAlert error={error} />
      <Modal
        opened={action !== null}
        onClose={() => setAction(null)}
        title={`${action ?? ""} ${partner.name}`}
      >
        <Textarea
          label="Reason"
          description={
            action === "suspend"
              ? "Delivery stops at once. The reason goes on the partner's timeline, for staff only: the partner sees the status change."
              : "Recorded on the timeline (staff only) and in the audit log."
          }
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          autosize
          minRows={3}
        />
        <Group justify="flex-end" mt="md">
          <Button
            color={action === "reinstate" ? "green" : "red"}
            disabled={!reason.trim()}
            onClick={async () => {
              if (
                action &&
                (await run(
                  () => api.post(`/api/partners/${partner.id}/${action}`, { reason }),
                  `${partner.name}: ${action} done`,
                ))
              ) {
                setAction(null);
                setReason("");
              }
            }}
          >
            Confirm {action}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
