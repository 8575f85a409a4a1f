// Staff: one advisory's release plan. T0, extra waves and exclusions with a live preview, saving and
// moving T0 (with the choice to compress lead times), then the plan's status and actions
// (PlanStatus), the cancel and embargo-break dialogs (PlanModals) and, once armed, the live wave view.
import { Alert, Anchor, Button, Checkbox, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { SECTIONS } from "../../../../src/contract/enums.ts";
import { useApi, useCan, useCurrentUser } from "../../app/auth.tsx";
import { isOneOf } from "../../app/choices.ts";
import { ErrorAlert, PageHeader } from "../../app/components.tsx";
import { localInputToIso } from "../../app/format.ts";
import { useApiList, useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { LiveWaveView } from "./LiveWaveView.tsx";
import { PlanCapacity } from "./PlanCapacity.tsx";
import {
  extrasBody,
  isoToLocalInput,
  newKey,
  PlanExtras,
  type PlanValues,
  planFieldErrors,
} from "./PlanExtras.tsx";
import { PlanModals } from "./PlanModals.tsx";
import { CappedList, StateBadge, WaveTimeline } from "./PlanParts.tsx";
import { type PlanAct, type PlanDialog, PlanStatus } from "./PlanStatus.tsx";
import { type Preview, usePartnerNames } from "./plan.ts";

export function PlanEditor() {
  const { advisoryId = "" } = useParams();
  const api = useApi();
  const user = useCurrentUser();
  const names = usePartnerNames();
  const plan = useApiQuery("getReleasePlan", { params: { id: advisoryId } });
  const form = useForm<PlanValues>({ initialValues: { publicAt: "", extraWaves: [], exclusions: [] } });
  const { setFieldValue, setErrors } = form;
  const { publicAt, extraWaves, exclusions } = form.values;
  const [preview, setPreview] = useState<Preview | null>(null);
  const [dialog, setDialog] = useState<PlanDialog | null>(null);
  const [compress, setCompress] = useState(false);
  const advisories = useApiList("listAdvisories");
  const advisory = advisories.data?.find((a) => a.id === advisoryId);
  const [previewWanted, setPreviewWanted] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const canWrite = useCan("releases:write");
  const partners = useApiList("listPartners", canWrite ? { query: { status: "active" } } : null);
  const p = plan.data;
  /** Every change to the plan: the plan and the calendar are read again afterwards. */
  const actMutation = useApiMutation({
    fn: (f: () => Promise<unknown>) => f(),
    invalidates: [`/api/advisories/${advisoryId}/release-plan`, "/api/releases"],
    onSuccess: () => {
      setPreview(null);
      setErrors({});
    },
    onError: (e) => setErrors(planFieldErrors(e, form.getValues().extraWaves)),
  });
  /** A preview's answer: shown, and its refusal marked on the fields at fault. */
  const previewed = (r: Preview | null, e: unknown) => {
    if (r) setPreview(r);
    setPreviewError(e);
    setErrors(planFieldErrors(e, form.getValues().extraWaves));
  };
  // The debounced preview below calls the latest one without running again for each render.
  const latestPreviewed = useRef(previewed);
  latestPreviewed.current = previewed;
  const act: PlanAct = (f) => actMutation.mutate(f);
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
    String((actMutation.error as { message?: string } | null)?.message ?? ""),
  );
  const mine = !!p && [...(p.editors ?? []), p.changedBy ?? p.createdBy].includes(user.id);
  const extrasKey = JSON.stringify(extras);
  const editable = canWrite && (!p || p.state === "cancelled" || p.state === "draft");

  // A saved plan's extra waves and coordinator exclusions fill the editor once, so saving again keeps them.
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!p || loadedFor.current === p.id) return;
    loadedFor.current = p.id;
    setFieldValue(
      "extraWaves",
      p.waves
        .filter((w) => w.kind === "extra")
        .map((w) => ({
          key: newKey(),
          at: isoToLocalInput(w.at),
          partnerIds: w.partnerIds,
          content: w.content.filter((s) => isOneOf(SECTIONS, s)),
          reason: w.reason ?? "",
        })),
    );
    setFieldValue(
      "exclusions",
      p.exclusions
        .filter((x) => x.kind === "coordinator")
        .map((x) => ({ key: newKey(), partnerId: x.partnerId, reason: x.reason })),
    );
  }, [p, setFieldValue]);

  // The preview follows every change of T0, extra waves and exclusions once asked for.
  useEffect(() => {
    if (!previewWanted || !t0 || !editable) return;
    const body = { publicAt: t0, ...(JSON.parse(extrasKey) as object) };
    const timer = setTimeout(() => {
      api.call("previewReleasePlan", { params: { id: advisoryId }, body }).then(
        (r) => latestPreviewed.current(r, null),
        (e) => latestPreviewed.current(null, e),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [previewWanted, t0, extrasKey, editable, api, advisoryId]);

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
      <Stack>
        {canWrite && (!p || ["draft", "approved", "armed", "cancelled"].includes(p.state)) && (
          <Paper withBorder p="md">
            <Group align="flex-end">
              <TextInput
                type="datetime-local"
                label={p ? "Move T0 to" : "Public release (T0)"}
                {...form.getInputProps("publicAt")}
              />
              <Button
                variant="default"
                disabled={!t0}
                onClick={() =>
                  api
                    .call("previewReleasePlan", {
                      params: { id: advisoryId },
                      body: { publicAt: t0 ?? "", ...(editable ? extras : {}) },
                    })
                    .then(
                      (r) => {
                        previewed(r, null);
                        setPreviewWanted(true);
                      },
                      (e) => previewed(null, e),
                    )
                }
              >
                Preview
              </Button>
              {(!p || p.state === "cancelled" || p.state === "draft") && (
                <Button
                  disabled={!t0}
                  onClick={() =>
                    act(async () => {
                      await api.call("createReleasePlan", {
                        params: { id: advisoryId },
                        body: {
                          publicAt: t0 ?? "",
                          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                          ...extras,
                          ...compression,
                        },
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
                      api.call("moveReleasePlan", {
                        params: { id: advisoryId },
                        body: {
                          publicAt: iso ?? "",
                          ...compression,
                        },
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
            partners={partners.data ?? []}
            waves={extraWaves}
            exclusions={exclusions}
            errors={form.errors}
            onWaves={(w) => {
              setFieldValue("extraWaves", w);
              setPreviewWanted(true);
            }}
            onExclusions={(x) => {
              setFieldValue("exclusions", x);
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
          <PlanStatus plan={p} names={names} canWrite={canWrite} mine={mine} act={act} open={setDialog} />
        )}
        {p && ["armed", "fired", "broken"].includes(p.state) && (
          <LiveWaveView advisoryId={advisoryId} names={names} />
        )}
      </Stack>
      <PlanModals
        advisoryId={advisoryId}
        armedNow={armedNow}
        act={act}
        dialog={dialog}
        close={() => setDialog(null)}
      />
    </>
  );
}
