// Pieces every plan view shows: the state badge, the waves before T0 as a timeline, and why some
// partners receive less than their tier.
import { Badge, Group, Stack, Text, Timeline } from "@mantine/core";
import { IconRocket, IconSend } from "@tabler/icons-react";
import { Timestamp } from "../../app/components.tsx";
import { formatUtc } from "../../app/format.ts";
import { type Capped, leadOf, type Plan, STATE_COLOR, type Wave } from "./plan.ts";

export function StateBadge({ state }: { state: string }) {
  return <Badge color={STATE_COLOR[state] ?? "gray"}>{state}</Badge>;
}

/** Why partners receive less than their tier: each rule with its reference. */
export function CappedList({ capped, names }: { capped: Capped | undefined; names: Map<string, string> }) {
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
export function WaveTimeline({
  plan,
  names,
}: {
  plan: Pick<Plan, "publicAt" | "publishedAt"> & { waves: Wave[] };
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
