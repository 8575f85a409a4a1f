// The findings: the verdict with its bounds, canary hits, warnings, the score plot, the recipients
// with the strongest evidence and, while the investigation is open, an investigator's actions on an
// accused partner: open an incident on its record, or request its suspension (which a second staff
// member must approve on the partner's page).
import { Alert, Badge, Button, Group, Stack, Table, Text } from "@mantine/core";
import { SectionCard, Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { type Findings, formatBound, type Scored } from "./model.ts";
import { ScorePlot } from "./ScorePlot.tsx";

const VERDICT: Record<Findings["verdict"], string> = {
  accused: "Accused",
  inconclusive: "Inconclusive: nobody passes the threshold",
  no_match: "No match: the evidence does not come from a delivered advisory",
};

type Proposal = { action: "incident" | "suspension"; r: Scored };

export function FindingsCard({
  investigationId,
  findings: f,
  canPropose,
}: {
  investigationId: string;
  findings: Findings;
  canPropose: boolean;
}) {
  const propose = useApiMutation({
    fn: ({ action, r }: Proposal, api) =>
      api.call("proposeInvestigationAction", {
        params: { id: investigationId },
        body: {
          action,
          partnerId: r.partnerId,
          reason: `${r.kind} ${r.recipientId} of ${r.partnerName} accused: score ${r.score.toFixed(1)} over threshold ${r.threshold.toFixed(1)}, bound ${formatBound(r.bound)}`,
        },
      }),
    invalidates: [`/api/investigations/${investigationId}`],
    success: (_, { action }) =>
      action === "incident"
        ? "Incident opened on the partner's record"
        : "Suspension requested: a second staff member must approve it",
  });
  return (
    <SectionCard title="Findings" order={3}>
      <Stack gap="xs">
        <Group>
          <Badge color={f.verdict === "accused" ? "red" : "gray"} size="lg">
            {VERDICT[f.verdict]}
          </Badge>
          <Text size="sm">
            {f.observedPoints} points observed; {f.recipientCount} delivered recipients scored; ε₁ ={" "}
            {formatBound(f.epsilon)} per innocent recipient, ε = ε₁·n = {formatBound(f.populationBound)} for
            all.
          </Text>
        </Group>
        {f.canaries.map((c) => (
          <Alert key={`${c.recipientId}${c.at}`} color="red" title="Canary token fired (certain)">
            {c.recipientId} of {c.partnerName}: {c.kind} at <Timestamp iso={c.at} />
          </Alert>
        ))}
        {f.warnings.map((w) => (
          <Alert key={w} color="yellow" variant="light">
            {w}
          </Alert>
        ))}
        {f.recipientCount > 0 && <ScorePlot f={f} />}
        {canPropose &&
          f.accused.map((r) => (
            <Group key={`propose-${r.recipientId}`} gap="xs">
              <Text size="sm">
                {r.partnerName}: a suspension takes effect only once a second staff member approves it.
              </Text>
              <Button
                size="xs"
                variant="light"
                disabled={propose.isPending}
                onClick={() => propose.mutate({ action: "incident", r })}
              >
                Open an incident on {r.partnerName}
              </Button>
              <Button
                size="xs"
                variant="light"
                color="red"
                disabled={propose.isPending}
                onClick={() => propose.mutate({ action: "suspension", r })}
              >
                Request suspending {r.partnerName}
              </Button>
            </Group>
          ))}
        {f.recipients.length > 0 && <RecipientsTable recipients={f.recipients} />}
      </Stack>
    </SectionCard>
  );
}

function RecipientsTable({ recipients }: { recipients: Scored[] }) {
  return (
    <Table aria-label="Recipients with the strongest evidence">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Recipient</Table.Th>
          <Table.Th>Partner</Table.Th>
          <Table.Th>Score / threshold</Table.Th>
          <Table.Th>Bound</Table.Th>
          <Table.Th>Accused</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {recipients.map((r) => (
          <Table.Tr key={`${r.recipientId}-${r.revision}`}>
            <Table.Td>
              {r.kind} {r.recipientId}
            </Table.Td>
            <Table.Td>
              {r.partnerName} ({r.partnerStatus})
            </Table.Td>
            <Table.Td>
              {r.score.toFixed(1)} / {r.threshold.toFixed(1)}
            </Table.Td>
            <Table.Td>{r.accused ? formatBound(r.bound) : "not certified"}</Table.Td>
            <Table.Td>{r.accused ? "yes" : "no"}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
