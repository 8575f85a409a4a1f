// Opening an investigation: a title, optionally the advisory and when exploitation was first seen;
// on success the new investigation opens.
import { Button, Card, Group, Stack, Text, TextInput } from "@mantine/core";
import { useNavigate } from "react-router";
import { z } from "zod";
import { localInputToIso } from "../../app/format.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";

const OpenForm = z.object({
  title: z.string().trim().min(1, "give the investigation a title"),
  advisoryId: z.string(),
  observedAt: z.string(),
});
type OpenValues = z.infer<typeof OpenForm>;

export function OpenInvestigation() {
  const navigate = useNavigate();
  const form = useSchemaForm<OpenValues>(OpenForm, { title: "", advisoryId: "", observedAt: "" });
  const open = useApiMutation({
    fn: (v: OpenValues, api) =>
      api.call("openInvestigation", {
        body: {
          title: v.title,
          ...(v.advisoryId.trim() ? { advisoryId: v.advisoryId.trim() } : {}),
          ...(v.observedAt ? { observedAt: localInputToIso(v.observedAt) } : {}),
        },
      }),
    invalidates: ["/api/investigations"],
    success: "Investigation opened",
    form,
    fields: ["title", "advisoryId", "observedAt"],
    onSuccess: (res) => navigate(`/investigations/${res.id}`),
  });
  return (
    <Card withBorder>
      <form onSubmit={form.onSubmit((v) => open.mutate(v))} noValidate>
        <Stack gap="xs">
          <Text fw={600}>Open an investigation</Text>
          <Group align="flex-end">
            <TextInput label="Title" required {...form.getInputProps("title")} />
            <TextInput
              label="Advisory ID (optional)"
              description="Leave empty to find the advisory from the evidence"
              {...form.getInputProps("advisoryId")}
            />
            <TextInput
              type="datetime-local"
              label="First exploitation observed (optional)"
              {...form.getInputProps("observedAt")}
            />
            <Button type="submit" disabled={!form.values.title.trim()} loading={open.isPending}>
              Open
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
