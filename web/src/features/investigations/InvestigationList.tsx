// Every investigation with its status and advisory, and for an investigator the form to open one.
import { Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { type Column, DataTable } from "../../app/DataTable.tsx";
import { useApiList } from "../../app/query.ts";
import type { Investigation } from "./model.ts";
import { OpenInvestigation } from "./OpenInvestigation.tsx";
import { SuspicionList } from "./SuspicionList.tsx";

const COLUMNS: Column<Investigation>[] = [
  { header: "Title", cell: (r) => <Link to={`/investigations/${r.id}`}>{r.title}</Link> },
  { header: "Status", cell: (r) => r.status },
  { header: "Advisory", cell: (r) => r.advisoryId ?? "from evidence" },
  { header: "Opened", cell: (r) => <Timestamp iso={r.createdAt} /> },
];

export function InvestigationList() {
  const list = useApiList("listInvestigations");
  const canWrite = useCan("investigations:write");
  const rows = list.data ?? [];
  return (
    <>
      <PageHeader
        title="Investigations"
        description="Trace a leak back to the copy it came from, with a stated bound on the chance of accusing an innocent recipient."
      />
      <Stack>
        {canWrite && <OpenInvestigation />}
        <ErrorAlert error={list.error} />
        {!list.isPending && rows.length === 0 && <Text c="dimmed">No investigations yet.</Text>}
        {rows.length > 0 && (
          <DataTable aria-label="Investigations" rows={rows} rowKey={(r) => r.id} columns={COLUMNS} />
        )}
        <SuspicionList />
      </Stack>
    </>
  );
}
