// Two-factor authentication with an authenticator app (TOTP): enrol by scanning a QR code and
// confirming one code, then keep the ten single-use recovery codes, which are shown only once.
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  PasswordInput,
  SimpleGrid,
  Spoiler,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconCheck, IconCopy, IconDownload, IconShieldLock } from "@tabler/icons-react";
import { QRCodeSVG } from "qrcode.react";
import { type FormEvent, useState } from "react";
import { useAuth, useCurrentUser } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import type { TotpEnrolment } from "../../app/types.ts";

export function TwoFactorSection() {
  const user = useCurrentUser();
  const { api, refresh } = useAuth();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [disabling, setDisabling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api.post<TotpEnrolment>("/api/me/totp"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="totp-title">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Title order={3} size="h4" id="totp-title">
            Two-factor authentication
          </Title>
          <Badge variant="light" color={user.totpEnabled ? "teal" : "orange"}>
            {user.totpEnabled ? "On" : "Off"}
          </Badge>
        </Group>
        {user.totpEnabled && !recoveryCodes && (
          <Button variant="subtle" color="red" onClick={() => setDisabling(true)}>
            Turn off
          </Button>
        )}
        {!user.totpEnabled && !enrolment && (
          <Button leftSection={<IconShieldLock size={16} />} onClick={start} loading={busy}>
            Set up two-factor authentication
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {user.totpEnabled
          ? "Signing in asks for a code from your authenticator app after your password."
          : "Add a second step to signing in: a 6-digit code from an authenticator app on your phone. Recommended for every account, required in practice for staff."}
      </Text>
      <ErrorAlert error={error} />

      {recoveryCodes && (
        <RecoveryCodes
          codes={recoveryCodes}
          email={user.email}
          onDone={() => {
            setRecoveryCodes(null);
          }}
        />
      )}
      {enrolment && !user.totpEnabled && (
        <Enrolment
          enrolment={enrolment}
          onCancel={() => setEnrolment(null)}
          onConfirmed={async (codes) => {
            setEnrolment(null);
            setRecoveryCodes(codes);
            await refresh();
          }}
        />
      )}

      <DisableModal
        opened={disabling}
        onClose={() => setDisabling(false)}
        onDisabled={async () => {
          setDisabling(false);
          notifications.show({ color: "orange", message: "Two-factor authentication is off." });
          await refresh();
        }}
      />
    </Paper>
  );
}

function Enrolment({
  enrolment,
  onCancel,
  onConfirmed,
}: {
  enrolment: TotpEnrolment;
  onCancel(): void;
  onConfirmed(codes: string[]): void;
}) {
  const { api } = useAuth();
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const digits = code.replace(/\s+/g, "");

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { recoveryCodes } = await api.post<{ recoveryCodes: string[] }>("/api/me/totp/confirm", {
        code: digits,
      });
      onConfirmed(recoveryCodes);
    } catch (err) {
      setError(err);
      setCode("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder radius="md" p="md" bg="var(--mantine-color-default-hover)" data-testid="totp-enrolment">
      <Group align="flex-start" gap="xl">
        <Stack align="center" gap={6}>
          <div style={{ background: "white", padding: 8, borderRadius: 8, lineHeight: 0 }}>
            <QRCodeSVG
              value={enrolment.otpauthUri}
              size={176}
              marginSize={0}
              title="QR code for your authenticator app"
            />
          </div>
          <Text size="xs" c="dimmed">
            Scan with your authenticator app
          </Text>
        </Stack>
        <Stack gap="sm" style={{ flex: 1, minWidth: 260 }}>
          <Text size="sm">
            <b>1.</b> Scan the QR code, or enter this key by hand:
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Code fz="sm" style={{ letterSpacing: 1, wordBreak: "break-all" }} data-testid="totp-secret">
              {enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}
            </Code>
            <CopyButton value={enrolment.secret}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="subtle" onClick={copy}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Spoiler maxHeight={0} showLabel="Show the otpauth:// link" hideLabel="Hide the link">
            <Code block style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }} data-testid="totp-uri">
              {enrolment.otpauthUri}
            </Code>
          </Spoiler>
          <form onSubmit={confirm}>
            <Stack gap="sm">
              <Text size="sm">
                <b>2.</b> Enter the 6-digit code the app shows now:
              </Text>
              <ErrorAlert error={error} />
              <Group gap="sm" align="flex-end">
                <TextInput
                  aria-label="Code from your authenticator app"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  placeholder="123 456"
                  maxLength={7}
                  w={160}
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value.replace(/[^\d ]/g, ""))}
                  styles={{ input: { letterSpacing: 4, textAlign: "center" } }}
                />
                <Button type="submit" loading={busy} disabled={digits.length !== 6}>
                  Turn on
                </Button>
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      </Group>
    </Paper>
  );
}

function RecoveryCodes({ codes, email, onDone }: { codes: string[]; email: string; onDone(): void }) {
  const text = `Forewarn recovery codes for ${email}\nEach code can be used once instead of an authenticator code.\n\n${codes.join("\n")}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "forewarn-recovery-codes.txt";
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title="Two-factor authentication is on. Save your recovery codes now."
      data-testid="recovery-codes"
    >
      <Stack gap="sm">
        <Text size="sm">
          If you lose your phone, each of these codes signs you in once. They are shown only this time.
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={4} maw={420}>
          {codes.map((c) => (
            <Code key={c} fz="sm">
              {c}
            </Code>
          ))}
        </SimpleGrid>
        <Group gap="xs">
          <CopyButton value={codes.join("\n")}>
            {({ copied, copy }) => (
              <Button
                size="xs"
                variant="light"
                onClick={copy}
                leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
              >
                {copied ? "Copied" : "Copy all"}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="light" onClick={download} leftSection={<IconDownload size={14} />}>
            Download .txt
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            I have saved them
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function DisableModal({
  opened,
  onClose,
  onDisabled,
}: {
  opened: boolean;
  onClose(): void;
  onDisabled(): void;
}) {
  const { api } = useAuth();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.del("/api/me/totp", { password });
      setPassword("");
      onDisabled();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={() => {
        setPassword("");
        setError(null);
        onClose();
      }}
      title="Turn off two-factor authentication?"
      centered
    >
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            Signing in will ask only for your password, and your recovery codes stop working. Confirm with
            your password.
          </Text>
          <ErrorAlert error={error} />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            data-autofocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy} disabled={!password}>
              Turn off
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
