// The signed-in layout: header with the user menu, navigation by the caller's actions, and the page in the middle.
import {
  Alert,
  AppShell,
  Avatar,
  Badge,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  ThemeIcon,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconChevronDown, IconLogout, IconShieldHalfFilled, IconUserCircle } from "@tabler/icons-react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { useAuth, useCurrentUser } from "./auth.tsx";
import { NAV_SECTIONS, navFor } from "./nav.tsx";
import { useApiQuery } from "./query.ts";
import { ROLE_LABELS } from "./types.ts";

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const { state } = useAuth();
  const items = navFor(state.status === "signed_in" ? state.session.actions : []);
  const health = useApiQuery("health");

  const isActive = (path: string) =>
    path === "/"
      ? location.pathname === "/"
      : location.pathname === path || location.pathname.startsWith(`${path}/`);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 250, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Group
              gap={8}
              renderRoot={(props) => <Link to="/" {...props} />}
              style={{ textDecoration: "none", color: "inherit" }}
            >
              <ThemeIcon variant="filled" size="md" radius="md">
                <IconShieldHalfFilled size={18} />
              </ThemeIcon>
              <Text fw={700} size="lg">
                Forewarn
              </Text>
            </Group>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap="md">
            {NAV_SECTIONS.map((section) => {
              const sectionItems = items.filter((item) => item.section === section.key);
              if (sectionItems.length === 0) return null;
              return (
                <Stack gap={2} key={section.key}>
                  {section.label && (
                    <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pb={4}>
                      {section.label}
                    </Text>
                  )}
                  {sectionItems.map((item) => (
                    <NavLink
                      key={item.path}
                      component={Link}
                      to={item.path}
                      label={item.label}
                      leftSection={<item.icon size={18} stroke={1.6} />}
                      active={isActive(item.path)}
                      onClick={close}
                      aria-current={isActive(item.path) ? "page" : undefined}
                    />
                  ))}
                </Stack>
              );
            })}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" pt="sm">
            {health.data
              ? `Forewarn ${health.data.version} · ${health.data.database === "pglite" ? "PGlite" : "PostgreSQL"}`
              : "Forewarn"}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        {health.data?.alerts?.length ? (
          <Alert color="red" title="Background jobs are failing" mb="md">
            {health.data.alerts.map((a) => (
              <Text key={a.queue} size="sm">{`${a.queue}: ${a.hint}`}</Text>
            ))}
          </Alert>
        ) : null}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function UserMenu() {
  const user = useCurrentUser();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const initials = user.name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join("");

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        {/* The name holds what the button shows (initials, name, role), as WCAG 2.5.3 asks; the
            spaces between the parts keep them apart as words for assistive technology. */}
        <UnstyledButton
          aria-label={`${initials || "?"} ${user.name}, ${ROLE_LABELS[user.role]}: user menu`}
          data-testid="user-menu"
        >
          <Group gap="xs" wrap="nowrap">
            <Avatar radius="xl" size="sm" color="blue">
              {initials || "?"}
            </Avatar>{" "}
            <Stack gap={0} visibleFrom="xs">
              <Text size="sm" fw={500} lh={1.2}>
                {user.name}
              </Text>{" "}
              <Text size="xs" c="dimmed" lh={1.2}>
                {ROLE_LABELS[user.role]}
              </Text>
            </Stack>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="xs" truncate>
            {user.email}
          </Text>
          <Badge size="xs" variant="light" mt={4}>
            {ROLE_LABELS[user.role]}
          </Badge>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconUserCircle size={16} />} onClick={() => navigate("/account")}>
          Account
        </Menu.Item>
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          onClick={async () => {
            await signOut();
            navigate("/login", { replace: true });
          }}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
