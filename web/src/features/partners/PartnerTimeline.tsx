// A partner's status timeline: application, approvals, tier changes and sanctions, with who did them.
import { Text, Timeline } from "@mantine/core";
import { IconBan, IconCheck, IconClock } from "@tabler/icons-react";
import { Timestamp } from "../../app/components.tsx";
import { EVENT_LABELS, type PartnerEvent, STATUS_COLORS } from "./model.ts";

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
