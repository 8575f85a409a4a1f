// Routes of the web shell: the login page outside, every capability inside the signed-in shell.
import { Button, Center, Loader, Stack, Text } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { AccountPage } from "../features/account/AccountPage.tsx";
import { AdvisoriesPage } from "../features/advisories/AdvisoriesPage.tsx";
import { AuditPage } from "../features/audit/AuditPage.tsx";
import { LoginPage } from "../features/auth/LoginPage.tsx";
import { CasesPage } from "../features/cases/CasesPage.tsx";
import { InvestigationsPage } from "../features/investigations/InvestigationsPage.tsx";
import { OverviewPage } from "../features/overview/OverviewPage.tsx";
import { ApplyPage } from "../features/partners/ApplyPage.tsx";
import { InvitePage } from "../features/partners/InvitePage.tsx";
import { PartnersPage } from "../features/partners/PartnersPage.tsx";
import { PublicAdvisoryList, PublicAdvisoryPage } from "../features/public/PublicAdvisories.tsx";
import { ReportPage, TrackPage } from "../features/public/ReportPage.tsx";
import { ReleasesPage } from "../features/releases/ReleasesPage.tsx";
import { UsersPage } from "../features/users/UsersPage.tsx";
import { useAuth } from "./auth.tsx";
import { ErrorAlert } from "./components.tsx";
import { EmptyCapability } from "./EmptyCapability.tsx";
import { mayOpen } from "./nav.tsx";
import { Shell } from "./Shell.tsx";
import { safeNext } from "./safeNext.ts";

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginRoute />} />
      <Route path="/apply" element={<ApplyPage />} />
      <Route path="/invite/:token" element={<InvitePage />} />
      <Route path="/report" element={<ReportPage />} />
      <Route path="/report/:caseId" element={<TrackPage />} />
      <Route path="/security/advisories" element={<PublicAdvisoryList />} />
      <Route path="/security/advisories/:trackingId" element={<PublicAdvisoryPage />} />
      <Route
        element={
          <RequireSession>
            <Shell />
          </RequireSession>
        }
      >
        <Route index element={<OverviewPage />} />
        <Route path="partners/*" element={<ForActions path="/partners" page={<PartnersPage />} />} />
        <Route path="cases/*" element={<ForActions path="/cases" page={<CasesPage />} />} />
        <Route path="advisories/*" element={<ForActions path="/advisories" page={<AdvisoriesPage />} />} />
        <Route path="releases/*" element={<ForActions path="/releases" page={<ReleasesPage />} />} />
        <Route
          path="investigations/*"
          element={<ForActions path="/investigations" page={<InvestigationsPage />} />}
        />
        <Route path="audit" element={<ForActions path="/audit" page={<AuditPage />} />} />
        <Route path="users" element={<ForActions path="/users" page={<UsersPage />} />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function FullPage({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md">
      {children}
    </Center>
  );
}

function RequireSession({ children }: { children: ReactNode }) {
  const { state, refresh } = useAuth();
  const location = useLocation();
  switch (state.status) {
    case "loading":
      return (
        <FullPage>
          <Loader aria-label="Loading" />
        </FullPage>
      );
    case "unreachable":
      return (
        <FullPage>
          <Stack maw={480}>
            <ErrorAlert error={state.error} title="Forewarn is not answering" />
            <Button onClick={() => void refresh()} variant="default">
              Retry
            </Button>
          </Stack>
        </FullPage>
      );
    case "anonymous": {
      // After an expired session, come back to the same page; after signing out, start afresh.
      const here = location.pathname + location.search;
      const to =
        here === "/" || state.reason === "signed_out" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
      return <Navigate to={to} replace state={{ reason: state.reason }} />;
    }
    case "signed_in":
      return children;
  }
}

function LoginRoute() {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === "loading") {
    return (
      <FullPage>
        <Loader aria-label="Loading" />
      </FullPage>
    );
  }
  if (state.status === "signed_in") {
    return <Navigate to={safeNext(new URLSearchParams(location.search).get("next"))} replace />;
  }
  return <LoginPage />;
}

const OVERVIEW = { to: "/", label: "Go to the programme overview" };

function ForActions({ path, page }: { path: string; page: ReactNode }) {
  const { state } = useAuth();
  if (!mayOpen(path, state.status === "signed_in" ? state.session.actions : [])) {
    return (
      <EmptyCapability
        icon={IconLock}
        title="Not available to your role"
        description="This part of Forewarn is for other roles. If you think you should have access, ask an administrator of this instance."
        link={OVERVIEW}
      />
    );
  }
  return page;
}

function NotFound() {
  return (
    <EmptyCapability
      title="Page not found"
      description={<Text span>There is nothing at this address. Use the navigation to find your way.</Text>}
      link={OVERVIEW}
    />
  );
}
