// The live wave view: per wave, how far the release got on each channel (portal/API copies and
// reads, webhooks, email), what failed or was withheld, and how partners acknowledged, as bars that
// refresh every few seconds. Counts and partner names only, never content.
import { Badge, Group, Paper, Progress, SimpleGrid, Stack, Text, Title, Tooltip } from "@mantine/core";
import type { Output } from "../../../../src/contract/index.ts";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { formatUtc } from "../../app/format.ts";
import { useApiQuery } from "../../app/query.ts";

export type WaveStatus = Output<"getReleaseStatus">["waves"][number];

export const REFRESH_MS = 3000;

type Counts = Record<string, number>;

/** One stacked bar with its legend in words (the words are what a screen reader and a test read). */
function Bar({
  label,
  total,
  parts,
}: {
  label: string;
  total: number;
  parts: { key: string; name: string; value: number; color: string }[];
}) {
  const words = parts.map((p) => `${p.name} ${p.value}`).join(" · ");
  return (
    <div>
      <Group justify="space-between" gap="xs">
        <Text size="xs" fw={600}>
          {label}
        </Text>
        <Text size="xs" c="dimmed" data-testid={`bar-${label}`}>
          {words}
        </Text>
      </Group>
      {/* The words above say what the bar shows: assistive technology reads them, not the bar. */}
      <Progress.Root size="lg" aria-hidden>
        {parts.map((p) =>
          p.value > 0 && total > 0 ? (
            <Tooltip key={p.key} label={`${p.name}: ${p.value}`}>
              <Progress.Section value={(100 * p.value) / total} color={p.color} />
            </Tooltip>
          ) : null,
        )}
      </Progress.Root>
    </div>
  );
}

function sum(c: Counts) {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

function WaveCard({ w, names }: { w: WaveStatus; names: Map<string, string> }) {
  const hooks = sum(w.webhooks);
  const email = w.email ? sum(w.email) : 0;
  return (
    <Paper withBorder p="sm" data-testid={`wave-${w.tier ?? w.kind}`}>
      <Group justify="space-between" mb="xs">
        <Title order={5}>{w.kind === "extra" ? "Extra wave" : `Tier ${w.tier}`}</Title>
        {w.firedAt ? (
          <Badge color="green">sent</Badge>
        ) : (
          <Badge color="gray" variant="light">
            waiting
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        <Timestamp iso={w.at} /> ({formatUtc(w.at)})
      </Text>
      <Stack gap="xs">
        <Bar
          label="Partners reached"
          total={w.partners}
          parts={[
            { key: "reached", name: "reached", value: w.portal.partners, color: "teal" },
            { key: "withheld", name: "withheld", value: w.withheld.length, color: "red" },
            {
              key: "waiting",
              name: "waiting",
              value: Math.max(0, w.partners - w.portal.partners - w.withheld.length),
              color: "gray",
            },
          ]}
        />
        <Bar
          label="Portal and API copies"
          total={w.portal.copies}
          parts={[
            { key: "read", name: "read", value: w.portal.read, color: "teal" },
            { key: "unread", name: "unread", value: w.portal.copies - w.portal.read, color: "gray" },
          ]}
        />
        <Bar
          label="Webhooks"
          total={hooks}
          parts={[
            { key: "ok", name: "sent", value: w.webhooks.succeeded, color: "teal" },
            { key: "pending", name: "pending", value: w.webhooks.pending, color: "yellow" },
            { key: "failed", name: "failed", value: w.webhooks.failed, color: "red" },
          ]}
        />
        {w.email && (
          <Bar
            label="Email"
            total={email}
            parts={[
              { key: "sent", name: "sent", value: w.email.sent, color: "teal" },
              { key: "queued", name: "queued (no SMTP)", value: w.email.queued ?? 0, color: "cyan" },
              { key: "pending", name: "pending", value: w.email.pending, color: "yellow" },
              { key: "failed", name: "failed", value: w.email.failed, color: "red" },
              { key: "skipped", name: "skipped", value: w.email.skipped, color: "gray" },
            ]}
          />
        )}
        <Bar
          label="Acknowledgements"
          total={w.portal.partners}
          parts={[
            { key: "shipped", name: "shipped", value: w.acks.shipped, color: "teal" },
            { key: "in_progress", name: "in progress", value: w.acks.in_progress, color: "blue" },
            { key: "received", name: "received", value: w.acks.received, color: "cyan" },
            { key: "none", name: "none", value: w.acks.none, color: "gray" },
          ]}
        />
        {w.failures.map((f) => (
          <Text key={`${f.channel}-${f.partnerId}-${f.status}`} size="xs" c="red">
            {f.channel} to {names.get(f.partnerId) ?? f.partnerId}: {f.status} after {f.attempts} attempt
            {f.attempts === 1 ? "" : "s"}
            {f.error ? ` (${f.error})` : ""}
          </Text>
        ))}
        {w.withheld.map((x) => (
          <Text key={x.partnerId} size="xs" c="orange">
            Withheld: {names.get(x.partnerId) ?? x.partnerId}: {x.reason}
          </Text>
        ))}
      </Stack>
    </Paper>
  );
}

export function LiveWaveView({ advisoryId, names }: { advisoryId: string; names: Map<string, string> }) {
  const q = useApiQuery(
    "getReleaseStatus",
    { params: { id: advisoryId } },
    {
      refetchInterval: REFRESH_MS,
    },
  );
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Live wave view</Title>
        <Text size="xs" c="dimmed">
          refreshes every {REFRESH_MS / 1000} s
          {q.data ? (
            <>
              {" "}
              · as of <Timestamp iso={q.data.now} />
            </>
          ) : null}
        </Text>
      </Group>
      <ErrorAlert error={q.error} />
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        {q.data?.waves.map((w) => (
          <WaveCard key={w.id} w={w} names={names} />
        ))}
      </SimpleGrid>
    </Paper>
  );
}
