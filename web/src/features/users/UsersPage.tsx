// Admin: the accounts on this instance, and creating new ones with an initial password.
import { Badge, Button, Group, Paper, Stack, Table, Text } from "@mantine/core";
import { IconUserPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyTableRow } from "../../app/DataTable.tsx";
import { useApiList } from "../../app/query.ts";
import { type ListedUser, ROLE_LABELS } from "../../app/types.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { CreateUserModal } from "./CreateUserModal.tsx";

export function UsersPage() {
  const me = useCurrentUser();
  const users = useApiList("listUsers");
  const organisations = useApiList("listOrganisations");
  const orgName = new Map((organisations.data ?? []).map((o) => [o.id, o.name]));
  const [creating, setCreating] = useState(false);
  const list = users.data ?? [];
  const decision = useApiMutation({
    fn: ({ u, how }: { u: ListedUser; how: "confirm" | "withdraw" }, api) =>
      how === "confirm"
        ? api.call("confirmUserGrant", { params: { id: u.id } })
        : api.call("cancelUserGrant", { params: { id: u.id } }),
    invalidates: ["/api/users"],
    success: (_, { u, how }) =>
      how === "confirm"
        ? `${u.name} now has the role ${ROLE_LABELS[u.pending?.role ?? u.role]}.`
        : `The grant for ${u.name} was withdrawn.`,
  });
  const decide = (u: ListedUser, how: "confirm" | "withdraw") => decision.mutate({ u, how });

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
              {users.data && list.length === 0 && <EmptyTableRow columns={6}>No users.</EmptyTableRow>}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <CreateUserModal
        organisations={organisations.data ?? []}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={() => setCreating(false)}
      />
    </>
  );
}
