// The partner directory with filters (status, country, tier, kind, name).

import { Badge, Group, Paper, Select, Table, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { PARTNER_KINDS } from "../../../../src/contract/enums.ts";
import { oneOf } from "../../app/choices.ts";
import { ErrorAlert } from "../../app/components.tsx";
import { type Column, DataTable, RecordCell } from "../../app/DataTable.tsx";
import { useApiList, useApiQuery } from "../../app/query.ts";
import {
  COUNTRY_OPTIONS,
  countryName,
  KIND_LABELS,
  KINDS,
  type PartnerListItem,
  STATUS_COLORS,
  STATUSES,
  statusLabel,
} from "./model.ts";

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? "gray"} variant="light" data-testid="status-badge">
      {statusLabel(status)}
    </Badge>
  );
}

/** The tier the partner receives now, and the assigned one beside it when policy or sanctions differ. */
export function EffectiveTier({ tier, effective }: { tier: string; effective: string | null }) {
  if (effective === tier) return <>{tier}</>;
  return (
    <>
      <Text span fw={500} c={effective ? undefined : "red"}>
        {effective ?? "receives nothing"}
      </Text>
      <Text size="xs" c="dimmed">
        assigned {tier}
      </Text>
    </>
  );
}

const COLUMNS: Column<PartnerListItem>[] = [
  {
    header: "Partner",
    cell: (p) => (
      <>
        <RecordCell to={`/partners/${p.id}`} sub={p.legalName}>
          {p.name}
        </RecordCell>
        {p.duplicate && (
          <Badge color="orange" variant="light" size="xs" title={p.duplicate.reasons.join("\n")}>
            Possible duplicate
          </Badge>
        )}
      </>
    ),
  },
  { header: "Status", cell: (p) => <StatusBadge status={p.status} /> },
  {
    header: "Tier",
    th: { title: "What the partner receives now, after policy and sanctions" },
    td: { "data-testid": "tier-cell" },
    cell: (p) => <EffectiveTier tier={p.tier} effective={p.effectiveTier} />,
  },
  { header: "Headquarters", cell: (p) => countryName(p.country) },
  { header: "Staff countries", cell: (p) => p.staffCountries.join(", ") || "—" },
  { header: "Kind", cell: (p) => KIND_LABELS[p.kind] ?? p.kind },
  {
    header: "Customers",
    th: { ta: "right" },
    td: { ta: "right" },
    cell: (p) => p.customers.toLocaleString("en"),
  },
];

export function Directory() {
  const [status, setStatus] = useState<string | null>(null);
  const [country, setCountry] = useState<string | null>(null);
  const [tier, setTier] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [q, setQ] = useState("");
  const tiers = useApiQuery("listTiers");
  const list = useApiList("listPartners", {
    query: {
      status: status ?? undefined,
      country: country ?? undefined,
      tier: tier ?? undefined,
      kind: oneOf(PARTNER_KINDS, kind),
      q,
    },
  });
  const partners = list.data ?? [];
  return (
    <>
      <Group mb="md" align="flex-end" wrap="wrap">
        <TextInput
          label="Name"
          placeholder="Search"
          leftSection={<IconSearch size={14} />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
        />
        <Select
          label="Status"
          placeholder="Any"
          clearable
          data={STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          value={status}
          onChange={setStatus}
        />
        <Select
          label="Country"
          placeholder="Any"
          clearable
          searchable
          data={COUNTRY_OPTIONS}
          value={country}
          onChange={setCountry}
        />
        <Select
          label="Tier"
          placeholder="Any"
          clearable
          data={(tiers.data?.tiers ?? []).map((t) => t.name)}
          value={tier}
          onChange={setTier}
        />
        <Select
          label="Kind"
          placeholder="Any"
          clearable
          data={KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] ?? k }))}
          value={kind}
          onChange={setKind}
        />
      </Group>
      <ErrorAlert error={list.error} />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={760}>
          <DataTable
            verticalSpacing="sm"
            highlightOnHover
            data-testid="partners-table"
            rows={partners}
            rowKey={(p) => p.id}
            columns={COLUMNS}
          />
        </Table.ScrollContainer>
        {!list.isLoading && partners.length === 0 && (
          <Text c="dimmed" ta="center" p="lg">
            {status || country || tier || kind || q
              ? "No partners match these filters."
              : "No partners yet. Applications arrive through the public form at /apply."}
          </Text>
        )}
      </Paper>
    </>
  );
}
