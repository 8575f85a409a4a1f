// Leak investigations: the list, opening one, and one investigation with its evidence (upload by
// drag and drop), findings (score plot, located passages highlighted), exposure timeline, coincidence
// analysis and the report downloads.
import { IconFingerprint } from "@tabler/icons-react";
import { Route, Routes } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ForStaff } from "../../app/ForStaff.tsx";
import { InvestigationDetail } from "./InvestigationDetail.tsx";
import { InvestigationList } from "./InvestigationList.tsx";

export function InvestigationsPage() {
  const canRead = useCan("investigations:read");
  if (!canRead)
    return (
      <ForStaff icon={IconFingerprint} what="Investigations" description="Trace a leak back to its source." />
    );
  return (
    <Routes>
      <Route index element={<InvestigationList />} />
      <Route path=":id" element={<InvestigationDetail />} />
    </Routes>
  );
}
