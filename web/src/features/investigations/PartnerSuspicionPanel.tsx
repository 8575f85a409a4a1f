// On a partner's scorecard, for investigators and coordinators: the partner's score in each
// investigation that matched an advisory it received, and the combined test over every advisory
// (each once). Partners never see it (the API answers them 403).
import { Badge, Group, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { SectionCard } from "../../app/components.tsx";
import { type Column, DataTable } from "../../app/DataTable.tsx";
import { useApiQuery } from "../../app/query.ts";
import { formatBound, type PartnerSuspicion } from "./model.ts";

const COLUMNS: Column<PartnerSuspicion["partner"]["perInvestigation"][number]>[] = [
  {
    header: "Investigation",
    cell: (r) => <Link to={`/investigations/${r.investigationId}`}>{r.title}</Link>,
  },
  { header: "Advisories", cell: (r) => r.advisoryIds.join(", ") },
  { header: "Points", cell: (r) => r.observedPoints },
  { header: "Score", cell: (r) => r.score.toFixed(1) },
  { header: "Threshold alone", cell: (r) => r.threshold.toFixed(1) },
  { header: "Bound alone", cell: (r) => formatBound(r.bound) },
];

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
            <DataTable
              aria-label="Score of this partner per investigation"
              rows={p.perInvestigation}
              rowKey={(r) => r.investigationId}
              columns={COLUMNS}
            />
          )}
        </Stack>
      )}
    </SectionCard>
  );
}
