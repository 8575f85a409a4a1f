// On a partner's scorecard, for investigators and coordinators: the partner's score in each
// investigation that matched an advisory it received, and the combined test over every advisory
// (each once). Partners never see it (the API answers them 403).
import { Badge, Group, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { SectionCard } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { formatBound } from "./model.ts";

export function PartnerSuspicionPanel({ partnerId }: { partnerId: string }) {
  const q = useApiQuery("getPartnerSuspicion", { params: { partnerId } });
  const s = q.data;
  const p = s?.partner;
  return (
    <SectionCard
      title="Suspicion across incidents"
      order={3}
      error={q.error}
      mt="md"
      data-testid="partner-suspicion"
    >
      {s && p && (
        <Stack gap="xs">
          <Group>
            <Badge color={p.accused ? "red" : "gray"} size="lg">
              {p.accused ? "Accused across incidents" : "Not accused across incidents"}
            </Badge>
            <Text size="sm">
              {p.advisoriesCounted} advisories counted, {p.combined.observedPoints} points: combined score{" "}
              {p.combined.score.toFixed(1)} against threshold {p.combined.threshold.toFixed(1)}, bound{" "}
              {formatBound(p.combined.bound)} (accused only at ≤ {formatBound(s.epsilon)}; {s.partnersTested}{" "}
              partners tested, at most {formatBound(s.populationBound)} for any innocent).
            </Text>
          </Group>
          {p.perInvestigation.length === 0 ? (
            <Text c="dimmed">No investigation has matched an advisory this partner received.</Text>
          ) : (
            <Table aria-label="Score of this partner per investigation">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Investigation</Table.Th>
                  <Table.Th>Advisories</Table.Th>
                  <Table.Th>Points</Table.Th>
                  <Table.Th>Score</Table.Th>
                  <Table.Th>Threshold alone</Table.Th>
                  <Table.Th>Bound alone</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.perInvestigation.map((r) => (
                  <Table.Tr key={r.investigationId}>
                    <Table.Td>
                      <Link to={`/investigations/${r.investigationId}`}>{r.title}</Link>
                    </Table.Td>
                    <Table.Td>{r.advisoryIds.join(", ")}</Table.Td>
                    <Table.Td>{r.observedPoints}</Table.Td>
                    <Table.Td>{r.score.toFixed(1)}</Table.Td>
                    <Table.Td>{r.threshold.toFixed(1)}</Table.Td>
                    <Table.Td>{formatBound(r.bound)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </SectionCard>
  );
}
