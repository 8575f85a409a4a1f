// A partner's OpenPGP keys: advisories sent by email are encrypted to them.
import { Badge, Button, Card, Code, Group, Stack, Text, Textarea } from "@mantine/core";
import { z } from "zod";
import { contract } from "../../../../src/contract/index.ts";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import type { MemberKey } from "./model.ts";

// The contract's body, with the empty key said in words; the server reads the key and says what is wrong with it.
const KeyForm = contract.registerMemberKey.body
  .pick({ armored: true })
  .extend({ armored: z.string().trim().min(1, "paste the public key").max(65_536, "at most 64 KiB") });
type KeyValues = z.infer<typeof KeyForm>;

export function KeysSection({ partnerId, canAdd }: { partnerId: string; canAdd: boolean }) {
  const keys = useApiQuery("listMemberKeys", { params: { id: partnerId } });
  const form = useSchemaForm<KeyValues>(KeyForm, { armored: "" });
  const revoke = useApiMutation({
    fn: (k: MemberKey, api) => api.call("revokeMemberKey", { params: { id: partnerId, keyId: k.id } }),
    invalidates: [`/api/partners/${partnerId}`],
  });
  const register = useApiMutation({
    fn: (v: KeyValues, api) => api.call("registerMemberKey", { params: { id: partnerId }, body: v }),
    invalidates: [`/api/partners/${partnerId}`],
    form,
    fields: ["armored"],
    onSuccess: () => form.reset(),
  });
  return (
    <Stack>
      <ErrorAlert error={keys.error} />
      {(keys.data?.keys ?? []).length === 0 && <Text c="dimmed">No OpenPGP keys registered yet.</Text>}
      {(keys.data?.keys ?? []).map((k) => (
        <Card key={k.id} withBorder radius="md" data-testid="key-card">
          <Group justify="space-between">
            <Code>{k.fingerprint.replace(/(.{4})/g, "$1 ").trim()}</Code>
            {k.usable ? (
              <Badge color="green">usable</Badge>
            ) : (
              <Badge color="gray">{k.revokedAt ? "revoked" : "expired"}</Badge>
            )}
          </Group>
          <Text size="sm" mt={4}>
            {k.userIds.join(", ")} · {k.algorithm} · expires{" "}
            {k.expiresAt ? <Timestamp iso={k.expiresAt} /> : "never"}
          </Text>
          {k.usable && canAdd && (
            <Group justify="flex-end">
              <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(k)}>
                Revoke
              </Button>
            </Group>
          )}
        </Card>
      ))}
      {canAdd && (
        <Card withBorder radius="md" component="form" onSubmit={form.onSubmit((v) => register.mutate(v))}>
          <Textarea
            label="Your OpenPGP public key (armored)"
            description="Advisories sent by email are encrypted to it. Never paste a private key."
            placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
            {...form.getInputProps("armored")}
            autosize
            minRows={4}
            styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
          />
          <Group justify="flex-end" mt="sm">
            <Button type="submit" disabled={!form.values.armored.trim()} loading={register.isPending}>
              Register key
            </Button>
          </Group>
        </Card>
      )}
    </Stack>
  );
}
