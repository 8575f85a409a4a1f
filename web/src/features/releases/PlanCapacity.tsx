// Tracing capacity before release: per wave, the points each recipient's copy carries (visible
// wording, invisible marks, code and file variants) and the leak sizes they can trace for that many
// recipients, with the warnings a coordinator accepts by arming anyway. Figures only, never content.
import { Alert, Paper, Stack, Table, Text, Title } from "@mantine/core";
import type { Output } from "../../../../src/contract/index.ts";
import { ColumnHeads } from "../../app/DataTable.tsx";

export type TracingCapacity = Output<"previewReleasePlan">["tracing"];
export type WaveCapacity = TracingCapacity["waves"][number];

const SECTION_NAMES: Record<string, string> = {
  summary: "summary",
  details: "details",
  detection: "detection",
  poc: "proof of concept",
  indicators: "indicators",
};

const excerpt = (words: number | null) => (words === null ? "not traceable" : `${words}-word excerpt`);

/** The tracing capacity of a plan (or its preview); nothing when the server sent none. */
export function PlanCapacity({ tracing }: { tracing: TracingCapacity | null | undefined }) {
  if (!tracing) return null;
  const warnings = [
    ...tracing.warnings,
    ...tracing.waves.flatMap((w, i) => w.warnings.map((x) => `Wave ${i + 1}: ${x}`)),
  ];
  return (
    <Paper withBorder p="md" mt="sm" data-testid="plan-capacity">
      <Title order={4} mb="xs">
        Tracing capacity
      </Title>
      <Text size="sm" mb="xs">
        Each recipient's copy varies in the wording of its sections, in fenced code and in its text files (
        {tracing.variedFiles.length ? tracing.variedFiles.join(", ") : "this advisory has none that vary"}).
        Titles, product lists and binary files do not vary
        {tracing.unvariedFiles.length ? ` (sent unchanged: ${tracing.unvariedFiles.join(", ")})` : ""}.
      </Text>
      <Table striped withTableBorder captionSide="top" data-testid="plan-capacity-table">
        <Table.Caption>
          Points per copy and the smallest leak that names a single leaker, per wave
        </Table.Caption>
        <ColumnHeads
          names={[
            "Wave",
            "Recipients",
            "Visible",
            "Invisible",
            "Code and files",
            "Single leaker from",
            "Colluders (whole copies)",
          ]}
        />
        <Table.Tbody>
          {tracing.waves.map((w, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: waves have no ID before the plan is saved; their order is fixed
            <Table.Tr key={i}>
              <Table.Th scope="row">
                {i + 1}: {w.sections.map((s) => SECTION_NAMES[s] ?? s).join(", ")}
              </Table.Th>
              <Table.Td>{w.recipients}</Table.Td>
              <Table.Td>{w.points.visible}</Table.Td>
              <Table.Td>{w.points.invisible}</Table.Td>
              <Table.Td>{w.points.files}</Table.Td>
              <Table.Td>
                {excerpt(w.singleLeakerExcerptWords)}; without invisible marks{" "}
                {excerpt(w.singleLeakerExcerptWordsWithoutInvisible)}
              </Table.Td>
              <Table.Td>
                {w.colludersWholeCopy} ({w.colludersWholeCopyWithoutInvisible} without invisible marks)
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {tracing.waves[0] && (
        <Text size="xs" c="dimmed" mt="xs">
          A single leaker needs about {tracing.waves[0].singleLeakerPoints} observed points (
          {tracing.waves[0].singleLeakerPointsWithoutInvisible} from the wording and file variants alone, once
          invisible marks are stripped). An innocent recipient is accused with probability at most{" "}
          {tracing.waves[0].epsilon.toExponential(0)} each.
        </Text>
      )}
      {warnings.length > 0 && (
        <Alert color="yellow" mt="sm" title="Tracing warnings" data-testid="plan-capacity-warning">
          <Stack gap={4}>
            {warnings.map((w) => (
              <Text key={w} size="sm">
                {w}. The plan can still be armed; the warning is recorded when it is.
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
    </Paper>
  );
}
