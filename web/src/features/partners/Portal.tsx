// The partner portal's sections (also shown to staff on a partner's page): members, keys, webhooks,
// NDA signing, evidence, incidents and the scorecard.

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  CopyButton,
  FileInput,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ApiError } from "../../app/api.ts";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { formatLead, formatLocal, formatUtc } from "../../app/format.ts";
import { Markdown } from "../../app/Markdown.tsx";
import { useApiQuery } from "../../app/useApiQuery.ts";
import {
  ATTESTATION_LABELS,
  type Attestations,
  type Evidence,
  type Incident,
  type Member,
  type MemberKey,
  type Nda,
  type Scorecard,
  type Signature,
  type Webhook,
} from "./model.ts";

function useAction() {
  const [error, setError] = useState<unknown>(null);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    }
  };
  return { error, run };
}

export function MembersSection({ partnerId, canManage }: { partnerId: string; canManage: boolean }) {
  const api = useApi();
  const members = useApiQuery<{ members: Member[] }>(`/api/partners/${partnerId}/members`);
  const { error, run } = useAction();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<string | null>("partner_analyst");
  const [invite, setInvite] = useState<{ inviteUrl: string; expiresAt: string } | null>(null);
  return (
    <Stack>
      <ErrorAlert error={error ?? members.error} />
      <Paper withBorder radius="md">
        <Table data-testid="members-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>State</Table.Th>
              {canManage && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(members.data?.members ?? []).map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  {m.name} <Text span c="dimmed" size="sm">{`<${m.email}>`}</Text>
                </Table.Td>
                <Table.Td>{m.role.replace("_", " ")}</Table.Td>
                <Table.Td>
                  {m.disabled ? (
                    <Badge color="gray">removed</Badge>
                  ) : m.invited ? (
                    <Badge color="blue">invited</Badge>
                  ) : (
                    <Badge color="green">active</Badge>
                  )}
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    {!m.disabled && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() =>
                          void run(() => api.del(`/api/partners/${partnerId}/members/${m.id}`)).then(() =>
                            members.reload(),
                          )
                        }
                      >
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {canManage && (
        <Card withBorder radius="md">
          <Title order={5} mb="xs">
            Invite a member
          </Title>
          <Group align="flex-end">
            <TextInput
              label="Email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              w={280}
            />
            <Select
              label="Role"
              data={[
                { value: "partner_analyst", label: "Partner analyst" },
                { value: "partner_admin", label: "Partner admin" },
              ]}
              value={role}
              onChange={setRole}
            />
            <Button
              onClick={async () => {
                const r = await run(() =>
                  api.post<{ inviteUrl: string; expiresAt: string }>(`/api/partners/${partnerId}/members`, {
                    email,
                    role,
                  }),
                );
                if (r) {
                  setInvite(r);
                  setEmail("");
                  members.reload();
                }
              }}
            >
              Send invite
            </Button>
          </Group>
          {invite && (
            <Alert mt="md" color="green" title="Invite created" data-testid="invite-result">
              <Text size="sm">
                The link is also queued as mail. It works once and expires{" "}
                <Timestamp iso={invite.expiresAt} />:
              </Text>
              <Group gap="xs" mt={4}>
                <Code>{invite.inviteUrl}</Code>
                <CopyButton value={invite.inviteUrl}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant="light" onClick={copy}>
                      {copied ? "Copied" : "Copy"}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Alert>
          )}
        </Card>
      )}
    </Stack>
  );
}

export function KeysSection({ partnerId, canAdd }: { partnerId: string; canAdd: boolean }) {
  const api = useApi();
  const keys = useApiQuery<{ keys: MemberKey[] }>(`/api/partners/${partnerId}/keys`);
  const { error, run } = useAction();
  const [armored, setArmored] = useState("");
  return (
    <Stack>
      <ErrorAlert error={error ?? keys.error} />
      {(keys.data?.keys ?? []).length === 0 && <Text c="dimmed">No OpenPGP keys registered yet.</Text>}
      {(keys.data?.keys ?? []).map((k) => (
        <Card key={k.id} withBorder radius="md" data-testid="key-card">
          <Group justify="space-between">
            <Code>{k.fingerprint.replace(/(.{4})/g, "$1 ").trim()}</Code>
            {k.usable ? (
              <Badge color="green">usable</Badge>
            ) : (
              <Badge color="gray">{k.revokedAt ? "revoked" : "expired"}</Badge>
            )}
          </Group>
          <Text size="sm" mt={4}>
            {k.userIds.join(", ")} · {k.algorithm} · expires{" "}
            {k.expiresAt ? <Timestamp iso={k.expiresAt} /> : "never"}
          </Text>
          {k.usable && canAdd && (
            <Group justify="flex-end">
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() =>
                  void run(() => api.del(`/api/partners/${partnerId}/keys/${k.id}`)).then(() => keys.reload())
                }
              >
                Revoke
              </Button>
            </Group>
          )}
        </Card>
      ))}
      {canAdd && (
        <Card withBorder radius="md">
          <Textarea
            label="Your OpenPGP public key (armored)"
            description="Advisories sent by email are encrypted to it. Never paste a private key."
            placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
            value={armored}
            onChange={(e) => setArmored(e.currentTarget.value)}
            autosize
            minRows={4}
            styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
          />
          <Group justify="flex-end" mt="sm">
            <Button
              disabled={!armored.trim()}
              onClick={async () => {
                if (await run(() => api.post(`/api/partners/${partnerId}/keys`, { armored }))) {
                  setArmored("");
                  keys.reload();
                }
              }}
            >
              Register key
            </Button>
          </Group>
        </Card>
      )}
    </Stack>
  );
}

export function WebhooksSection({ partnerId, canManage }: { partnerId: string; canManage: boolean }) {
  const api = useApi();
  const hooks = useApiQuery<{ webhooks: Webhook[] }>(`/api/partners/${partnerId}/webhooks`);
  const { error, run } = useAction();
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <Stack>
      <ErrorAlert error={error ?? hooks.error} />
      {(hooks.data?.webhooks ?? []).length === 0 && <Text c="dimmed">No webhook endpoints.</Text>}
      {(hooks.data?.webhooks ?? []).map((w) => (
        <Group key={w.id} justify="space-between" data-testid="webhook-row">
          <Code>{w.url}</Code>
          {canManage && (
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() =>
                void run(() => api.del(`/api/partners/${partnerId}/webhooks/${w.id}`)).then(() =>
                  hooks.reload(),
                )
              }
            >
              Delete
            </Button>
          )}
        </Group>
      ))}
      {canManage && (
        <Group align="flex-end">
          <TextInput
            label="Endpoint (https)"
            placeholder="https://hooks.example.com/forewarn"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            w={380}
          />
          <Button
            onClick={async () => {
              const r = await run(() =>
                api.post<{ secret: string }>(`/api/partners/${partnerId}/webhooks`, { url }),
              );
              if (r) {
                setSecret(r.secret);
                setUrl("");
                hooks.reload();
              }
            }}
          >
            Add endpoint
          </Button>
        </Group>
      )}
      {secret && (
        <Alert color="yellow" title="Signing secret: shown only now" data-testid="webhook-secret">
          <Group gap="xs">
            <Code>{secret}</Code>
            <CopyButton value={secret}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" mt={4}>
            Deliveries are signed with it. Store it now; Forewarn will not show it again.
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

export function NdaSection({
  partnerId,
  canSign,
  onSigned,
}: {
  partnerId: string;
  canSign: boolean;
  onSigned: () => void;
}) {
  const api = useApi();
  const nda = useApiQuery<Nda>("/api/ndas/current");
  const sigs = useApiQuery<{ signatures: Signature[] }>(`/api/partners/${partnerId}/nda-signatures`);
  const { error, run } = useAction();
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const n = nda.data;
  const signedCurrent = n && (sigs.data?.signatures ?? []).some((s) => s.version === n.version);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Card withBorder radius="md">
        <ErrorAlert error={nda.error} />
        {n && (
          <>
            <Group justify="space-between" mb="xs">
              <Title order={4}>NDA version {n.version}</Title>
              {signedCurrent ? <Badge color="green">signed</Badge> : <Badge color="red">not signed</Badge>}
            </Group>
            <Markdown text={n.text} testId="nda-text" />
            <Text size="xs" c="dimmed" mt="sm">
              SHA-256 of this exact text: <Code>{n.sha256}</Code>
            </Text>
          </>
        )}
      </Card>
      <Stack>
        {canSign && n && !signedCurrent && (
          <Card withBorder radius="md">
            <Title order={5} mb="xs">
              Sign version {n.version}
            </Title>
            <TextInput label="Your full name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput
              label="Your title"
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
              mt="xs"
            />
            <ErrorAlert error={error} />
            <Button
              mt="md"
              disabled={!name.trim() || !title.trim()}
              onClick={async () => {
                if (
                  await run(() =>
                    api.post(`/api/partners/${partnerId}/nda-signatures`, {
                      version: n.version,
                      name,
                      title,
                    }),
                  )
                ) {
                  notifications.show({ color: "green", message: `NDA version ${n.version} signed` });
                  sigs.reload();
                  onSigned();
                }
              }}
            >
              Sign NDA
            </Button>
          </Card>
        )}
        <AttestationSection partnerId={partnerId} canRenew={canSign} />
        <Card withBorder radius="md">
          <Title order={5} mb="xs">
            Signatures
          </Title>
          {(sigs.data?.signatures ?? []).length === 0 && <Text c="dimmed">None yet.</Text>}
          {(sigs.data?.signatures ?? []).map((s) => (
            <Text size="sm" key={s.id}>
              Version {s.version}: {s.name}, {s.title} · <Timestamp iso={s.signedAt} />
            </Text>
          ))}
        </Card>
      </Stack>
    </SimpleGrid>
  );
}

export function AttestationSection({ partnerId, canRenew }: { partnerId: string; canRenew: boolean }) {
  const api = useApi();
  const sc = useApiQuery<Scorecard>(`/api/partners/${partnerId}/scorecard`);
  const { error, run } = useAction();
  const [checked, setChecked] = useState<Attestations>({
    securityVendor: false,
    noOffensiveTools: false,
    publishAtRelease: false,
    reportLeaks: false,
  });
  const a = sc.data?.attestation;
  const all = Object.values(checked).every(Boolean);
  return (
    <Card withBorder radius="md" data-testid="attestation">
      <Group justify="space-between" mb="xs">
        <Title order={5}>Yearly attestation</Title>
        {a &&
          (a.current ? (
            <Badge color={a.daysLeft > 30 ? "green" : "orange"}>{a.daysLeft} days left</Badge>
          ) : (
            <Badge color="red">expired</Badge>
          ))}
      </Group>
      {a && (
        <Text size="sm" mb="xs">
          Attested <Timestamp iso={a.attestedAt} />, valid until <Timestamp iso={a.expiresAt} />. Without a
          current attestation nothing is delivered.
        </Text>
      )}
      {canRenew && (
        <Stack gap={6}>
          {(Object.keys(ATTESTATION_LABELS) as (keyof Attestations)[]).map((k) => (
            <Checkbox
              key={k}
              label={ATTESTATION_LABELS[k]}
              checked={checked[k]}
              onChange={(e) => setChecked({ ...checked, [k]: e.currentTarget.checked })}
            />
          ))}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button
              disabled={!all}
              onClick={async () => {
                if (await run(() => api.post(`/api/partners/${partnerId}/attestations`, checked))) {
                  notifications.show({ color: "green", message: "Attestation renewed for a year" });
                  sc.reload();
                }
              }}
            >
              Renew attestation
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}

export function EvidenceSection({ partnerId, canUpload }: { partnerId: string; canUpload: boolean }) {
  const api = useApi();
  const list = useApiQuery<{ evidence: Evidence[] }>(`/api/partners/${partnerId}/evidence`);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function upload() {
    if (!file) return;
    setError(null);
    const me = await api.get<{ csrfToken: string | null }>("/api/me");
    const form = new FormData();
    form.append("file", file);
    const res = await fetch(`/api/partners/${partnerId}/evidence`, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: me.csrfToken ? { "X-CSRF-Token": me.csrfToken } : {},
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as {
        error?: { code: string; message: string; requestId: string };
      } | null;
      setError(
        new ApiError(
          res.status,
          body?.error?.code ?? "error",
          body?.error?.message ?? res.statusText,
          body?.error?.requestId ?? null,
        ),
      );
      return;
    }
    setFile(null);
    list.reload();
  }

  return (
    <Stack>
      <ErrorAlert error={error ?? list.error} />
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
          <Button disabled={!file} onClick={() => void upload()}>
            Upload
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function IncidentCard({
  incident: i,
  canClose,
  onClosed,
}: {
  incident: Incident;
  canClose: boolean;
  onClosed: () => void;
}) {
  const api = useApi();
  const { error, run } = useAction();
  const [resolution, setResolution] = useState("");
  return (
    <Card withBorder radius="md" data-testid="incident-card">
      <Group justify="space-between">
        <Text fw={600}>{i.whatLeaked}</Text>
        <Badge color={i.status === "open" ? "red" : "gray"}>{i.status}</Badge>
      </Group>
      <Text size="sm">
        To {i.toWhom}, {i.leakedAt} · {i.source === "self_report" ? "self-reported" : "reported by staff"}{" "}
        <Timestamp iso={i.reportedAt} />
      </Text>
      {i.resolution && (
        <Text size="sm" c="dimmed">
          Resolution: {i.resolution}
        </Text>
      )}
      {canClose && i.status === "open" && (
        <Group align="flex-end" mt="xs">
          <TextInput
            label="Resolution"
            value={resolution}
            onChange={(e) => setResolution(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button
            variant="default"
            disabled={!resolution.trim()}
            onClick={async () => {
              if (await run(() => api.post(`/api/incidents/${i.id}/close`, { resolution }))) onClosed();
            }}
          >
            Close incident
          </Button>
        </Group>
      )}
      <ErrorAlert error={error} />
    </Card>
  );
}

export function IncidentsSection({
  partnerId,
  canReport,
  canClose,
  onReported,
}: {
  partnerId: string;
  canReport: boolean;
  canClose: boolean;
  onReported: () => void;
}) {
  const api = useApi();
  const list = useApiQuery<{ incidents: Incident[] }>(`/api/partners/${partnerId}/incidents`);
  const { error, run } = useAction();
  const [form, setForm] = useState({ whatLeaked: "", toWhom: "", when: "" });
  return (
    <Stack>
      <ErrorAlert error={error ?? list.error} />
      {(list.data?.incidents ?? []).map((i) => (
        <IncidentCard key={i.id} incident={i} canClose={canClose} onClosed={list.reload} />
      ))}
      {(list.data?.incidents ?? []).length === 0 && <Text c="dimmed">No incidents on record.</Text>}
      {canReport && (
        <Card withBorder radius="md">
          <Title order={5} mb="xs">
            Report a leak
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Tell us at once; a prompt self-report weighs in your favour.
          </Text>
          <Textarea
            label="What leaked"
            value={form.whatLeaked}
            onChange={(e) => setForm({ ...form, whatLeaked: e.currentTarget.value })}
          />
          <TextInput
            label="To whom"
            value={form.toWhom}
            onChange={(e) => setForm({ ...form, toWhom: e.currentTarget.value })}
            mt="xs"
          />
          <TextInput
            label="When"
            value={form.when}
            onChange={(e) => setForm({ ...form, when: e.currentTarget.value })}
            mt="xs"
          />
          <Group justify="flex-end" mt="md">
            <Button
              color="red"
              onClick={async () => {
                if (await run(() => api.post(`/api/partners/${partnerId}/incidents`, form))) {
                  setForm({ whatLeaked: "", toWhom: "", when: "" });
                  list.reload();
                  onReported();
                }
              }}
            >
              Report leak
            </Button>
          </Group>
        </Card>
      )}
    </Stack>
  );
}

export function ScorecardSection({ partnerId }: { partnerId: string }) {
  const sc = useApiQuery<Scorecard>(`/api/partners/${partnerId}/scorecard`);
  const s = sc.data;
  return (
    <>
      <ErrorAlert error={sc.error} />
      {s && (
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} data-testid="scorecard">
          <Metric
            label="NDA"
            value={s.nda.current ? `version ${s.nda.signedVersion} signed` : "current version not signed"}
            ok={s.nda.current}
          />
          <Metric
            label="Attestation"
            value={s.attestation.current ? `${s.attestation.daysLeft} days left` : "expired"}
            ok={s.attestation.current && s.attestation.daysLeft > 30}
          />
          <Metric
            label="Incidents"
            value={`${s.incidents.total} (${s.incidents.open} open, ${s.incidents.selfReported} self-reported)`}
            ok={s.incidents.open === 0}
          />
          <Metric label="Acknowledgement times" value={s.acknowledgements.note} ok={null} />
          <Metric label="Protections shipped" value={s.protectionsShipped.note} ok={null} />
          <Metric
            label="Eligibility"
            value={
              s.eligibility.eligible
                ? `${s.eligibility.tier}, ${formatLead(s.eligibility.leadTime)}`
                : "not eligible"
            }
            ok={s.eligibility.eligible}
          />
        </SimpleGrid>
      )}
    </>
  );
}

function Metric({ label, value, ok }: { label: string; value: string; ok: boolean | null }) {
  return (
    <Card withBorder radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} c={ok === null ? "dimmed" : ok ? "green" : "red"}>
        {value}
      </Text>
    </Card>
  );
}

export type CopyIdentifiers = {
  cveIds: string[];
  cvss: { version: string; vector: string; score: number; severity: string } | null;
  cwe: { id: string; name: string } | null;
};

/**
 * What a partner needs beside the text of its copy: when the embargo ends (T0 in UTC and in the
 * reader's zone, while it lasts) and the CVE IDs, CVSS and CWE as they are now.
 */
export function CopyFacts({
  publicAt,
  identifiers,
}: {
  publicAt: string | null;
  identifiers: CopyIdentifiers;
}) {
  return (
    <Paper withBorder p="md" data-testid="copy-facts">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <div>
          <Text size="xs" c="dimmed">
            Embargo ends (T0)
          </Text>
          {publicAt ? (
            <>
              <Text size="sm" fw={600}>
                {formatUtc(publicAt)}
              </Text>
              <Text size="xs" c="dimmed">
                your time: {formatLocal(publicAt)}
              </Text>
            </>
          ) : (
            <Text size="sm">public: the embargo is over</Text>
          )}
        </div>
        <div>
          <Text size="xs" c="dimmed">
            CVE
          </Text>
          <Text size="sm" fw={600}>
            {identifiers.cveIds.length ? identifiers.cveIds.join(", ") : "not assigned yet"}
          </Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            CVSS
          </Text>
          {identifiers.cvss ? (
            <>
              <Text size="sm" fw={600}>
                {identifiers.cvss.score} {identifiers.cvss.severity}
              </Text>
              <Code style={{ wordBreak: "break-all" }}>{identifiers.cvss.vector}</Code>
            </>
          ) : (
            <Text size="sm">not scored yet</Text>
          )}
        </div>
        <div>
          <Text size="xs" c="dimmed">
            CWE
          </Text>
          <Text size="sm" fw={600}>
            {identifiers.cwe ? `${identifiers.cwe.id} ${identifiers.cwe.name}` : "none given"}
          </Text>
        </div>
      </SimpleGrid>
    </Paper>
  );
}
