// Suspension requests of one partner (for staff who may sanction): a request (an investigator's from
// a leak investigation's findings, or staff's) suspends the partner only once a second, different
// staff member approves it here; the requester's own approve and reject are refused by the server.
import { Badge, Button, Group, Stack, Text } from "@mantine/core";
import { SectionCard, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";

export function SuspensionRequests({ partnerId }: { partnerId: string }) {
  const q = useApiQuery("listSuspensionRequests", { params: { id: partnerId } });
  const decide = useApiMutation({
    fn: ({ id, approve }: { id: string; approve: boolean }, api) =>
      approve
        ? api.call("approveSuspensionRequest", { params: { id: partnerId, requestId: id } })
        : api.call("rejectSuspensionRequest", {
            params: { id: partnerId, requestId: id },
            body: { note: "rejected by the second reviewer" },
          }),
    invalidates: [`/api/partners/${partnerId}`],
    success: (_, { approve }) =>
      approve ? "Suspension approved: the partner is suspended" : "Suspension rejected",
  });
  const rows = q.data?.requests ?? [];
  if (!q.error && rows.length === 0) return null;
  return (
    <SectionCard
      title="Suspension requests"
      order={3}
      error={q.error}
      mt="md"
      data-testid="suspension-requests"
    >
      <Stack gap="xs">
        {rows.map((r) => (
          <Group key={r.id} gap="xs" align="flex-start">
            <Badge color={r.status === "pending" ? "orange" : r.status === "approved" ? "red" : "gray"}>
              {r.status}
            </Badge>
            <Text size="sm" style={{ flex: 1 }}>
              <Timestamp iso={r.requestedAt} /> by {r.requestedBy}
              {r.investigationId ? ` (investigation ${r.investigationId})` : ""}: {r.reason}
            </Text>
            {r.status === "pending" && (
              <>
                <Button
                  size="xs"
                  color="red"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ id: r.id, approve: true })}
                >
                  Approve suspension
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ id: r.id, approve: false })}
                >
                  Reject
                </Button>
              </>
            )}
          </Group>
        ))}
      </Stack>
    </SectionCard>
  );
}
