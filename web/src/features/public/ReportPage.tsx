// The public report form (no account needed) and the reporter's tracking page. The tracking token
// travels in the URL fragment, which browsers never send to a server, and then in a request header.

import {
  Alert,
  Anchor,
  Button,
  Code,
  Container,
  Paper,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { z } from "zod";
import type { Input, Output } from "../../../../src/contract/index.ts";
import { CopyValueButton, ErrorAlert, FilesInput, Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { ReporterView } from "../cases/ReporterView.tsx";
import { publicApi, tracking, usePublicQuery } from "./publicApi.ts";

type ReportValues = {
  product: string;
  version: string;
  title: string;
  description: string;
  reporterName: string;
  reporterEmail: string;
};

const need = (what: string) => z.string().trim().min(1, `give ${what}`);
/** What a reporter can put right before sending; the server's refusals land on the same fields. */
const ReportForm = z.object({
  product: need("the product"),
  version: need("the version"),
  title: need("a title"),
  description: need("a description"),
  reporterName: z.string(),
  reporterEmail: z.string(),
});

export function ReportPage() {
  const form = useSchemaForm<ReportValues>(ReportForm, {
    product: "",
    version: "",
    title: "",
    description: "",
    reporterName: "",
    reporterEmail: "",
  });
  const [files, setFiles] = useState<File[]>([]);
  const [done, setDone] = useState<Output<"submitReport"> | null>(null);
  const send = useApiMutation({
    fn: async (v: ReportValues) => {
      const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x.trim() !== ""));
      const r = await publicApi.call("submitReport", { body: body as Input<"submitReport">["body"] });
      if (files.length) {
        const fd = new FormData();
        for (const f of files) fd.append("file", f, f.name);
        await publicApi.call(
          "attachToReport",
          { params: { caseId: r.caseId }, body: fd },
          tracking(r.trackingToken ?? undefined),
        );
      }
      return r;
    },
    form,
    fields: ["product", "version", "title", "description", "reporterName", "reporterEmail"],
    onSuccess: setDone,
  });

  if (done) {
    const link = `${window.location.origin}/report/${done.caseId}#token=${done.trackingToken}`;
    return (
      <Container size="sm" py="xl">
        <Paper withBorder p="xl">
          <Stack>
            <Title order={2}>Thank you: your report is case {done.caseId}</Title>
            <Text>
              Keep this private link. It is the only way to follow your case and to talk with the response
              team; we cannot show it again.
            </Text>
            <Code block data-testid="tracking-link">
              {link}
            </Code>
            <CopyValueButton value={link} label="Copy link" />
            <Anchor href={link}>Open the case</Anchor>
          </Stack>
        </Paper>
      </Container>
    );
  }

  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={2}>Report a vulnerability</Title>
        <Text c="dimmed" size="sm">
          No account needed. You will get a private link to follow the case. To encrypt your report, use our{" "}
          <Anchor href="/api/public/pgp-key" target="_blank">
            OpenPGP key
          </Anchor>{" "}
          and send the armored message as the description through the API.
        </Text>
        <Paper withBorder p="lg">
          <form onSubmit={form.onSubmit((v) => send.mutate(v))} noValidate>
            <Stack>
              <TextInput label="Product" required maxLength={200} {...form.getInputProps("product")} />
              <TextInput label="Version" required maxLength={100} {...form.getInputProps("version")} />
              <TextInput label="Title" required maxLength={200} {...form.getInputProps("title")} />
              <Textarea
                label="Description (markdown)"
                required
                autosize
                minRows={8}
                maxLength={100000}
                {...form.getInputProps("description")}
              />
              <FilesInput
                label="Attachments"
                description="Up to 5 files of 10 MiB: PDF, PNG, JPEG, ZIP, text, markdown, pcap"
                value={files}
                onChange={setFiles}
              />
              <TextInput
                label="Your name (for credit, optional)"
                maxLength={200}
                {...form.getInputProps("reporterName")}
              />
              <TextInput
                label="Email for notifications (optional)"
                type="email"
                maxLength={320}
                {...form.getInputProps("reporterEmail")}
              />
              <Button type="submit" loading={send.isPending}>
                Submit report
              </Button>
            </Stack>
          </form>
        </Paper>
        <Anchor component={Link} to="/security/advisories" size="sm">
          Published advisories
        </Anchor>
      </Stack>
    </Container>
  );
}

export function TrackPage() {
  const { caseId = "" } = useParams();
  const location = useLocation();
  const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
  // Cached under the report's path: sending a message reads it again.
  const q = usePublicQuery("getOwnReport", { params: { caseId } }, { token, enabled: token !== "" });
  const data = q.data;
  const error = q.error;
  if (!token)
    return (
      <Container size="sm" py="xl">
        <Alert color="red">
          This link has no tracking token. Open the exact link you got when you reported.
        </Alert>
      </Container>
    );
  return (
    <Container size="lg" py="xl">
      <ErrorAlert error={error} />
      {!data && !error && <Skeleton h={300} />}
      {data?.advisory && (
        <Alert color="teal" mb="md" title="The advisory is public" data-testid="case-advisory">
          Your report led to{" "}
          <Anchor component={Link} to={`/security/advisories/${data.advisory.trackingId}`}>
            advisory {data.advisory.trackingId}
          </Anchor>
          , published <Timestamp iso={data.advisory.publishedAt} />. Thank you.
        </Alert>
      )}
      {data && (
        <ReporterView
          c={data}
          stale={[`/api/reports/${caseId}`]}
          post={(body) =>
            publicApi.call("postReporterMessage", { params: { caseId }, body }, tracking(token))
          }
        />
      )}
    </Container>
  );
}
