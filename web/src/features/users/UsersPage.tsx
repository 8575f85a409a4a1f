// Admin: the accounts on this instance, and creating new ones with an initial password.
import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconUserPlus } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { ROLE_LABELS, ROLES, type Role, type User } from "../../app/types.ts";
import { useApiQuery } from "../../app/useApiQuery.ts";

const ROLE_HELP: Record<Role, string> = {
  admin: "runs the instance, users and configuration",
  coordinator: "cases, advisories, release plans and partners",
  investigator: "leak investigations, canary alerts, telemetry",
  auditor: "reads and verifies the audit log",
  partner_admin: "manages a partner organisation",
  partner_analyst: "receives and acknowledges advisories",
  researcher: "submits reports and follows their case",
};

/** A user as the list shows it, with any role grant waiting for a second person. */
type ListedUser = User & {
  pending: {
    role: Role;
    kind: "create" | "promote";
    requestedBy: string | null;
    requestedAt: string | null;
  } | null;
};

type Organisation = { id: string; name: string; kind: string; createdAt: string };

/** Staff belong to the programme's own organisation; everyone else to a partner or researcher organisation. */
const STAFF_ROLES: readonly Role[] = ["admin", "coordinator", "investigator", "auditor"];

export function UsersPage() {
  const me = useCurrentUser();
  const api = useApi();
  const users = useApiQuery<{ users: ListedUser[] }>("/api/users");
  const organisations = useApiQuery<{ organisations: Organisation[] }>("/api/organisations");
  const orgName = new Map((organisations.data?.organisations ?? []).map((o) => [o.id, o.name]));
  const [creating, setCreating] = useState(false);
  const list = users.data?.users ?? [];
  const [actionError, setActionError] = useState<unknown>(null);

  async function decide(u: ListedUser, how: "confirm" | "withdraw") {
    setActionError(null);
    try {
      if (how === "confirm") await api.post(`/api/users/${u.id}/confirm`, {});
      else await api.del(`/api/users/${u.id}/grant`);
      notifications.show({
        color: "teal",
        message:
          how === "confirm"
            ? `${u.name} now has the role ${ROLE_LABELS[u.pending?.role ?? u.role]}.`
            : `The grant for ${u.name} was withdrawn.`,
      });
      users.reload();
    } catch (err) {
      setActionError(err);
    }
  }

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in to this instance, and their role. Roles that read embargoed content, approve or grant roles take effect only once a second administrator or coordinator confirms them."
        actions={
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setCreating(true)}>
            Create user
          </Button>
        }
      />
      <ErrorAlert error={users.error} />
      <ErrorAlert error={actionError} />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Organisation</Table.Th>
                <Table.Th>Two-factor</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {u.name}
                      {u.id === me.id && (
                        <Text span size="xs" c="dimmed">
                          {" "}
                          (you)
                        </Text>
                      )}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{u.email}</Text>
                  </Table.Td>
                  <Table.Td>
                    {u.pending?.kind !== "create" && (
                      <Badge variant="light">{ROLE_LABELS[u.role] ?? u.role}</Badge>
                    )}
                    {u.pending && (
                      <Stack
                        gap={4}
                        mt={u.pending.kind === "create" ? 0 : 4}
                        data-testid={`pending-${u.email}`}
                      >
                        <Badge
                          variant="outline"
                          color="orange"
                          title={`${ROLE_LABELS[u.pending.role]}: awaiting a second person's confirmation`}
                        >
                          {ROLE_LABELS[u.pending.role]} pending
                        </Badge>
                        <Group gap={4}>
                          {u.pending.requestedBy !== me.id && u.id !== me.id ? (
                            <Button size="compact-xs" onClick={() => decide(u, "confirm")}>
                              Confirm
                            </Button>
                          ) : (
                            <Text size="xs" c="dimmed">
                              another person must confirm
                            </Text>
                          )}
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="red"
                            onClick={() => decide(u, "withdraw")}
                          >
                            Withdraw
                          </Button>
                        </Group>
                      </Stack>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {(u.organisationId && orgName.get(u.organisationId)) ?? u.organisationId ?? "—"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={u.totpEnabled ? "teal" : "gray"}>
                      {u.totpEnabled ? "On" : "Off"}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Timestamp iso={u.createdAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
              {users.data && list.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      No users.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <CreateUserModal
        organisations={organisations.data?.organisations ?? []}
        reloadOrganisations={organisations.reload}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(u) => {
          setCreating(false);
          notifications.show({
            color: "teal",
            message: (u as ListedUser).pending
              ? `${u.name} (${u.email}) can sign in once another administrator or coordinator confirms the role.`
              : `${u.name} (${u.email}) can now sign in.`,
          });
          users.reload();
        }}
      />
    </>
  );
}

const EMPTY_FORM = {
  email: "",
  name: "",
  role: "coordinator" as Role,
  password: "",
  organisationId: null as string | null,
};

function CreateUserModal({
  organisations,
  reloadOrganisations,
  opened,
  onClose,
  onCreated,
}: {
  organisations: Organisation[];
  reloadOrganisations(): void;
  opened: boolean;
  onClose(): void;
  onCreated(u: User): void;
}) {
  const api = useApi();
  const [form, setForm] = useState(EMPTY_FORM);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [newOrg, setNewOrg] = useState("");
  const needsOrganisation = !STAFF_ROLES.includes(form.role);
  const external = organisations.filter((o) => o.kind !== "programme");

  async function addOrganisation() {
    setError(null);
    try {
      const { organisation } = await api.post<{ organisation: Organisation }>("/api/organisations", {
        name: newOrg.trim(),
      });
      setNewOrg("");
      setForm((f) => ({ ...f, organisationId: organisation.id }));
      reloadOrganisations();
    } catch (err) {
      setError(err);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.post<{ user: User }>("/api/users", {
        email: form.email.trim(),
        name: form.name.trim(),
        role: form.role,
        password: form.password,
        ...(needsOrganisation && form.organisationId ? { organisationId: form.organisationId } : {}),
      });
      setForm(EMPTY_FORM);
      onCreated(user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const close = () => {
    setError(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Create a user" centered size="md">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput
            label="Email"
            type="email"
            required
            data-autofocus
            autoComplete="off"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
          />
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
          <Select
            label="Role"
            required
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            value={form.role}
            onChange={(role) => role && setForm({ ...form, role: role as Role })}
            description={ROLE_HELP[form.role]}
          />
          {needsOrganisation && (
            <Stack gap={6}>
              <Select
                label="Organisation"
                description="The partner or researcher organisation this person belongs to."
                required
                searchable
                data={external.map((o) => ({ value: o.id, label: o.name }))}
                value={form.organisationId}
                onChange={(organisationId) => setForm({ ...form, organisationId })}
                nothingFoundMessage="No such organisation yet: add it below"
              />
              <Group gap="xs" align="flex-end">
                <TextInput
                  aria-label="New organisation name"
                  placeholder="or add an organisation, e.g. Example Security Ltd"
                  size="xs"
                  style={{ flex: 1 }}
                  value={newOrg}
                  onChange={(e) => setNewOrg(e.currentTarget.value)}
                />
                <Button size="xs" variant="light" disabled={!newOrg.trim()} onClick={addOrganisation}>
                  Add organisation
                </Button>
              </Group>
            </Stack>
          )}
          <PasswordInput
            label="Initial password"
            description="Share it with the person over a separate channel; they can then turn on two-factor authentication."
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={busy}
              disabled={
                !form.email.trim() ||
                !form.name.trim() ||
                !form.password ||
                (needsOrganisation && !form.organisationId)
              }
            >
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
