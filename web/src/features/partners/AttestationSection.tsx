// The yearly attestation: how long it still holds, and its renewal by a partner admin.
import { Badge, Button, Card, Checkbox, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { ATTESTATION_LABELS, type Attestations } from "./model.ts";

export function AttestationSection({ partnerId, canRenew }: { partnerId: string; canRenew: boolean }) {
  const sc = useApiQuery("partnerScorecard", { params: { id: partnerId } });
  const [checked, setChecked] = useState<Attestations>({
    securityVendor: false,
    noOffensiveTools: false,
    publishAtRelease: false,
    reportLeaks: false,
  });
  const renew = useApiMutation({
    fn: (body: Attestations, api) => api.call("renewAttestation", { params: { id: partnerId }, body }),
    invalidates: [`/api/partners/${partnerId}`],
    success: "Attestation renewed for a year",
  });
  const a = sc.data?.attestation;
  const all = Object.values(checked).every(Boolean);
  return (
    <Card withBorder radius="md" data-testid="attestation">
      <Group justify="space-between" mb="xs">
        <Title order={5}>Yearly attestation</Title>
        {a &&
          (a.current ? (
            <Badge color={a.daysLeft > 30 ? "green" : "orange"}>{a.daysLeft} days left</Badge>
          ) : (
            <Badge color="red">expired</Badge>
          ))}
      </Group>
      {a && (
        <Text size="sm" mb="xs">
          Attested <Timestamp iso={a.attestedAt} />, valid until <Timestamp iso={a.expiresAt} />. Without a
          current attestation nothing is delivered.
        </Text>
      )}
      {canRenew && (
        <Stack gap={6}>
          {(Object.keys(ATTESTATION_LABELS) as (keyof Attestations)[]).map((k) => (
            <Checkbox
              key={k}
              label={ATTESTATION_LABELS[k]}
              checked={checked[k]}
              onChange={(e) => setChecked({ ...checked, [k]: e.currentTarget.checked })}
            />
          ))}
          <Group justify="flex-end">
            <Button disabled={!all} loading={renew.isPending} onClick={() => renew.mutate(checked)}>
              Renew attestation
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}
