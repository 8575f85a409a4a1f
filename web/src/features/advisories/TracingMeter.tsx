// The editor's tracing meter: what the text traces as the author writes it (points against what one,
// two or three leakers need, with and without invisible marks) and wordings the author may accept as
// alternatives, one click each. The server plans the text sent and stores nothing.
import {
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { Output } from "../../../../src/contract/index.ts";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { ColumnHeads } from "../../app/DataTable.tsx";
import { SECTION_TITLES, type Section } from "./model.ts";

type Meter = Output<"advisoryTracingMeter">;
type Proposal = Meter["proposals"][number];

const PROPOSALS_SHOWN = 12;

/**
 * The meter under the section fields. `onAccept` receives the section's new text with the proposal's
 * `{{wording|alternative}}` written in; a proposal whose words have moved since is not applied.
 */
export function TracingMeter({
  sections,
  onAccept,
}: {
  sections: Record<Section, string>;
  onAccept: (section: Section, text: string) => void;
}) {
  const api = useApi();
  const [sent] = useDebouncedValue(sections, 600);
  const q = useQuery({
    queryKey: ["/api/advisories/tracing-meter", sent],
    queryFn: ({ signal }) => api.call("advisoryTracingMeter", { body: { sections: sent } }, { signal }),
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const accept = (p: Proposal) => {
    const text = sections[p.section];
    if (text.slice(p.start, p.end) !== p.text) return;
    onAccept(p.section, text.slice(0, p.start) + p.markup + text.slice(p.end));
  };
  const m = q.data;
  return (
    <Paper withBorder p="md" data-testid="tracing-meter" aria-busy={q.isFetching}>
      <Title order={4} mb="xs">
        Tracing meter
      </Title>
      {q.error && <ErrorAlert error={q.error} />}
      {!m ? (
        !q.error && <Text size="sm">Measuring…</Text>
      ) : (
        <Stack gap="sm">
          <Text size="sm" data-testid="tracing-points">
            This text carries {m.points.total} points in {m.words} words: {m.points.visible} in the wording (
            {m.points.author} written by you as alternatives) and {m.points.invisible} invisible marks, which
            a leaker can strip. Attached text files add their own points (shown on the release plan).
          </Text>
          <Table withTableBorder captionSide="top" data-testid="tracing-needed">
            <Table.Caption>
              Points whole copies need to name the leakers (ε₁ = {m.epsilon.toExponential(0)})
            </Table.Caption>
            <ColumnHeads
              names={[
                "Leakers",
                "Points needed (wording alone / with marks)",
                "Wording alone (marks stripped)",
                "With invisible marks",
              ]}
            />
            <Table.Tbody>
              {m.needed.map((n) => (
                <Table.Tr key={n.leakers}>
                  <Table.Th scope="row">{n.leakers}</Table.Th>
                  <Table.Td>
                    {n.pointsWithoutInvisible ?? "—"} / {n.points}
                  </Table.Td>
                  <Table.Td>
                    {n.pointsWithoutInvisible === null ? (
                      <Text size="sm">
                        never: wording alone cannot name {n.leakers} leakers against every strategy
                      </Text>
                    ) : (
                      <Group gap="xs" wrap="nowrap">
                        <Progress
                          w={120}
                          value={Math.min(100, (100 * m.points.visible) / n.pointsWithoutInvisible)}
                          color={n.metWithoutInvisible ? "teal" : "orange"}
                          aria-label={`wording: ${m.points.visible} of ${n.pointsWithoutInvisible} points for ${n.leakers} leaker${n.leakers > 1 ? "s" : ""}`}
                        />
                        <Text size="sm">
                          {n.metWithoutInvisible
                            ? "enough"
                            : `${n.pointsWithoutInvisible - m.points.visible} short`}
                        </Text>
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {n.met
                        ? "enough"
                        : // Where the wording cannot count (3+ leakers), only invisible marks do.
                          `${n.points - (n.pointsWithoutInvisible === null ? m.points.invisible : m.points.total)} short`}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Title order={5}>Alternatives you can accept ({m.proposals.length})</Title>
          {m.proposals.length === 0 ? (
            <Text size="sm">No wording here is on the list of alternatives that need an author’s check.</Text>
          ) : (
            <>
              <Text size="sm">
                Each adds one point to the wording, which survives stripping. Accepting writes{" "}
                <code>{"{{wording|alternative}}"}</code>: every partner’s copy carries one of the two;
                previews, exports and the public page show the first. Read the sentence and the check first.
              </Text>
              <Table withTableBorder striped data-testid="tracing-proposals">
                <ColumnHeads names={["Section", "Sentence", "Alternative", "Check"]}>
                  <Table.Th scope="col">
                    <VisuallyHidden>Action</VisuallyHidden>
                  </Table.Th>
                </ColumnHeads>
                <Table.Tbody>
                  {m.proposals.slice(0, PROPOSALS_SHOWN).map((p) => (
                    <Table.Tr key={`${p.section}:${p.start}`}>
                      <Table.Td>{SECTION_TITLES[p.section]}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{p.context}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color="gray" tt="none">
                          {p.text} / {p.alternative}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{p.caution}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => accept(p)}
                          aria-label={`Accept “${p.alternative}” as an alternative to “${p.text}” in ${SECTION_TITLES[p.section]}`}
                        >
                          Accept
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {m.proposals.length > PROPOSALS_SHOWN && (
                <Text size="sm">
                  {m.proposals.length - PROPOSALS_SHOWN} more appear as you accept or edit these.
                </Text>
              )}
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}
