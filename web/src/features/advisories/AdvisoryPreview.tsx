// An advisory as each content level sees it, and the diff between two revisions.

import { Alert, Card, Code, Group, Paper, SegmentedControl, Select, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { ContentLevel } from "../../../../src/contract/enums.ts";
import { isOneOf } from "../../app/choices.ts";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/query.ts";
import { type Advisory, LEVELS, SECTION_TITLES, SECTIONS, whoIs } from "./model.ts";

export function AdvisoryPreview({ a }: { a: Advisory }) {
  const [level, setLevel] = useState<ContentLevel>("public");
  const q = useApiQuery("getAdvisoryContent", {
    params: { id: a.id },
    query: { level, revision: a.currentRevision },
  });
  return (
    <Stack maw={900}>
      <SegmentedControl
        aria-label="Content level"
        value={level}
        onChange={(v) => isOneOf(LEVELS, v) && setLevel(v)}
        data={[...LEVELS]}
      />
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

export function Revisions({ a }: { a: Advisory }) {
  const [from, setFrom] = useState(String(Math.max(1, a.currentRevision - 1)));
  const [to, setTo] = useState(String(a.currentRevision));
  const q = useApiQuery(
    "diffAdvisory",
    a.currentRevision > 1 ? { params: { id: a.id }, query: { from, to } } : null,
  );
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
