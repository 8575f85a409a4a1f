// The case list: phase, deadline (overdue and near cases stand out), CVE and score.
import { Anchor, Badge, Group, SegmentedControl, Skeleton, Table, Text } from "@mantine/core";
import { IconBug } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { ForStaff } from "../../app/ForStaff.tsx";
import { useApiList } from "../../app/query.ts";
import { type CaseSummary, deadlineLabel, PHASE_COLORS } from "./model.ts";

export function CaseList() {
  const researcher = useCan("report:own");
  const staff = useCan("cases:read");
  const [status, setStatus] = useState("all");
  const q = useApiList<CaseSummary>(
    researcher ? "/api/reports" : staff ? "/api/cases" : null,
    researcher || status === "all" ? undefined : { status },
  );
  if (!researcher && !staff)
    return (
      <>
        <PageHeader title="Cases" description="Reported vulnerabilities, from intake to the fix." />
        <ForStaff icon={IconBug} what="Cases" />
      </>
    );
  return (
    <>
      <PageHeader
        title="Cases"
        description={
          researcher
            ? "Your reports and where they stand."
            : "Reported vulnerabilities, from intake to the fix."
        }
        actions={
          !researcher && (
            <SegmentedControl
              aria-label="Filter cases"
              value={status}
              onChange={setStatus}
              data={[
                { value: "all", label: "All" },
                { value: "open", label: "Open" },
                { value: "near", label: "Due soon" },
                { value: "overdue", label: "Overdue" },
              ]}
            />
          )
        }
      />
      <ErrorAlert error={q.error} />
      {q.isLoading && !q.data && <Skeleton h={200} />}
      {q.data && q.data.length === 0 && (
        <EmptyCapability
          icon={IconBug}
          title="No cases"
          description="Reports submitted through the public report form appear here."
        />
      )}
      {q.data && q.data.length > 0 && (
        <Table striped highlightOnHover aria-label="Cases">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Case</Table.Th>
              <Table.Th>Phase</Table.Th>
              <Table.Th>Deadline</Table.Th>
              <Table.Th>CVE</Table.Th>
              <Table.Th>CVSS</Table.Th>
              <Table.Th>Received</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((c) => {
              const d = deadlineLabel(c.deadline);
              return (
                <Table.Tr key={c.id} data-testid={`case-row-${c.id}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/cases/${c.id}`} fw={500}>
                      {c.title}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {c.product} {c.version}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={PHASE_COLORS[c.phase]} variant="light">
                      {c.phase}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Badge color={d.color} variant={c.deadline.status === "overdue" ? "filled" : "light"}>
                        {d.text}
                      </Badge>
                    </Group>
                  </Table.Td>
                  <Table.Td>{c.cveId ?? "—"}</Table.Td>
                  <Table.Td>{c.cvss ? `${c.cvss.score} ${c.cvss.severity}` : "—"}</Table.Td>
                  <Table.Td>
                    <Timestamp iso={c.receivedAt} relative />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
