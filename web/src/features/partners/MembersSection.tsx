// A partner's members: who they are and their state; a partner admin (or staff) invites and removes.
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { z } from "zod";
import { CopyValueButton, ErrorAlert, SectionCard, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import type { Member } from "./model.ts";

const InviteForm = z.object({
  email: z.string().trim().min(1, "give the new member's email address"),
  role: z.enum(["partner_analyst", "partner_admin"], "choose a role"),
});
type InviteValues = { email: string; role: string | null };

export function MembersSection({ partnerId, canManage }: { partnerId: string; canManage: boolean }) {
  const members = useApiQuery("listPartnerMembers", { params: { id: partnerId } });
  const [invite, setInvite] = useState<{ inviteUrl: string; expiresAt: string } | null>(null);
  const form = useSchemaForm<InviteValues>(InviteForm, { email: "", role: "partner_analyst" });
  const remove = useApiMutation({
    fn: (m: Member, api) => api.call("removePartnerMember", { params: { id: partnerId, userId: m.id } }),
    invalidates: [`/api/partners/${partnerId}`],
  });
  const send = useApiMutation({
    fn: (v: InviteValues, api) =>
      api.call("invitePartnerMember", { params: { id: partnerId }, body: InviteForm.parse(v) }),
    invalidates: [`/api/partners/${partnerId}`],
    form,
    fields: ["email", "role"],
    onSuccess: (r) => {
      setInvite(r);
      form.setFieldValue("email", "");
    },
  });
  return (
    <Stack>
      <ErrorAlert error={members.error} />
      <Paper withBorder radius="md">
        <Table data-testid="members-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>State</Table.Th>
              {canManage && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(members.data?.members ?? []).map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  {m.name} <Text span c="dimmed" size="sm">{`<${m.email}>`}</Text>
                </Table.Td>
                <Table.Td>{m.role.replace("_", " ")}</Table.Td>
                <Table.Td>
                  {m.disabled ? (
                    <Badge color="gray">removed</Badge>
                  ) : m.invited ? (
                    <Badge color="blue">invited</Badge>
                  ) : (
                    <Badge color="green">active</Badge>
                  )}
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    {!m.disabled && (
                      <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(m)}>
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {canManage && (
        <SectionCard title="Invite a member" order={5} radius="md">
          <form onSubmit={form.onSubmit((v) => send.mutate(v))} noValidate>
            <Group align="flex-end">
              <TextInput label="Email" {...form.getInputProps("email")} w={280} />
              <Select
                label="Role"
                data={[
                  { value: "partner_analyst", label: "Partner analyst" },
                  { value: "partner_admin", label: "Partner admin" },
                ]}
                {...form.getInputProps("role")}
              />
              <Button type="submit" loading={send.isPending}>
                Send invite
              </Button>
            </Group>
          </form>
          {invite && (
            <Alert mt="md" color="green" title="Invite created" data-testid="invite-result">
              <Text size="sm">
                The link is also queued as mail. It works once and expires{" "}
                <Timestamp iso={invite.expiresAt} />:
              </Text>
              <Group gap="xs" mt={4}>
                <Code>{invite.inviteUrl}</Code>
                <CopyValueButton value={invite.inviteUrl} size="xs" />
              </Group>
            </Alert>
          )}
        </SectionCard>
      )}
    </Stack>
  );
}
