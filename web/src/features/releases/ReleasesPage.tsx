// Releases. Staff: a calendar of release plans as timelines (waves before T0), and a plan editor
// with preview, approval by a second coordinator, arming, moving T0, cancelling, the embargo-break
// dialog and the live wave view. Partner users: the advisories released to them, each copy with its
// files and acknowledgements. Each view lives in its own file in this folder.
import { Route, Routes } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { PartnerCopy } from "./PartnerCopy.tsx";
import { PartnerInbox } from "./PartnerInbox.tsx";
import { PlanEditor } from "./PlanEditor.tsx";
import { ReleaseCalendar } from "./ReleaseCalendar.tsx";

export function ReleasesPage() {
  // A partner user reads its own copies; staff read and plan releases.
  const partner = useCan("partner:self");
  return (
    <Routes>
      <Route index element={partner ? <PartnerInbox /> : <ReleaseCalendar />} />
      <Route path=":advisoryId" element={partner ? <PartnerCopy /> : <PlanEditor />} />
    </Routes>
  );
}
