// A saved plan: T0 as planned, approval, arming, cancelling and the embargo break (by the caller's
// actions), warnings, and its waves.
import { Alert, Button, Group, Paper, Text, Tooltip } from "@mantine/core";
import { IconAlertOctagon } from "@tabler/icons-react";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { Timestamp } from "../../app/components.tsx";
import { formatUtc } from "../../app/format.ts";
import { PlanCapacity } from "./PlanCapacity.tsx";
import { CappedList, WaveTimeline } from "./PlanParts.tsx";
import type { Plan } from "./plan.ts";

/** Run one change to the plan; the editor reads the plan again afterwards and reports a refusal. */
export type PlanAct = (fn: () => Promise<unknown>) => void;

/** The plan's dialogs (PlanModals), one open at a time. */
export type PlanDialog = "cancel" | "break" | "confirmBreak";

export function PlanStatus({
  plan: p,
  names,
  canWrite,
  mine,
  act,
  open,
}: {
  plan: Plan;
  names: Map<string, string>;
  canWrite: boolean;
  /** The caller made or changed the plan since its last approval, so may not approve it. */
  mine: boolean;
  act: PlanAct;
  open(dialog: PlanDialog): void;
}) {
  const api = useApi();
  const user = useCurrentUser();
  const advisoryId = p.advisoryId;
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Text size="sm">
          T0 as planned: {p.publicAtLocal} ({p.timeZone}) · {formatUtc(p.publicAt)} · revision {p.revision}
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
                  onClick={() => act(() => api.call("approveReleasePlan", { params: { id: advisoryId } }))}
                >
                  Approve
                </Button>
              </Tooltip>
            )}
            {p.state === "approved" && (
              <Button onClick={() => act(() => api.call("armReleasePlan", { params: { id: advisoryId } }))}>
                Arm
              </Button>
            )}
            {["draft", "approved", "armed"].includes(p.state) && (
              <Button variant="default" onClick={() => open("cancel")}>
                Cancel plan
              </Button>
            )}
            {["draft", "approved", "armed"].includes(p.state) && (
              <Button color="red" leftSection={<IconAlertOctagon size={16} />} onClick={() => open("break")}>
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
            {names.get(p.breakRequest.by) ?? p.breakRequest.by} asked <Timestamp iso={p.breakRequest.at} /> to
            break the embargo: {p.breakRequest.reason}
            {p.breakRequest.evidence ? ` (evidence: ${p.breakRequest.evidence})` : ""}.
          </Text>
          {canWrite &&
            (p.breakRequest.by === user.id ? (
              <Text size="sm" mt="xs">
                Another coordinator must confirm it.
              </Text>
            ) : (
              <Button color="red" mt="xs" onClick={() => open("confirmBreak")}>
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
  );
}
