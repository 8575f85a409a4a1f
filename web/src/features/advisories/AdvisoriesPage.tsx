// Advisories: the list, a new advisory for a case, and the editor.
import { Anchor, Badge, Button } from "@mantine/core";
import { IconFileDescription, IconPlus } from "@tabler/icons-react";
import { Link, Route, Routes } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ListState, PageHeader, Timestamp } from "../../app/components.tsx";
import { type Column, DataTable } from "../../app/DataTable.tsx";
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

const COLUMNS: Column<AdvisorySummary>[] = [
  {
    header: "Advisory",
    cell: (a) => (
      <Anchor component={Link} to={`/advisories/${a.id}`}>
        {a.trackingId}: {a.title}
      </Anchor>
    ),
  },
  { header: "State", cell: (a) => <Badge color={STATE_COLORS[a.state]}>{a.state.replace("_", " ")}</Badge> },
  { header: "Revision", cell: (a) => a.currentRevision },
  {
    header: "Public",
    cell: (a) =>
      a.publishedAt ? (
        <Timestamp iso={a.publishedAt} />
      ) : (
        <Badge color="orange" variant="light">
          embargoed
        </Badge>
      ),
  },
  { header: "Updated", cell: (a) => <Timestamp iso={a.updatedAt} relative /> },
];

function AdvisoryList() {
  const staff = useCan("advisories:read");
  const writes = useCan("advisories:write");
  const q = useApiList("listAdvisories", staff ? {} : null);
  if (!staff)
    return (
      <ForStaff
        icon={IconFileDescription}
        what="Advisories"
        description="What partners receive before public release."
      />
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
      <ListState
        q={q}
        empty={
          <EmptyCapability
            icon={IconFileDescription}
            title="No advisories yet"
            description="Write one for a verified case."
          />
        }
      >
        {(rows) => (
          <DataTable striped aria-label="Advisories" rows={rows} rowKey={(a) => a.id} columns={COLUMNS} />
        )}
      </ListState>
    </>
  );
}
