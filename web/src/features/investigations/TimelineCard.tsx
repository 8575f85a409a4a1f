// The investigation's timeline and conclusion; while it is open, an investigator adds notes and
// closes it with a conclusion.
import { Stack, Text } from "@mantine/core";
import { z } from "zod";
import { SectionCard, Timestamp } from "../../app/components.tsx";
import { OneFieldForm } from "../../app/OneFieldForm.tsx";
import type { Detail } from "./model.ts";

export function TimelineCard({ detail: d, canWrite }: { detail: Detail; canWrite: boolean }) {
  return (
    <SectionCard title="Timeline" order={3}>
      <Stack gap={4}>
        {d.timeline.map((t) => (
          <Text key={t.id} size="sm">
            <Timestamp iso={t.at} /> {t.kind.replaceAll("_", " ")}
            {t.kind.endsWith("_proposed") && t.ref ? ` (partner ${t.ref})` : ""}
            {(t.kind === "incident_opened" || t.kind === "suspension_requested") && t.ref
              ? ` (${t.ref})`
              : ""}
            {t.text ? `: ${t.text}` : ""}
          </Text>
        ))}
        {d.conclusion && <Text size="sm">Conclusion: {d.conclusion}</Text>}
      </Stack>
      {canWrite && (
        <Stack gap="xs" mt="sm">
          <OneFieldForm
            field="text"
            label="Note"
            multiline
            schema={z.object({ text: z.string().trim().min(1, "write the note") })}
            requireText
            clearOnSuccess
            button="Add note"
            variant="filled"
            invalidates={[`/api/investigations/${d.id}`]}
            success="Note added"
            submit={(text, api) => api.call("addInvestigationNote", { params: { id: d.id }, body: { text } })}
          />
          <OneFieldForm
            field="conclusion"
            label="Conclusion"
            schema={z.object({ conclusion: z.string().trim().min(1, "state the conclusion") })}
            requireText
            button="Close investigation"
            color="red"
            // The list shows the status too.
            invalidates={["/api/investigations"]}
            success="Investigation closed"
            submit={(conclusion, api) =>
              api.call("closeInvestigation", { params: { id: d.id }, body: { conclusion } })
            }
          />
        </Stack>
      )}
    </SectionCard>
  );
}
