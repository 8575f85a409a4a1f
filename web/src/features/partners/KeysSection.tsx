// A partner's OpenPGP keys: advisories sent by email are encrypted to them.
import { Badge, Button, Card, Code, Group, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { MemberKey } from "./model.ts";

export function KeysSection({ partnerId, canAdd }: { partnerId: string; canAdd: boolean }) {
  const keys = useApiQuery("listMemberKeys", { params: { id: partnerId } });
  const [armored, setArmored] = useState("");
  const revoke = useApiMutation({
    fn: (k: MemberKey, api) => api.call("revokeMemberKey", { params: { id: partnerId, keyId: k.id } }),
    invalidates: [`/api/partners/${partnerId}`],
  });
  const register = useApiMutation({
    fn: (text: string, api) =>
      api.call("registerMemberKey", { params: { id: partnerId }, body: { armored: text } }),
    invalidates: [`/api/partners/${partnerId}`],
    onSuccess: () => setArmored(""),
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
        <Card withBorder radius="md">
          <Textarea
            label="Your OpenPGP public key (armored)"
            description="Advisories sent by email are encrypted to it. Never paste a private key."
            placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
            value={armored}
            onChange={(e) => setArmored(e.currentTarget.value)}
            autosize
            minRows={4}
            styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
          />
          <Group justify="flex-end" mt="sm">
            <Button
              disabled={!armored.trim()}
              loading={register.isPending}
              onClick={() => register.mutate(armored)}
            >
              Register key
            </Button>
          </Group>
        </Card>
      )}
    </Stack>
  );
}
