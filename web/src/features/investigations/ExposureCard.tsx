// Exposure and coincidence: the waves, who had a copy by the observed time (delivered, read,
// acknowledged), and how likely an independent start is for each wave's window.
import { Card, Stack, Table, Text, Title } from "@mantine/core";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { formatBound } from "./model.ts";

export function ExposureCard({ id }: { id: string }) {
  const q = useApiQuery("investigationExposure", { params: { id } });
  const x = q.data;
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Exposure and coincidence
      </Title>
      <ErrorAlert error={q.error} />
      {x && (
        <Stack gap="xs">
          <Text size="sm">
            Waves:{" "}
            {x.waves.map((w) => (
              <span key={w.id}>
                {w.tier ?? "extra"} at <Timestamp iso={w.at} /> ({w.partners} partners: {w.content.join(", ")}
                );{" "}
              </span>
            ))}
            T0 <Timestamp iso={x.publicAt} />. By the observed time {x.byObserved.partners} partners and{" "}
            {x.byObserved.members} members had a copy.
          </Text>
          {x.recipients.length > 0 && (
            <Table
              aria-label="Exposure: each recipient's copy"
              style={{ display: "block", maxHeight: 320, overflow: "auto" }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Content</Table.Th>
                  <Table.Th>Delivered</Table.Th>
                  <Table.Th>First read</Table.Th>
                  <Table.Th>Reads</Table.Th>
                  <Table.Th>Acknowledged</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {x.recipients.map((r) => (
                  <Table.Tr key={r.deliveryId}>
                    <Table.Td>
                      {r.partnerName} ({r.partnerStatus})
                    </Table.Td>
                    <Table.Td>
                      {r.recipientKind} {r.recipientId}
                    </Table.Td>
                    <Table.Td>{r.sections.join(", ")}</Table.Td>
                    <Table.Td>
                      <Timestamp iso={r.deliveredAt} />
                    </Table.Td>
                    <Table.Td>
                      <Timestamp iso={r.firstReadAt} />
                    </Table.Td>
                    <Table.Td>{r.reads.length}</Table.Td>
                    <Table.Td>{r.acks.map((a) => a.status).join(", ") || "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {x.notes.map((n) => (
            <Text key={n} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
          <Text size="sm" fw={600}>
            {x.coincidence.summary}
          </Text>
          <Text size="sm">Model: {x.coincidence.model}</Text>
          {x.coincidence.windows.map((w) => (
            <Text key={w.waveId} size="sm">
              Wave {w.tier ?? w.waveId}: {w.days.toFixed(1)} days to the observed time, P(independent start) ={" "}
              {formatBound(w.probability)}
            </Text>
          ))}
          <Text size="sm">Assumptions:</Text>
          <ul>
            {x.coincidence.assumptions.map((a) => (
              <li key={a}>
                <Text size="sm">{a}</Text>
              </li>
            ))}
          </ul>
        </Stack>
      )}
    </Card>
  );
}
