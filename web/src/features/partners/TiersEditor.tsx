// Tiers: name, lead time (ISO 8601) and content level. Admins edit; everyone else reads.
import { ActionIcon, Button, Checkbox, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import { useApiQuery } from "../../app/useApiQuery.ts";
import { CONTENT_LEVELS, type Tier } from "./model.ts";

type Draft = { key: number; name: string; leadTime: string; content: string[] };
let nextKey = 0;

export function TiersEditor() {
  const api = useApi();
  const user = useCurrentUser();
  const canEdit = user.role === "admin";
  const tiers = useApiQuery<{ tiers: Tier[] }>("/api/tiers");
  const [draft, setDraft] = useState<Draft[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (tiers.data)
      setDraft(
        tiers.data.tiers.map((t) => ({
          key: nextKey++,
          name: t.name,
          leadTime: t.leadTime,
          content: t.content,
        })),
      );
  }, [tiers.data]);

  const update = (i: number, patch: Partial<Draft>) =>
    setDraft((d) => d.map((t, j) => (j === i ? { ...t, ...patch } : t)));

  async function save() {
    setError(null);
    try {
      await api.put("/api/tiers", { tiers: draft.map(({ key: _key, ...t }) => t) });
      notifications.show({ color: "green", message: "Tiers saved" });
      tiers.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A partner in a tier receives an advisory its lead time before the public release (T0), with the
        content levels ticked here. Lead times are ISO 8601 durations: P5D, P1D, PT12H, PT0S.
      </Text>
      <ErrorAlert error={error ?? tiers.error} />
      <Paper withBorder radius="md">
        <Table verticalSpacing="sm" data-testid="tiers-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Tier</Table.Th>
              <Table.Th>Lead time</Table.Th>
              {CONTENT_LEVELS.map((c) => (
                <Table.Th key={c} ta="center">
                  {c}
                </Table.Th>
              ))}
              {canEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.map((t, i) => (
              <Table.Tr key={t.key}>
                <Table.Td>
                  <TextInput
                    aria-label={`Tier ${i + 1} name`}
                    value={t.name}
                    readOnly={!canEdit}
                    onChange={(e) => update(i, { name: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`Lead time of ${t.name}`}
                    value={t.leadTime}
                    readOnly={!canEdit}
                    onChange={(e) => update(i, { leadTime: e.currentTarget.value })}
                    w={110}
                    description={formatLead(t.leadTime)}
                  />
                </Table.Td>
                {CONTENT_LEVELS.map((c) => (
                  <Table.Td key={c}>
                    <Group justify="center">
                      <Checkbox
                        aria-label={`${t.name} receives ${c}`}
                        checked={t.content.includes(c)}
                        disabled={!canEdit}
                        onChange={(e) =>
                          update(i, {
                            content: e.currentTarget.checked
                              ? CONTENT_LEVELS.filter((x) => x === c || t.content.includes(x))
                              : t.content.filter((x) => x !== c),
                          })
                        }
                      />
                    </Group>
                  </Table.Td>
                ))}
                {canEdit && (
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${t.name}`}
                      onClick={() => setDraft((d) => d.filter((_, j) => j !== i))}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {canEdit && (
        <Group justify="space-between">
          <Button
            variant="default"
            leftSection={<IconPlus size={16} />}
            onClick={() =>
              setDraft((d) => [...d, { key: nextKey++, name: "", leadTime: "PT0S", content: ["summary"] }])
            }
          >
            Add tier
          </Button>
          <Button onClick={() => void save()}>Save tiers</Button>
        </Group>
      )}
    </Stack>
  );
}
