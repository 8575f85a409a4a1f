// Leak investigations: the list, opening one, and one investigation with its evidence (upload by
// drag and drop), findings (score plot, located passages highlighted), exposure timeline, coincidence
// analysis and the report downloads.
import { Button, Card, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconFingerprint } from "@tabler/icons-react";
import { useState } from "react";
import { Link, Route, Routes, useNavigate } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { ForStaff } from "../../app/ForStaff.tsx";
import { localInputToIso } from "../../app/format.ts";
import { useApiQuery } from "../../app/query.ts";
import { InvestigationDetail } from "./InvestigationDetail.tsx";
import type { Investigation } from "./model.ts";

export function InvestigationsPage() {
  const role = useCurrentUser().role;
  if (role !== "coordinator" && role !== "investigator")
    return (
      <>
        <PageHeader title="Investigations" description="Trace a leak back to its source." />
        <ForStaff icon={IconFingerprint} what="Investigations" />
      </>
    );
  return (
    <Routes>
      <Route index element={<InvestigationList />} />
      <Route path=":id" element={<InvestigationDetail />} />
    </Routes>
  );
}

function InvestigationList() {
  const api = useApi();
  const navigate = useNavigate();
  const list = useApiQuery<{ investigations: Investigation[] }>("/api/investigations");
  const canWrite = useCurrentUser().role === "investigator";
  const [title, setTitle] = useState("");
  const [advisoryId, setAdvisoryId] = useState("");
  const [observed, setObserved] = useState("");
  const [error, setError] = useState<unknown>(null);
  async function open() {
    setError(null);
    try {
      const res = await api.post<{ id: string }>("/api/investigations", {
        title,
        ...(advisoryId.trim() ? { advisoryId: advisoryId.trim() } : {}),
        ...(observed ? { observedAt: localInputToIso(observed) } : {}),
      });
      notifications.show({ message: "Investigation opened" });
      navigate(`/investigations/${res.id}`);
    } catch (e) {
      setError(e);
    }
  }
  const rows = list.data?.investigations ?? [];
  return (
    <>
      <PageHeader
        title="Investigations"
        description="Trace a leak back to the copy it came from, with a stated bound on the chance of accusing an innocent recipient."
      />
      <Stack>
        {canWrite && (
          <Card withBorder>
            <Stack gap="xs">
              <Text fw={600}>Open an investigation</Text>
              <Group align="flex-end">
                <TextInput
                  label="Title"
                  required
                  value={title}
                  onChange={(e) => setTitle(e.currentTarget.value)}
                />
                <TextInput
                  label="Advisory ID (optional)"
                  description="Leave empty to find the advisory from the evidence"
                  value={advisoryId}
                  onChange={(e) => setAdvisoryId(e.currentTarget.value)}
                />
                <TextInput
                  type="datetime-local"
                  label="First exploitation observed (optional)"
                  value={observed}
                  onChange={(e) => setObserved(e.currentTarget.value)}
                />
                <Button onClick={() => void open()} disabled={!title.trim()}>
                  Open
                </Button>
              </Group>
              <ErrorAlert error={error} />
            </Stack>
          </Card>
        )}
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
