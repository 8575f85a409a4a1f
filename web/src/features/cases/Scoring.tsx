// A case's CVSS score, CVE ID (entered or reserved from the pool) and CWE.
import { Button, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../app/auth.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { StaffCase } from "./model.ts";

export function Scoring({ c }: { c: StaffCase }) {
  const api = useApi();
  const [vector, setVector] = useState(c.cvss?.vector ?? "");
  const [cve, setCve] = useState("");
  const [cwe, setCwe] = useState(c.cwe ?? "");
  const change = useApiMutation({
    fn: (f: () => Promise<unknown>) => f(),
    invalidates: [`/api/cases/${c.id}`, "/api/cases"],
  });
  const run = (f: () => Promise<unknown>) => change.mutate(f);
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Scoring and identifiers
      </Title>
      <SimpleGrid cols={2} mb="sm">
        <div>
          <Text size="xs" c="dimmed">
            CVSS
          </Text>
          <Text fw={600} data-testid="cvss-score">
            {c.cvss ? `${c.cvss.score.toFixed(1)} ${c.cvss.severity}` : "—"}
          </Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            CVE · CWE
          </Text>
          <Text fw={600}>
            {c.cveId ?? "—"} · {c.cwe ?? "—"}
          </Text>
        </div>
      </SimpleGrid>
      <Stack gap="xs">
        <Group gap="xs" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="CVSS 4.0 or 3.1 vector"
            placeholder="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
            value={vector}
            onChange={(e) => setVector(e.currentTarget.value.trim())}
          />
          <Button
            onClick={() => run(() => api.call("setCaseCvss", { params: { id: c.id }, body: { vector } }))}
          >
            Score
          </Button>
        </Group>
        {!c.cveId && (
          <Group gap="xs" align="flex-end">
            <TextInput
              style={{ flex: 1 }}
              label="CVE ID"
              placeholder="from the pool if empty"
              value={cve}
              onChange={(e) => setCve(e.currentTarget.value.trim())}
            />
            <Button
              variant="light"
              onClick={() =>
                run(() =>
                  api.call("assignCaseCve", { params: { id: c.id }, body: cve ? { cveId: cve } : {} }),
                )
              }
            >
              {cve ? "Enter" : "Reserve"}
            </Button>
          </Group>
        )}
        <Group gap="xs" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="CWE"
            placeholder="CWE-287"
            value={cwe}
            onChange={(e) => setCwe(e.currentTarget.value.trim())}
          />
          <Button
            variant="light"
            onClick={() =>
              run(() => api.call("updateCase", { params: { id: c.id }, body: { cwe: cwe || null } }))
            }
          >
            Save
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
