// The signed-in user's own account: profile, API tokens for scripts, two-factor authentication.
import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useCan, useCurrentUser } from "../../app/auth.tsx";
import { PageHeader, Timestamp } from "../../app/components.tsx";
import { ROLE_LABELS } from "../../app/types.ts";
import { ApiTokensSection } from "./ApiTokensSection.tsx";
import { TwoFactorSection } from "./TwoFactorSection.tsx";

export function AccountPage() {
  const user = useCurrentUser();
  /** Staff belong to the programme itself; others are shown their organisation. */
  const staff = useCan("programme:overview");
  return (
    <>
      <PageHeader title="Account" description="Your profile, API tokens and sign-in security." />
      <Stack gap="lg" maw={960}>
        <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="profile-title">
          <Title order={3} size="h4" mb="md" id="profile-title">
            Profile
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
            <Field label="Name">{user.name}</Field>
            <Field label="Email">{user.email}</Field>
            <Field label="Role">
              <Badge variant="light">{ROLE_LABELS[user.role]}</Badge>
            </Field>
            {!staff && <Field label="Organisation">{user.organisationId ?? "—"}</Field>}
            <Field label="Member since">
              <Timestamp iso={user.createdAt} />
            </Field>
            <Field label="Two-factor authentication">
              <Badge variant="light" color={user.totpEnabled ? "teal" : "orange"}>
                {user.totpEnabled ? "On" : "Off"}
              </Badge>
            </Field>
          </SimpleGrid>
        </Paper>
        <TwoFactorSection />
        <ApiTokensSection />
      </Stack>
    </>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Group gap={4} align="baseline" wrap="nowrap">
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <Text size="sm" component="div">
          {children}
        </Text>
      </Stack>
    </Group>
  );
}
