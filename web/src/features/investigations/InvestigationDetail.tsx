// One investigation: evidence (drag and drop or choose files; pasted text), findings with the score
// plot and the located passages highlighted on the evidence, exposure timeline, coincidence
// analysis, notes, closing, and the reports. Each section reads and changes through the query cache.
import { Anchor, Button, Stack } from "@mantine/core";
import { Link, useParams } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { EvidenceCard } from "./EvidenceCard.tsx";
import { ExposureCard } from "./ExposureCard.tsx";
import { FindingsCard } from "./FindingsCard.tsx";
import { TimelineCard } from "./TimelineCard.tsx";

export function InvestigationDetail() {
  const { id = "" } = useParams();
  const canWrite = useCan("investigations:write");
  const q = useApiQuery("getInvestigation", { params: { id } });
  const d = q.data;
  if (!d) return <ErrorAlert error={q.error} />;
  const writable = canWrite && d.status === "open";
  return (
    <>
      <PageHeader
        title={d.title}
        description={
          <>
            {d.status === "open" ? "Open" : "Closed"} · advisory{" "}
            {d.advisoryId ?? (d.findings.advisoryIds.join(", ") || "not identified")} · first exploitation
            observed <Timestamp iso={d.observedAt} />
          </>
        }
        actions={
          <>
            <Button component="a" variant="light" href={`/api/investigations/${id}/report.html`}>
              Report (HTML)
            </Button>
            <Button component="a" variant="light" href={`/api/investigations/${id}/report.pdf`}>
              Report (PDF)
            </Button>
          </>
        }
      />
      <Stack>
        <Anchor component={Link} to="/investigations" size="sm">
          All investigations
        </Anchor>
        <FindingsCard investigationId={d.id} findings={d.findings} canPropose={writable} />
        <EvidenceCard detail={d} canAdd={writable} />
        <ExposureCard id={id} />
        <TimelineCard detail={d} canWrite={writable} />
      </Stack>
    </>
  );
}
