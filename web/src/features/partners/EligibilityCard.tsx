// What a partner receives now (tier, lead time, content levels) and every rule that decided it.
import { Alert, Badge, Card, Group, Stack, Text, Title } from "@mantine/core";
import { IconCircleCheck, IconCircleX } from "@tabler/icons-react";
import { ErrorAlert } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import type { Eligibility } from "./model.ts";

export function EligibilityCard({ e, error }: { e: Eligibility | undefined; error: unknown }) {
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
