// What a partner receives now (tier, lead time, content levels) and every rule that decided it.
import { Alert, Badge, Group, Stack, Text } from "@mantine/core";
import { IconCircleCheck, IconCircleX } from "@tabler/icons-react";
import { SectionCard } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import type { Eligibility } from "./model.ts";

export function EligibilityCard({ e, error }: { e: Eligibility | undefined; error: unknown }) {
  return (
    <SectionCard title="What it receives now" error={error} radius="md" data-testid="eligibility">
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
    </SectionCard>
  );
}
