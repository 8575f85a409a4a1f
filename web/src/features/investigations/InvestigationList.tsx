// Every investigation with its status and advisory, and for an investigator the form to open one.
import { Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { OpenInvestigation } from "./OpenInvestigation.tsx";

export function InvestigationList() {
  const list = useApiQuery("listInvestigations");
  const canWrite = useCan("investigations:write");
  const rows = list.data?.investigations ?? [];
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
          <Table aria-label="Investigations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Title</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Advisory</Table.Th>
                <Table.Th>Opened</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Link to={`/investigations/${r.id}`}>{r.title}</Link>
                  </Table.Td>
                  <Table.Td>{r.status}</Table.Td>
                  <Table.Td>{r.advisoryId ?? "from evidence"}</Table.Td>
                  <Table.Td>
                    <Timestamp iso={r.createdAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </>
  );
}
