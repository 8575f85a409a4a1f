// The public report form (no account needed) and the reporter's tracking page. The tracking token
// travels in the URL fragment, which browsers never send to a server, and then in a request header.
import {
  Alert,
  Anchor,
  Button,
  Code,
  Container,
  CopyButton,
  FileInput,
  Paper,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import type { ResearcherCase } from "../cases/model.ts";
import { ReporterView } from "../cases/ReporterView.tsx";
import { publicCall } from "./publicApi.ts";

export function ReportPage() {
  const [form, setForm] = useState({
    product: "",
    version: "",
    title: "",
    description: "",
    reporterName: "",
    reporterEmail: "",
  });
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ caseId: string; trackingToken: string } | null>(null);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => {
    // Read now: React clears currentTarget once the handler returns, before the updater runs.
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: value }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== ""));
      const r = await publicCall<{ caseId: string; trackingToken: string }>("POST", "/api/reports", body);
      if (files.length) {
        const fd = new FormData();
        for (const f of files) fd.append("file", f, f.name);
        await publicCall("POST", `/api/reports/${r.caseId}/attachments`, undefined, {
          token: r.trackingToken,
          form: fd,
        });
      }
      setDone(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

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
            <CopyButton value={link}>
              {({ copied, copy }) => (
                <Button onClick={copy} variant="light">
                  {copied ? "Copied" : "Copy link"}
                </Button>
              )}
            </CopyButton>
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
          <form onSubmit={submit}>
            <Stack>
              <TextInput
                label="Product"
                required
                maxLength={200}
                value={form.product}
                onChange={set("product")}
              />
              <TextInput
                label="Version"
                required
                maxLength={100}
                value={form.version}
                onChange={set("version")}
              />
              <TextInput label="Title" required maxLength={200} value={form.title} onChange={set("title")} />
              <Textarea
                label="Description (markdown)"
                required
                autosize
                minRows={8}
                maxLength={100000}
                value={form.description}
                onChange={set("description")}
              />
              <FileInput
                label="Attachments"
                description="Up to 5 files of 10 MiB: PDF, PNG, JPEG, ZIP, text, markdown, pcap"
                multiple
                value={files}
                onChange={(f) => setFiles(f.slice(0, 5))}
                clearable
              />
              <TextInput
                label="Your name (for credit, optional)"
                maxLength={200}
                value={form.reporterName}
                onChange={set("reporterName")}
              />
              <TextInput
                label="Email for notifications (optional)"
                type="email"
                maxLength={320}
                value={form.reporterEmail}
                onChange={set("reporterEmail")}
              />
              <ErrorAlert error={error} />
              <Button type="submit" loading={busy}>
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
  const q = useQuery({
    queryKey: [`/api/reports/${caseId}`],
    queryFn: () => publicCall<ResearcherCase>("GET", `/api/reports/${caseId}`, undefined, { token }),
    enabled: token !== "",
  });
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
          post={(body) => publicCall("POST", `/api/reports/${caseId}/messages`, body, { token })}
        />
      )}
    </Container>
  );
}
