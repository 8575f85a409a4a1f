// Recompute the audit hash chain on the server and say whether it is intact, and if not, where it breaks.
import { Alert, Button, Code, Group, Paper, Stack, Text } from "@mantine/core";
import { IconCircleCheck, IconLinkOff, IconShieldCheck } from "@tabler/icons-react";
import { useState } from "react";
import { ErrorAlert } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";

export function VerifyChain() {
  // Asked for by the button, never on its own: each check reads the whole chain and is audited.
  const [asked, setAsked] = useState(false);
  const q = useApiQuery("verifyAudit", asked ? {} : null, {
    staleTime: Number.POSITIVE_INFINITY,
  });
  const result = q.isFetching ? null : (q.data ?? null);
  const checkedAt = q.dataUpdatedAt ? new Date(q.dataUpdatedAt) : null;
  const error = q.isFetching ? null : q.error;
  const busy = q.isFetching;
  function verify() {
    if (asked) void q.refetch();
    else setAsked(true);
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
