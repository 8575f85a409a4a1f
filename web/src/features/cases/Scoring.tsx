// A case's CVSS score, CVE ID (entered or reserved from the pool) and CWE.
import { SimpleGrid, Stack, Text } from "@mantine/core";
import { SectionCard } from "../../app/components.tsx";
import { OneFieldForm } from "../../app/OneFieldForm.tsx";
import type { StaffCase } from "./model.ts";

export function Scoring({ c }: { c: StaffCase }) {
  const stale = [`/api/cases/${c.id}`, "/api/cases"];
  return (
    <SectionCard title="Scoring and identifiers">
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
        <OneFieldForm
          field="vector"
          label="CVSS 4.0 or 3.1 vector"
          placeholder="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
          initial={c.cvss?.vector ?? ""}
          button="Score"
          variant="filled"
          invalidates={stale}
          submit={(vector, api) => api.call("setCaseCvss", { params: { id: c.id }, body: { vector } })}
        />
        {!c.cveId && (
          <OneFieldForm
            field="cveId"
            label="CVE ID"
            placeholder="from the pool if empty"
            button={(cve) => (cve ? "Enter" : "Reserve")}
            invalidates={stale}
            submit={(cveId, api) =>
              api.call("assignCaseCve", { params: { id: c.id }, body: cveId ? { cveId } : {} })
            }
          />
        )}
        <OneFieldForm
          field="cwe"
          label="CWE"
          placeholder="CWE-287"
          initial={c.cwe ?? ""}
          button="Save"
          invalidates={stale}
          submit={(cwe, api) => api.call("updateCase", { params: { id: c.id }, body: { cwe: cwe || null } })}
        />
      </Stack>
    </SectionCard>
  );
}
