// A partner's webhook endpoints; the signing secret is shown once, when an endpoint is added.
import { Alert, Button, Code, Group, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { z } from "zod";
import { CopyValueButton, ErrorAlert } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import type { Webhook } from "./model.ts";

// Presence only: the server decides what endpoint it accepts (https, no private address) and says why.
const EndpointForm = z.object({ url: z.string().trim().min(1, "give the endpoint's address") });

export function WebhooksSection({ partnerId, canManage }: { partnerId: string; canManage: boolean }) {
  const hooks = useApiQuery("listWebhooks", { params: { id: partnerId } });
  const [secret, setSecret] = useState<string | null>(null);
  const form = useSchemaForm(EndpointForm, { url: "" });
  const remove = useApiMutation({
    fn: (w: Webhook, api) => api.call("deleteWebhook", { params: { id: partnerId, webhookId: w.id } }),
    invalidates: [`/api/partners/${partnerId}`],
  });
  const add = useApiMutation({
    fn: (v: { url: string }, api) => api.call("createWebhook", { params: { id: partnerId }, body: v }),
    invalidates: [`/api/partners/${partnerId}`],
    form,
    fields: ["url"],
    onSuccess: (r) => {
      setSecret(r.secret);
      form.reset();
    },
  });
  return (
    <Stack>
      <ErrorAlert error={hooks.error} />
      {(hooks.data?.webhooks ?? []).length === 0 && <Text c="dimmed">No webhook endpoints.</Text>}
      {(hooks.data?.webhooks ?? []).map((w) => (
        <Group key={w.id} justify="space-between" data-testid="webhook-row">
          <Code>{w.url}</Code>
          {canManage && (
            <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(w)}>
              Delete
            </Button>
          )}
        </Group>
      ))}
      {canManage && (
        <form onSubmit={form.onSubmit((v) => add.mutate(v))} noValidate>
          <Group align="flex-end">
            <TextInput
              label="Endpoint (https)"
              placeholder="https://hooks.example.com/forewarn"
              {...form.getInputProps("url")}
              w={380}
            />
            <Button type="submit" loading={add.isPending}>
              Add endpoint
            </Button>
          </Group>
        </form>
      )}
      {secret && (
        <Alert color="yellow" title="Signing secret: shown only now" data-testid="webhook-secret">
          <Group gap="xs">
            <Code>{secret}</Code>
            <CopyValueButton value={secret} size="xs" />
          </Group>
          <Text size="xs" mt={4}>
            Deliveries are signed with it. Store it now; Forewarn will not show it again.
          </Text>
        </Alert>
      )}
    </Stack>
  );
}
