// Plan editor part: extra waves for named partners (earlier than their tier, content at most what
// their eligibility allows: the API refuses more and its message is shown) and exclusions with a
// reason. Times are entered in the viewer's zone with UTC beside them; "T-14 d", "T-5 d", "T-1 d"
// set a wave relative to T0, as the 2025 SharePoint release did.

import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { SECTIONS, type Section } from "../../../../src/contract/enums.ts";
import type { Output } from "../../../../src/contract/index.ts";
import { ApiError } from "../../app/api.ts";
import { isOneOf } from "../../app/choices.ts";
import { formatUtc, localInputToIso } from "../../app/format.ts";

export const SECTION_OPTIONS = [
  { value: "summary", label: "Summary" },
  { value: "details", label: "Details" },
  { value: "detection", label: "Detection" },
  { value: "poc", label: "Proof of concept" },
  { value: "indicators", label: "Indicators" },
];
export const QUICK_OFFSETS = [14, 5, 1];
const DAY = 86_400_000;

export type ExtraWaveDraft = {
  key: number;
  at: string;
  partnerIds: string[];
  content: Section[];
  reason: string;
};
export type ExclusionDraft = { key: number; partnerId: string | null; reason: string };
export type PartnerOption = Output<"listPartners">["items"][number];

/** An ISO instant as a `datetime-local` value in the viewer's zone (minutes). */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The `extraWaves` and `exclude` of a plan request: only complete rows (a time and partners; a reason). */
export function extrasBody(waves: ExtraWaveDraft[], exclusions: ExclusionDraft[]) {
  const extraWaves = waves.flatMap((w) => {
    const at = localInputToIso(w.at);
    if (!at || w.partnerIds.length === 0) return [];
    return [
      {
        at,
        partnerIds: w.partnerIds,
        ...(w.content.length ? { content: w.content } : {}),
        ...(w.reason.trim() ? { reason: w.reason.trim() } : {}),
      },
    ];
  });
  const exclude = exclusions.flatMap((x) =>
    x.partnerId && x.reason.trim() ? [{ partnerId: x.partnerId, reason: x.reason.trim() }] : [],
  );
  return {
    ...(extraWaves.length ? { extraWaves } : {}),
    ...(exclude.length ? { exclude } : {}),
  };
}

/** What the planner edits: T0, the extra waves and the exclusions (drafts, sent by extrasBody). */
export type PlanValues = { publicAt: string; extraWaves: ExtraWaveDraft[]; exclusions: ExclusionDraft[] };

/**
 * A refused preview or save on the fields at fault. The server points into the body it got, where
 * only complete extra waves are sent: its n-th wave is the form's n-th complete row.
 */
export function planFieldErrors(e: unknown, waves: readonly ExtraWaveDraft[]): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  const sent = waves.flatMap((w, row) => (extrasBody([w], []).extraWaves ? [row] : []));
  const out: Record<string, string> = {};
  for (const issue of e.issues) {
    const wave = /^\/extraWaves\/(\d+)\/(at|partnerIds|content)$/.exec(issue.path);
    const row = wave ? sent[Number(wave[1])] : undefined;
    const field = wave
      ? row === undefined
        ? undefined
        : `extraWaves.${row}.${wave[2]}`
      : issue.path === "/publicAt"
        ? "publicAt"
        : undefined;
    if (field && !out[field]) out[field] = issue.message;
  }
  return out;
}

let nextKey = 1;
export const newKey = () => nextKey++;

export function PlanExtras({
  t0,
  partners,
  waves,
  exclusions,
  onWaves,
  onExclusions,
  errors = {},
}: {
  /** T0 as an ISO instant, when known: the quick buttons count back from it. */
  t0: string | undefined;
  partners: PartnerOption[];
  waves: ExtraWaveDraft[];
  exclusions: ExclusionDraft[];
  onWaves: (w: ExtraWaveDraft[]) => void;
  onExclusions: (x: ExclusionDraft[]) => void;
  /** The server's refusals by form path (`extraWaves.0.content`), shown on the field at fault. */
  errors?: Record<string, ReactNode>;
}) {
  const options = partners.map((p) => ({ value: p.id, label: `${p.name} (${p.tier})` }));
  const setWave = (key: number, patch: Partial<ExtraWaveDraft>) =>
    onWaves(waves.map((w) => (w.key === key ? { ...w, ...patch } : w)));
  const setExclusion = (key: number, patch: Partial<ExclusionDraft>) =>
    onExclusions(exclusions.map((x) => (x.key === key ? { ...x, ...patch } : x)));
  const before = (days: number) =>
    t0 ? isoToLocalInput(new Date(new Date(t0).getTime() - days * DAY).toISOString()) : "";

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Extra waves and exclusions</Title>
          <Group gap="xs">
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPlus size={14} />}
              onClick={() =>
                onWaves([...waves, { key: newKey(), at: before(5), partnerIds: [], content: [], reason: "" }])
              }
            >
              Add extra wave
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() => onExclusions([...exclusions, { key: newKey(), partnerId: null, reason: "" }])}
            >
              Exclude a partner
            </Button>
          </Group>
        </Group>
        {waves.length === 0 && exclusions.length === 0 && (
          <Text size="sm" c="dimmed">
            Every eligible partner gets its tier's wave. Add an extra wave to send named partners their
            content earlier, or exclude a partner with a reason.
          </Text>
        )}
        {waves.map((w, i) => {
          const iso = localInputToIso(w.at);
          return (
            <Paper key={w.key} withBorder p="sm" bg="var(--mantine-color-default-hover)">
              <Group align="flex-end" gap="sm" wrap="wrap">
                <TextInput
                  type="datetime-local"
                  label={`Extra wave ${i + 1}: time (your zone)`}
                  value={w.at}
                  onChange={(e) => setWave(w.key, { at: e.currentTarget.value })}
                  description={iso ? formatUtc(iso) : "UTC shown once a time is set"}
                  error={errors[`extraWaves.${i}.at`]}
                />
                <Group gap={4}>
                  {QUICK_OFFSETS.map((d) => (
                    <Tooltip key={d} label={t0 ? `${d} days before T0` : "Set T0 first"}>
                      <Button
                        size="xs"
                        variant="outline"
                        disabled={!t0}
                        onClick={() => setWave(w.key, { at: before(d) })}
                      >
                        T-{d} d
                      </Button>
                    </Tooltip>
                  ))}
                </Group>
                <MultiSelect
                  label="Partners"
                  placeholder={w.partnerIds.length ? undefined : "Pick partners"}
                  data={options}
                  value={w.partnerIds}
                  onChange={(v) => setWave(w.key, { partnerIds: v })}
                  error={errors[`extraWaves.${i}.partnerIds`]}
                  searchable
                  w={280}
                />
                <MultiSelect
                  label="Content"
                  placeholder={w.content.length ? undefined : "All it is eligible for"}
                  data={SECTION_OPTIONS}
                  value={w.content}
                  onChange={(v) => setWave(w.key, { content: v.filter((s) => isOneOf(SECTIONS, s)) })}
                  error={errors[`extraWaves.${i}.content`]}
                  searchable
                  w={260}
                />
                <TextInput
                  label="Why (optional)"
                  value={w.reason}
                  onChange={(e) => setWave(w.key, { reason: e.currentTarget.value })}
                  maxLength={2000}
                  w={200}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mb={6}
                  aria-label={`Remove extra wave ${i + 1}`}
                  onClick={() => onWaves(waves.filter((x) => x.key !== w.key))}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            </Paper>
          );
        })}
        {exclusions.map((x, i) => (
          <Group key={x.key} align="flex-end" gap="sm">
            <Select
              label={`Excluded partner ${i + 1}`}
              placeholder="Pick a partner"
              data={options}
              value={x.partnerId}
              onChange={(v) => setExclusion(x.key, { partnerId: v })}
              searchable
              w={280}
            />
            <TextInput
              label="Reason"
              required
              value={x.reason}
              onChange={(e) => setExclusion(x.key, { reason: e.currentTarget.value })}
              maxLength={2000}
              error={x.partnerId && !x.reason.trim() ? "a reason is required" : undefined}
              w={320}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              mb={6}
              aria-label={`Remove exclusion ${i + 1}`}
              onClick={() => onExclusions(exclusions.filter((y) => y.key !== x.key))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
