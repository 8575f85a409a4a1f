// The case list: phase, deadline (overdue and near cases stand out), CVE and score.

import { Badge, Group, SegmentedControl } from "@mantine/core";
import { IconBug } from "@tabler/icons-react";
import { useState } from "react";
import { useCan } from "../../app/auth.tsx";
import { oneOf } from "../../app/choices.ts";
import { ListState, PageHeader, Timestamp } from "../../app/components.tsx";
import { type Column, DataTable, RecordCell } from "../../app/DataTable.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { ForStaff } from "../../app/ForStaff.tsx";
import { useApiList } from "../../app/query.ts";
import { type CaseSummary, deadlineLabel, PHASE_COLORS } from "./model.ts";

/** The list's filters besides "all", as listCases takes them. */
const CASE_STATUS_FILTERS = ["open", "near", "overdue"] as const;

/** A row of the list: staff's and the reporter's own (without the assignee) alike. */
type Row = Omit<CaseSummary, "assigneeId">;

const COLUMNS: Column<Row>[] = [
  {
    header: "Case",
    cell: (c) => (
      <RecordCell to={`/cases/${c.id}`} sub={`${c.product} ${c.version}`}>
        {c.title}
      </RecordCell>
    ),
  },
  {
    header: "Phase",
    cell: (c) => (
      <Badge color={PHASE_COLORS[c.phase]} variant="light">
        {c.phase}
      </Badge>
    ),
  },
  {
    header: "Deadline",
    cell: (c) => {
      const d = deadlineLabel(c.deadline);
      return (
        <Group gap={6}>
          <Badge color={d.color} variant={c.deadline.status === "overdue" ? "filled" : "light"}>
            {d.text}
          </Badge>
        </Group>
      );
    },
  },
  { header: "CVE", cell: (c) => c.cveId ?? "—" },
  { header: "CVSS", cell: (c) => (c.cvss ? `${c.cvss.score} ${c.cvss.severity}` : "—") },
  { header: "Received", cell: (c) => <Timestamp iso={c.receivedAt} relative /> },
];

export function CaseList() {
  const researcher = useCan("report:own");
  const staff = useCan("cases:read");
  const [status, setStatus] = useState("all");
  const own = useApiList("listOwnReports", researcher ? {} : null);
  const all = useApiList(
    "listCases",
    staff && !researcher ? { query: { status: oneOf(CASE_STATUS_FILTERS, status) } } : null,
  );
  const q = researcher ? own : all;
  if (!researcher && !staff)
    return (
      <ForStaff icon={IconBug} what="Cases" description="Reported vulnerabilities, from intake to the fix." />
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
      <ListState
        q={q}
        empty={
          <EmptyCapability
            icon={IconBug}
            title="No cases"
            description="Reports submitted through the public report form appear here."
          />
        }
      >
        {(rows) => (
          <DataTable
            striped
            highlightOnHover
            aria-label="Cases"
            rows={rows}
            rowKey={(c) => c.id}
            rowProps={(c) => ({ "data-testid": `case-row-${c.id}` })}
            columns={COLUMNS}
          />
        )}
      </ListState>
    </>
  );
}
