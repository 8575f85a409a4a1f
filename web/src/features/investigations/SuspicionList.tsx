// Partners by suspicion accumulated across investigations: each partner's scores added over every
// advisory whose leak was investigated (each advisory once), with the combined test's threshold and
// bound. A partner is accused across incidents only when the combined bound is at most ε₁.
import { Badge, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { SectionCard } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { formatBound } from "./model.ts";

export function SuspicionList() {
  const q = useApiQuery("listSuspicion");
  const s = q.data;
  return (
    <SectionCard title="Suspicion across incidents" order={3} error={q.error} data-testid="suspicion">
      {s && (
        <Stack gap="xs">
          <Text size="sm">
            {s.investigationsCounted} investigations matched {s.advisoriesCounted} advisories (each advisory
            counted once); {s.partnersTested} partners tested at ε₁ = {formatBound(s.epsilon)} each, so the
            chance of accusing any innocent partner is at most {formatBound(s.populationBound)}.
          </Text>
          {s.partners.length === 0 ? (
            <Text c="dimmed">No investigation has matched a delivered advisory yet.</Text>
          ) : (
            <Table aria-label="Partners by accumulated suspicion">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Advisories</Table.Th>
                  <Table.Th>Combined score</Table.Th>
                  <Table.Th>Threshold</Table.Th>
                  <Table.Th>Bound</Table.Th>
                  <Table.Th>Across incidents</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.partners.map((p) => (
                  <Table.Tr key={p.partnerId}>
                    <Table.Td>
                      <Link to={`/partners/${p.partnerId}`}>{p.partnerName}</Link>
                    </Table.Td>
                    <Table.Td>{p.advisoriesCounted}</Table.Td>
                    <Table.Td>{p.combined.score.toFixed(1)}</Table.Td>
                    <Table.Td>{p.combined.threshold.toFixed(1)}</Table.Td>
                    <Table.Td>{formatBound(p.combined.bound)}</Table.Td>
                    <Table.Td>
                      <Badge color={p.accused ? "red" : "gray"}>
                        {p.accused ? "accused" : "not accused"}
                      </Badge>
                    </Table.Td>
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
