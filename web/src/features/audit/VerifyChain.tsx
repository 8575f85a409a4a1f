// Recompute the audit hash chain on the server and say whether it is intact, and if not, where it breaks.
import { Alert, Button, Code, Group, Paper, Stack, Text } from "@mantine/core";
import { IconCircleCheck, IconLinkOff, IconShieldCheck } from "@tabler/icons-react";
import { useState } from "react";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import type { AuditVerification } from "../../app/types.ts";

export function VerifyChain() {
  const api = useApi();
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function verify() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.get<AuditVerification>("/api/audit/verify"));
      setCheckedAt(new Date());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder radius="md" p="md" mb="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" c="dimmed">
            Recompute every hash from the first entry to the last and compare with what is stored.
          </Text>
          <Button leftSection={<IconShieldCheck size={16} />} onClick={verify} loading={busy} variant="light">
            Verify chain
          </Button>
        </Group>
        <ErrorAlert error={error} title="Could not verify the chain" />
        {result?.ok && (
          <Alert
            color="teal"
            variant="light"
            icon={<IconCircleCheck size={18} />}
            title="Chain intact"
            data-testid="verify-result"
            data-ok="true"
          >
            <Text size="sm">
              All {result.entries} {result.entries === 1 ? "entry" : "entries"} verified
              {checkedAt && ` at ${checkedAt.toLocaleTimeString()}`}.
            </Text>
            {result.head && (
              <Text size="sm" mt={4}>
                Head hash: <Code style={{ wordBreak: "break-all" }}>{result.head}</Code>
              </Text>
            )}
          </Alert>
        )}
        {result && !result.ok && (
          <Alert
            color="red"
            variant="filled"
            icon={<IconLinkOff size={18} />}
            title="Chain broken"
            role="alert"
            data-testid="verify-result"
            data-ok="false"
          >
            {result.broken ? (
              <Text size="sm">
                First broken entry: #{result.broken.seq}. {result.broken.reason}
              </Text>
            ) : (
              <Text size="sm">The server reports the chain as broken but did not say where.</Text>
            )}
            <Text size="sm" mt={4}>
              {result.entries} {result.entries === 1 ? "entry" : "entries"} checked. Entries from the broken
              one on cannot be trusted; keep a copy of the database for investigation.
            </Text>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
