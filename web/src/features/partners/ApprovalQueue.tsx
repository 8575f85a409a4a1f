// Applications waiting for their two approvals; approve or reject with a reason.
import { Alert, Anchor, Badge, Button, Card, Group, List, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { useApiList } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { StatusBadge } from "./Directory.tsx";
import { countryName, KIND_LABELS, type PartnerListItem } from "./model.ts";
import { ReasonModal } from "./ReasonModal.tsx";

export function ApprovalQueue() {
  const approver = useCan("partners:approve");
  const queue = useApiList("listPartners", {
    query: {
      status: "applicant,under_review",
    },
  });
  const [rejecting, setRejecting] = useState<PartnerListItem | null>(null);
  const [reason, setReason] = useState("");

  const approve = useApiMutation({
    fn: (p: PartnerListItem, api) => api.call("approvePartner", { params: { id: p.id } }),
    invalidates: ["/api/partners"],
    success: (r, p) =>
      r.status === "active"
        ? `${p.name} is now active`
        : `Approved ${p.name} (${r.approvals} of ${r.approvalsNeeded}); another staff member must approve too`,
  });

  const reject = useApiMutation({
    fn: (p: PartnerListItem, api) => api.call("rejectPartner", { params: { id: p.id }, body: { reason } }),
    invalidates: ["/api/partners"],
    success: (_, p) => `Rejected ${p.name}`,
    onSuccess: () => {
      setRejecting(null);
      setReason("");
    },
  });

  const list = queue.data ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Each application needs approvals from two different staff members. Nobody approves an organisation
        they are a contact of.
      </Text>
      <ErrorAlert error={queue.error} />
      {!queue.isLoading && list.length === 0 && <Text c="dimmed">No applications are waiting.</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {list.map((p) => (
          <Card key={p.id} withBorder radius="md" data-testid="queue-card">
            <Group justify="space-between" mb="xs">
              <Anchor component={Link} to={`/partners/${p.id}`} fw={600}>
                {p.name}
              </Anchor>
              <StatusBadge status={p.status} />
            </Group>
            <Text size="sm">
              {KIND_LABELS[p.kind] ?? p.kind} · {countryName(p.country)}
              {p.staffCountries.length > 0 && ` · staff in ${p.staffCountries.join(", ")}`} ·{" "}
              {p.customers.toLocaleString("en")} customers
            </Text>
            <Text size="sm" c="dimmed">
              Applied <Timestamp iso={p.createdAt} relative /> · contact {p.contacts[0]?.email}
            </Text>
            {p.duplicate && (
              <Alert color="orange" mt="sm" p="xs" title="Possible duplicate" data-testid="duplicate-alert">
                <List size="sm">
                  {p.duplicate.reasons.map((r) => (
                    <List.Item key={r}>{r}</List.Item>
                  ))}
                </List>
                {p.duplicate.partnerId && (
                  <Anchor component={Link} to={`/partners/${p.duplicate.partnerId}`} size="sm">
                    Open the existing partner
                  </Anchor>
                )}
                <Text size="xs" c="dimmed" mt={4}>
                  The applicant got the usual answer, so the form reveals nothing about existing partners or
                  accounts; no account was made for an address that already has one.
                </Text>
              </Alert>
            )}
            <Group mt="md" justify="space-between">
              <Badge variant="outline">{p.approvals} of 2 approvals</Badge>
              {approver && (
                <Group gap="xs">
                  <Button variant="default" color="red" onClick={() => setRejecting(p)}>
                    Reject
                  </Button>
                  <Button onClick={() => approve.mutate(p)}>Approve</Button>
                </Group>
              )}
            </Group>
          </Card>
        ))}
      </SimpleGrid>
      <ReasonModal
        opened={rejecting !== null}
        onClose={() => setRejecting(null)}
        title={`Reject ${rejecting?.name ?? ""}`}
        description="Recorded on the applicant's timeline, for staff only"
        reason={reason}
        setReason={setReason}
      >
        <Button
          color="red"
          disabled={!reason.trim()}
          loading={reject.isPending}
          onClick={() => rejecting && reject.mutate(rejecting)}
        >
          Reject application
        </Button>
      </ReasonModal>
    </Stack>
  );
}
