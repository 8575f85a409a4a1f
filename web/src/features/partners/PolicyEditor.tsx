// The jurisdiction and risk policy as data: rules with condition, effect and legal reference. The
// preview evaluates the edited rules over every partner and lists whose delivery would change.
import { Alert, Badge, Button, Card, Code, Group, Paper, Stack, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconScale } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { useApiQuery } from "../../app/useApiQuery.ts";
import type { Eligibility, Rule } from "./model.ts";

type Preview = {
  partners: number;
  changed: number;
  changes: { partnerId: string; name: string; before: Eligibility; after: Eligibility }[];
};

const describe = (e: Eligibility) =>
  e.eligible ? `${e.tier} · ${e.leadTime} · ${e.content.join(", ")}` : "not eligible";

export function PolicyEditor() {
  const api = useApi();
  const user = useCurrentUser();
  const canEdit = user.role === "admin";
  const rules = useApiQuery<{ rules: Rule[] }>("/api/policy/rules");
  const [text, setText] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  useEffect(() => {
    if (rules.data) setText(JSON.stringify(rules.data.rules, null, 2));
  }, [rules.data]);

  function parsed(): Rule[] | null {
    try {
      const v = JSON.parse(text) as unknown;
      if (!Array.isArray(v)) throw new Error("the rules must be a JSON array");
      return v as Rule[];
    } catch (e) {
      setError(new Error(`The rules are not valid JSON: ${(e as Error).message}`));
      return null;
    }
  }

  async function runPreview() {
    setError(null);
    const r = parsed();
    if (!r) return;
    try {
      setPreview(await api.post<Preview>("/api/policy/preview", { rules: r }));
    } catch (e) {
      setError(e);
    }
  }

  async function save() {
    setError(null);
    const r = parsed();
    if (!r) return;
    try {
      await api.put("/api/policy/rules", r);
      notifications.show({ color: "green", message: "Policy saved" });
      setPreview(null);
      rules.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Rules are evaluated in order for each partner. A condition matches headquarters or staff{" "}
        <Code>countries</Code>, headquarters only (<Code>hqCountries</Code>), <Code>affiliations</Code> or{" "}
        <Code>kinds</Code>; an effect caps the tier (<Code>{'{"type":"cap_tier","tier":"restricted"}'}</Code>
        ), removes content (<Code>remove_content</Code>) or excludes (<Code>not_eligible</Code>). Effects only
        ever take away.
      </Text>
      {(rules.data?.rules ?? []).map((r) => (
        <Card key={r.id ?? r.name} withBorder radius="md" data-testid="rule-card">
          <Group gap="xs">
            <IconScale size={16} />
            <Text fw={600}>{r.name}</Text>
            {r.enabled === false && <Badge color="gray">disabled</Badge>}
          </Group>
          <Text size="sm">
            When <Code>{JSON.stringify(r.condition)}</Code> then <Code>{JSON.stringify(r.effect)}</Code>
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            {r.reference}
          </Text>
        </Card>
      ))}
      <ErrorAlert error={error ?? rules.error} />
      {canEdit && (
        <>
          <Textarea
            label="Rules (JSON)"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={8}
            styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void runPreview()}>
              Preview changes
            </Button>
            <Button onClick={() => void save()}>Save policy</Button>
          </Group>
        </>
      )}
      {preview && (
        <Paper withBorder radius="md" p="md" data-testid="policy-preview">
          <Text fw={600} mb="xs">
            {preview.changed === 0
              ? `No partner would change (${preview.partners} evaluated).`
              : `${preview.changed} of ${preview.partners} partners would change:`}
          </Text>
          {preview.changed > 0 && (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Now</Table.Th>
                  <Table.Th>With these rules</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.changes.map((c) => (
                  <Table.Tr key={c.partnerId}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>{describe(c.before)}</Table.Td>
                    <Table.Td>{describe(c.after)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Alert mt="sm" variant="light">
            Nothing is saved until you press Save policy.
          </Alert>
        </Paper>
      )}
    </Stack>
  );
}
