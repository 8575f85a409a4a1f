// Triage of a case: assignee, remediation deadline, bounty and attachments.

import { Button, Group, NumberInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { z } from "zod";
import { BOUNTY_STATUSES } from "../../../../src/contract/enums.ts";
import { contract } from "../../../../src/contract/index.ts";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { FilesInput, SectionCard } from "../../app/components.tsx";
import { OneFieldForm } from "../../app/OneFieldForm.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { personName, type StaffCase } from "./model.ts";

export function Triage({ c }: { c: StaffCase }) {
  const api = useApi();
  const user = useCurrentUser();
  const [files, setFiles] = useState<File[]>([]);
  const change = useApiMutation({
    fn: ({ f }: { f: () => Promise<unknown>; message: string }) => f(),
    invalidates: [`/api/cases/${c.id}`, "/api/cases"],
    success: (_, v) => v.message,
  });
  const run = (f: () => Promise<unknown>, message: string) => change.mutate({ f, message });
  async function upload() {
    const fd = new FormData();
    for (const f of files) fd.append("file", f, f.name);
    await api.call("attachToCase", { params: { id: c.id }, body: fd });
    setFiles([]);
  }
  return (
    <SectionCard title="Triage">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm">Assignee: {personName(c.people, c.assigneeId ?? null, user.id)}</Text>
          {c.assigneeId !== user.id && (
            <Button
              size="xs"
              variant="light"
              onClick={() =>
                run(
                  () => api.call("updateCase", { params: { id: c.id }, body: { assigneeId: user.id } }),
                  "Assigned to you",
                )
              }
            >
              Assign to me
            </Button>
          )}
        </Group>
        <DeadlineForm c={c} />
        <BountyForm c={c} />
        <Group gap="xs" align="flex-end">
          <FilesInput style={{ flex: 1 }} label="Attach files" value={files} onChange={setFiles} />
          <Button variant="light" disabled={files.length === 0} onClick={() => run(upload, "Files attached")}>
            Upload
          </Button>
        </Group>
      </Stack>
    </SectionCard>
  );
}

/** The remediation deadline, a day; the server's refusal shows on the field. */
function DeadlineForm({ c }: { c: StaffCase }) {
  return (
    <OneFieldForm
      field="deadlineAt"
      label="Remediation deadline"
      type="date"
      initial={c.deadline.deadlineAt.slice(0, 10)}
      schema={z.object({ deadlineAt: z.iso.date("choose a day") })}
      button="Set"
      invalidates={[`/api/cases/${c.id}`, "/api/cases"]}
      success="Deadline moved"
      submit={(day, api) =>
        api.call("updateCase", { params: { id: c.id }, body: { deadlineAt: `${day}T00:00:00Z` } })
      }
    />
  );
}

type BountyValues = { amount: number | string; currency: string; status: string | null };

/** The bounty as the contract's setCaseBounty takes it: whole cents, an ISO 4217 code, a status. */
const bountyBody = (v: BountyValues) => ({
  amount: Math.round(Number(v.amount) * 100),
  currency: v.currency,
  status: v.status,
});

/** The contract's schema over what the form sends, each refusal on its field. */
function validateBounty(v: BountyValues): Record<string, string> {
  const r = contract.setCaseBounty.body.safeParse(bountyBody(v));
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0] ?? "amount"), i.message]));
}

function BountyForm({ c }: { c: StaffCase }) {
  const form = useForm<BountyValues>({
    initialValues: {
      amount: c.bounty ? c.bounty.amount / 100 : "",
      currency: c.bounty?.currency ?? "EUR",
      status: c.bounty?.status ?? "proposed",
    },
    validate: validateBounty,
  });
  const save = useApiMutation({
    fn: (v: BountyValues, api) =>
      api.call("setCaseBounty", {
        params: { id: c.id },
        body: contract.setCaseBounty.body.parse(bountyBody(v)),
      }),
    invalidates: [`/api/cases/${c.id}`, "/api/cases"],
    success: "Bounty saved",
    form,
    fields: ["amount", "currency", "status"],
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
      <Group gap="xs" align="flex-end">
        <NumberInput w={110} label="Bounty" min={0} decimalScale={2} {...form.getInputProps("amount")} />
        <TextInput
          w={70}
          label="Currency"
          maxLength={3}
          {...form.getInputProps("currency")}
          onChange={(e) => form.setFieldValue("currency", e.currentTarget.value.toUpperCase())}
        />
        <Select w={120} label="Status" data={[...BOUNTY_STATUSES]} {...form.getInputProps("status")} />
        <Button
          type="submit"
          variant="light"
          loading={save.isPending}
          disabled={form.values.amount === "" || !form.values.status}
        >
          Save
        </Button>
      </Group>
    </form>
  );
}
