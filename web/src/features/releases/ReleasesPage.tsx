// Releases. Staff: a calendar of release plans as timelines (waves before T0), and a plan editor
// with preview, approval by a second coordinator, arming, moving T0, cancelling, the embargo-break
// dialog and the live wave view. Partner users: the
// advisories released to them, each copy with its files and acknowledgements.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
  Tooltip,
} from "@mantine/core";
import {
  IconAlertOctagon,
  IconCalendarEvent,
  IconFileDownload,
  IconInbox,
  IconRocket,
  IconSend,
} from "@tabler/icons-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, Route, Routes, useParams } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { formatUtc, localInputToIso } from "../../app/format.ts";
import { useApiQuery } from "../../app/useApiQuery.ts";
import { CopyFacts, type CopyIdentifiers } from "../partners/Portal.tsx";
import { LiveWaveView } from "./LiveWaveView.tsx";
import {
  type ExclusionDraft,
  type ExtraWaveDraft,
  extrasBody,
  isoToLocalInput,
  newKey,
  type PartnerOption,
  PlanExtras,
} from "./PlanExtras.tsx";

type Wave = {
  id: string | null;
  at: string;
  kind: "tier" | "extra";
  tier: string | null;
  partnerIds: string[];
  content: string[];
  reason: string | null;
  firedAt?: string | null;
  delivered?: number;
  withheld?: number;
};
type Plan = {
  id: string;
  advisoryId: string;
  revision: number;
  publicAt: string;
  timeZone: string;
  publicAtLocal: string;
  state: string;
  createdBy: string | null;
  changedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  warnings: string[];
  armedAt: string | null;
  cancelReason: string | null;
  breakReason: string | null;
  publishedAt: string | null;
  waves: Wave[];
  exclusions: { partnerId: string; kind: string; reason: string }[];
};
type AdvisorySummary = { id: string; trackingId: string; title: string; state: string };
type Partner = { id: string; name: string };

const STATE_COLOR: Record<string, string> = {
  draft: "gray",
  approved: "blue",
  armed: "orange",
  fired: "green",
  cancelled: "dark",
  broken: "red",
};

const PARTNER_ROLES = ["partner_admin", "partner_analyst"];

export function ReleasesPage() {
  const user = useCurrentUser();
  const partner = PARTNER_ROLES.includes(user.role);
  return (
    <Routes>
      <Route index element={partner ? <PartnerInbox /> : <ReleaseCalendar />} />
      <Route path=":advisoryId" element={partner ? <PartnerCopy /> : <PlanEditor />} />
    </Routes>
  );
}

function usePartnerNames() {
  const q = useApiQuery<{ partners: Partner[] }>("/api/partners");
  return useMemo(() => new Map((q.data?.partners ?? []).map((p) => [p.id, p.name])), [q.data]);
}

function StateBadge({ state }: { state: string }) {
  return <Badge color={STATE_COLOR[state] ?? "gray"}>{state}</Badge>;
}

/** T0 and the waves before it, as a timeline: what goes to whom, and when. */
function WaveTimeline({
  plan,
  names,
}: {
  plan: Pick<Plan, "publicAt" | "waves" | "publishedAt">;
  names: Map<string, string>;
}) {
  const fired = plan.waves.filter((w) => w.firedAt).length + (plan.publishedAt ? 1 : 0);
  return (
    <Timeline active={fired - 1} bulletSize={22} lineWidth={2}>
      {plan.waves.map((w, i) => (
        <Timeline.Item
          key={w.id ?? i}
          data-testid={w.kind === "extra" ? "timeline-extra" : `timeline-${w.tier}`}
          bullet={<IconSend size={12} />}
          title={`${w.kind === "extra" ? "Extra wave" : `Tier ${w.tier}`}: ${w.partnerIds.length} partner${w.partnerIds.length === 1 ? "" : "s"}`}
        >
          <Text size="sm">
            <Timestamp iso={w.at} />{" "}
            <Text span c="dimmed" size="xs">
              ({formatUtc(w.at)})
            </Text>
          </Text>
          <Text size="xs" c="dimmed">
            {w.partnerIds.map((id) => names.get(id) ?? id).join(", ")}
          </Text>
          <Group gap={4} mt={4}>
            {w.content.map((c) => (
              <Badge key={c} size="xs" variant="light">
                {c}
              </Badge>
            ))}
            {w.firedAt && (
              <Badge size="xs" color="green">
                sent: {w.delivered} delivered{w.withheld ? `, ${w.withheld} withheld` : ""}
              </Badge>
            )}
          </Group>
          {w.reason && (
            <Text size="xs" fs="italic">
              {w.reason}
            </Text>
          )}
        </Timeline.Item>
      ))}
      <Timeline.Item bullet={<IconRocket size={12} />} title="T0: public release">
        <Text size="sm">
          <Timestamp iso={plan.publicAt} />{" "}
          <Text span c="dimmed" size="xs">
            ({formatUtc(plan.publicAt)})
          </Text>
        </Text>
      </Timeline.Item>
    </Timeline>
  );
}

function ReleaseCalendar() {
  const user = useCurrentUser();
  const plans = useApiQuery<{ plans: Plan[] }>("/api/releases");
  const advisories = useApiQuery<AdvisorySummary[]>("/api/advisories");
  const names = usePartnerNames();
  const byId = new Map((advisories.data ?? []).map((a) => [a.id, a]));
  const planned = new Set((plans.data?.plans ?? []).map((p) => p.advisoryId));
  const open = (advisories.data ?? []).filter((a) => !planned.has(a.id));
  const [pick, setPick] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Releases"
        description="Each advisory's public time T0 and the waves that reach each tier before it, on time and never early."
        actions={
          user.role === "coordinator" && (
            <Group gap="xs">
              <Select
                aria-label="Advisory to plan"
                placeholder="Plan a release for…"
                data={open.map((a) => ({ value: a.id, label: `${a.trackingId}: ${a.title}` }))}
                value={pick}
                onChange={setPick}
                searchable
                w={320}
              />
              <Button component={Link} to={pick ? `/releases/${pick}` : "#"} disabled={!pick}>
                Plan
              </Button>
            </Group>
          )
        }
      />
      <ErrorAlert error={plans.error} />
      {plans.loading && !plans.data && <Skeleton h={200} />}
      {plans.data?.plans.length === 0 && (
        <EmptyCapability
          icon={IconCalendarEvent}
          title="No releases planned"
          description="Plan one for an approved advisory: its waves follow from the tiers and each partner's eligibility."
        />
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {plans.data?.plans.map((p) => (
          <Card key={p.id} withBorder padding="md">
            <Group justify="space-between" mb="sm">
              <Anchor component={Link} to={`/releases/${p.advisoryId}`} fw={600}>
                {byId.get(p.advisoryId)?.trackingId ?? p.advisoryId}
                {byId.get(p.advisoryId) ? `: ${byId.get(p.advisoryId)?.title}` : ""}
              </Anchor>
              <StateBadge state={p.state} />
            </Group>
            <WaveTimeline plan={p} names={names} />
          </Card>
        ))}
      </SimpleGrid>
    </>
  );
}

function PlanEditor() {
  const { advisoryId = "" } = useParams();
  const api = useApi();
  const user = useCurrentUser();
  const names = usePartnerNames();
  const plan = useApiQuery<Plan>(`/api/advisories/${advisoryId}/release-plan`);
  const [publicAt, setPublicAt] = useState("");
  const [preview, setPreview] = useState<{ waves: Wave[]; exclusions: Plan["exclusions"] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [breaking, setBreaking] = useState(false);
  const [reason, setReason] = useState("");
  const [evidence, setEvidence] = useState("");
  const [extraWaves, setExtraWaves] = useState<ExtraWaveDraft[]>([]);
  const [exclusions, setExclusions] = useState<ExclusionDraft[]>([]);
  const [previewWanted, setPreviewWanted] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const canWrite = user.role === "coordinator";
  const partners = useApiQuery<{ partners: PartnerOption[] }>(
    canWrite ? "/api/partners?status=active" : null,
  );
  const p = plan.data;
  const missing = plan.error && (plan.error as { status?: number }).status === 404;
  const iso = localInputToIso(publicAt);
  /** T0 for preview, saving and the T-n d buttons: the one typed in, else the plan's. */
  const t0 = iso ?? p?.publicAt;
  const extras = extrasBody(extraWaves, exclusions);
  const extrasKey = JSON.stringify(extras);
  const editable = canWrite && (!p || p.state === "cancelled" || p.state === "draft");

  // A saved plan's extra waves and coordinator exclusions fill the editor once, so saving again keeps them.
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!p || loadedFor.current === p.id) return;
    loadedFor.current = p.id;
    setExtraWaves(
      p.waves
        .filter((w) => w.kind === "extra")
        .map((w) => ({
          key: newKey(),
          at: isoToLocalInput(w.at),
          partnerIds: w.partnerIds,
          content: w.content,
          reason: w.reason ?? "",
        })),
    );
    setExclusions(
      p.exclusions
        .filter((x) => x.kind === "coordinator")
        .map((x) => ({ key: newKey(), partnerId: x.partnerId, reason: x.reason })),
    );
  }, [p]);

  // The preview follows every change of T0, extra waves and exclusions once asked for.
  useEffect(() => {
    if (!previewWanted || !t0 || !editable) return;
    const body = { publicAt: t0, ...(JSON.parse(extrasKey) as object) };
    const timer = setTimeout(() => {
      api
        .post<{ waves: Wave[]; exclusions: Plan["exclusions"] }>(
          `/api/advisories/${advisoryId}/release-plan/preview`,
          body,
        )
        .then(
          (r) => {
            setPreview(r);
            setPreviewError(null);
          },
          (e) => setPreviewError(e),
        );
    }, 300);
    return () => clearTimeout(timer);
  }, [previewWanted, t0, extrasKey, editable, api, advisoryId]);

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      setPreview(null);
      plan.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <PageHeader
        title="Release plan"
        description={
          <>
            <Anchor component={Link} to={`/advisories/${advisoryId}`}>
              The advisory
            </Anchor>{" "}
            · T0 is shown in your zone; UTC on hover.
          </>
        }
        actions={p && <StateBadge state={p.state} />}
      />
      {!missing && <ErrorAlert error={plan.error} />}
      <ErrorAlert error={error} />
      <Stack>
        {canWrite && (!p || ["draft", "approved", "armed", "cancelled"].includes(p.state)) && (
          <Paper withBorder p="md">
            <Group align="flex-end">
              <TextInput
                type="datetime-local"
                label={p ? "Move T0 to" : "Public release (T0)"}
                value={publicAt}
                onChange={(e) => setPublicAt(e.currentTarget.value)}
              />
              <Button
                variant="default"
                disabled={!t0}
                onClick={() =>
                  api
                    .post<{ waves: Wave[]; exclusions: Plan["exclusions"] }>(
                      `/api/advisories/${advisoryId}/release-plan/preview`,
                      { publicAt: t0, ...(editable ? extras : {}) },
                    )
                    .then((r) => {
                      setPreview(r);
                      setPreviewError(null);
                      setPreviewWanted(true);
                    }, setPreviewError)
                }
              >
                Preview
              </Button>
              {(!p || p.state === "cancelled" || p.state === "draft") && (
                <Button
                  disabled={!t0}
                  onClick={() =>
                    act(async () => {
                      await api.post(`/api/advisories/${advisoryId}/release-plan`, {
                        publicAt: t0,
                        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                        ...extras,
                      });
                      setPreviewWanted(false);
                      loadedFor.current = null;
                    })
                  }
                >
                  Save plan
                </Button>
              )}
              {p && ["draft", "approved", "armed"].includes(p.state) && (
                <Button
                  variant="light"
                  disabled={!iso}
                  onClick={() =>
                    act(() => api.patch(`/api/advisories/${advisoryId}/release-plan`, { publicAt: iso }))
                  }
                >
                  Move T0
                </Button>
              )}
            </Group>
          </Paper>
        )}
        {editable && (
          <PlanExtras
            t0={t0}
            partners={partners.data?.partners ?? []}
            waves={extraWaves}
            exclusions={exclusions}
            onWaves={(w) => {
              setExtraWaves(w);
              setPreviewWanted(true);
            }}
            onExclusions={(x) => {
              setExclusions(x);
              setPreviewWanted(true);
            }}
          />
        )}
        {previewError != null && <ErrorAlert error={previewError} title="The preview was refused" />}
        {preview && (
          <Paper withBorder p="md" data-testid="plan-preview">
            <Title order={4} mb="sm">
              Preview (nothing saved)
            </Title>
            <WaveTimeline
              plan={{ publicAt: t0 ?? "", waves: preview.waves, publishedAt: null }}
              names={names}
            />
            {preview.exclusions.map((x) => (
              <Text key={x.partnerId} size="xs" c="dimmed">
                Not receiving: {names.get(x.partnerId) ?? x.partnerId}: {x.reason}
              </Text>
            ))}
          </Paper>
        )}
        {p && (
          <Paper withBorder p="md">
            <Group justify="space-between" mb="sm">
              <Text size="sm">
                T0 as planned: {p.publicAtLocal} ({p.timeZone}) · {formatUtc(p.publicAt)} · revision{" "}
                {p.revision}
              </Text>
              {canWrite && (
                <Group gap="xs">
                  {p.state === "draft" && (
                    <Tooltip
                      label="You made or last changed this plan: another coordinator approves it"
                      disabled={(p.changedBy ?? p.createdBy) !== user.id}
                    >
                      <Button
                        disabled={(p.changedBy ?? p.createdBy) === user.id}
                        onClick={() =>
                          act(() => api.post(`/api/advisories/${advisoryId}/release-plan/approve`))
                        }
                      >
                        Approve
                      </Button>
                    </Tooltip>
                  )}
                  {p.state === "approved" && (
                    <Button
                      onClick={() => act(() => api.post(`/api/advisories/${advisoryId}/release-plan/arm`))}
                    >
                      Arm
                    </Button>
                  )}
                  {["draft", "approved", "armed"].includes(p.state) && (
                    <Button
                      variant="default"
                      onClick={() =>
                        act(() =>
                          api.post(`/api/advisories/${advisoryId}/release-plan/cancel`, {
                            reason: "cancelled in the plan editor",
                          }),
                        )
                      }
                    >
                      Cancel plan
                    </Button>
                  )}
                  {["draft", "approved", "armed"].includes(p.state) && (
                    <Button
                      color="red"
                      leftSection={<IconAlertOctagon size={16} />}
                      onClick={() => setBreaking(true)}
                    >
                      Break embargo
                    </Button>
                  )}
                </Group>
              )}
            </Group>
            {p.state === "draft" && (
              <Text size="sm" c="dimmed" mb="sm">
                {(p.changedBy ?? p.createdBy) === user.id
                  ? "Another coordinator must approve this plan before it can be armed."
                  : "Check the waves below, then approve the plan: it pins the advisory's approved revision."}
              </Text>
            )}
            {p.approvedAt && (
              <Text size="sm" c="dimmed" mb="sm">
                Approved <Timestamp iso={p.approvedAt} /> for revision {p.revision}.
              </Text>
            )}
            {p.warnings.map((w) => (
              <Alert key={w} color="yellow" mb="sm" title="Check before T0">
                {w}
              </Alert>
            ))}
            {p.breakReason && (
              <Alert color="red" mb="sm" title="Embargo broken">
                {p.breakReason}
              </Alert>
            )}
            <WaveTimeline plan={p} names={names} />
            {p.exclusions.map((x) => (
              <Text key={`${x.partnerId}-${x.kind}`} size="xs" c="dimmed">
                {x.kind === "withheld" ? "Withheld at its wave" : "Not receiving"}:{" "}
                {names.get(x.partnerId) ?? x.partnerId}: {x.reason}
              </Text>
            ))}
          </Paper>
        )}
        {p && ["armed", "fired", "broken"].includes(p.state) && (
          <LiveWaveView advisoryId={advisoryId} names={names} />
        )}
      </Stack>
      <Modal opened={breaking} onClose={() => setBreaking(false)} title="Break the embargo">
        <Stack>
          <Text size="sm">
            Every pending wave goes out now, then the advisory is public, and every partner is told the
            embargo is over. This cannot be undone.
          </Text>
          <Textarea
            label="Reason"
            placeholder="Exploited in the wild"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
          />
          <Textarea
            label="Evidence (link or notes)"
            value={evidence}
            onChange={(e) => setEvidence(e.currentTarget.value)}
          />
          <Button
            color="red"
            disabled={!reason.trim()}
            onClick={() =>
              act(async () => {
                await api.post(`/api/advisories/${advisoryId}/embargo-break`, {
                  reason,
                  ...(evidence.trim() ? { evidence } : {}),
                });
                setBreaking(false);
              })
            }
          >
            Publish everything now
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

type InboxItem = {
  advisoryId: string;
  trackingId: string;
  title: string;
  revision: number;
  sections: string[];
  deliveredAt: string;
  acknowledgement: { status: string; at: string } | null;
};

function PartnerInbox() {
  const q = useApiQuery<{ advisories: InboxItem[] }>("/api/partner/advisories");
  return (
    <>
      <PageHeader
        title="Released to us"
        description="Advisories your organisation has received, with your content level only."
      />
      <ErrorAlert error={q.error} />
      {q.loading && !q.data && <Skeleton h={160} />}
      {q.data?.advisories.length === 0 && (
        <EmptyCapability
          icon={IconInbox}
          title="Nothing released to you yet"
          description="Advisories appear here at your wave."
        />
      )}
      <Stack>
        {q.data?.advisories.map((a) => (
          <Card key={a.advisoryId} withBorder>
            <Group justify="space-between">
              <Anchor component={Link} to={`/releases/${a.advisoryId}`} fw={600}>
                {a.trackingId}: {a.title}
              </Anchor>
              <Badge color={a.acknowledgement ? "green" : "orange"}>
                {a.acknowledgement ? a.acknowledgement.status.replace("_", " ") : "not acknowledged"}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              Received <Timestamp iso={a.deliveredAt} /> · {a.sections.join(", ")}
            </Text>
          </Card>
        ))}
      </Stack>
    </>
  );
}

type CopyAnswer = {
  deliveredAt: string;
  copy: {
    trackingId: string;
    title: string;
    markdown: string;
    files: {
      id: string;
      filename: string;
      section: string;
      size: number;
      sha256: string;
      text: string | null;
    }[];
  };
  acknowledgement: { status: string; at: string } | null;
  publicAt: string | null;
  identifiers: CopyIdentifiers;
};

/** A file of the caller's own copy (the session cookie authenticates the download). */
const fileUrl = (advisoryId: string, fileId: string) =>
  `/api/partner/advisories/${advisoryId}/files/${fileId}`;

function PartnerCopy() {
  const { advisoryId = "" } = useParams();
  const api = useApi();
  const q = useApiQuery<CopyAnswer>(`/api/partner/advisories/${advisoryId}`);
  const [product, setProduct] = useState("");
  const [signatures, setSignatures] = useState("");
  const [error, setError] = useState<unknown>(null);
  const ack = (status: string) =>
    api
      .post(`/api/partner/advisories/${advisoryId}/acks`, {
        status,
        ...(product.trim() ? { product: product.trim() } : {}),
        ...(signatures.trim() ? { signatureIds: signatures.split(/[\s,]+/).filter(Boolean) } : {}),
      })
      .then(() => q.reload(), setError);
  const c = q.data?.copy;
  return (
    <>
      <PageHeader
        title={c ? `${c.trackingId}: ${c.title}` : "Advisory"}
        description="Your organisation's copy: embargoed until public release, do not forward."
      />
      <ErrorAlert error={q.error} />
      <ErrorAlert error={error} />
      {c && (
        <Stack>
          {q.data && <CopyFacts publicAt={q.data.publicAt} identifiers={q.data.identifiers} />}
          <Paper withBorder p="md">
            <Text component="pre" size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {c.markdown}
            </Text>
          </Paper>
          {c.files
            .filter((f) => f.text !== null)
            .map((f) => (
              <Paper key={f.id} withBorder p="md">
                <Group justify="space-between">
                  <Text fw={600} size="sm">
                    {f.filename}
                  </Text>
                  <Anchor size="sm" href={fileUrl(advisoryId, f.id)} download={f.filename}>
                    Download
                  </Anchor>
                </Group>
                <Code block>{f.text}</Code>
              </Paper>
            ))}
          {c.files.some((f) => f.text === null) && (
            <Paper withBorder p="md">
              <Title order={4} mb="xs">
                Files
              </Title>
              <Stack gap={6}>
                {c.files
                  .filter((f) => f.text === null)
                  .map((f) => (
                    <Group key={f.id} gap="sm">
                      <IconFileDownload size={16} />
                      <Anchor href={fileUrl(advisoryId, f.id)} download={f.filename} size="sm">
                        Download {f.filename}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {f.section} · {f.size.toLocaleString()} bytes · SHA-256 <Code>{f.sha256}</Code>
                      </Text>
                    </Group>
                  ))}
              </Stack>
            </Paper>
          )}
          <Paper withBorder p="md">
            <Title order={4} mb="xs">
              Acknowledge
            </Title>
            <Text size="sm" mb="sm">
              Current:{" "}
              {q.data?.acknowledgement ? q.data.acknowledgement.status.replace("_", " ") : "not acknowledged"}
            </Text>
            <Group align="flex-end">
              <TextInput
                label="Product"
                value={product}
                onChange={(e) => setProduct(e.currentTarget.value)}
              />
              <TextInput
                label="Signature IDs"
                value={signatures}
                onChange={(e) => setSignatures(e.currentTarget.value)}
              />
              <Button variant="default" onClick={() => ack("received")}>
                Received
              </Button>
              <Button variant="default" onClick={() => ack("in_progress")}>
                Protection in progress
              </Button>
              <Button onClick={() => ack("shipped")}>Protection shipped</Button>
            </Group>
          </Paper>
        </Stack>
      )}
    </>
  );
}
