// One jurisdiction rule in the policy editor's form, and the preview of what a draft policy would change.

import {
  ActionIcon,
  Alert,
  Card,
  Code,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import type { ReactNode } from "react";
import type { Output } from "../../../../src/contract/index.ts";
import { formatLead } from "../../app/format.ts";
import { CONTENT_LEVELS, COUNTRY_OPTIONS, type Eligibility, type Rule, type Tier } from "./model.ts";

export type PolicyPreviewData = Output<"previewPolicyRules">;
export type Condition = { countries?: string[]; affiliations?: string[]; [k: string]: unknown };
export type Effect = { type: string; tier?: string; content?: string[] };
export type RuleDraft = Rule & { key: number; condition: Condition; effect: Effect };

const describe = (e: Eligibility) =>
  e.eligible ? `${e.tier} · ${formatLead(e.leadTime)} · ${e.content.join(", ")}` : "not eligible";

export function RuleCard({
  rule: r,
  tiers,
  update,
  onDelete,
  error = () => undefined,
}: {
  rule: RuleDraft;
  tiers: Tier[];
  update(patch: Partial<RuleDraft>): void;
  onDelete(): void;
  /** The refusal of one of this rule's fields ("name", "effect.tier" …), from the form. */
  error?: (field: string) => ReactNode;
}) {
  return (
    <Card withBorder radius="md" data-testid="rule-card">
      <Group justify="space-between" mb="xs">
        <TextInput
          aria-label="Rule name"
          placeholder="Rule name"
          value={r.name}
          onChange={(e) => update({ name: e.currentTarget.value })}
          error={error("name")}
          w={380}
        />
        <Group gap="xs">
          <Switch
            label="Enabled"
            checked={r.enabled !== false}
            onChange={(e) => update({ enabled: e.currentTarget.checked })}
          />
          <ActionIcon variant="subtle" color="red" aria-label={`Delete rule ${r.name}`} onClick={onDelete}>
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
          onChange={(v) => update({ condition: { ...r.condition, countries: v } })}
        />
        <TagsInput
          label="or an affiliation containing"
          value={r.condition.affiliations ?? []}
          onChange={(v) => update({ condition: { ...r.condition, affiliations: v } })}
        />
        <Select
          label="Effect"
          data={[
            { value: "cap_tier", label: "Cap the tier at" },
            { value: "remove_content", label: "Remove content" },
            { value: "not_eligible", label: "Not eligible" },
          ]}
          value={r.effect.type}
          onChange={(v) => v && update({ effect: { ...r.effect, type: v } })}
        />
        {r.effect.type === "cap_tier" && (
          <Select
            label="Tier"
            data={tiers.map((t) => t.name)}
            value={r.effect.tier ?? null}
            error={error("effect")}
            onChange={(v) => update({ effect: { ...r.effect, tier: v ?? "" } })}
          />
        )}
        {r.effect.type === "remove_content" && (
          <MultiSelect
            label="Content removed"
            data={[...CONTENT_LEVELS]}
            value={r.effect.content ?? []}
            error={error("effect")}
            onChange={(v) => update({ effect: { ...r.effect, content: v } })}
          />
        )}
      </SimpleGrid>
      <Textarea
        mt="xs"
        label="Legal reference"
        autosize
        value={r.reference}
        error={error("reference")}
        onChange={(e) => update({ reference: e.currentTarget.value })}
      />
      {Object.keys(r.condition).some((k) => !["countries", "affiliations"].includes(k)) && (
        <Text size="xs" c="dimmed" mt={4}>
          Also: <Code>{JSON.stringify(r.condition)}</Code> (edit as JSON to change)
        </Text>
      )}
    </Card>
  );
}

export function PolicyPreview({ preview }: { preview: PolicyPreviewData }) {
  return (
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
  );
}
