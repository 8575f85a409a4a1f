// Sign in: email and password, then — for accounts with two-factor authentication — the 6-digit code
// from the authenticator app, or one of the recovery codes.
import {
  Alert,
  Anchor,
  Box,
  Button,
  Center,
  Code,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconInfoCircle, IconShieldHalfFilled, IconShieldLock } from "@tabler/icons-react";
import { type ReactNode, useEffect, useState } from "react";
import { useLocation } from "react-router";
import { contract, type Input } from "../../../../src/contract/index.ts";
import { ApiError } from "../../app/api.ts";
import { useAuth } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { fieldErrors } from "../../app/mutationErrors.ts";
import type { Health } from "../../app/types.ts";

type Step = "password" | "totp" | "recovery";
type LoginValues = { step: Step; email: string; password: string; totp: string; recoveryCode: string };

/** What the sign-in sends at this step: the password, then the code or the recovery code. */
function loginBody(v: LoginValues): Input<"login">["body"] {
  return {
    email: v.email.trim(),
    password: v.password,
    ...(v.step === "totp" ? { totp: v.totp.replace(/\s+/g, "") } : {}),
    ...(v.step === "recovery" ? { recoveryCode: v.recoveryCode.trim() } : {}),
  };
}

/** The contract's login schema over what this step sends; each refusal on its field. */
function validateLogin(v: LoginValues): Record<string, string> {
  const r = contract.login.body.safeParse(loginBody(v));
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0] ?? "email"), i.message]));
}

export function LoginPage() {
  const { api, signIn } = useAuth();
  const [health, setHealth] = useState<Health | null>(null);
  useEffect(() => {
    api.call("health").then(setHealth, () => {});
  }, [api]);
  const location = useLocation();
  const reason = (location.state as { reason?: string } | null)?.reason;

  const form = useForm<LoginValues>({
    initialValues: { step: "password", email: "", password: "", totp: "", recoveryCode: "" },
    validate: validateLogin,
  });
  const { step, email, password, totp: code, recoveryCode } = form.values;
  const setStep = (s: Step) => form.setFieldValue("step", s);
  const setCode = (c: string) => form.setFieldValue("totp", c);
  const switchTo = (s: Step) => {
    setStep(s);
    setError(null);
  };
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A lockout is per account: only the address that was refused waits, another may try at once.
  const [lockout, setLockout] = useState<{ email: string; until: number } | null>(null);
  const waitSeconds = useSecondsUntil(lockout?.until ?? null);
  const blocked = waitSeconds > 0 && lockout?.email === email.trim();

  async function submit(values: LoginValues) {
    if (blocked) return;
    setError(null);
    setLockout(null);
    setBusy(true);
    try {
      const session = await api.call("login", { body: loginBody(values) });
      await signIn(session);
    } catch (err) {
      if (err instanceof ApiError && err.code === "totp_required" && step === "password") {
        setStep("totp");
        setCode("");
      } else {
        setError(err);
        if (step === "totp") setCode("");
        // A 400 names the fields it refused: each is marked where it was typed.
        if (err instanceof ApiError && err.issues.length)
          form.setErrors(fieldErrors(err.issues, ["email", "password", "totp", "recoveryCode"]));
        if (err instanceof ApiError && err.retryAfterSeconds) {
          setLockout({ email: email.trim(), until: Date.now() + err.retryAfterSeconds * 1000 });
        }
      }
    } finally {
      setBusy(false);
    }
  }

  function backToPassword() {
    form.setValues({ step: "password", password: "", totp: "", recoveryCode: "" });
    form.clearErrors();
    setError(null);
  }

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Box w="100%" maw={420}>
        <Stack align="center" gap={6} mb="lg">
          <ThemeIcon size={48} radius="xl" variant="filled">
            <IconShieldHalfFilled size={28} />
          </ThemeIcon>
          <Title order={1} size="h2">
            Forewarn
          </Title>
          <Text c="dimmed" size="sm" ta="center">
            Early vulnerability alerts for vetted partners, with every copy traceable.
          </Text>
        </Stack>

        <Paper withBorder shadow="sm" radius="md" p="xl">
          <form onSubmit={form.onSubmit(submit)} noValidate>
            {step === "password" ? (
              <Stack>
                <Title order={2} size="h4">
                  Sign in
                </Title>
                {health?.adminExists === false && (
                  <Alert
                    color="blue"
                    variant="light"
                    icon={<IconInfoCircle size={18} />}
                    title="A new instance"
                  >
                    <Text size="sm">No administrator exists yet. On the server, create one:</Text>
                    <Code block mt={6} style={{ whiteSpace: "pre-wrap" }}>
                      FOREWARN_PASSWORD='…' npx forewarn admin create --email you@example.org
                    </Code>
                  </Alert>
                )}
                {reason === "expired" && !error && (
                  <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />}>
                    Your session has ended. Sign in again to continue.
                  </Alert>
                )}
                {reason === "signed_out" && !error && (
                  <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />}>
                    You have signed out.
                  </Alert>
                )}
                <ErrorAlert error={error} />
                {blocked && <RetryCountdown seconds={waitSeconds} />}
                <TextInput
                  label="Email"
                  type="email"
                  name="email"
                  autoComplete="username"
                  required
                  autoFocus
                  {...form.getInputProps("email")}
                />
                <PasswordInput
                  label="Password"
                  name="password"
                  autoComplete="current-password"
                  required
                  {...form.getInputProps("password")}
                />
                <Button
                  type="submit"
                  loading={busy}
                  disabled={!email.trim() || !password || blocked}
                  fullWidth
                >
                  Sign in
                </Button>
              </Stack>
            ) : (
              <Stack>
                <Group gap="sm" wrap="nowrap">
                  <ThemeIcon variant="light" size="lg" radius="md">
                    <IconShieldLock size={20} />
                  </ThemeIcon>
                  <Title order={2} size="h4">
                    Two-factor authentication
                  </Title>
                </Group>
                <ErrorAlert error={error} />
                {blocked && <RetryCountdown seconds={waitSeconds} />}
                {step === "totp" ? (
                  <>
                    <Text size="sm" c="dimmed">
                      Enter the 6-digit code from the authenticator app for <b>{email.trim()}</b>.
                    </Text>
                    <TextInput
                      label="Authentication code"
                      name="totp"
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      placeholder="123 456"
                      maxLength={7}
                      required
                      autoFocus
                      {...form.getInputProps("totp")}
                      onChange={(e) => setCode(e.currentTarget.value.replace(/[^\d ]/g, ""))}
                      styles={{ input: { fontSize: 20, letterSpacing: 6, textAlign: "center" } }}
                    />
                    <Button
                      type="submit"
                      loading={busy}
                      disabled={code.replace(/\s+/g, "").length !== 6 || blocked}
                      fullWidth
                    >
                      Verify
                    </Button>
                    <StepLink onClick={() => switchTo("recovery")}>Use a recovery code instead</StepLink>
                  </>
                ) : (
                  <>
                    <Text size="sm" c="dimmed">
                      Enter one of the recovery codes you saved when you turned on two-factor authentication.
                      Each code works once.
                    </Text>
                    <TextInput
                      label="Recovery code"
                      name="recoveryCode"
                      autoComplete="off"
                      required
                      autoFocus
                      {...form.getInputProps("recoveryCode")}
                      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                    />
                    <Button type="submit" loading={busy} disabled={!recoveryCode.trim() || blocked} fullWidth>
                      Verify
                    </Button>
                    <StepLink onClick={() => switchTo("totp")}>Use the authenticator app instead</StepLink>
                  </>
                )}
                <Anchor component="button" type="button" size="sm" c="dimmed" onClick={backToPassword}>
                  Sign in as someone else
                </Anchor>
              </Stack>
            )}
          </form>
        </Paper>
      </Box>
    </Center>
  );
}

/** A link-styled button that switches the sign-in step. */
function StepLink({ children, onClick }: { children: ReactNode; onClick(): void }) {
  return (
    <Anchor component="button" type="button" size="sm" onClick={onClick}>
      {children}
    </Anchor>
  );
}

/** Whole seconds until `at` (a Date.now() value), ticking down once a second; 0 when past or null. */
function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= at) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

function RetryCountdown({ seconds }: { seconds: number }) {
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return (
    <Text size="sm" c="dimmed" role="status" data-testid="retry-countdown">
      You can try again in {m}:{s}.
    </Text>
  );
}
