// Personal API tokens for scripts and integrations (sent as `Authorization: Bearer`).
// The secret is shown once, right after creation; the server keeps only a hash.
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconAlertTriangle, IconKey, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { z } from "zod";
import { CopyValueButton, ErrorAlert, ModalActions, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import type { ApiTokenSummary, CreatedApiToken } from "../../app/types.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";

export function ApiTokensSection() {
  const tokens = useApiQuery("listTokens");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenSummary | null>(null);
  const list = tokens.data?.tokens ?? [];

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="tokens-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="tokens-title">
          API tokens
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} variant="light">
          Create token
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        A token acts as you, with your role, for scripts and integrations. Send it as{" "}
        <Code>Authorization: Bearer &lt;token&gt;</Code>.
      </Text>

      {created && <NewTokenNotice token={created} onDismiss={() => setCreated(null)} />}
      <ErrorAlert error={tokens.error} />

      {tokens.data && list.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          You have no API tokens.
        </Text>
      )}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" data-testid="tokens-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((t) => {
                const status = tokenStatus(t);
                return (
                  <Table.Tr key={t.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {t.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Timestamp iso={t.createdAt} />
                    </Table.Td>
                    <Table.Td>{t.expiresAt ? <Timestamp iso={t.expiresAt} relative /> : "never"}</Table.Td>
                    <Table.Td>
                      {t.lastUsedAt ? (
                        <Timestamp iso={t.lastUsedAt} relative />
                      ) : (
                        <Text span size="sm" c="dimmed">
                          never
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {status === "revoked" ? (
                        <Badge color="red" variant="light">
                          Revoked <Timestamp iso={t.revokedAt} relative />
                        </Badge>
                      ) : (
                        <Badge color={status === "active" ? "teal" : "gray"} variant="light">
                          {status === "active" ? "Active" : "Expired"}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {status === "active" && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(t)}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <CreateTokenModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(t) => {
          setCreating(false);
          setCreated(t);
        }}
      />
      <RevokeTokenModal token={revoking} onClose={() => setRevoking(null)} />
    </Paper>
  );
}

function tokenStatus(t: ApiTokenSummary): "active" | "expired" | "revoked" {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now()) return "expired";
  return "active";
}

function NewTokenNotice({ token, onDismiss }: { token: CreatedApiToken; onDismiss(): void }) {
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={`Token "${token.name}" created — copy it now`}
      mb="md"
      data-testid="new-token"
    >
      <Stack gap="xs">
        <Text size="sm">
          This is the only time the token is shown. Store it in a password manager or secret store; if you
          lose it, revoke it and create a new one.
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Code
            block
            style={{ flex: 1, wordBreak: "break-all", whiteSpace: "pre-wrap" }}
            data-testid="new-token-value"
          >
            {token.token}
          </Code>
          <CopyValueButton value={token.token} withIcon />
        </Group>
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {token.expiresAt ? (
              <>
                Expires <Timestamp iso={token.expiresAt} />
              </>
            ) : (
              "Never expires"
            )}
          </Text>
          <Button size="xs" variant="default" onClick={onDismiss}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

const CreateTokenForm = z.object({
  name: z.string().trim().min(1, "say what the token is for").max(100, "at most 100 characters"),
  expiresInDays: z
    .number("give a number of days")
    .int("a whole number of days")
    .min(1, "at least 1 day")
    .max(365, "at most 365 days"),
});
type CreateTokenValues = { name: string; expiresInDays: number | string };

function CreateTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose(): void;
  onCreated(t: CreatedApiToken): void;
}) {
  const form = useSchemaForm<CreateTokenValues>(CreateTokenForm, { name: "", expiresInDays: 90 });
  const create = useApiMutation({
    fn: (v: CreateTokenValues, api) =>
      api.call("createToken", { body: { name: v.name.trim(), expiresInDays: Number(v.expiresInDays) } }),
    invalidates: ["/api/tokens"],
    form,
    fields: ["name", "expiresInDays"],
    onSuccess: (token) => {
      form.reset();
      onCreated(token);
    },
  });

  return (
    <Modal opened={opened} onClose={onClose} title="Create an API token" centered>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack>
          <TextInput
            label="Name"
            description="What the token is for, e.g. the script or host that uses it."
            required
            maxLength={100}
            data-autofocus
            {...form.getInputProps("name")}
          />
          <NumberInput
            label="Expires in (days)"
            description="From 1 to 365 days. Create a new token before this one expires."
            required
            min={1}
            max={365}
            allowDecimal={false}
            allowNegative={false}
            {...form.getInputProps("expiresInDays")}
          />
          <ModalActions onCancel={onClose}>
            <Button
              type="submit"
              loading={create.isPending}
              disabled={!form.values.name.trim() || typeof form.values.expiresInDays !== "number"}
              leftSection={<IconKey size={16} />}
            >
              Create token
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}

function RevokeTokenModal({ token, onClose }: { token: ApiTokenSummary | null; onClose(): void }) {
  const revoke = useApiMutation({
    fn: (t: ApiTokenSummary, api) => api.call("revokeToken", { params: { id: t.id } }),
    invalidates: ["/api/tokens"],
    success: (_, t) => `Token "${t.name}" revoked.`,
    onSuccess: onClose,
  });

  return (
    <Modal opened={token !== null} onClose={onClose} title="Revoke API token?" centered>
      <Stack>
        <Text size="sm">
          Scripts using <b>{token?.name}</b> will be refused from now on. This cannot be undone.
        </Text>
        <ModalActions onCancel={onClose}>
          <Button color="red" loading={revoke.isPending} onClick={() => token && revoke.mutate(token)}>
            Revoke token
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
