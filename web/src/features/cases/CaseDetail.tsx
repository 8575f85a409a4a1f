// One case: where it stands (phase, deadline, score, CVE), what happened (timeline) and the
// conversation with the reporter. Staff act on it from here; a researcher sees their own view.
import {
  Anchor,
  Badge,
  Button,
  Card,
  FileInput,
  Grid,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowRight, IconMessage, IconNote, IconPaperclip } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/useApiQuery.ts";
import {
  CREDIT_TYPES,
  deadlineLabel,
  type Message,
  PHASE_COLORS,
  personName,
  type ResearcherCase,
  type StaffCase,
  timelineText,
} from "./model.ts";

type CaseAnswer = ({ view: "staff" } & StaffCase) | ({ view: "researcher" } & ResearcherCase);

export function CaseDetail() {
  const { id = "" } = useParams();
  const q = useApiQuery<CaseAnswer>(`/api/cases/${id}`);
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Skeleton h={300} />;
  if (q.data.view === "researcher") return <ReporterCase c={q.data} reload={q.reload} />;
  return <StaffCaseView c={q.data} reload={q.reload} />;
}

function StaffCaseView({ c, reload }: { c: StaffCase; reload(): void }) {
  const d = deadlineLabel(c.deadline);
  return (
    <>
      <PageHeader
        title={c.title}
        description={
          <>
            {c.product} {c.version} ·{" "}
            <Anchor component={Link} to="/cases">
              all cases
            </Anchor>
          </>
        }
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
            <Transitions c={c} reload={reload} />
            <Card withBorder>
              <Title order={4} mb="xs">
                Report
              </Title>
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
            </Card>
            <Messages
              caseId={c.id}
              messages={c.messages}
              postUrl={`/api/cases/${c.id}/messages`}
              reload={reload}
              staff
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Reporter c={c} />
            <Scoring c={c} reload={reload} />
            <Triage c={c} reload={reload} />
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
              <NoteForm caseId={c.id} reload={reload} />
            </Card>
            <Credits c={c} reload={reload} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

/** Who reported the case and how to reach them (staff only: the server sends it with cases:read). */
function Reporter({ c }: { c: StaffCase }) {
  const r = c.reporter;
  return (
    <Card withBorder data-testid="case-reporter">
      <Title order={4} mb="xs">
        Reporter
      </Title>
      <Stack gap={2}>
        <Text size="sm" fw={500}>
          {r.name ?? (r.kind === "anonymous" ? "Anonymous reporter" : "Unnamed account")}
        </Text>
        {r.email ? (
          <Anchor href={`mailto:${r.email}`} size="sm">
            {r.email}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            No e-mail given: reach them through Messages (they read replies with their tracking token).
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {r.kind === "account"
            ? `Researcher account${r.organisationName ? ` of ${r.organisationName}` : ""}`
            : "Reported through the public form"}
        </Text>
      </Stack>
    </Card>
  );
}

function Transitions({ c, reload }: { c: StaffCase; reload(): void }) {
  const api = useApi();
  const [reason, setReason] = useState("");
  const [duplicateOf, setDuplicateOf] = useState("");
  const [error, setError] = useState<unknown>(null);
  async function go(to: string) {
    setError(null);
    try {
      await api.post(`/api/cases/${c.id}/transitions`, {
        to,
        ...(reason ? { reason } : {}),
        ...(to === "duplicate" ? { duplicateOf } : {}),
      });
      setReason("");
      notifications.show({ message: `Case moved to ${to}` });
      reload();
    } catch (e) {
      setError(e);
    }
  }
  if (c.allowedTransitions.length === 0) return null;
  return (
    <Paper withBorder p="md">
      <Text fw={500} mb="xs">
        Move to
      </Text>
      <Stack gap="xs">
        <TextInput
          placeholder="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={2000}
        />
        {c.allowedTransitions.includes("duplicate") && (
          <TextInput
            placeholder="Original case ID, for duplicate"
            value={duplicateOf}
            onChange={(e) => setDuplicateOf(e.currentTarget.value.trim())}
          />
        )}
        <Group gap="xs">
          {c.allowedTransitions.map((to) => (
            <Button key={to} size="xs" variant="light" color={PHASE_COLORS[to]} onClick={() => void go(to)}>
              {to}
            </Button>
          ))}
        </Group>
        <ErrorAlert error={error} />
      </Stack>
    </Paper>
  );
}

function Scoring({ c, reload }: { c: StaffCase; reload(): void }) {
  const api = useApi();
  const [vector, setVector] = useState(c.cvss?.vector ?? "");
  const [cve, setCve] = useState("");
  const [cwe, setCwe] = useState(c.cwe ?? "");
  const [error, setError] = useState<unknown>(null);
  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Scoring and identifiers
      </Title>
      <SimpleGrid cols={2} mb="sm">
        <div>
          <Text size="xs" c="dimmed">
            CVSS
          </Text>
          <Text fw={600} data-testid="cvss-score">
            {c.cvss ? `${c.cvss.score.toFixed(1)} ${c.cvss.severity}` : "—"}
          </Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            CVE · CWE
          </Text>
          <Text fw={600}>
            {c.cveId ?? "—"} · {c.cwe ?? "—"}
          </Text>
        </div>
      </SimpleGrid>
      <Stack gap="xs">
        <Group gap="xs" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="CVSS 4.0 or 3.1 vector"
            placeholder="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
            value={vector}
            onChange={(e) => setVector(e.currentTarget.value.trim())}
          />
          <Button onClick={() => void run(() => api.put(`/api/cases/${c.id}/cvss`, { vector }))}>
            Score
          </Button>
        </Group>
        {!c.cveId && (
          <Group gap="xs" align="flex-end">
            <TextInput
              style={{ flex: 1 }}
              label="CVE ID"
              placeholder="from the pool if empty"
              value={cve}
              onChange={(e) => setCve(e.currentTarget.value.trim())}
            />
            <Button
              variant="light"
              onClick={() => void run(() => api.put(`/api/cases/${c.id}/cve`, cve ? { cveId: cve } : {}))}
            >
              {cve ? "Enter" : "Reserve"}
            </Button>
          </Group>
        )}
        <Group gap="xs" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="CWE"
            placeholder="CWE-287"
            value={cwe}
            onChange={(e) => setCwe(e.currentTarget.value.trim())}
          />
          <Button
            variant="light"
            onClick={() => void run(() => api.patch(`/api/cases/${c.id}`, { cwe: cwe || null }))}
          >
            Save
          </Button>
        </Group>
        <ErrorAlert error={error} />
      </Stack>
    </Card>
  );
}

function Triage({ c, reload }: { c: StaffCase; reload(): void }) {
  const api = useApi();
  const user = useCurrentUser();
  const [deadline, setDeadline] = useState(c.deadline.deadlineAt.slice(0, 10));
  const [amount, setAmount] = useState<string | number>(c.bounty ? c.bounty.amount / 100 : "");
  const [currency, setCurrency] = useState(c.bounty?.currency ?? "EUR");
  const [status, setStatus] = useState<string | null>(c.bounty?.status ?? "proposed");
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const run = async (f: () => Promise<unknown>, message: string) => {
    setError(null);
    try {
      await f();
      notifications.show({ message });
      reload();
    } catch (e) {
      setError(e);
    }
  };
  async function upload() {
    const fd = new FormData();
    for (const f of files) fd.append("file", f, f.name);
    // The API client speaks JSON only: multipart goes through fetch, with the session's CSRF token.
    const { csrfToken } = await api.get<{ csrfToken: string | null }>("/api/me");
    const res = await fetch(`/api/cases/${c.id}/attachments`, {
      method: "POST",
      body: fd,
      credentials: "same-origin",
      headers: csrfToken ? { "X-CSRF-Token": csrfToken } : {},
    });
    if (!res.ok)
      throw new Error(
        ((await res.json()) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`,
      );
    setFiles([]);
  }
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Triage
      </Title>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm">Assignee: {personName(c.people, c.assigneeId ?? null, user.id)}</Text>
          {c.assigneeId !== user.id && (
            <Button
              size="xs"
              variant="light"
              onClick={() =>
                void run(() => api.patch(`/api/cases/${c.id}`, { assigneeId: user.id }), "Assigned to you")
              }
            >
              Assign to me
            </Button>
          )}
        </Group>
        <Group gap="xs" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            type="date"
            label="Remediation deadline"
            value={deadline}
            onChange={(e) => setDeadline(e.currentTarget.value)}
          />
          <Button
            variant="light"
            onClick={() =>
              void run(
                () => api.patch(`/api/cases/${c.id}`, { deadlineAt: `${deadline}T00:00:00Z` }),
                "Deadline moved",
              )
            }
          >
            Set
          </Button>
        </Group>
        <Group gap="xs" align="flex-end">
          <NumberInput w={110} label="Bounty" min={0} decimalScale={2} value={amount} onChange={setAmount} />
          <TextInput
            w={70}
            label="Currency"
            maxLength={3}
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          />
          <Select
            w={120}
            label="Status"
            data={["proposed", "approved", "paid", "declined"]}
            value={status}
            onChange={setStatus}
          />
          <Button
            variant="light"
            disabled={amount === "" || !status}
            onClick={() =>
              void run(
                () =>
                  api.put(`/api/cases/${c.id}/bounty`, {
                    amount: Math.round(Number(amount) * 100),
                    currency,
                    status,
                  }),
                "Bounty saved",
              )
            }
          >
            Save
          </Button>
        </Group>
        <Group gap="xs" align="flex-end">
          <FileInput
            style={{ flex: 1 }}
            label="Attach files"
            multiple
            value={files}
            onChange={(f) => setFiles(f.slice(0, 5))}
            clearable
          />
          <Button
            variant="light"
            disabled={files.length === 0}
            onClick={() => void run(upload, "Files attached")}
          >
            Upload
          </Button>
        </Group>
        <ErrorAlert error={error} />
      </Stack>
    </Card>
  );
}

function NoteForm({ caseId, reload }: { caseId: string; reload(): void }) {
  const api = useApi();
  const [body, setBody] = useState("");
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/api/cases/${caseId}/notes`, { body });
      setBody("");
      reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit}>
      <Group gap="xs" mt="md" align="flex-end">
        <TextInput
          style={{ flex: 1 }}
          placeholder="Internal note (never shown to the reporter)"
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          maxLength={20000}
        />
        <Button type="submit" variant="default" disabled={!body.trim()}>
          Add note
        </Button>
      </Group>
      <ErrorAlert error={error} />
    </form>
  );
}

function Credits({ c, reload }: { c: StaffCase; reload(): void }) {
  const api = useApi();
  const [name, setName] = useState("");
  const [type, setType] = useState<string | null>("finder");
  const [error, setError] = useState<unknown>(null);
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Credits and bounty
      </Title>
      {c.credits.map((cr) => (
        <Text key={cr.id} size="sm">
          {cr.name}{" "}
          <Text span c="dimmed">
            ({cr.type.replaceAll("_", " ")})
          </Text>
        </Text>
      ))}
      {c.bounty && (
        <Text size="sm" mt="xs">
          Bounty: {(c.bounty.amount / 100).toFixed(2)} {c.bounty.currency} ({c.bounty.status})
        </Text>
      )}
      <Group gap="xs" mt="sm" align="flex-end">
        <TextInput
          style={{ flex: 1 }}
          placeholder="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Select
          w={170}
          data={CREDIT_TYPES.map((t) => ({ value: t, label: t.replaceAll("_", " ") }))}
          value={type}
          onChange={setType}
          aria-label="Credit type"
        />
        <Button
          variant="light"
          disabled={!name.trim() || !type}
          onClick={async () => {
            setError(null);
            try {
              await api.post(`/api/cases/${c.id}/credits`, { name, type });
              setName("");
              reload();
            } catch (e) {
              setError(e);
            }
          }}
        >
          Credit
        </Button>
      </Group>
      <ErrorAlert error={error} />
    </Card>
  );
}

/** The message thread; replies name their parent. Used by staff and by the reporter's view. */
export function Messages({
  messages,
  postUrl,
  reload,
  staff,
  post,
}: {
  caseId: string;
  messages: Message[];
  postUrl: string;
  reload(): void;
  staff: boolean;
  post?: (body: { body: string; parentId?: string }) => Promise<unknown>;
}) {
  const api = useApi();
  const [body, setBody] = useState("");
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const byId = new Map(messages.map((m) => [m.id, m]));
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const payload = { body, ...(replyTo ? { parentId: replyTo } : {}) };
    try {
      await (post ? post(payload) : api.post(postUrl, payload));
      setBody("");
      setReplyTo(null);
      reload();
    } catch (err) {
      setError(err);
    }
  }
  const mine = staff ? "staff" : "researcher";
  return (
    <Card withBorder>
      <Group gap={6} mb="sm">
        <IconMessage size={18} />
        <Title order={4}>Messages</Title>
      </Group>
      <Stack gap="xs" aria-label="Messages">
        {messages.length === 0 && (
          <Text size="sm" c="dimmed">
            No messages yet.
          </Text>
        )}
        {messages.map((m) => (
          <Paper
            key={m.id}
            p="sm"
            radius="md"
            bg={m.authorKind === mine ? "var(--mantine-color-blue-light)" : "var(--mantine-color-gray-light)"}
            ml={m.authorKind === mine ? "xl" : 0}
            mr={m.authorKind === mine ? 0 : "xl"}
            data-testid="message"
          >
            <Group justify="space-between" mb={4}>
              <Text size="xs" fw={600}>
                {m.authorKind === "staff" ? "Response team" : "Reporter"}
              </Text>
              <Timestamp iso={m.createdAt} relative />
            </Group>
            {m.parentId && byId.get(m.parentId) && (
              <Text size="xs" c="dimmed" mb={4} lineClamp={1}>
                ↳ {byId.get(m.parentId)?.body}
              </Text>
            )}
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {m.body}
            </Text>
            <Anchor size="xs" component="button" type="button" onClick={() => setReplyTo(m.id)}>
              Reply
            </Anchor>
          </Paper>
        ))}
      </Stack>
      <form onSubmit={submit}>
        <Stack gap="xs" mt="sm">
          {replyTo && (
            <Text size="xs" c="dimmed">
              Replying to: {byId.get(replyTo)?.body.slice(0, 80)}{" "}
              <Anchor component="button" type="button" size="xs" onClick={() => setReplyTo(null)}>
                cancel
              </Anchor>
            </Text>
          )}
          <Textarea
            placeholder={staff ? "Write to the reporter (they get an email)" : "Write to the response team"}
            aria-label="New message"
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={20000}
          />
          <Group justify="flex-end">
            <Button type="submit" disabled={!body.trim()}>
              Send
            </Button>
          </Group>
          <ErrorAlert error={error} />
        </Stack>
      </form>
    </Card>
  );
}

function ReporterCase({ c, reload }: { c: ResearcherCase; reload(): void }) {
  return <ReporterView c={c} reload={reload} />;
}

/** The reporter's view of their case: phases reached, the report, messages. */
export function ReporterView({
  c,
  reload,
  post,
}: {
  c: ResearcherCase;
  reload(): void;
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
            postUrl={`/api/reports/${c.id}/messages`}
            reload={reload}
            staff={false}
            post={post}
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
