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
  Checkbox,
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
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { formatLead, formatUtc, localInputToIso } from "../../app/format.ts";
import { useApiQuery } from "../../app/useApiQuery.ts";
import { CopyFacts, type CopyIdentifiers } from "../partners/Portal.tsx";
import { LiveWaveView } from "./LiveWaveView.tsx";
import { PlanCapacity, type TracingCapacity } from "./PlanCapacity.tsx";
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
  /** Who made or changed the plan since its last approval: none of them may approve it. */
  editors?: string[];
  compressLeadTimes?: boolean;
  breakRequest?: { by: string; at: string; reason: string; evidence: string | null } | null;
  capped?: Capped;
  tracing?: TracingCapacity | null;
  warnings: string[];
  armedAt: string | null;
  cancelReason: string | null;
  breakReason: string | null;
  publishedAt: string | null;
  waves: Wave[];
  exclusions: { partnerId: string; kind: string; reason: string }[];
};
type Capped = {
  partnerId: string;
  reasons: { rule: string; effect: string; reference: string | null; message: string }[];
}[];
type Preview = {
  waves: Wave[];
  exclusions: Plan["exclusions"];
  warnings?: string[];
  capped?: Capped;
  tracing?: TracingCapacity;
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

/** "5 days before T0", "at T0": a wave's time against T0 in words. */
function leadOf(at: string, publicAt: string): string {
  const seconds = Math.round((new Date(publicAt).getTime() - new Date(at).getTime()) / 1000);
  return Number.isNaN(seconds) ? "" : formatLead(seconds);
}

/** Why partners receive less than their tier: each rule with its reference. */
function CappedList({ capped, names }: { capped: Capped | undefined; names: Map<string, string> }) {
  if (!capped?.length) return null;
  return (
    <Stack gap={2} mt="xs" data-testid="capped">
      {capped.map((c) => (
        <Text key={c.partnerId} size="xs" c="dimmed">
          Capped: {names.get(c.partnerId) ?? c.partnerId}:{" "}
          {c.reasons.map((r) => `${r.message}${r.reference ? ` (${r.reference})` : ""}`).join("; ")}
        </Text>
      ))}
    </Stack>
  );
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
              ({formatUtc(w.at)}) · {leadOf(w.at, plan.publicAt)}
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
  const navigate = useNavigate();
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
              {/* A real button: a link cannot be disabled, and one to "#" would still be followed. */}
              <Button disabled={!pick} onClick={() => pick && navigate(`/releases/${pick}`)}>
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
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [breaking, setBreaking] = useState(false);
  const [confirmingBreak, setConfirmingBreak] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [cancelReason, setCancelReason] = useState("");
  const [compress, setCompress] = useState(false);
  const advisories = useApiQuery<AdvisorySummary[]>("/api/advisories");
  const advisory = advisories.data?.find((a) => a.id === advisoryId);
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
  /** Sent with a save or a move only when the planner ticked it next to the warning. */
  const compression = compress ? { compressLeadTimes: true } : {};
  /** Everyone who made or changed the plan since its last approval may not approve it. */
  const armedNow = p?.state === "armed" && !!p?.approvedAt;
  /** The server refused a save, move or arm for a T0 sooner than a lead time: offer the choice. */
  const compressRefused = /compressLeadTimes/.test(
    String((error as { message?: string } | null)?.message ?? ""),
  );
  const mine = !!p && [...(p.editors ?? []), p.changedBy ?? p.createdBy].includes(user.id);
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
      api.post<Preview>(`/api/advisories/${advisoryId}/release-plan/preview`, body).then(
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
        title={advisory ? `Release plan: ${advisory.trackingId}` : "Release plan"}
        description={
          <>
            <Anchor component={Link} to={`/advisories/${advisoryId}`} data-testid="plan-advisory">
              {advisory ? `${advisory.trackingId}: ${advisory.title}` : "The advisory"}
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
                    .post<Preview>(`/api/advisories/${advisoryId}/release-plan/preview`, {
                      publicAt: t0,
                      ...(editable ? extras : {}),
                    })
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
                        ...compression,
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
                    act(() =>
                      api.patch(`/api/advisories/${advisoryId}/release-plan`, {
                        publicAt: iso,
                        ...compression,
                      }),
                    )
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
            <CappedList capped={preview.capped} names={names} />
            <PlanCapacity tracing={preview.tracing} />
          </Paper>
        )}
        {canWrite && ((preview?.warnings?.length ?? 0) > 0 || compressRefused) && (
          <Alert color="orange" title="T0 is sooner than a tier's lead time" data-testid="compress-warning">
            <Stack gap="xs">
              {preview?.warnings?.map((w) => (
                <Text key={w} size="sm">
                  {w}.
                </Text>
              ))}
              <Checkbox
                label="Compress lead times: send those waves at once (recorded on the plan and in the audit log)"
                checked={compress}
                onChange={(e) => setCompress(e.currentTarget.checked)}
              />
            </Stack>
          </Alert>
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
                      label="You made or changed this plan since its last approval: another coordinator approves it"
                      disabled={!mine}
                    >
                      <Button
                        disabled={mine}
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
                    <Button variant="default" onClick={() => setCancelling(true)}>
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
                {mine
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
            {p.breakRequest && ["draft", "approved", "armed"].includes(p.state) && (
              <Alert color="red" mb="sm" title="Embargo break asked for" data-testid="break-request">
                <Text size="sm">
                  {names.get(p.breakRequest.by) ?? p.breakRequest.by} asked{" "}
                  <Timestamp iso={p.breakRequest.at} /> to break the embargo: {p.breakRequest.reason}
                  {p.breakRequest.evidence ? ` (evidence: ${p.breakRequest.evidence})` : ""}.
                </Text>
                {canWrite &&
                  (p.breakRequest.by === user.id ? (
                    <Text size="sm" mt="xs">
                      Another coordinator must confirm it.
                    </Text>
                  ) : (
                    <Button color="red" mt="xs" onClick={() => setConfirmingBreak(true)}>
                      Confirm the embargo break
                    </Button>
                  ))}
              </Alert>
            )}
            {p.breakReason && (
              <Alert color="red" mb="sm" title="Embargo broken">
                {p.breakReason}
              </Alert>
            )}
            <WaveTimeline plan={p} names={names} />
            <CappedList capped={p.capped} names={names} />
            <PlanCapacity tracing={p.tracing} />
            {p.compressLeadTimes && (
              <Text size="xs" c="orange" mt="xs">
                Lead times compressed by choice: a tier whose wave time had passed gets it at once.
              </Text>
            )}
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
            {armedNow
              ? "Every pending wave goes out now, then the advisory is public, and every partner is told the embargo is over. This cannot be undone."
              : "This plan is not armed: your request waits for a second coordinator to confirm it. Then every pending wave goes out at once, the advisory is public and every partner is told."}
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
            required
          />
          <Button
            color="red"
            disabled={!reason.trim() || !evidence.trim()}
            onClick={() =>
              act(async () => {
                await api.post(`/api/advisories/${advisoryId}/embargo-break`, { reason, evidence });
                setBreaking(false);
              })
            }
          >
            {armedNow ? "Publish everything now" : "Ask for the embargo break"}
          </Button>
        </Stack>
      </Modal>
      <Modal
        opened={confirmingBreak}
        onClose={() => setConfirmingBreak(false)}
        title="Confirm the embargo break"
      >
        <Stack>
          <Text size="sm">
            Every pending wave goes out now, then the advisory is public, and every partner is told the
            embargo is over. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingBreak(false)}>
              Keep the embargo
            </Button>
            <Button
              color="red"
              onClick={() =>
                act(async () => {
                  await api.post(`/api/advisories/${advisoryId}/embargo-break/confirm`);
                  setConfirmingBreak(false);
                })
              }
            >
              Publish everything now
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={cancelling} onClose={() => setCancelling(false)} title="Cancel this release plan">
        <Stack>
          <Text size="sm">
            No wave goes out and the advisory is not published at T0: partners receive nothing of it until
            someone plans its release again (and it is approved and armed again).
          </Text>
          <Textarea
            label="Reason"
            placeholder="The vendor moved the fix"
            value={cancelReason}
            onChange={(e) => setCancelReason(e.currentTarget.value)}
            required
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCancelling(false)}>
              Keep the plan
            </Button>
            <Button
              color="red"
              disabled={!cancelReason.trim()}
              onClick={() =>
                act(async () => {
                  await api.post(`/api/advisories/${advisoryId}/release-plan/cancel`, {
                    reason: cancelReason.trim(),
                  });
                  setCancelling(false);
                  setCancelReason("");
                })
              }
            >
              Cancel the plan
            </Button>
          </Group>
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
  embargo?: { state: "embargoed" | "public"; publicAt: string | null; publishedAt: string | null };
  publicSections?: Record<string, string>;
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
        description={
          q.data?.embargo?.state === "public" ? (
            <>
              Public since{" "}
              {q.data.embargo.publishedAt ? <Timestamp iso={q.data.embargo.publishedAt} /> : "T0"}: the
              embargo is over and you may publish your protections. This copy was prepared for your
              organisation alone.
            </>
          ) : (
            <>
              Your organisation's copy: embargoed until public release
              {q.data?.embargo?.publicAt ? (
                <>
                  {" "}
                  (<Timestamp iso={q.data.embargo.publicAt} />)
                </>
              ) : null}
              , do not forward.
            </>
          )
        }
        actions={
          q.data?.embargo && (
            <Badge color={q.data.embargo.state === "public" ? "green" : "orange"} data-testid="copy-embargo">
              {q.data.embargo.state}
            </Badge>
          )
        }
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
          {Object.keys(q.data?.publicSections ?? {}).length > 0 && (
            <Paper withBorder p="md" data-testid="public-sections">
              <Title order={4} mb="xs">
                Also in the public advisory
              </Title>
              {Object.entries(q.data?.publicSections ?? {}).map(([k, v]) => (
                <Stack key={k} gap={4} mb="sm">
                  <Text fw={600} size="sm">
                    {k === "details" ? "Technical details" : k === "summary" ? "Summary" : k}
                  </Text>
                  <Text component="pre" size="sm" style={{ whiteSpace: "pre-wrap" }}>
                    {v}
                  </Text>
                </Stack>
              ))}
            </Paper>
          )}
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
