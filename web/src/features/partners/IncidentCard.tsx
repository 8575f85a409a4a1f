// One incident: what leaked to whom and when, and closing it with a resolution.
import { Badge, Button, Card, Group, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { Incident } from "./model.ts";

export function IncidentCard({
  incident: i,
  partnerId,
  canClose,
}: {
  incident: Incident;
  partnerId: string;
  canClose: boolean;
}) {
  const [resolution, setResolution] = useState("");
  const close = useApiMutation({
    fn: (text: string, api) =>
      api.call("closeIncident", { params: { id: i.id }, body: { resolution: text } }),
    invalidates: [`/api/partners/${partnerId}`, "/api/incidents"],
  });
  return (
    <Card withBorder radius="md" data-testid="incident-card">
      <Group justify="space-between">
        <Text fw={600}>{i.whatLeaked}</Text>
        <Badge color={i.status === "open" ? "red" : "gray"}>{i.status}</Badge>
      </Group>
      <Text size="sm">
        To {i.toWhom}, {i.leakedAt} · {i.source === "self_report" ? "self-reported" : "reported by staff"}{" "}
        <Timestamp iso={i.reportedAt} />
      </Text>
      {i.resolution && (
        <Text size="sm" c="dimmed">
          Resolution: {i.resolution}
        </Text>
      )}
      {canClose && i.status === "open" && (
        <Group align="flex-end" mt="xs">
          <TextInput
            label="Resolution"
            value={resolution}
            onChange={(e) => setResolution(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button
            variant="default"
            disabled={!resolution.trim()}
            loading={close.isPending}
            onClick={() => close.mutate(resolution)}
          >
            Close incident
          </Button>
        </Group>
      )}
    </Card>
  );
}
