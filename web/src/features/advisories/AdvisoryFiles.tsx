// An advisory's files: detection rules and proofs of concept, uploaded per section.
import { Anchor, Badge, Button, Group, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { isOneOf } from "../../app/choices.ts";
import { FilesInput, SectionCard } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";

const FILE_SECTIONS = ["detection", "poc"] as const;
type FileSection = (typeof FILE_SECTIONS)[number];

import type { Advisory } from "./model.ts";

/** Detection rules and proof-of-concept files: sealed on the server, every download audited. */
export function AdvisoryFiles({ a }: { a: Advisory }) {
  const [section, setSection] = useState<string | null>("detection");
  const [files, setFiles] = useState<File[]>([]);
  const upload = useApiMutation({
    fn: (v: { section: FileSection; files: File[] }, api) => {
      const fd = new FormData();
      for (const f of v.files) fd.append("file", f, f.name);
      return api.call("addAdvisoryFiles", { params: { id: a.id }, body: fd, query: { section: v.section } });
    },
    invalidates: [`/api/advisories/${a.id}`],
    onSuccess: () => setFiles([]),
  });
  return (
    <SectionCard title="Files">
      <Stack gap={4}>
        {a.files.length === 0 && (
          <Text size="sm" c="dimmed">
            No detection rules or PoC files yet.
          </Text>
        )}
        {a.files.map((f) => (
          <Group key={f.id} gap="xs">
            <Badge variant="light">{f.section}</Badge>
            <Anchor href={`/api/advisories/${a.id}/files/${f.id}`} size="sm">
              {f.filename}
            </Anchor>
            <Text size="xs" c="dimmed">
              {f.size} bytes · sha256 {f.sha256.slice(0, 12)}…
            </Text>
          </Group>
        ))}
      </Stack>
      <Group gap="xs" mt="sm" align="flex-end">
        <Select
          w={150}
          label="Section"
          data={[
            { value: "detection", label: "Detection rules" },
            { value: "poc", label: "Proof of concept" },
          ]}
          value={section}
          onChange={setSection}
        />
        <FilesInput style={{ flex: 1 }} label="Files" value={files} onChange={setFiles} />
        <Button
          variant="light"
          disabled={files.length === 0 || !section}
          loading={upload.isPending}
          onClick={() => isOneOf(FILE_SECTIONS, section) && upload.mutate({ section, files })}
        >
          Upload
        </Button>
      </Group>
    </SectionCard>
  );
}
