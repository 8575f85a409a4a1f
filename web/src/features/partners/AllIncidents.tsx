// Every partner's incidents for investigators: self-reported leaks and staff reports, open first.

import { Anchor, SegmentedControl, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { INCIDENT_STATUSES } from "../../../../src/contract/enums.ts";
import { oneOf } from "../../app/choices.ts";
import { ErrorAlert } from "../../app/components.tsx";
import { useApiList } from "../../app/query.ts";
import { IncidentCard } from "./IncidentCard.tsx";

export function AllIncidents() {
  const [status, setStatus] = useState("open");
  const list = useApiList("listIncidents", {
    query: {
      status: oneOf(INCIDENT_STATUSES, status),
    },
  });
  const partners = useApiList("listPartners");
  const names = new Map((partners.data ?? []).map((p) => [p.id, p.name]));
  const incidents = list.data ?? [];
  return (
    <Stack>
      <SegmentedControl
        w={280}
        value={status}
        onChange={setStatus}
        data={[
          { value: "open", label: "Open" },
          { value: "closed", label: "Closed" },
          { value: "all", label: "All" },
        ]}
      />
      <ErrorAlert error={list.error} />
      {!list.isLoading && incidents.length === 0 && <Text c="dimmed">No incidents.</Text>}
      {incidents.map((i) => (
        <Stack key={i.id} gap={4}>
          <Anchor component={Link} to={`/partners/${i.partnerId}`} size="sm" fw={600}>
            {names.get(i.partnerId) ?? i.partnerId}
          </Anchor>
          <IncidentCard incident={i} partnerId={i.partnerId} canClose />
        </Stack>
      ))}
    </Stack>
  );
}
