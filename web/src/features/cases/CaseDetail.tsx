// One case: where it stands (phase, deadline, score, CVE), what happened (timeline) and the
// conversation with the reporter. Staff act on it from here; a researcher sees their own view.
import {
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Skeleton,
  Stack,
  Text,
  Timeline,
  Title,
} from "@mantine/core";
import { IconArrowRight, IconNote, IconPaperclip } from "@tabler/icons-react";
import { Link, useParams } from "react-router";
import { ErrorAlert, PageHeader, SectionCard, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/query.ts";
import { Messages } from "./Messages.tsx";
import { deadlineLabel, PHASE_COLORS, personName, type StaffCase, timelineText } from "./model.ts";
import { Credits, NoteForm } from "./NotesAndCredits.tsx";
import { ReporterView } from "./ReporterView.tsx";
import { Scoring } from "./Scoring.tsx";
import { Reporter, Transitions } from "./Transitions.tsx";
import { Triage } from "./Triage.tsx";

export function CaseDetail() {
  const { id = "" } = useParams();
  const q = useApiQuery("getCase", { params: { id } });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Skeleton h={300} />;
  if (q.data.view === "researcher") return <ReporterView c={q.data} stale={[`/api/cases/${id}`]} />;
  return <StaffCaseView c={q.data} />;
}

function StaffCaseView({ c }: { c: StaffCase }) {
  const d = deadlineLabel(c.deadline);
  return (
    <>
      <PageHeader
        title={c.title}
        description={`${c.product} ${c.version}`}
        back={{ to: "/cases", label: "all cases" }}
        actions={
          <Group gap="xs">
            <Button component={Link} to={`/advisories/new?case=${c.id}`} variant="light" size="xs">
              Write advisory
            </Button>
            <Badge size="lg" color={PHASE_COLORS[c.phase]} data-testid="case-phase">
              {c.phase}
            </Badge>
            <Badge size="lg" color={d.color} variant="light">
              {d.text}
            </Badge>
          </Group>
        }
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Transitions c={c} />
            <SectionCard title="Report">
              {c.encrypted && (
                <Badge color="teal" variant="light" mb="xs">
                  received OpenPGP-encrypted
                </Badge>
              )}
              <Markdown text={c.description} />
              {c.attachments.length > 0 && (
                <Stack gap={4} mt="sm">
                  {c.attachments.map((a) => (
                    <Group key={a.id} gap={6}>
                      <IconPaperclip size={14} />
                      <Anchor href={`/api/cases/${c.id}/attachments/${a.id}`} size="sm">
                        {a.filename}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {a.mediaType}, {a.size} bytes
                      </Text>
                    </Group>
                  ))}
                </Stack>
              )}
            </SectionCard>
            <Messages
              caseId={c.id}
              messages={c.messages}
              post={(body, api) => api.call("postCaseMessage", { params: { id: c.id }, body })}
              stale={[`/api/cases/${c.id}`]}
              staff
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Reporter c={c} />
            <Scoring c={c} />
            <Triage c={c} />
            <Card withBorder>
              <Title order={4} mb="sm">
                Timeline
              </Title>
              <Timeline
                bulletSize={22}
                lineWidth={2}
                active={c.timeline.length - 1}
                aria-label="Case timeline"
              >
                {c.timeline.map((e) => (
                  <Timeline.Item
                    key={e.id}
                    bullet={
                      e.kind === "transition" ? (
                        <IconArrowRight size={12} />
                      ) : e.kind === "note" ? (
                        <IconNote size={12} />
                      ) : null
                    }
                    title={timelineText(e)}
                  >
                    {e.body && (
                      <Text size="sm" c="dimmed">
                        {e.body}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed">
                      {e.actorId ? `${personName(c.people, e.actorId)} · ` : ""}
                      <Timestamp iso={e.at} relative />
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
              <NoteForm caseId={c.id} />
            </Card>
            <Credits c={c} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
