// The audit log's filters: actor, type, time range and alerts only, applied together.
import { Button, Checkbox, Group, Paper, Select, Text, TextInput } from "@mantine/core";
import { IconFilter, IconX } from "@tabler/icons-react";
import type { ChangeEvent, FormEvent } from "react";

export type Filters = { actor: string; type: string | null; from: string; to: string; alerts: boolean };
export const NO_FILTERS: Filters = { actor: "", type: null, from: "", to: "", alerts: false };

export function AuditFilters({
  draft,
  setDraft,
  types,
  typesFailed,
  filtered,
  onApply,
  onReset,
}: {
  draft: Filters;
  setDraft(f: Filters): void;
  types: string[];
  typesFailed: boolean;
  filtered: boolean;
  onApply(e: FormEvent): void;
  onReset(): void;
}) {
  /** A typed-in filter's value, and its edits into the draft. */
  const typed = (key: "actor" | "from" | "to") => ({
    value: draft[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: e.currentTarget.value }),
  });
  return (
    <Paper withBorder radius="md" p="md" mb="md" component="form" onSubmit={onApply} aria-label="Filters">
      <Group align="flex-end" gap="sm">
        <TextInput label="Actor" placeholder="user ID, e.g. usr_…" {...typed("actor")} w={220} />
        <Select
          label="Type"
          placeholder={typesFailed ? "types unavailable" : "any type"}
          data={types}
          value={draft.type}
          onChange={(type) => setDraft({ ...draft, type })}
          searchable
          clearable
          nothingFoundMessage="No such type"
          w={240}
        />
        <TextInput label="From" type="datetime-local" {...typed("from")} w={210} />
        <TextInput label="To" type="datetime-local" {...typed("to")} w={210} />
        <Checkbox
          label="Alerts only (role grants, lockouts)"
          checked={draft.alerts}
          onChange={(e) => setDraft({ ...draft, alerts: e.currentTarget.checked })}
          mb={8}
        />
        <Button type="submit" leftSection={<IconFilter size={16} />}>
          Apply
        </Button>
        {filtered && (
          <Button variant="subtle" color="gray" leftSection={<IconX size={16} />} onClick={onReset}>
            Clear filters
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt={6}>
        Times are in your time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}); hover a time to see
        it in UTC. Click an actor to see only their entries.
      </Text>
    </Paper>
  );
}
