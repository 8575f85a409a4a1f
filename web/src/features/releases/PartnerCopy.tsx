// A partner user: its own copy of one advisory (markdown, files, identifiers) and its acknowledgement.

import { Anchor, Badge, Button, Code, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconFileDownload } from "@tabler/icons-react";
import { useState } from "react";
import { useParams } from "react-router";
import type { AckStatus } from "../../../../src/contract/enums.ts";
import { ErrorAlert, PageHeader, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { CopyFacts } from "../partners/CopyFacts.tsx";

/** A file of the caller's own copy (the session cookie authenticates the download). */
const fileUrl = (advisoryId: string, fileId: string) =>
  `/api/partner/advisories/${advisoryId}/files/${fileId}`;

export function PartnerCopy() {
  const { advisoryId = "" } = useParams();
  const q = useApiQuery("getPartnerAdvisory", { params: { id: advisoryId } });
  const [product, setProduct] = useState("");
  const [signatures, setSignatures] = useState("");
  const acknowledge = useApiMutation({
    fn: (status: AckStatus, api) =>
      api.call("acknowledgePartnerAdvisory", {
        params: { id: advisoryId },
        body: {
          status,
          ...(product.trim() ? { product: product.trim() } : {}),
          ...(signatures.trim() ? { signatureIds: signatures.split(/[\s,]+/).filter(Boolean) } : {}),
        },
      }),
    invalidates: ["/api/partner/advisories"],
  });
  const ack = (status: AckStatus) => acknowledge.mutate(status);
  const c = q.data?.copy;
  return (
    <>
      <PageHeader
        title={c ? `${c.trackingId}: ${c.title}` : "Advisory"}
        description={
          q.data?.embargo?.state === "public" ? (
            <>
              Public since{" "}
              {q.data.embargo.publishedAt ? <Timestamp iso={q.data.embargo.publishedAt} /> : "T0"}: the
              embargo is over and you may publish your protections. This copy was prepared for your
              organisation alone.
            </>
          ) : (
            <>
              Your organisation's copy: embargoed until public release
              {q.data?.embargo?.publicAt ? (
                <>
                  {" "}
                  (<Timestamp iso={q.data.embargo.publicAt} />)
                </>
              ) : null}
              , do not forward.
            </>
          )
        }
        actions={
          q.data?.embargo && (
            <Badge color={q.data.embargo.state === "public" ? "green" : "orange"} data-testid="copy-embargo">
              {q.data.embargo.state}
            </Badge>
          )
        }
      />
      <ErrorAlert error={q.error} />
      {c && (
        <Stack>
          {q.data && <CopyFacts publicAt={q.data.publicAt} identifiers={q.data.identifiers} />}
          <Paper withBorder p="md">
            <Markdown text={c.markdown} testId="copy-markdown" />
          </Paper>
          {Object.keys(q.data?.publicSections ?? {}).length > 0 && (
            <Paper withBorder p="md" data-testid="public-sections">
              <Title order={4} mb="xs">
                Also in the public advisory
              </Title>
              {Object.entries(q.data?.publicSections ?? {}).map(([k, v]) => (
                <Stack key={k} gap={4} mb="sm">
                  <Text fw={600} size="sm">
                    {k === "details" ? "Technical details" : k === "summary" ? "Summary" : k}
                  </Text>
                  <Markdown text={v} />
                </Stack>
              ))}
            </Paper>
          )}
          {c.files
            .filter((f) => f.text !== null)
            .map((f) => (
              <Paper key={f.id} withBorder p="md">
                <Group justify="space-between">
                  <Text fw={600} size="sm">
                    {f.filename}
                  </Text>
                  <Anchor size="sm" href={fileUrl(advisoryId, f.id)} download={f.filename}>
                    Download
                  </Anchor>
                </Group>
                <Code block>{f.text}</Code>
              </Paper>
            ))}
          {c.files.some((f) => f.text === null) && (
            <Paper withBorder p="md">
              <Title order={4} mb="xs">
                Files
              </Title>
              <Stack gap={6}>
                {c.files
                  .filter((f) => f.text === null)
                  .map((f) => (
                    <Group key={f.id} gap="sm">
                      <IconFileDownload size={16} />
                      <Anchor href={fileUrl(advisoryId, f.id)} download={f.filename} size="sm">
                        Download {f.filename}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {f.section} · {f.size.toLocaleString()} bytes · SHA-256 <Code>{f.sha256}</Code>
                      </Text>
                    </Group>
                  ))}
              </Stack>
            </Paper>
          )}
          <Paper withBorder p="md">
            <Title order={4} mb="xs">
              Acknowledge
            </Title>
            <Text size="sm" mb="sm">
              Current:{" "}
              {q.data?.acknowledgement ? q.data.acknowledgement.status.replace("_", " ") : "not acknowledged"}
            </Text>
            <Group align="flex-end">
              <TextInput
                label="Product"
                value={product}
                onChange={(e) => setProduct(e.currentTarget.value)}
              />
              <TextInput
                label="Signature IDs"
                value={signatures}
                onChange={(e) => setSignatures(e.currentTarget.value)}
              />
              <Button variant="default" onClick={() => ack("received")}>
                Received
              </Button>
              <Button variant="default" onClick={() => ack("in_progress")}>
                Protection in progress
              </Button>
              <Button onClick={() => ack("shipped")}>Protection shipped</Button>
            </Group>
          </Paper>
        </Stack>
      )}
    </>
  );
}
