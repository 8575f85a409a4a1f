// The advisory editor: content by section, a preview per content level, the revision diff, review
// and approval, release time and exports.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  FileInput,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useEffect, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/useApiQuery.ts";
import type { CaseSummary } from "../cases/model.ts";
import {
  type Advisory,
  type Content,
  type Diff,
  LEVELS,
  productsToText,
  SECTION_TITLES,
  SECTIONS,
  type Section,
  STATE_COLORS,
  textToProducts,
  whoIs,
} from "./model.ts";

const emptySections = () => Object.fromEntries(SECTIONS.map((s) => [s, ""])) as Record<Section, string>;

function ContentFields({
  title,
  setTitle,
  products,
  setProducts,
  sections,
  setSections,
}: {
  title: string;
  setTitle(v: string): void;
  products: string;
  setProducts(v: string): void;
  sections: Record<Section, string>;
  setSections(v: Record<Section, string>): void;
}) {
  return (
    <Stack>
      <TextInput
        label="Title"
        required
        maxLength={300}
        value={title}
        onChange={(e) => setTitle(e.currentTarget.value)}
      />
      <Textarea
        label="Products"
        description="One a line: Vendor | Product | affected versions, … | fixed versions, … | purl or CPE (optional)"
        autosize
        minRows={2}
        value={products}
        onChange={(e) => setProducts(e.currentTarget.value)}
      />
      {SECTIONS.map((s) => (
        <Textarea
          key={s}
          label={`${SECTION_TITLES[s]} (markdown)`}
          autosize
          minRows={s === "summary" ? 2 : 3}
          value={sections[s]}
          onChange={(e) => setSections({ ...sections, [s]: e.currentTarget.value })}
        />
      ))}
    </Stack>
  );
}

export function NewAdvisory() {
  const api = useApi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const cases = useApiQuery<CaseSummary[]>("/api/cases");
  const [caseId, setCaseId] = useState<string | null>(params.get("case"));
  const [title, setTitle] = useState("");
  const [products, setProducts] = useState("");
  const [sections, setSections] = useState(emptySections());
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.post<{ id: string }>("/api/advisories", {
        caseId,
        title,
        products: textToProducts(products),
        sections,
      });
      navigate(`/advisories/${r.id}`);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <PageHeader title="New advisory" />
      <form onSubmit={submit}>
        <Stack maw={900}>
          <Select
            label="Case"
            required
            searchable
            data={(cases.data ?? []).map((c) => ({ value: c.id, label: `${c.title} (${c.id})` }))}
            value={caseId}
            onChange={setCaseId}
          />
          <ContentFields {...{ title, setTitle, products, setProducts, sections, setSections }} />
          <ErrorAlert error={error} />
          <Group>
            <Button type="submit">Create revision 1</Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}

export function AdvisoryEditor() {
  const { id = "" } = useParams();
  const q = useApiQuery<Advisory>(`/api/advisories/${id}`);
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Skeleton h={400} />;
  return <Editor a={q.data} reload={q.reload} />;
}

function Editor({ a, reload }: { a: Advisory; reload(): void }) {
  const api = useApi();
  const user = useCurrentUser();
  const [title, setTitle] = useState(a.revision.title);
  const [products, setProducts] = useState(productsToText(a.revision.products));
  const [sections, setSections] = useState(a.revision.sections);
  const [changeNote, setChangeNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [requesting, setRequesting] = useState(false);
  const [changes, setChanges] = useState("");
  useEffect(() => {
    setTitle(a.revision.title);
    setProducts(productsToText(a.revision.products));
    setSections(a.revision.sections);
  }, [a]);

  const act = async (f: () => Promise<unknown>, message: string) => {
    setError(null);
    try {
      await f();
      notifications.show({ message });
      reload();
    } catch (e) {
      setError(e);
    }
  };
  async function save(e: FormEvent) {
    e.preventDefault();
    await act(
      () =>
        api.put(`/api/advisories/${a.id}`, {
          revision: a.currentRevision,
          title,
          products: textToProducts(products),
          sections,
          ...(changeNote ? { changeNote } : {}),
        }),
      "Saved as a new revision",
    );
    setChangeNote("");
  }
  const author = a.revision.authorId === user.id;
  return (
    <>
      <PageHeader
        title={`${a.trackingId}: ${a.revision.title}`}
        description={
          <>
            Revision {a.currentRevision} · case{" "}
            <Anchor component={Link} to={`/cases/${a.caseId}`}>
              {a.caseId}
            </Anchor>{" "}
            ·{" "}
            <Anchor component={Link} to="/advisories">
              all advisories
            </Anchor>
          </>
        }
        actions={
          <Group gap="xs">
            <Badge size="lg" color={STATE_COLORS[a.state]} data-testid="advisory-state">
              {a.state.replace("_", " ")}
            </Badge>
            {a.publishedAt ? (
              <Badge size="lg" color="teal">
                public
              </Badge>
            ) : (
              <Badge size="lg" color="orange" variant="light">
                embargoed
              </Badge>
            )}
          </Group>
        }
      />
      <ErrorAlert error={error} />
      <Tabs defaultValue="edit" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="edit">Edit</Tabs.Tab>
          <Tabs.Tab value="preview">Preview by content level</Tabs.Tab>
          <Tabs.Tab value="revisions">Revisions and diff</Tabs.Tab>
          <Tabs.Tab value="review">Review, release and export</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="edit">
          <form onSubmit={save}>
            <Stack maw={900}>
              <ContentFields {...{ title, setTitle, products, setProducts, sections, setSections }} />
              <TextInput
                label="What changed (optional)"
                maxLength={1000}
                value={changeNote}
                onChange={(e) => setChangeNote(e.currentTarget.value)}
              />
              <Group>
                <Button type="submit">Save as revision {a.currentRevision + 1}</Button>
                {a.state === "approved" && (
                  <Text size="sm" c="dimmed">
                    Saving returns the advisory to draft: it needs a new approval.
                  </Text>
                )}
              </Group>
            </Stack>
          </form>
        </Tabs.Panel>
        <Tabs.Panel value="preview">
          <Preview a={a} />
        </Tabs.Panel>
        <Tabs.Panel value="revisions">
          <Revisions a={a} />
        </Tabs.Panel>
        <Tabs.Panel value="review">
          <Stack maw={900}>
            <Card withBorder>
              <Title order={4} mb="xs">
                Review
              </Title>
              <Group gap="xs">
                {a.state === "draft" && (
                  <Button
                    variant="light"
                    onClick={() =>
                      void act(() => api.post(`/api/advisories/${a.id}/submit`), "Sent for review")
                    }
                  >
                    Ask for review
                  </Button>
                )}
                {a.state === "in_review" && (
                  <Button
                    color="teal"
                    disabled={author}
                    onClick={() =>
                      void act(
                        () => api.post(`/api/advisories/${a.id}/approve`, { revision: a.currentRevision }),
                        "Approved",
                      )
                    }
                  >
                    Approve revision {a.currentRevision}
                  </Button>
                )}
                {a.state === "in_review" && (
                  <Button variant="default" disabled={author} onClick={() => setRequesting(true)}>
                    Request changes
                  </Button>
                )}
                {a.state === "approved" && !a.publishedAt && (
                  <Button component={Link} to={`/releases/${a.id}`}>
                    Plan release
                  </Button>
                )}
              </Group>
              {a.state === "approved" && !a.publishedAt && (
                <Text size="sm" c="dimmed" mt="xs">
                  Next: plan its release. Partners get it in waves before T0; the public at T0.
                </Text>
              )}
              <Modal
                opened={requesting}
                onClose={() => setRequesting(false)}
                title={`Send revision ${a.currentRevision} back to draft`}
              >
                <Stack>
                  <Text size="sm">
                    Revision {a.currentRevision} leaves review and goes back to draft: it cannot be approved
                    or released until it is submitted and reviewed again. Say what must change.
                  </Text>
                  <Textarea
                    label="What must change"
                    required
                    autosize
                    minRows={3}
                    maxLength={5000}
                    value={changes}
                    onChange={(e) => setChanges(e.currentTarget.value)}
                  />
                  <Group justify="flex-end">
                    <Button variant="default" onClick={() => setRequesting(false)}>
                      Keep in review
                    </Button>
                    <Button
                      disabled={!changes.trim()}
                      onClick={() =>
                        void act(async () => {
                          await api.post(`/api/advisories/${a.id}/request-changes`, {
                            comment: changes.trim(),
                          });
                          setRequesting(false);
                          setChanges("");
                        }, "Sent back to draft")
                      }
                    >
                      Send back to draft
                    </Button>
                  </Group>
                </Stack>
              </Modal>
              {a.state === "draft" && (
                <Text size="sm" c="dimmed" mt="xs">
                  A draft is approved after review: ask for review, then another staff member approves it.
                </Text>
              )}
              {author && a.state === "in_review" && (
                <Text size="sm" c="dimmed" mt="xs">
                  You wrote this revision: another staff member approves it.
                </Text>
              )}
              <Stack gap={2} mt="sm">
                {a.reviews.map((r) => (
                  <Text key={`${r.revision}-${r.createdAt}`} size="sm">
                    Revision {r.revision}: {r.decision.replace("_", " ")} by {whoIs(a.people, r.reviewerId)}{" "}
                    <Timestamp iso={r.createdAt} relative />
                    {r.comment ? ` — ${r.comment}` : ""}
                  </Text>
                ))}
              </Stack>
            </Card>
            <Files a={a} reload={reload} />
            <Card withBorder>
              <Title order={4} mb="xs">
                Export
              </Title>
              <Text size="sm" c="dimmed" mb="xs">
                {a.publishedAt
                  ? "Public: TLP:CLEAR (WHITE in CSAF 2.0)."
                  : "Embargoed: TLP:AMBER, every section. Each export is audited."}
              </Text>
              <Group gap="sm">
                {(["csaf", "cve", "osv"] as const).map((f) => (
                  <Anchor key={f} href={`/api/advisories/${a.id}/export?format=${f}`} target="_blank">
                    {f === "csaf" ? "CSAF 2.0" : f === "cve" ? "CVE JSON 5" : "OSV"}
                  </Anchor>
                ))}
              </Group>
            </Card>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

/** Detection rules and proof-of-concept files: sealed on the server, every download audited. */
function Files({ a, reload }: { a: Advisory; reload(): void }) {
  const api = useApi();
  const [section, setSection] = useState<string | null>("detection");
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  async function upload() {
    setError(null);
    try {
      const fd = new FormData();
      for (const f of files) fd.append("file", f, f.name);
      // The API client speaks JSON only: multipart goes through fetch, with the session's CSRF token.
      const { csrfToken } = await api.get<{ csrfToken: string | null }>("/api/me");
      const res = await fetch(`/api/advisories/${a.id}/files?section=${section}`, {
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
      reload();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Files
      </Title>
      <Stack gap={4}>
        {a.files.length === 0 && (
          <Text size="sm" c="dimmed">
            No detection rules or PoC files yet.
          </Text>
        )}
        {a.files.map((f) => (
          <Group key={f.id} gap="xs">
            <Badge variant="light">{f.section}</Badge>
            <Anchor href={`/api/advisories/${a.id}/files/${f.id}`} size="sm">
              {f.filename}
            </Anchor>
            <Text size="xs" c="dimmed">
              {f.size} bytes · sha256 {f.sha256.slice(0, 12)}…
            </Text>
          </Group>
        ))}
      </Stack>
      <Group gap="xs" mt="sm" align="flex-end">
        <Select
          w={150}
          label="Section"
          data={[
            { value: "detection", label: "Detection rules" },
            { value: "poc", label: "Proof of concept" },
          ]}
          value={section}
          onChange={setSection}
        />
        <FileInput
          style={{ flex: 1 }}
          label="Files"
          multiple
          value={files}
          onChange={(f) => setFiles(f.slice(0, 5))}
          clearable
        />
        <Button variant="light" disabled={files.length === 0 || !section} onClick={() => void upload()}>
          Upload
        </Button>
      </Group>
      <ErrorAlert error={error} />
    </Card>
  );
}

function Preview({ a }: { a: Advisory }) {
  const [level, setLevel] = useState<string>("public");
  const q = useApiQuery<Content>(`/api/advisories/${a.id}/content`, { level, revision: a.currentRevision });
  return (
    <Stack maw={900}>
      <SegmentedControl aria-label="Content level" value={level} onChange={setLevel} data={[...LEVELS]} />
      <ErrorAlert error={q.error} />
      {q.data && (
        <Paper withBorder p="lg" data-testid="preview">
          <Title order={3} mb="sm">
            {q.data.title}
          </Title>
          {SECTIONS.filter((s) => q.data?.sections[s]).map((s) => (
            <div key={s}>
              <Title order={4} mt="md">
                {SECTION_TITLES[s]}
              </Title>
              <Markdown text={q.data?.sections[s] ?? ""} />
            </div>
          ))}
          {SECTIONS.every((s) => !q.data?.sections[s]) && <Text c="dimmed">Nothing at this level.</Text>}
        </Paper>
      )}
    </Stack>
  );
}

function Revisions({ a }: { a: Advisory }) {
  const [from, setFrom] = useState(String(Math.max(1, a.currentRevision - 1)));
  const [to, setTo] = useState(String(a.currentRevision));
  const q = useApiQuery<Diff>(a.currentRevision > 1 ? `/api/advisories/${a.id}/diff` : null, { from, to });
  const options = a.revisions.map((r) => ({ value: String(r.number), label: `Revision ${r.number}` }));
  return (
    <Stack maw={1000}>
      <Stack gap={2}>
        {a.revisions.map((r) => (
          <Text key={r.number} size="sm">
            <b>Revision {r.number}</b> by {whoIs(a.people, r.authorId)}{" "}
            <Timestamp iso={r.createdAt} relative /> {r.changeNote ? `— ${r.changeNote}` : ""}
          </Text>
        ))}
      </Stack>
      {a.currentRevision === 1 ? (
        <Alert color="gray">Only one revision so far.</Alert>
      ) : (
        <>
          <Group>
            <Select label="From" data={options} value={from} onChange={(v) => v && setFrom(v)} w={160} />
            <Select label="To" data={options} value={to} onChange={(v) => v && setTo(v)} w={160} />
          </Group>
          <ErrorAlert error={q.error} />
          {q.data?.fields.length === 0 && <Text c="dimmed">No differences.</Text>}
          {q.data?.fields.map((f) => (
            <Card key={f.field} withBorder data-testid="diff-field">
              <Text fw={600} mb={4}>
                {f.field}
              </Text>
              <Code block>
                {f.changes.map((c, i) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: diff chunks are positional
                    key={i}
                    style={{
                      display: "block",
                      whiteSpace: "pre-wrap",
                      background: c.added
                        ? "var(--mantine-color-green-light)"
                        : c.removed
                          ? "var(--mantine-color-red-light)"
                          : undefined,
                      textDecoration: c.removed ? "line-through" : undefined,
                    }}
                    data-diff={c.added ? "added" : c.removed ? "removed" : "same"}
                  >
                    {c.value
                      .replace(/\n$/, "")
                      .split("\n")
                      .map((l) => `${c.added ? "+ " : c.removed ? "- " : "  "}${l}`)
                      .join("\n")}
                  </span>
                ))}
              </Code>
            </Card>
          ))}
        </>
      )}
    </Stack>
  );
}
