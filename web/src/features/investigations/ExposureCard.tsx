// Exposure and coincidence: the waves, who had a copy by the observed time (delivered, read,
// acknowledged), and how likely an independent start is for each wave's window.
import { Stack, Text } from "@mantine/core";
import { SectionCard, Timestamp } from "../../app/components.tsx";
import { type Column, DataTable } from "../../app/DataTable.tsx";
import { useApiQuery } from "../../app/query.ts";
import { type Exposure, formatBound } from "./model.ts";

const COLUMNS: Column<Exposure["recipients"][number]>[] = [
  { header: "Partner", cell: (r) => `${r.partnerName} (${r.partnerStatus})` },
  { header: "Recipient", cell: (r) => `${r.recipientKind} ${r.recipientId}` },
  { header: "Content", cell: (r) => r.sections.join(", ") },
  { header: "Delivered", cell: (r) => <Timestamp iso={r.deliveredAt} /> },
  { header: "First read", cell: (r) => <Timestamp iso={r.firstReadAt} /> },
  { header: "Reads", cell: (r) => r.reads.length },
  { header: "Acknowledged", cell: (r) => r.acks.map((a) => a.status).join(", ") || "—" },
];

export function ExposureCard({ id }: { id: string }) {
  const q = useApiQuery("investigationExposure", { params: { id } });
  const x = q.data;
  return (
    <SectionCard title="Exposure and coincidence" order={3} error={q.error}>
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
            <DataTable
              aria-label="Exposure: each recipient's copy"
              style={{ display: "block", maxHeight: 320, overflow: "auto" }}
              rows={x.recipients}
              rowKey={(r) => r.deliveryId}
              columns={COLUMNS}
            />
          )}
          <ReadsTable x={x} />
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
    </SectionCard>
  );
}

type Read = {
  r: Exposure["recipients"][number];
  rd: Exposure["recipients"][number]["reads"][number];
  key: string;
};

const READ_COLUMNS: Column<Read>[] = [
  { header: "Time", cell: ({ rd }) => <Timestamp iso={rd.at} /> },
  { header: "What", cell: ({ rd }) => (rd.fileId ? `download ${rd.fileId}` : "copy read") },
  { header: "Recipient", cell: ({ r }) => `${r.partnerName}, ${r.recipientKind} ${r.recipientId}` },
  { header: "Address", cell: ({ rd }) => rd.ip ?? "not recorded" },
  { header: "User agent", cell: ({ rd }) => rd.userAgent ?? "not recorded" },
];

/** Every read of a copy and download of its files, oldest first, with address and user agent. */
function ReadsTable({ x }: { x: Exposure }) {
  const all: Read[] = x.recipients
    .flatMap((r) => r.reads.map((rd, i) => ({ r, rd, key: `${r.deliveryId}-${i}` })))
    .sort((a, b) => a.rd.at.localeCompare(b.rd.at));
  if (all.length === 0) return null;
  return (
    <DataTable
      aria-label="Every read and download"
      style={{ display: "block", maxHeight: 320, overflow: "auto" }}
      data-testid="exposure-reads"
      rows={all}
      rowKey={(read) => read.key}
      columns={READ_COLUMNS}
    />
  );
}
