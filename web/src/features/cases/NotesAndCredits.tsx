// Internal notes on a case's timeline, and the people credited for it with any bounty.

import { Box, Button, Group, Select, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { isOneOf } from "../../app/choices.ts";
import { SectionCard } from "../../app/components.tsx";
import { OneFieldForm } from "../../app/OneFieldForm.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { CREDIT_TYPES, type CreditType, type StaffCase } from "./model.ts";

export function NoteForm({ caseId }: { caseId: string }) {
  return (
    <Box mt="md">
      <OneFieldForm
        field="body"
        placeholder="Internal note (never shown to the reporter)"
        maxLength={20000}
        requireText
        clearOnSuccess
        button="Add note"
        variant="default"
        invalidates={[`/api/cases/${caseId}`]}
        submit={(body, api) => api.call("addCaseNote", { params: { id: caseId }, body: { body } })}
      />
    </Box>
  );
}

export function Credits({ c }: { c: StaffCase }) {
  const [name, setName] = useState("");
  const [type, setType] = useState<string | null>("finder");
  const credit = useApiMutation({
    fn: (v: { name: string; type: CreditType }, api) =>
      api.call("addCaseCredit", { params: { id: c.id }, body: v }),
    invalidates: [`/api/cases/${c.id}`],
    onSuccess: () => setName(""),
  });
  return (
    <SectionCard title="Credits and bounty">
      {c.credits.map((cr) => (
        <Text key={cr.id} size="sm">
          {cr.name}{" "}
          <Text span c="dimmed">
            ({cr.type.replaceAll("_", " ")})
          </Text>
        </Text>
      ))}
      {c.bounty && (
        <Text size="sm" mt="xs">
          Bounty: {(c.bounty.amount / 100).toFixed(2)} {c.bounty.currency} ({c.bounty.status})
        </Text>
      )}
      <Group gap="xs" mt="sm" align="flex-end">
        <TextInput
          style={{ flex: 1 }}
          placeholder="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Select
          w={170}
          data={CREDIT_TYPES.map((t) => ({ value: t, label: t.replaceAll("_", " ") }))}
          value={type}
          onChange={setType}
          aria-label="Credit type"
        />
        <Button
          variant="light"
          disabled={!name.trim() || !type}
          loading={credit.isPending}
          onClick={() => isOneOf(CREDIT_TYPES, type) && credit.mutate({ name, type })}
        >
          Credit
        </Button>
      </Group>
    </SectionCard>
  );
}
