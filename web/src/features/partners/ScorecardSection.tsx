// A partner's standing at a glance: NDA, attestation, incidents, acknowledgements and eligibility.
import { Card, SimpleGrid, Text } from "@mantine/core";
import { ErrorAlert } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import { useApiQuery } from "../../app/query.ts";

export function ScorecardSection({ partnerId }: { partnerId: string }) {
  const sc = useApiQuery("partnerScorecard", { params: { id: partnerId } });
  const s = sc.data;
  return (
    <>
      <ErrorAlert error={sc.error} />
      {s && (
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} data-testid="scorecard">
          <Metric
            label="NDA"
            value={s.nda.current ? `version ${s.nda.signedVersion} signed` : "current version not signed"}
            ok={s.nda.current}
          />
          <Metric
            label="Attestation"
            value={s.attestation.current ? `${s.attestation.daysLeft} days left` : "expired"}
            ok={s.attestation.current && s.attestation.daysLeft > 30}
          />
          <Metric
            label="Incidents"
            value={`${s.incidents.total} (${s.incidents.open} open, ${s.incidents.selfReported} self-reported)`}
            ok={s.incidents.open === 0}
          />
          <Metric label="Acknowledgement times" value={s.acknowledgements.note} ok={null} />
          <Metric label="Protections shipped" value={s.protectionsShipped.note} ok={null} />
          <Metric
            label="Eligibility"
            value={
              s.eligibility.eligible
                ? `${s.eligibility.tier}, ${formatLead(s.eligibility.leadTime)}`
                : "not eligible"
            }
            ok={s.eligibility.eligible}
          />
        </SimpleGrid>
      )}
    </>
  );
}

function Metric({ label, value, ok }: { label: string; value: string; ok: boolean | null }) {
  return (
    <Card withBorder radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} c={ok === null ? "dimmed" : ok ? "green" : "red"}>
        {value}
      </Text>
    </Card>
  );
}
