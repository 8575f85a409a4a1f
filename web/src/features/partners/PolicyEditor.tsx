// The jurisdiction and risk policy as data: rules with condition, effect and legal reference. Admins
// edit a draft (as a form or as JSON); the preview evaluates the draft over every partner and lists
// whose delivery would change, and nothing is saved until they say so.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconPlus, IconScale, IconTrash } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { formatLead } from "../../app/format.ts";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { CONTENT_LEVELS, COUNTRY_OPTIONS, type Eligibility, type Rule, type Tier } from "./model.ts";

type Preview = {
  partners: number;
  changed: number;
  changes: { partnerId: string; name: string; before: Eligibility; after: Eligibility }[];
};
type Condition = { countries?: string[]; affiliations?: string[]; [k: string]: unknown };
type Effect = { type: string; tier?: string; content?: string[] };
type Draft = Rule & { key: number; condition: Condition; effect: Effect };

let nextKey = 0;
const toDraft = (r: Rule): Draft => ({
  ...r,
  key: nextKey++,
  condition: r.condition as Condition,
  effect: r.effect as Effect,
});
const fromDraft = ({ key: _key, ...r }: Draft): Rule => {
  const condition = Object.fromEntries(
    Object.entries(r.condition).filter(([, v]) => !(Array.isArray(v) && v.length === 0) && v !== undefined),
  );
  const effect =
    r.effect.type === "cap_tier"
      ? { type: "cap_tier", tier: r.effect.tier ?? "" }
      : r.effect.type === "remove_content"
        ? { type: "remove_content", content: r.effect.content ?? [] }
        : { type: "not_eligible" };
  return { ...r, condition, effect };
};
const describe = (e: Eligibility) =>
  e.eligible ? `${e.tier} · ${formatLead(e.leadTime)} · ${e.content.join(", ")}` : "not eligible";

export function PolicyEditor() {
  const canEdit = useCan("policy:write");
  const rules = useApiQuery<{ rules: Rule[] }>("/api/policy/rules");
  const tiers = useApiQuery<{ tiers: Tier[] }>("/api/tiers");
  const [draft, setDraft] = useState<Draft[]>([]);
  const [json, setJson] = useState<string | null>(null);
  /** The JSON editor's text does not parse: said here, nothing is sent. */
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  useEffect(() => {
    if (rules.data) setDraft(rules.data.rules.map(toDraft));
  }, [rules.data]);

  const update = (key: number, patch: Partial<Draft>) => {
    setPreview(null);
    setDraft((d) => d.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };

  function current(): Rule[] | null {
    if (json === null) return draft.map(fromDraft);
    try {
      const v = JSON.parse(json) as unknown;
      if (!Array.isArray(v)) throw new Error("the rules must be a JSON array");
      return v as Rule[];
    } catch (e) {
      setError(new Error(`The rules are not valid JSON: ${(e as Error).message}`));
      return null;
    }
  }

  const previewMutation = useApiMutation({
    fn: (r: Rule[], api) => api.post<Preview>("/api/policy/preview", { rules: r }),
    onSuccess: setPreview,
  });
  const saveMutation = useApiMutation({
    fn: (r: Rule[], api) => api.put("/api/policy/rules", r),
    invalidates: ["/api/policy", "/api/partners"],
    success: "Policy saved",
    onSuccess: () => {
      setPreview(null);
      setJson(null);
    },
  });

  function runPreview() {
    setError(null);
    const r = current();
    if (r) previewMutation.mutate(r);
  }

  function save() {
    setError(null);
    const r = current();
    if (r) saveMutation.mutate(r);
  }

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Rules are evaluated in order for each partner. A rule matches partners with headquarters or staff in
        the listed countries, or with a matching affiliation; its effect caps the tier, removes content levels
        or excludes the partner. Effects only ever take away, and every one shows its legal reference to the
        partner.
      </Text>
      {!canEdit &&
        (rules.data?.rules ?? []).map((r) => (
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
      {canEdit &&
        json === null &&
        draft.map((r) => (
          <Card key={r.key} withBorder radius="md" data-testid="rule-card">
            <Group justify="space-between" mb="xs">
              <TextInput
                aria-label="Rule name"
                placeholder="Rule name"
                value={r.name}
                onChange={(e) => update(r.key, { name: e.currentTarget.value })}
                w={380}
              />
              <Group gap="xs">
                <Switch
                  label="Enabled"
                  checked={r.enabled !== false}
                  onChange={(e) => update(r.key, { enabled: e.currentTarget.checked })}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete rule ${r.name}`}
                  onClick={() => {
                    setPreview(null);
                    setDraft((d) => d.filter((x) => x.key !== r.key));
                  }}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            </Group>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <MultiSelect
                label="Headquarters or staff in"
                searchable
                data={COUNTRY_OPTIONS}
                value={r.condition.countries ?? []}
                onChange={(v) => update(r.key, { condition: { ...r.condition, countries: v } })}
              />
              <TagsInput
                label="or an affiliation containing"
                value={r.condition.affiliations ?? []}
                onChange={(v) => update(r.key, { condition: { ...r.condition, affiliations: v } })}
              />
              <Select
                label="Effect"
                data={[
                  { value: "cap_tier", label: "Cap the tier at" },
                  { value: "remove_content", label: "Remove content" },
                  { value: "not_eligible", label: "Not eligible" },
                ]}
                value={r.effect.type}
                onChange={(v) => v && update(r.key, { effect: { ...r.effect, type: v } })}
              />
              {r.effect.type === "cap_tier" && (
                <Select
                  label="Tier"
                  data={(tiers.data?.tiers ?? []).map((t) => t.name)}
                  value={r.effect.tier ?? null}
                  onChange={(v) => update(r.key, { effect: { ...r.effect, tier: v ?? "" } })}
                />
              )}
              {r.effect.type === "remove_content" && (
                <MultiSelect
                  label="Content removed"
                  data={[...CONTENT_LEVELS]}
                  value={r.effect.content ?? []}
                  onChange={(v) => update(r.key, { effect: { ...r.effect, content: v } })}
                />
              )}
            </SimpleGrid>
            <Textarea
              mt="xs"
              label="Legal reference"
              autosize
              value={r.reference}
              onChange={(e) => update(r.key, { reference: e.currentTarget.value })}
            />
            {Object.keys(r.condition).some((k) => !["countries", "affiliations"].includes(k)) && (
              <Text size="xs" c="dimmed" mt={4}>
                Also: <Code>{JSON.stringify(r.condition)}</Code> (edit as JSON to change)
              </Text>
            )}
          </Card>
        ))}
      {canEdit && json !== null && (
        <Textarea
          label="Rules (JSON)"
          value={json}
          onChange={(e) => setJson(e.currentTarget.value)}
          autosize
          minRows={8}
          styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
        />
      )}
      {canEdit && (
        <Group justify="space-between">
          <Group gap="xs">
            {json === null && (
              <Button
                variant="default"
                leftSection={<IconPlus size={16} />}
                onClick={() =>
                  setDraft((d) => [
                    ...d,
                    toDraft({
                      name: "",
                      condition: { countries: [] },
                      effect: { type: "cap_tier", tier: "restricted" },
                      reference: "",
                      enabled: true,
                    }),
                  ])
                }
              >
                Add rule
              </Button>
            )}
            <Button
              variant="subtle"
              onClick={() => {
                if (json === null) setJson(JSON.stringify(draft.map(fromDraft), null, 2));
                else {
                  const r = current();
                  if (r) {
                    setDraft(r.map(toDraft));
                    setJson(null);
                  }
                }
              }}
            >
              {json === null ? "Edit as JSON" : "Back to the form"}
            </Button>
          </Group>
          <Group gap="xs">
            <Button variant="default" loading={previewMutation.isPending} onClick={runPreview}>
              Preview changes
            </Button>
            <Button loading={saveMutation.isPending} onClick={save}>
              Save policy
            </Button>
          </Group>
        </Group>
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
