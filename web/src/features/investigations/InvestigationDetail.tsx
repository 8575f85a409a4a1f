// One investigation: evidence (drag and drop or choose files; pasted text), findings with the score
// plot and the located passages highlighted on the evidence, exposure timeline, coincidence
// analysis, notes, closing, and the reports.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type DragEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { type Detail, type Exposure, type Findings, formatBound, type Scored, WORD } from "./model.ts";

async function uploadFiles(api: ReturnType<typeof useApi>, id: string, files: File[]) {
  // The API client speaks JSON only: multipart goes through fetch, with the session's CSRF token.
  const { csrfToken } = await api.get<{ csrfToken: string | null }>("/api/me");
  for (const f of files) {
    const fd = new FormData();
    fd.append("file", f, f.name);
    const res = await fetch(`/api/investigations/${id}/evidence`, {
      method: "POST",
      body: fd,
      credentials: "same-origin",
      headers: csrfToken ? { "X-CSRF-Token": csrfToken } : {},
    });
    if (!res.ok)
      throw new Error(
        `${f.name}: ${((await res.json()) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`}`,
      );
  }
}

export function InvestigationDetail() {
  const { id = "" } = useParams();
  const api = useApi();
  const canWrite = useCurrentUser().role === "investigator";
  const q = useApiQuery<Detail>(`/api/investigations/${id}`);
  const [error, setError] = useState<unknown>(null);
  const run = async (f: () => Promise<unknown>, message: string) => {
    setError(null);
    try {
      await f();
      notifications.show({ message });
      void q.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const d = q.data;
  if (!d) return <ErrorAlert error={q.error} />;
  const open = d.status === "open";
  return (
    <>
      <PageHeader
        title={d.title}
        description={
          <>
            {d.status === "open" ? "Open" : "Closed"} · advisory{" "}
            {d.advisoryId ?? (d.findings.advisoryIds.join(", ") || "not identified")} · first exploitation
            observed <Timestamp iso={d.observedAt} />
          </>
        }
        actions={
          <>
            <Button component="a" variant="light" href={`/api/investigations/${id}/report.html`}>
              Report (HTML)
            </Button>
            <Button component="a" variant="light" href={`/api/investigations/${id}/report.pdf`}>
              Report (PDF)
            </Button>
          </>
        }
      />
      <Stack>
        <Anchor component={Link} to="/investigations" size="sm">
          All investigations
        </Anchor>
        <ErrorAlert error={error} />
        <FindingsCard
          findings={d.findings}
          onPropose={
            canWrite && open
              ? (action, r) =>
                  run(
                    () =>
                      api.post(`/api/investigations/${id}/proposals`, {
                        action,
                        partnerId: r.partnerId,
                        reason: `${r.kind} ${r.recipientId} of ${r.partnerName} accused: score ${r.score.toFixed(1)} over threshold ${r.threshold.toFixed(1)}, bound ${formatBound(r.bound)}`,
                      }),
                    action === "incident"
                      ? "Incident proposed to the coordinators"
                      : "Suspension proposed to the coordinators",
                  )
              : null
          }
        />
        <EvidenceCard
          detail={d}
          canAdd={canWrite && open}
          onError={setError}
          onAdded={() => void q.refetch()}
          run={run}
        />
        <ExposureCard id={id} />
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            Timeline
          </Title>
          <Stack gap={4}>
            {d.timeline.map((t) => (
              <Text key={t.id} size="sm">
                <Timestamp iso={t.at} /> {t.kind.replace("_", " ")}
                {t.kind.endsWith("_proposed") && t.ref ? ` (partner ${t.ref})` : ""}
                {t.text ? `: ${t.text}` : ""}
              </Text>
            ))}
            {d.conclusion && <Text size="sm">Conclusion: {d.conclusion}</Text>}
          </Stack>
          {canWrite && open && (
            <NoteAndClose
              onNote={(text) =>
                run(() => api.post(`/api/investigations/${id}/notes`, { text }), "Note added")
              }
              onClose={(conclusion) =>
                run(() => api.post(`/api/investigations/${id}/close`, { conclusion }), "Investigation closed")
              }
            />
          )}
        </Card>
      </Stack>
    </>
  );
}

function NoteAndClose({
  onNote,
  onClose,
}: {
  onNote(t: string): Promise<void>;
  onClose(t: string): Promise<void>;
}) {
  const [note, setNote] = useState("");
  const [conclusion, setConclusion] = useState("");
  return (
    <Stack gap="xs" mt="sm">
      <Group align="flex-end">
        <Textarea
          style={{ flex: 1 }}
          label="Note"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <Button disabled={!note.trim()} onClick={() => void onNote(note).then(() => setNote(""))}>
          Add note
        </Button>
      </Group>
      <Group align="flex-end">
        <TextInput
          style={{ flex: 1 }}
          label="Conclusion"
          value={conclusion}
          onChange={(e) => setConclusion(e.currentTarget.value)}
        />
        <Button
          color="red"
          variant="light"
          disabled={!conclusion.trim()}
          onClick={() => void onClose(conclusion)}
        >
          Close investigation
        </Button>
      </Group>
    </Stack>
  );
}

const VERDICT: Record<Findings["verdict"], string> = {
  accused: "Accused",
  inconclusive: "Inconclusive: nobody passes the threshold",
  no_match: "No match: the evidence does not come from a delivered advisory",
};

function ScorePlot({ f }: { f: Findings }) {
  const w = 560;
  const h = 140;
  const max = Math.max(1, ...f.distribution.map((b) => b.count));
  const bw = w / Math.max(1, f.distribution.length);
  const tx = (2 / 3) * w;
  return (
    <svg
      role="img"
      aria-label={`Every recipient's score divided by its threshold: ${f.distribution
        .filter((b) => b.count)
        .map((b) => `${b.count} between ${b.from} and ${b.to}`)
        .join("; ")}. Recipients at 1 or above pass the threshold.`}
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      style={{ maxWidth: w }}
    >
      {f.distribution.map((b, i) => {
        const bh = b.count ? Math.max(2, (Math.log10(b.count + 1) / Math.log10(max + 1)) * (h - 30)) : 0;
        return (
          <rect
            key={b.from}
            x={i * bw}
            y={h - 20 - bh}
            width={bw - 1}
            height={bh}
            fill={b.from >= 1 ? "#c92a2a" : "#1971c2"}
          />
        );
      })}
      <line x1={tx} x2={tx} y1={0} y2={h - 20} stroke="currentColor" strokeDasharray="4 2" />
      <text x={tx + 4} y={12} fontSize={11} fill="currentColor">
        threshold
      </text>
      <text x={0} y={h - 4} fontSize={11} fill="currentColor">
        score ÷ threshold: −1
      </text>
      <text x={w - 24} y={h - 4} fontSize={11} fill="currentColor">
        2+
      </text>
    </svg>
  );
}

function FindingsCard({
  findings: f,
  onPropose,
}: {
  findings: Findings;
  onPropose: ((action: "incident" | "suspension", r: Scored) => Promise<void>) | null;
}) {
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Findings
      </Title>
      <Stack gap="xs">
        <Group>
          <Badge color={f.verdict === "accused" ? "red" : "gray"} size="lg">
            {VERDICT[f.verdict]}
          </Badge>
          <Text size="sm">
            {f.observedPoints} points observed; {f.recipientCount} delivered recipients scored; ε₁ ={" "}
            {formatBound(f.epsilon)} per innocent recipient, ε = ε₁·n = {formatBound(f.populationBound)} for
            all.
          </Text>
        </Group>
        {f.canaries.map((c) => (
          <Alert key={`${c.recipientId}${c.at}`} color="red" title="Canary token fired (certain)">
            {c.recipientId} of {c.partnerName}: {c.kind} at <Timestamp iso={c.at} />
          </Alert>
        ))}
        {f.warnings.map((w) => (
          <Alert key={w} color="yellow" variant="light">
            {w}
          </Alert>
        ))}
        {f.recipientCount > 0 && <ScorePlot f={f} />}
        {onPropose &&
          f.accused.map((r) => (
            <Group key={`propose-${r.recipientId}`} gap="xs">
              <Text size="sm">
                {r.partnerName}: a coordinator acts on a proposal (an investigator does not sanction
                partners).
              </Text>
              <Button size="xs" variant="light" onClick={() => void onPropose("incident", r)}>
                Propose an incident on {r.partnerName}
              </Button>
              <Button size="xs" variant="light" color="red" onClick={() => void onPropose("suspension", r)}>
                Propose suspending {r.partnerName}
              </Button>
            </Group>
          ))}
        {f.recipients.length > 0 && (
          <Table aria-label="Recipients with the strongest evidence">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Recipient</Table.Th>
                <Table.Th>Partner</Table.Th>
                <Table.Th>Score / threshold</Table.Th>
                <Table.Th>Bound</Table.Th>
                <Table.Th>Accused</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {f.recipients.map((r) => (
                <Table.Tr key={`${r.recipientId}-${r.revision}`}>
                  <Table.Td>
                    {r.kind} {r.recipientId}
                  </Table.Td>
                  <Table.Td>
                    {r.partnerName} ({r.partnerStatus})
                  </Table.Td>
                  <Table.Td>
                    {r.score.toFixed(1)} / {r.threshold.toFixed(1)}
                  </Table.Td>
                  <Table.Td>{r.accused ? formatBound(r.bound) : "not certified"}</Table.Td>
                  <Table.Td>{r.accused ? "yes" : "no"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

function Highlighted({ text, spans }: { text: string; spans: { startWord: number; endWord: number }[] }) {
  const parts: { s: string; mark: boolean }[] = [];
  let last = 0;
  let w = 0;
  const inSpan = (k: number) => spans.some((s) => k >= s.startWord && k < s.endWord);
  for (const m of text.matchAll(WORD)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ s: text.slice(last, at), mark: inSpan(w) && inSpan(w - 1) });
    parts.push({ s: m[0], mark: inSpan(w) });
    last = at + m[0].length;
    w++;
  }
  if (last < text.length) parts.push({ s: text.slice(last), mark: false });
  return (
    <Text component="pre" size="xs" style={{ whiteSpace: "pre-wrap", maxHeight: 400, overflow: "auto" }}>
      {parts.map((p, i) =>
        p.mark ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never move
          <mark key={i}>{p.s}</mark>
        ) : (
          p.s
        ),
      )}
    </Text>
  );
}

function EvidenceCard({
  detail: d,
  canAdd,
  onAdded,
  onError,
  run,
}: {
  detail: Detail;
  canAdd: boolean;
  onAdded(): void;
  onError(e: unknown): void;
  run(f: () => Promise<unknown>, message: string): Promise<void>;
}) {
  const api = useApi();
  const [dragging, setDragging] = useState(false);
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const [shown, setShown] = useState<string | null>(null);
  async function addFiles(files: File[]) {
    if (files.length === 0) return;
    try {
      await uploadFiles(api, d.id, files);
      notifications.show({ message: `${files.length} file(s) added` });
      onAdded();
    } catch (e) {
      onError(e);
    }
  }
  async function show() {
    try {
      // Each read is audited on the server.
      const texts = await Promise.all(
        d.evidence.map((e) => api.get<{ text: string }>(`/api/investigations/${d.id}/evidence/${e.id}`)),
      );
      setShown(texts.map((t) => t.text).join("\n\n"));
    } catch (e) {
      onError(e);
    }
  }
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void addFiles([...e.dataTransfer.files]);
  };
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Evidence
      </Title>
      <Stack gap="xs">
        {d.evidence.length === 0 && <Text c="dimmed">No evidence yet.</Text>}
        {d.evidence.map((e) => (
          <Text key={e.id} size="sm">
            {e.name} · {e.mediaType} · {e.size} bytes · SHA-256 <code>{e.sha256}</code>
          </Text>
        ))}
        {d.evidence.length > 0 && (
          <Group>
            <Button variant="light" size="xs" onClick={() => void show()}>
              Show evidence with located passages
            </Button>
            <Text size="xs" c="dimmed">
              Reading the evidence is recorded in the audit log.
            </Text>
          </Group>
        )}
        {shown !== null && <Highlighted text={shown} spans={d.findings.located} />}
        {canAdd && (
          <>
            <label
              htmlFor="evidence-files"
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              style={{
                display: "block",
                border: "2px dashed",
                borderRadius: 8,
                padding: 16,
                textAlign: "center",
                background: dragging ? "var(--mantine-color-blue-light)" : undefined,
                cursor: "pointer",
              }}
            >
              Drop evidence files here, or choose files (text, HTML, PDF, rule files, scripts, request logs,
              or a ZIP of these)
              <input
                id="evidence-files"
                type="file"
                multiple
                style={{ display: "block", margin: "8px auto 0" }}
                onChange={(e) => void addFiles([...(e.currentTarget.files ?? [])])}
              />
            </label>
            <TextInput
              label="Name of pasted text"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Textarea
              label="Pasted text"
              autosize
              minRows={3}
              maxRows={10}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
            />
            <Button
              disabled={!name.trim() || !text.trim()}
              onClick={() =>
                void run(
                  () => api.post(`/api/investigations/${d.id}/evidence`, { kind: "text", name, text }),
                  "Evidence added",
                ).then(() => {
                  setName("");
                  setText("");
                })
              }
            >
              Add text
            </Button>
          </>
        )}
      </Stack>
    </Card>
  );
}

function ExposureCard({ id }: { id: string }) {
  const q = useApiQuery<Exposure>(`/api/investigations/${id}/exposure`);
  const x = q.data;
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Exposure and coincidence
      </Title>
      <ErrorAlert error={q.error} />
      {x && (
        <Stack gap="xs">
          <Text size="sm">
            Waves:{" "}
            {x.waves.map((w) => (
              <span key={w.id}>
                {w.tier ?? "extra"} at <Timestamp iso={w.at} /> ({w.partners} partners: {w.content.join(", ")}
                );{" "}
              </span>
            ))}
            T0 <Timestamp iso={x.publicAt} />. By the observed time {x.byObserved.partners} partners and{" "}
            {x.byObserved.members} members had a copy.
          </Text>
          {x.recipients.length > 0 && (
            <Table
              aria-label="Exposure: each recipient's copy"
              style={{ display: "block", maxHeight: 320, overflow: "auto" }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Content</Table.Th>
                  <Table.Th>Delivered</Table.Th>
                  <Table.Th>First read</Table.Th>
                  <Table.Th>Reads</Table.Th>
                  <Table.Th>Acknowledged</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {x.recipients.map((r) => (
                  <Table.Tr key={r.deliveryId}>
                    <Table.Td>
                      {r.partnerName} ({r.partnerStatus})
                    </Table.Td>
                    <Table.Td>
                      {r.recipientKind} {r.recipientId}
                    </Table.Td>
                    <Table.Td>{r.sections.join(", ")}</Table.Td>
                    <Table.Td>
                      <Timestamp iso={r.deliveredAt} />
                    </Table.Td>
                    <Table.Td>
                      <Timestamp iso={r.firstReadAt} />
                    </Table.Td>
                    <Table.Td>{r.reads.length}</Table.Td>
                    <Table.Td>{r.acks.map((a) => a.status).join(", ") || "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {x.notes.map((n) => (
            <Text key={n} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
          <Text size="sm" fw={600}>
            {x.coincidence.summary}
          </Text>
          <Text size="sm">Model: {x.coincidence.model}</Text>
          {x.coincidence.windows.map((w) => (
            <Text key={w.waveId} size="sm">
              Wave {w.tier ?? w.waveId}: {w.days.toFixed(1)} days to the observed time, P(independent start) ={" "}
              {formatBound(w.probability)}
            </Text>
          ))}
          <Text size="sm">Assumptions:</Text>
          <ul>
            {x.coincidence.assumptions.map((a) => (
              <li key={a}>
                <Text size="sm">{a}</Text>
              </li>
            ))}
          </ul>
        </Stack>
      )}
    </Card>
  );
}
