// Mail waiting for a transport (admin): invitations, attestation reminders and NDA notices. Until
// SMTP exists this is how an operator passes an applicant its invitation link. Reading is audited.
import { Accordion, Badge, Group, Stack, Text } from "@mantine/core";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";

export function Outbox() {
  const mail = useApiQuery("listOutbox");
  const list = mail.data?.messages ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        No mail transport is configured yet: these messages wait here. Opening this list is recorded in the
        audit log.
      </Text>
      <ErrorAlert error={mail.error} />
      {!mail.isLoading && list.length === 0 && <Text c="dimmed">Nothing queued.</Text>}
      <Accordion variant="separated" data-testid="outbox">
        {list.map((m) => (
          <Accordion.Item key={m.id} value={m.id}>
            <Accordion.Control>
              <Group gap="sm" wrap="nowrap">
                <Badge variant="light">{m.kind.replace("_", " ")}</Badge>
                <Text size="sm" fw={500}>
                  {m.to}
                </Text>
                <Text size="sm" c="dimmed" truncate>
                  {m.subject}
                </Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Text size="xs" c="dimmed" mb="xs">
                Queued <Timestamp iso={m.createdAt} />
              </Text>
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                {m.body}
              </Text>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}
