// The audit log for auditors and admins: every change, newest first, hash-chained; filters,
// pagination by sequence number, and a check that the chain is intact.
import { ActionIcon, Anchor, Badge, Button, Code, Group, Paper, Table, Text, Tooltip } from "@mantine/core";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, Fragment, useState } from "react";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { EmptyTableRow } from "../../app/DataTable.tsx";
import { localInputToIso } from "../../app/format.ts";
import { apiKey, useApiQuery } from "../../app/query.ts";
import type { AuditEntry } from "../../app/types.ts";
import { AuditFilters, type Filters, NO_FILTERS } from "./AuditFilters.tsx";
import { VerifyChain } from "./VerifyChain.tsx";

const PAGE_SIZE = 50;

export function AuditPage() {
  const api = useApi();
  const types = useApiQuery("listAuditTypes");
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  // Pages of the log for the applied filters, each asked for with the sequence number it ends before.
  const query = {
    actor: applied.actor.trim(),
    type: applied.type ?? undefined,
    from: localInputToIso(applied.from),
    to: localInputToIso(applied.to),
    alerts: applied.alerts ? ("true" as const) : undefined,
    limit: PAGE_SIZE,
  };
  const log = useInfiniteQuery({
    queryKey: apiKey("/api/audit", query),
    queryFn: ({ pageParam, signal }) =>
      api.call("listAudit", { query: { ...query, before: pageParam } }, { signal }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const entries: AuditEntry[] = log.data?.pages.flatMap((p) => p.entries) ?? [];
  const more = log.hasNextPage;
  const loading = log.isFetching;
  const error = log.error;

  function apply(e: FormEvent) {
    e.preventDefault();
    setExpanded(new Set());
    setApplied({ ...draft });
  }

  function reset() {
    setDraft(NO_FILTERS);
    setExpanded(new Set());
    setApplied(NO_FILTERS);
  }

  function filterByActor(actorId: string) {
    const next = { ...draft, actor: actorId };
    setDraft(next);
    setExpanded(new Set());
    setApplied(next);
  }

  function toggle(seq: number) {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }

  const filtered = JSON.stringify(applied) !== JSON.stringify(NO_FILTERS);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in Forewarn, newest first. Each entry carries the hash of the one before it, so any edit breaks the chain."
      />
      <VerifyChain />

      <AuditFilters
        draft={draft}
        setDraft={setDraft}
        types={types.data?.types ?? []}
        typesFailed={!!types.error}
        filtered={filtered}
        onApply={apply}
        onReset={reset}
      />

      <ErrorAlert error={error} />

      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="xs" highlightOnHover data-testid="audit-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36} />
                <Table.Th w={70}>#</Table.Th>
                <Table.Th>Time</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Hash</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => {
                const open = expanded.has(entry.seq);
                return (
                  <Fragment key={entry.seq}>
                    <Table.Tr data-testid="audit-row">
                      <Table.Td>
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          size="sm"
                          onClick={() => toggle(entry.seq)}
                          aria-label={
                            open ? `Hide data of entry ${entry.seq}` : `Show data of entry ${entry.seq}`
                          }
                          aria-expanded={open}
                        >
                          {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                        </ActionIcon>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {entry.seq}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Timestamp iso={entry.at} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        <Badge
                          variant="light"
                          color={typeColor(entry.type)}
                          tt="none"
                          radius="sm"
                          styles={{ root: { maxWidth: "none" }, label: { overflow: "visible" } }}
                        >
                          {entry.type}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {entry.actorId ? (
                          <Tooltip
                            label={`Show only entries by ${entry.actorEmail ?? entry.actorId}`}
                            withArrow
                          >
                            <Anchor
                              component="button"
                              type="button"
                              size="sm"
                              onClick={() => filterByActor(entry.actorId ?? "")}
                            >
                              {entry.actorEmail ?? entry.actorId}
                            </Anchor>
                          </Tooltip>
                        ) : (
                          <Tooltip
                            label="No one was signed in: a login attempt or an automatic event"
                            withArrow
                          >
                            <Text size="sm" c="dimmed">
                              anonymous
                            </Text>
                          </Tooltip>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {entry.subject ?? "—"}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={entry.hash} withArrow maw={520} multiline>
                          <Code>{entry.hash.slice(0, 12)}</Code>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                    {open && (
                      <Table.Tr>
                        <Table.Td />
                        <Table.Td colSpan={6}>
                          <Text size="xs" c="dimmed" mb={4}>
                            Data
                          </Text>
                          <Code block data-testid="audit-data">
                            {JSON.stringify(entry.data, null, 2)}
                          </Code>
                          <Text size="xs" c="dimmed" mt={6}>
                            Hash: <Code>{entry.hash}</Code>
                            {entry.actorId && (
                              <>
                                {" "}
                                · Actor ID: <Code>{entry.actorId}</Code>
                              </>
                            )}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
              {!loading && entries.length === 0 && !error && (
                <EmptyTableRow columns={7}>
                  {filtered ? "No entries match these filters." : "The audit log is empty."}
                </EmptyTableRow>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <Group justify="center" mt="md">
        {more ? (
          <Button variant="default" loading={loading} onClick={() => void log.fetchNextPage()}>
            Load more
          </Button>
        ) : (
          entries.length > 0 && (
            <Text size="xs" c="dimmed">
              {loading
                ? "Loading…"
                : `End of the log · ${entries.length} ${entries.length === 1 ? "entry" : "entries"} shown`}
            </Text>
          )
        )}
      </Group>
    </>
  );
}

/** Colour by the noun of `noun.past_tense`, so entries about the same thing look alike. */
function typeColor(type: string): string {
  const palette = ["blue", "grape", "teal", "orange", "indigo", "cyan", "pink", "lime", "violet"];
  if (/fail|denied|revoked|removed|suspended|disabled|broken/.test(type)) return "red";
  const noun = type.split(".")[0] ?? type;
  let h = 0;
  for (const ch of noun) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[h % palette.length] ?? "blue";
}
