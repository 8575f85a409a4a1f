// The reporter's side of a case: signed in as a researcher, or on the public tracking page.
import { Badge, Card, Grid, Group, Stack, Text, Timeline, Title } from "@mantine/core";
import { Timestamp } from "../../app/components.tsx";
import { Messages } from "./Messages.tsx";
import { PHASE_COLORS, type ResearcherCase } from "./model.ts";

/** The reporter's view of their case: phases reached, the report, messages. */
export function ReporterView({
  c,
  stale,
  post,
}: {
  c: ResearcherCase;
  /** The reads that show this case, read again after a message is sent. */
  stale: readonly string[];
  /** Sends a message; by default as the signed-in reporter. */
  post?: (body: { body: string; parentId?: string }) => Promise<unknown>;
}) {
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{c.title}</Title>
        <Badge size="lg" color={PHASE_COLORS[c.phase]} data-testid="case-phase">
          {c.phase}
        </Badge>
      </Group>
      <Text c="dimmed" size="sm">
        {c.product} {c.version} · case {c.id}
        {c.cveId ? ` · ${c.cveId}` : ""}
      </Text>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Messages
            caseId={c.id}
            messages={c.messages}
            stale={stale}
            staff={false}
            post={(body, api) =>
              post ? post(body) : api.call("postReporterMessage", { params: { caseId: c.id }, body })
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder>
            <Title order={4} mb="sm">
              Progress
            </Title>
            <Timeline active={c.phases.length - 1} bulletSize={18}>
              {c.phases.map((p) => (
                <Timeline.Item key={`${p.at}-${p.phase}`} title={p.phase}>
                  <Timestamp iso={p.at} relative />
                </Timeline.Item>
              ))}
            </Timeline>
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
