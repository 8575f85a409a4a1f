// Home: the programme at a glance, and for a new instance what to set up first.
import {
  Anchor,
  Card,
  Group,
  List,
  Paper,
  SimpleGrid,
  Skeleton,
  Text,
  ThemeIcon,
  Title,
} from "@mantine/core";
import {
  type Icon,
  IconBug,
  IconCalendarEvent,
  IconCircleCheck,
  IconCircleDashed,
  IconFileDescription,
  IconHeartHandshake,
} from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useAuth, useCurrentUser } from "../../app/auth.tsx";
import { PageHeader, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import type { Overview, User } from "../../app/types.ts";

const EMPTY: Overview = {
  partners: 0,
  openCases: 0,
  advisories: 0,
  nextRelease: null,
  cases: 0,
  releases: 0,
};

/** The programme's counts for staff, each a card leading to its page. */
const STATS: { icon: Icon; label: string; to: string; value(counts: Overview): ReactNode }[] = [
  { icon: IconHeartHandshake, label: "Partners", to: "/partners", value: (c) => c.partners },
  { icon: IconBug, label: "Open cases", to: "/cases", value: (c) => c.openCases },
  { icon: IconFileDescription, label: "Advisories", to: "/advisories", value: (c) => c.advisories },
  {
    icon: IconCalendarEvent,
    label: "Next release",
    to: "/releases",
    value: (c) => (c.nextRelease ? <Timestamp iso={c.nextRelease} /> : "none"),
  },
];

export function OverviewPage() {
  const user = useCurrentUser();
  const { state } = useAuth();
  const actions = state.status === "signed_in" ? state.session.actions : [];
  const staff = actions.includes("programme:overview");
  // Programme-wide counts are for staff; if the route fails, an empty programme is still the truth to show.
  const overview = useApiQuery("overview", staff ? {} : null);
  const counts = overview.data ?? EMPTY;
  const loading = overview.isLoading && !overview.data;
  const empty = counts.partners === 0 && counts.openCases === 0 && counts.advisories === 0;

  return (
    <>
      <PageHeader
        title="Programme overview"
        description={`Welcome, ${user.name}.${staff && empty && !loading ? " Your early-alert programme is empty so far." : ""}`}
      />
      {staff && (
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} mb="xl" data-testid="overview-stats">
          {STATS.map(({ value, ...stat }) => (
            <Stat key={stat.label} {...stat} value={value(counts)} loading={loading} />
          ))}
        </SimpleGrid>
      )}

      <Paper withBorder radius="md" p="lg" maw={760}>
        <Title order={3} size="h4" mb="sm">
          What to do next
        </Title>
        <List spacing="sm" center>
          {nextSteps(user, actions, staff ? overview.data : undefined).map((step) => (
            <List.Item
              key={step.key}
              icon={
                <ThemeIcon size={22} radius="xl" variant="light" color={step.done ? "teal" : "blue"}>
                  {step.done ? <IconCircleCheck size={14} /> : <IconCircleDashed size={14} />}
                </ThemeIcon>
              }
            >
              <Text
                size="sm"
                td={step.done ? "line-through" : undefined}
                c={step.done ? "dimmed" : undefined}
              >
                {step.to ? (
                  <Anchor component={Link} to={step.to} inherit>
                    {step.title}
                  </Anchor>
                ) : (
                  step.title
                )}
                {" — "}
                {step.detail}
              </Text>
            </List.Item>
          ))}
        </List>
      </Paper>
    </>
  );
}

function Stat({
  icon: IconComponent,
  label,
  value,
  loading,
  to,
}: {
  icon: Icon;
  label: string;
  value: ReactNode;
  loading: boolean;
  to: string;
}) {
  return (
    <Card withBorder radius="md" padding="lg" component={Link} to={to}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          {loading ? (
            <Skeleton h={28} w={60} mt={6} />
          ) : (
            <Text fz={28} fw={700} lh={1.3} data-testid={`stat-${label.toLowerCase().replace(/\s+/g, "-")}`}>
              {value}
            </Text>
          )}
        </div>
        <ThemeIcon variant="light" size="lg" radius="md">
          <IconComponent size={20} />
        </ThemeIcon>
      </Group>
    </Card>
  );
}

type NextStep = { key: string; title: string; detail: string; to?: string; done?: boolean };

/** The checklist; staff steps tick from the programme's counts once they are known. */
/** The first steps for this user, by what the server lets it do. */
function nextSteps(user: User, actions: readonly string[], counts?: Overview): NextStep[] {
  const steps: NextStep[] = [
    {
      key: "totp",
      title: "Turn on two-factor authentication",
      detail: user.totpEnabled
        ? "done: your account asks for a code from your authenticator app."
        : "protect your account with a code from an authenticator app.",
      to: "/account",
      done: user.totpEnabled,
    },
  ];
  if (actions.includes("users:write")) {
    steps.push({
      key: "users",
      title: "Create accounts for your team",
      detail: "coordinators run cases and releases, investigators trace leaks, auditors check the log.",
      to: "/users",
    });
  }
  if (actions.includes("audit:verify")) {
    steps.push({
      key: "audit",
      title: "Verify the audit chain",
      detail: "every change is appended to a hash chain; check that nothing was altered.",
      to: "/audit",
    });
  }
  if (actions.includes("programme:overview")) {
    steps.push(
      {
        key: "partners",
        title: "Admit your first partners",
        detail: "vet security vendors, record NDAs and put them into tiers with lead times.",
        to: "/partners",
        done: (counts?.partners ?? 0) > 0,
      },
      {
        key: "cases",
        title: "Open a case",
        detail: "track a reported vulnerability from verification to the fix.",
        done: (counts?.cases ?? counts?.openCases ?? 0) > 0,
      },
      {
        key: "advisories",
        title: "Write an advisory and plan its release",
        detail: "each partner tier receives its wave before T0.",
        done: (counts?.releases ?? 0) > 0,
      },
    );
  } else if (actions.includes("report:own")) {
    steps.push({
      key: "report",
      title: "Submit a report",
      detail: "send a vulnerability with its proof of concept; you will follow your case here.",
    });
  } else {
    steps.push({
      key: "advisories",
      title: "Wait for your first advisory",
      detail: "advisories appear here when your tier's wave is released; acknowledge each one.",
    });
  }
  return steps;
}
