// Triage of a case: assignee, remediation deadline, bounty and attachments.

import {
  Button,
  Card,
  FileInput,
  Group,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { BOUNTY_STATUSES } from "../../../../src/contract/enums.ts";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { oneOf } from "../../app/choices.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { personName, type StaffCase } from "./model.ts";

export function Triage({ c }: { c: StaffCase }) {
  const api = useApi();
  const user = useCurrentUser();
  const [deadline, setDeadline] = useState(c.deadline.deadlineAt.slice(0, 10));
  const [amount, setAmount] = useState<string | number>(c.bounty ? c.bounty.amount / 100 : "");
  const [currency, setCurrency] = useState(c.bounty?.currency ?? "EUR");
  const [status, setStatus] = useState<string | null>(c.bounty?.status ?? "proposed");
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
    <Card withBorder>
      <Title order={4} mb="xs">
        Triage
      </Title>
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
        <Group gap="xs" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            type="date"
            label="Remediation deadline"
            value={deadline}
            onChange={(e) => setDeadline(e.currentTarget.value)}
          />
          <Button
            variant="light"
            onClick={() =>
              run(
                () =>
                  api.call("updateCase", {
                    params: { id: c.id },
                    body: { deadlineAt: `${deadline}T00:00:00Z` },
                  }),
                "Deadline moved",
              )
            }
          >
            Set
          </Button>
        </Group>
        <Group gap="xs" align="flex-end">
          <NumberInput w={110} label="Bounty" min={0} decimalScale={2} value={amount} onChange={setAmount} />
          <TextInput
            w={70}
            label="Currency"
            maxLength={3}
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          />
          <Select
            w={120}
            label="Status"
            data={["proposed", "approved", "paid", "declined"]}
            value={status}
            onChange={setStatus}
          />
          <Button
            variant="light"
            disabled={amount === "" || !status}
            onClick={() =>
              run(
                () =>
                  api.call("setCaseBounty", {
                    params: { id: c.id },
                    body: {
                      amount: Math.round(Number(amount) * 100),
                      currency,
                      status: oneOf(BOUNTY_STATUSES, status) ?? "proposed",
                    },
                  }),
                "Bounty saved",
              )
            }
          >
            Save
          </Button>
        </Group>
        <Group gap="xs" align="flex-end">
          <FileInput
            style={{ flex: 1 }}
            label="Attach files"
            multiple
            value={files}
            onChange={(f) => setFiles(f.slice(0, 5))}
            clearable
          />
          <Button variant="light" disabled={files.length === 0} onClick={() => run(upload, "Files attached")}>
            Upload
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
