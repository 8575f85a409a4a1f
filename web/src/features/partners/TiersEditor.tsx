// Tiers: name, lead time (ISO 8601) and content level. Admins edit; everyone else reads.

import { ActionIcon, Button, Checkbox, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { SECTIONS, type Section } from "../../../../src/contract/enums.ts";
import { useCan } from "../../app/auth.tsx";
import { isOneOf } from "../../app/choices.ts";
import { ErrorAlert } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { CONTENT_LEVELS } from "./model.ts";

type Draft = { key: number; name: string; leadTime: string; content: Section[] };
let nextKey = 0;

/** What the server checks on each tier before it parses the lead time (that answer comes back as a notice). */
const TiersForm = z.object({
  tiers: z
    .array(
      z.object({
        name: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lower-case letters, digits and dashes, at most 40"),
        leadTime: z.string().min(1, "give a lead time, e.g. P1D or PT0S").max(40),
        content: z.array(z.enum(SECTIONS)).min(1, "tick at least one content level"),
      }),
    )
    .min(1, "keep at least one tier"),
});

export function TiersEditor() {
  const canEdit = useCan("tiers:write");
  const tiers = useApiQuery("listTiers");
  const form = useSchemaForm<{ tiers: Draft[] }>(TiersForm, { tiers: [] });
  const { setValues } = form;
  const draft = form.values.tiers;
  // The tiers as last loaded into the form. A refetch (after a save, or a focus) refills the form
  // only while it still shows them: an edit begun meanwhile is kept, not silently replaced.
  const shown = useRef<string | null>(null);
  const current = useRef(draft);
  current.current = draft;
  useEffect(() => {
    if (!tiers.data) return;
    const loaded = tiers.data.tiers.map((t) => ({
      name: t.name,
      leadTime: t.leadTime,
      content: t.content.filter((c) => isOneOf(SECTIONS, c)),
    }));
    const fetched = JSON.stringify(loaded);
    const editing = JSON.stringify(current.current.map(({ key: _key, ...t }) => t));
    if (editing === fetched) {
      shown.current = fetched; // what was just saved: nothing to refill
      return;
    }
    if (shown.current !== null && editing !== shown.current) return;
    shown.current = fetched;
    setValues({ tiers: loaded.map((t) => ({ key: nextKey++, ...t })) });
  }, [tiers.data, setValues]);

  const save = useApiMutation({
    fn: (values: { tiers: Draft[] }, api) =>
      api.call("replaceTiers", { body: { tiers: values.tiers.map(({ key: _key, ...t }) => t) } }),
    invalidates: ["/api/tiers", "/api/partners"],
    success: "Tiers saved",
    form,
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A partner in a tier receives an advisory its lead time before the public release (T0), with the
        content levels ticked here. Lead times are ISO 8601 durations: P5D, P1D, PT12H, PT0S.
      </Text>
      <ErrorAlert error={tiers.error} />
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
                    {...form.getInputProps(`tiers.${i}.name`)}
                    readOnly={!canEdit}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`Lead time of ${t.name}`}
                    {...form.getInputProps(`tiers.${i}.leadTime`)}
                    readOnly={!canEdit}
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
                        error={c === CONTENT_LEVELS[0] ? form.errors[`tiers.${i}.content`] : undefined}
                        onChange={(e) =>
                          form.setFieldValue(
                            `tiers.${i}.content`,
                            e.currentTarget.checked
                              ? CONTENT_LEVELS.filter((x) => x === c || t.content.includes(x))
                              : t.content.filter((x) => x !== c),
                          )
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
                      onClick={() => form.removeListItem("tiers", i)}
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
      {form.errors.tiers && (
        <Text c="red" size="sm">
          {form.errors.tiers}
        </Text>
      )}
      {canEdit && (
        <Group justify="space-between">
          <Button
            variant="default"
            leftSection={<IconPlus size={16} />}
            onClick={() =>
              form.insertListItem("tiers", {
                key: nextKey++,
                name: "",
                leadTime: "PT0S",
                content: ["summary"],
              })
            }
          >
            Add tier
          </Button>
          <Button loading={save.isPending} onClick={() => form.onSubmit((v) => save.mutate(v))()}>
            Save tiers
          </Button>
        </Group>
      )}
    </Stack>
  );
}
