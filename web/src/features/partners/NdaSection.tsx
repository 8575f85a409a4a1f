// The NDA in force (as markdown) beside its signing form, the yearly attestation and past signatures.
import { Badge, Button, Card, Code, Group, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { z } from "zod";
import { ErrorAlert, SectionCard, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { AttestationSection } from "./AttestationSection.tsx";

const SignForm = z.object({
  name: z.string().trim().min(1, "give your full name"),
  title: z.string().trim().min(1, "give your title"),
});

export function NdaSection({ partnerId, canSign }: { partnerId: string; canSign: boolean }) {
  const nda = useApiQuery("currentNda");
  const sigs = useApiQuery("listNdaSignatures", { params: { id: partnerId } });
  const form = useSchemaForm(SignForm, { name: "", title: "" });
  const sign = useApiMutation({
    fn: (v: { version: number; name: string; title: string }, api) =>
      api.call("signNda", { params: { id: partnerId }, body: v }),
    invalidates: [`/api/partners/${partnerId}`],
    success: (_, v) => `NDA version ${v.version} signed`,
    form,
    fields: ["name", "title"],
  });
  const n = nda.data;
  const signedCurrent = n && (sigs.data?.signatures ?? []).some((s) => s.version === n.version);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Card withBorder radius="md">
        <ErrorAlert error={nda.error} />
        {n && (
          <>
            <Group justify="space-between" mb="xs">
              <Title order={4}>NDA version {n.version}</Title>
              {signedCurrent ? <Badge color="green">signed</Badge> : <Badge color="red">not signed</Badge>}
            </Group>
            <Markdown text={n.text} testId="nda-text" />
            <Text size="xs" c="dimmed" mt="sm">
              SHA-256 of this exact text: <Code>{n.sha256}</Code>
            </Text>
          </>
        )}
      </Card>
      <Stack>
        {canSign && n && !signedCurrent && (
          <SectionCard title={`Sign version ${n.version}`} order={5} radius="md">
            <form onSubmit={form.onSubmit((v) => sign.mutate({ version: n.version, ...v }))} noValidate>
              <TextInput label="Your full name" {...form.getInputProps("name")} />
              <TextInput label="Your title" {...form.getInputProps("title")} mt="xs" />
              <Button
                type="submit"
                mt="md"
                disabled={!form.values.name.trim() || !form.values.title.trim()}
                loading={sign.isPending}
              >
                Sign NDA
              </Button>
            </form>
          </SectionCard>
        )}
        <AttestationSection partnerId={partnerId} canRenew={canSign} />
        <SectionCard title="Signatures" order={5} radius="md">
          {(sigs.data?.signatures ?? []).length === 0 && <Text c="dimmed">None yet.</Text>}
          {(sigs.data?.signatures ?? []).map((s) => (
            <Text size="sm" key={s.id}>
              Version {s.version}: {s.name}, {s.title} · <Timestamp iso={s.signedAt} />
            </Text>
          ))}
        </SectionCard>
      </Stack>
    </SimpleGrid>
  );
}
