// The jurisdiction and risk policy as data: rules with condition, effect and legal reference. Admins
// edit a draft (as a form or as JSON); the preview evaluates the draft over every partner and lists
// whose delivery would change, and nothing is saved until they say so.
import { Badge, Button, Card, Code, Group, Stack, Text, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconPlus, IconScale } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import type { Input } from "../../../../src/contract/index.ts";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { Rule } from "./model.ts";
import {
  type Condition,
  type Effect,
  PolicyPreview,
  type PolicyPreviewData,
  RuleCard,
  type RuleDraft,
} from "./PolicyRuleCard.tsx";

type Preview = PolicyPreviewData;
/** A rule as replacePolicyRules and previewPolicyRules take it. */
type RuleIn = Input<"replacePolicyRules">["body"][number];
type Draft = RuleDraft;

let nextKey = 0;
const toDraft = (r: Rule | RuleIn): Draft => ({
  ...r,
  key: nextKey++,
  enabled: r.enabled ?? true,
  condition: r.condition as Condition,
  effect: r.effect as Effect,
});
// A draft is what the admin typed (the JSON editor takes anything): the server checks it against the
// contract's schema and a refusal names the rule and field at fault.
const fromDraft = ({ key: _key, ...r }: Draft): RuleIn => {
  const condition = Object.fromEntries(
    Object.entries(r.condition).filter(([, v]) => !(Array.isArray(v) && v.length === 0) && v !== undefined),
  );
  const effect =
    r.effect.type === "cap_tier"
      ? { type: "cap_tier", tier: r.effect.tier ?? "" }
      : r.effect.type === "remove_content"
        ? { type: "remove_content", content: r.effect.content ?? [] }
        : { type: "not_eligible" };
  return { ...r, condition, effect } as RuleIn;
};

export function PolicyEditor() {
  const canEdit = useCan("policy:write");
  const rules = useApiQuery("listPolicyRules");
  const tiers = useApiQuery("listTiers");
  // The draft rules live in the form, so a refusal of rule 2's name shows on rule 2's name.
  const form = useForm<{ rules: Draft[] }>({ initialValues: { rules: [] } });
  const draft = form.values.rules;
  const setDraft = (f: (d: Draft[]) => Draft[]) => form.setFieldValue("rules", f(form.getValues().rules));
  const [json, setJson] = useState<string | null>(null);
  /** The JSON editor's text does not parse: said here, nothing is sent. */
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const { setValues: setRules } = form;
  useEffect(() => {
    if (rules.data) setRules({ rules: rules.data.rules.map(toDraft) });
  }, [rules.data, setRules]);

  const update = (key: number, patch: Partial<Draft>) => {
    setPreview(null);
    setDraft((d) => d.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };

  function current(): RuleIn[] | null {
    if (json === null) return draft.map(fromDraft);
    try {
      const v = JSON.parse(json) as unknown;
      if (!Array.isArray(v)) throw new Error("the rules must be a JSON array");
      // As typed: the server checks the rules and names the one at fault.
      return v as RuleIn[];
    } catch (e) {
      setError(new Error(`The rules are not valid JSON: ${(e as Error).message}`));
      return null;
    }
  }

  /** Where a refusal can show: each rule's name, effect and reference (a condition's stays in the notice). */
  const ruleFields = draft.flatMap((_, i) => ["name", "effect", "reference"].map((f) => `rules.${i}.${f}`));
  const previewMutation = useApiMutation({
    fn: (r: RuleIn[], api) => api.call("previewPolicyRules", { body: { rules: r } }),
    onSuccess: setPreview,
    form,
    fields: ruleFields,
  });
  const saveMutation = useApiMutation({
    fn: (r: RuleIn[], api) => api.call("replacePolicyRules", { body: r }),
    invalidates: ["/api/policy", "/api/partners"],
    success: "Policy saved",
    form,
    fields: ruleFields,
    issuePrefix: "rules",
    onSuccess: () => {
      setPreview(null);
      setJson(null);
    },
  });

  function runPreview() {
    setError(null);
    form.clearErrors();
    const r = current();
    if (r) previewMutation.mutate(r);
  }

  function save() {
    setError(null);
    form.clearErrors();
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
        draft.map((r, i) => (
          <RuleCard
            key={r.key}
            rule={r}
            tiers={tiers.data?.tiers ?? []}
            update={(patch) => update(r.key, patch)}
            error={(field) => form.errors[`rules.${i}.${field}`]}
            onDelete={() => {
              setPreview(null);
              setDraft((d) => d.filter((x) => x.key !== r.key));
            }}
          />
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
                    setDraft(() => r.map(toDraft));
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
      {preview && <PolicyPreview preview={preview} />}
    </Stack>
  );
}
