// Personal API tokens for scripts and integrations (sent as `Authorization: Bearer`).
// The secret is shown once, right after creation; the server keeps only a hash.
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
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
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconCheck, IconCopy, IconKey, IconPlus } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import type { ApiTokenSummary, CreatedApiToken } from "../../app/types.ts";
import { useApiQuery } from "../../app/useApiQuery.ts";

export function ApiTokensSection() {
  const tokens = useApiQuery<{ tokens: ApiTokenSummary[] }>("/api/tokens");
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
          tokens.reload();
        }}
      />
      <RevokeTokenModal
        token={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={() => {
          setRevoking(null);
          tokens.reload();
        }}
      />
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
          <CopyButton value={token.token}>
            {({ copied, copy }) => (
              <Button
                color={copied ? "teal" : "blue"}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
                variant="light"
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
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

function CreateTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose(): void;
  onCreated(t: CreatedApiToken): void;
}) {
  const api = useApi();
  const [name, setName] = useState("");
  const [days, setDays] = useState<number | string>(90);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const token = await api.post<CreatedApiToken>("/api/tokens", {
        name: name.trim(),
        expiresInDays: days,
      });
      setName("");
      setDays(90);
      onCreated(token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Create an API token" centered>
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput
            label="Name"
            description="What the token is for, e.g. the script or host that uses it."
            required
            maxLength={100}
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NumberInput
            label="Expires in (days)"
            description="From 1 to 365 days. Create a new token before this one expires."
            required
            min={1}
            max={365}
            allowDecimal={false}
            allowNegative={false}
            value={days}
            onChange={setDays}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={busy}
              disabled={!name.trim() || typeof days !== "number"}
              leftSection={<IconKey size={16} />}
            >
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RevokeTokenModal({
  token,
  onClose,
  onRevoked,
}: {
  token: ApiTokenSummary | null;
  onClose(): void;
  onRevoked(): void;
}) {
  const api = useApi();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function revoke() {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      await api.del(`/api/tokens/${encodeURIComponent(token.id)}`);
      notifications.show({ color: "teal", message: `Token "${token.name}" revoked.` });
      onRevoked();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened={token !== null}
      onClose={() => {
        setError(null);
        onClose();
      }}
      title="Revoke API token?"
      centered
    >
      <Stack>
        <ErrorAlert error={error} />
        <Text size="sm">
          Scripts using <b>{token?.name}</b> will be refused from now on. This cannot be undone.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={busy} onClick={revoke}>
            Revoke token
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
