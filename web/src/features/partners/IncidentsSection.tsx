// A partner's incidents (leaks it reported or staff recorded) and the form to report one.
import { Button, Group, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { z } from "zod";
import { ErrorAlert, SectionCard } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { IncidentCard } from "./IncidentCard.tsx";

const ReportForm = z.object({
  whatLeaked: z.string().trim().min(1, "say what leaked"),
  toWhom: z.string().trim().min(1, "say to whom, as far as you know"),
  when: z.string().trim().min(1, "say when, as far as you know"),
});
type ReportValues = z.infer<typeof ReportForm>;

export function IncidentsSection({
  partnerId,
  canReport,
  canClose,
}: {
  partnerId: string;
  canReport: boolean;
  canClose: boolean;
}) {
  const list = useApiQuery("listPartnerIncidents", { params: { id: partnerId } });
  const form = useSchemaForm<ReportValues>(ReportForm, { whatLeaked: "", toWhom: "", when: "" });
  const report = useApiMutation({
    fn: (v: ReportValues, api) => api.call("reportIncident", { params: { id: partnerId }, body: v }),
    invalidates: [`/api/partners/${partnerId}`, "/api/incidents"],
    form,
    fields: ["whatLeaked", "toWhom", "when"],
    onSuccess: () => form.reset(),
  });
  return (
    <Stack>
      <ErrorAlert error={list.error} />
      {(list.data?.incidents ?? []).map((i) => (
        <IncidentCard key={i.id} incident={i} partnerId={partnerId} canClose={canClose} />
      ))}
      {(list.data?.incidents ?? []).length === 0 && <Text c="dimmed">No incidents on record.</Text>}
      {canReport && (
        <SectionCard title="Report a leak" order={5} radius="md">
          <Text size="sm" c="dimmed" mb="xs">
            Tell us at once; a prompt self-report weighs in your favour.
          </Text>
          <form onSubmit={form.onSubmit((v) => report.mutate(v))} noValidate>
            <Textarea label="What leaked" {...form.getInputProps("whatLeaked")} />
            <TextInput label="To whom" {...form.getInputProps("toWhom")} mt="xs" />
            <TextInput label="When" {...form.getInputProps("when")} mt="xs" />
            <Group justify="flex-end" mt="md">
              <Button type="submit" color="red" loading={report.isPending}>
                Report leak
              </Button>
            </Group>
          </form>
        </SectionCard>
      )}
    </Stack>
  );
}
