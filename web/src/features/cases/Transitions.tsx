// Who reported a case, and moving the case to its next phase (with a reason; a duplicate names the original).
import { Anchor, Button, Group, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { SectionCard } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { PHASE_COLORS, type Phase, type StaffCase } from "./model.ts";

/** Who reported the case and how to reach them (staff only: the server sends it with cases:read). */
export function Reporter({ c }: { c: StaffCase }) {
  const r = c.reporter;
  return (
    <SectionCard title="Reporter" data-testid="case-reporter">
      <Stack gap={2}>
        <Text size="sm" fw={500}>
          {r.name ?? (r.kind === "anonymous" ? "Anonymous reporter" : "Unnamed account")}
        </Text>
        {r.email ? (
          <Anchor href={`mailto:${r.email}`} size="sm">
            {r.email}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            No e-mail given: reach them through Messages (they read replies with their tracking token).
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {r.kind === "account"
            ? `Researcher account${r.organisationName ? ` of ${r.organisationName}` : ""}`
            : "Reported through the public form"}
        </Text>
      </Stack>
    </SectionCard>
  );
}

export function Transitions({ c }: { c: StaffCase }) {
  const [reason, setReason] = useState("");
  const [duplicateOf, setDuplicateOf] = useState("");
  const move = useApiMutation({
    fn: (to: Phase, api) =>
      api.call("transitionCase", {
        params: { id: c.id },
        body: {
          to,
          ...(reason ? { reason } : {}),
          ...(to === "duplicate" ? { duplicateOf } : {}),
        },
      }),
    invalidates: [`/api/cases/${c.id}`, "/api/cases"],
    success: (_, to) => `Case moved to ${to}`,
    onSuccess: () => setReason(""),
  });
  if (c.allowedTransitions.length === 0) return null;
  return (
    <Paper withBorder p="md">
      <Text fw={500} mb="xs">
        Move to
      </Text>
      <Stack gap="xs">
        <TextInput
          placeholder="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={2000}
        />
        {c.allowedTransitions.includes("duplicate") && (
          <TextInput
            placeholder="Original case ID, for duplicate"
            value={duplicateOf}
            onChange={(e) => setDuplicateOf(e.currentTarget.value.trim())}
          />
        )}
        <Group gap="xs">
          {c.allowedTransitions.map((to) => (
            <Button
              key={to}
              size="xs"
              variant="light"
              color={PHASE_COLORS[to]}
              onClick={() => move.mutate(to)}
            >
              {to}
            </Button>
          ))}
        </Group>
      </Stack>
    </Paper>
  );
}
