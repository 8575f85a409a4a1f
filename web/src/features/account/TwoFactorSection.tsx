// Two-factor authentication with an authenticator app (TOTP): enrol by scanning a QR code and
// confirming one code, then keep the ten single-use recovery codes, which are shown only once.
import {
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Spoiler,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconShieldLock } from "@tabler/icons-react";
import { QRCodeSVG } from "qrcode.react";
import { useState } from "react";
import { contract, type Input } from "../../../../src/contract/index.ts";
import { useAuth, useCurrentUser } from "../../app/auth.tsx";
import { CopyValueButton, ModalActions } from "../../app/components.tsx";
import type { TotpEnrolment } from "../../app/types.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { RecoveryCodes } from "./RecoveryCodes.tsx";

type ConfirmValues = Input<"confirmTotp">["body"];
type DisableValues = Input<"disableTotp">["body"];

export function TwoFactorSection() {
  const user = useCurrentUser();
  const { refresh } = useAuth();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [disabling, setDisabling] = useState(false);
  const start = useApiMutation({
    fn: (_, api) => api.call("beginTotp"),
    onSuccess: setEnrolment,
  });

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
          <Button
            leftSection={<IconShieldLock size={16} />}
            onClick={() => start.mutate()}
            loading={start.isPending}
          >
            Set up two-factor authentication
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {user.totpEnabled
          ? "Signing in asks for a code from your authenticator app after your password."
          : "Add a second step to signing in: a 6-digit code from an authenticator app on your phone. Recommended for every account, required in practice for staff."}
      </Text>
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
  // The contract's body: six digits (spaces are dropped as they are typed).
  const form = useSchemaForm<ConfirmValues>(contract.confirmTotp.body, { code: "" });
  const turnOn = useApiMutation({
    fn: (v: ConfirmValues, api) => api.call("confirmTotp", { body: v }),
    form,
    fields: ["code"],
    onSuccess: (r) => onConfirmed(r.recoveryCodes),
    // A refused code is cleared so the next one can be typed at once; the reason stays on the field.
    onError: (e) => {
      form.setFieldValue("code", "");
      form.setFieldError("code", e instanceof Error ? e.message : String(e));
    },
  });

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
            <CopyValueButton value={enrolment.secret} size="compact-xs" variant="subtle" />
          </Group>
          <Spoiler maxHeight={0} showLabel="Show the otpauth:// link" hideLabel="Hide the link">
            <Code block style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }} data-testid="totp-uri">
              {enrolment.otpauthUri}
            </Code>
          </Spoiler>
          <form onSubmit={form.onSubmit((v) => turnOn.mutate(v))}>
            <Stack gap="sm">
              <Text size="sm">
                <b>2.</b> Enter the 6-digit code the app shows now:
              </Text>
              <Group gap="sm" align="flex-end">
                <TextInput
                  aria-label="Code from your authenticator app"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  placeholder="123 456"
                  maxLength={7}
                  w={160}
                  {...form.getInputProps("code")}
                  onChange={(e) => form.setFieldValue("code", e.currentTarget.value.replace(/\D/g, ""))}
                  styles={{ input: { letterSpacing: 4, textAlign: "center" } }}
                />
                <Button type="submit" loading={turnOn.isPending} disabled={form.values.code.length !== 6}>
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

function DisableModal({
  opened,
  onClose,
  onDisabled,
}: {
  opened: boolean;
  onClose(): void;
  onDisabled(): void;
}) {
  const form = useSchemaForm<DisableValues>(contract.disableTotp.body, { password: "" });
  const turnOff = useApiMutation({
    fn: (v: DisableValues, api) => api.call("disableTotp", { body: v }),
    form,
    fields: ["password"],
    onSuccess: () => {
      form.reset();
      onDisabled();
    },
    // A wrong password (401) is said on the field it was typed in.
    onError: (e) => form.setFieldError("password", e instanceof Error ? e.message : String(e)),
  });

  return (
    <Modal
      opened={opened}
      onClose={() => {
        form.reset();
        onClose();
      }}
      title="Turn off two-factor authentication?"
      centered
    >
      <form onSubmit={form.onSubmit((v) => turnOff.mutate(v))}>
        <Stack>
          <Text size="sm">
            Signing in will ask only for your password, and your recovery codes stop working. Confirm with
            your password.
          </Text>
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            data-autofocus
            {...form.getInputProps("password")}
          />
          <ModalActions onCancel={onClose}>
            <Button type="submit" color="red" loading={turnOff.isPending} disabled={!form.values.password}>
              Turn off
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
