// A partner user: the advisories released to its organisation, each with its acknowledgement.
import { Anchor, Badge, Card, Group, Stack, Text } from "@mantine/core";
import { IconInbox } from "@tabler/icons-react";
import { Link } from "react-router";
import { ListState, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { useApiList } from "../../app/query.ts";

export function PartnerInbox() {
  const q = useApiList("listPartnerAdvisories");
  return (
    <>
      <PageHeader
        title="Released to us"
        description="Advisories your organisation has received, with your content level only."
      />
      <ListState
        q={q}
        empty={
          <EmptyCapability
            icon={IconInbox}
            title="Nothing released to you yet"
            description="Advisories appear here at your wave."
          />
        }
      >
        {(rows) => (
          <Stack>
            {rows.map((a) => (
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
        )}
      </ListState>
    </>
  );
}
