// A partner's vetting documents: listed for staff and the partner, uploaded by its admin.
import { Anchor, Button, FileInput, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";

export function EvidenceSection({ partnerId, canUpload }: { partnerId: string; canUpload: boolean }) {
  const list = useApiQuery("listEvidence", { params: { id: partnerId } });
  const [file, setFile] = useState<File | null>(null);
  const upload = useApiMutation({
    fn: (f: File, api) => {
      const form = new FormData();
      form.append("file", f);
      return api.call("uploadEvidence", { params: { id: partnerId }, body: form });
    },
    invalidates: [`/api/partners/${partnerId}`],
    onSuccess: () => setFile(null),
  });

  return (
    <Stack>
      <ErrorAlert error={list.error} />
      {(list.data?.evidence ?? []).map((e) => (
        <Group key={e.id} data-testid="evidence-row">
          <Anchor href={`/api/partners/${partnerId}/evidence/${e.id}`}>{e.filename}</Anchor>
          <Text size="sm" c="dimmed">
            {e.mediaType} · {(e.size / 1024).toFixed(1)} KiB · <Timestamp iso={e.uploadedAt} />
          </Text>
        </Group>
      ))}
      {(list.data?.evidence ?? []).length === 0 && <Text c="dimmed">No vetting documents yet.</Text>}
      {canUpload && (
        <Group align="flex-end">
          <FileInput
            label="Vetting document"
            description="PDF, PNG, JPEG or plain text, at most 10 MiB; stored encrypted"
            value={file}
            onChange={setFile}
            w={380}
          />
          <Button disabled={!file} loading={upload.isPending} onClick={() => file && upload.mutate(file)}>
            Upload
          </Button>
        </Group>
      )}
    </Stack>
  );
}
