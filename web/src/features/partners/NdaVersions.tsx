// NDA versions, newest first, with their SHA-256; admins publish a new version (all must re-sign).

import { Accordion, Badge, Button, Code, Group, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useCan } from "../../app/auth.tsx";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";

export function NdaVersions() {
  const canPublish = useCan("ndas:write");
  const ndas = useApiQuery("listNdas");
  const [text, setText] = useState("");
  const publish = useApiMutation({
    fn: (_, api) => api.call("publishNda", { body: { text } }),
    invalidates: ["/api/ndas", "/api/partners"],
    success: (r) => `Published NDA version ${r.version}; every partner must sign it again`,
    onSuccess: () => setText(""),
  });

  const list = ndas.data?.ndas ?? [];
  return (
    <Stack>
      <ErrorAlert error={ndas.error} />
      <Accordion
        variant="separated"
        defaultValue={list[0] ? String(list[0].version) : null}
        data-testid="nda-versions"
      >
        {list.map((n, i) => (
          <Accordion.Item key={n.version} value={String(n.version)}>
            <Accordion.Control>
              <Group gap="sm">
                <Text fw={600}>Version {n.version}</Text>
                {i === 0 && <Badge color="green">in force</Badge>}
                <Text size="sm" c="dimmed">
                  <Timestamp iso={n.createdAt} />
                </Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Text size="xs" c="dimmed" mb="xs">
                SHA-256 <Code>{n.sha256}</Code>
              </Text>
              <Markdown text={n.text} />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      {canPublish && (
        <>
          <Textarea
            label="New version (markdown)"
            description="Publishing makes every partner ineligible until its admin signs the new text."
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={6}
          />
          <Group justify="flex-end">
            <Button
              disabled={text.trim().length < 20}
              loading={publish.isPending}
              onClick={() => publish.mutate()}
            >
              Publish new version
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
