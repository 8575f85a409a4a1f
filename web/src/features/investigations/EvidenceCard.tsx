// The evidence: each piece with its type, size and hash, the text with the located passages on
// request (reading it is audited), and while the investigation is open, adding files or pasted text.
import { Button, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { SectionCard } from "../../app/components.tsx";
import { AddEvidence } from "./AddEvidence.tsx";
import { EvidenceText } from "./EvidenceText.tsx";
import type { Detail } from "./model.ts";

export function EvidenceCard({ detail: d, canAdd }: { detail: Detail; canAdd: boolean }) {
  const [showing, setShowing] = useState(false);
  return (
    <SectionCard title="Evidence" order={3}>
      <Stack gap="xs">
        {d.evidence.length === 0 && <Text c="dimmed">No evidence yet.</Text>}
        {d.evidence.map((e) => (
          <Text key={e.id} size="sm">
            {e.name} · {e.mediaType} · {e.size} bytes · SHA-256 <code>{e.sha256}</code>
          </Text>
        ))}
        {d.evidence.length > 0 && (
          <Group>
            <Button variant="light" size="xs" onClick={() => setShowing(true)}>
              Show evidence with located passages
            </Button>
            <Text size="xs" c="dimmed">
              Reading the evidence is recorded in the audit log.
            </Text>
          </Group>
        )}
        {showing && d.evidence.length > 0 && <EvidenceText detail={d} />}
        {canAdd && <AddEvidence investigationId={d.id} />}
      </Stack>
    </SectionCard>
  );
}
