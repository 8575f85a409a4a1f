// Vulnerability cases: the list with deadlines (overdue first) and one case with its timeline.
import { Route, Routes } from "react-router";
import { CaseDetail } from "./CaseDetail.tsx";
import { CaseList } from "./CaseList.tsx";

export function CasesPage() {
  return (
    <Routes>
      <Route index element={<CaseList />} />
      <Route path=":id" element={<CaseDetail />} />
    </Routes>
  );
}
