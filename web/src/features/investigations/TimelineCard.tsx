// The investigation's timeline and conclusion; while it is open, an investigator adds notes and
// closes it with a conclusion.
import { Button, Group, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { schemaResolver, useForm } from "@mantine/form";
import { z } from "zod";
import { SectionCard, Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { Detail } from "./model.ts";

export function TimelineCard({ detail: d, canWrite }: { detail: Detail; canWrite: boolean }) {
  return (
    <SectionCard title="Timeline" order={3}>
      <Stack gap={4}>
        {d.timeline.map((t) => (
          <Text key={t.id} size="sm">
            <Timestamp iso={t.at} /> {t.kind.replaceAll("_", " ")}
            {t.kind.endsWith("_proposed") && t.ref ? ` (partner ${t.ref})` : ""}
            {(t.kind === "incident_opened" || t.kind === "suspension_requested") && t.ref
              ? ` (${t.ref})`
              : ""}
            {t.text ? `: ${t.text}` : ""}
          </Text>
        ))}
        {d.conclusion && <Text size="sm">Conclusion: {d.conclusion}</Text>}
      </Stack>
      {canWrite && (
        <Stack gap="xs" mt="sm">
          <NoteForm investigationId={d.id} />
          <CloseForm investigationId={d.id} />
        </Stack>
      )}
    </SectionCard>
  );
}

const NoteValues = z.object({ text: z.string().trim().min(1, "write the note") });

function NoteForm({ investigationId }: { investigationId: string }) {
  const form = useForm({
    initialValues: { text: "" },
    validate: schemaResolver(NoteValues, { sync: true }),
  });
  const note = useApiMutation({
    fn: (v: { text: string }, api) =>
      api.call("addInvestigationNote", { params: { id: investigationId }, body: v }),
    invalidates: [`/api/investigations/${investigationId}`],
    success: "Note added",
    form,
    fields: ["text"],
    onSuccess: () => form.reset(),
  });
  return (
    <form onSubmit={form.onSubmit((v) => note.mutate(v))} noValidate>
      <Group align="flex-end">
        <Textarea style={{ flex: 1 }} label="Note" {...form.getInputProps("text")} />
        <Button type="submit" disabled={!form.values.text.trim()} loading={note.isPending}>
          Add note
        </Button>
      </Group>
    </form>
  );
}

const CloseValues = z.object({ conclusion: z.string().trim().min(1, "state the conclusion") });

function CloseForm({ investigationId }: { investigationId: string }) {
  const form = useForm({
    initialValues: { conclusion: "" },
    validate: schemaResolver(CloseValues, { sync: true }),
  });
  const close = useApiMutation({
    fn: (v: { conclusion: string }, api) =>
      api.call("closeInvestigation", { params: { id: investigationId }, body: v }),
    // The list shows the status too.
    invalidates: ["/api/investigations"],
    success: "Investigation closed",
    form,
    fields: ["conclusion"],
  });
  return (
    <form onSubmit={form.onSubmit((v) => close.mutate(v))} noValidate>
      <Group align="flex-end">
        <TextInput style={{ flex: 1 }} label="Conclusion" {...form.getInputProps("conclusion")} />
        <Button
          type="submit"
          color="red"
          variant="light"
          disabled={!form.values.conclusion.trim()}
          loading={close.isPending}
        >
          Close investigation
        </Button>
      </Group>
    </form>
  );
}
