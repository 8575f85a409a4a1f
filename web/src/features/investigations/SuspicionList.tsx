// Partners by suspicion accumulated across investigations: each partner's scores added over every
// advisory whose leak was investigated (each advisory once), with the combined test's threshold and
// bound. A partner is accused across incidents only when the combined bound is at most ε₁.
import { Badge, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { SectionCard } from "../../app/components.tsx";
import { type Column, DataTable } from "../../app/DataTable.tsx";
import { useApiQuery } from "../../app/query.ts";
import { formatBound, type SuspicionList as Suspicion } from "./model.ts";

const COLUMNS: Column<Suspicion["partners"][number]>[] = [
  { header: "Partner", cell: (p) => <Link to={`/partners/${p.partnerId}`}>{p.partnerName}</Link> },
  { header: "Advisories", cell: (p) => p.advisoriesCounted },
  { header: "Combined score", cell: (p) => p.combined.score.toFixed(1) },
  { header: "Threshold", cell: (p) => p.combined.threshold.toFixed(1) },
  { header: "Bound", cell: (p) => formatBound(p.combined.bound) },
  {
    header: "Across incidents",
    cell: (p) => <Badge color={p.accused ? "red" : "gray"}>{p.accused ? "accused" : "not accused"}</Badge>,
  },
];

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
            <DataTable
              aria-label="Partners by accumulated suspicion"
              rows={s.partners}
              rowKey={(p) => p.partnerId}
              columns={COLUMNS}
            />
          )}
        </Stack>
      )}
    </SectionCard>
  );
}
