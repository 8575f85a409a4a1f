// Advisories: the list, a new advisory for a case, and the editor.
import { Anchor, Badge, Button, Skeleton, Table } from "@mantine/core";
import { IconFileDescription, IconPlus } from "@tabler/icons-react";
import { Link, Route, Routes } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { ForStaff } from "../../app/ForStaff.tsx";
import { useApiList } from "../../app/query.ts";
import { AdvisoryEditor } from "./AdvisoryEditor.tsx";
import { type AdvisorySummary, STATE_COLORS } from "./model.ts";
import { NewAdvisory } from "./NewAdvisory.tsx";

export function AdvisoriesPage() {
  return (
    <Routes>
      <Route index element={<AdvisoryList />} />
      <Route path="new" element={<NewAdvisory />} />
      <Route path=":id" element={<AdvisoryEditor />} />
    </Routes>
  );
}

function AdvisoryList() {
  const staff = useCan("advisories:read");
  const writes = useCan("advisories:write");
  const q = useApiList<AdvisorySummary>(staff ? "/api/advisories" : null);
  if (!staff)
    return (
      <>
        <PageHeader title="Advisories" description="What partners receive before public release." />
        <ForStaff icon={IconFileDescription} what="Advisories" />
      </>
    );
  return (
    <>
      <PageHeader
        title="Advisories"
        description="Written once with content levels; every edit is a revision, approved by a second person."
        actions={
          writes && (
            <Button component={Link} to="/advisories/new" leftSection={<IconPlus size={16} />}>
              New advisory
            </Button>
          )
        }
      />
      <ErrorAlert error={q.error} />
      {q.isLoading && !q.data && <Skeleton h={200} />}
      {q.data?.length === 0 && (
        <EmptyCapability
          icon={IconFileDescription}
          title="No advisories yet"
          description="Write one for a verified case."
        />
      )}
      {q.data && q.data.length > 0 && (
        <Table striped aria-label="Advisories">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Advisory</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Revision</Table.Th>
              <Table.Th>Public</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/advisories/${a.id}`}>
                    {a.trackingId}: {a.title}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATE_COLORS[a.state]}>{a.state.replace("_", " ")}</Badge>
                </Table.Td>
                <Table.Td>{a.currentRevision}</Table.Td>
                <Table.Td>
                  {a.publishedAt ? (
                    <Timestamp iso={a.publishedAt} />
                  ) : (
                    <Badge color="orange" variant="light">
                      embargoed
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Timestamp iso={a.updatedAt} relative />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
