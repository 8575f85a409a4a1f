// Accepting an invitation (no login): choose a password, then sign in.
import { Alert, Anchor, Button, Container, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { useApiMutation } from "../../app/useApiMutation.ts";

export function InvitePage() {
  const { token = "" } = useParams();
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState<string | null>(null);
  const accept = useApiMutation({
    fn: (value: string, api) => api.call("acceptInvite", { params: { token }, body: { password: value } }),
    onSuccess: (r) => setEmail(r.email),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    accept.mutate(password);
  }

  return (
    <Container size="xs" py="xl">
      <Title order={2} mb="md">
        Join your organisation in Forewarn
      </Title>
      {email ? (
        <Alert color="green" title="Your account is ready" data-testid="invite-accepted">
          <Text size="sm">
            Sign in as {email}.{" "}
            <Anchor component={Link} to="/login">
              Go to sign-in
            </Anchor>
          </Text>
        </Alert>
      ) : (
        <Paper withBorder radius="md" p="lg" component="form" onSubmit={submit}>
          <Stack>
            <PasswordInput
              label="Choose a password"
              description="At least 12 characters"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              required
            />
            <Button type="submit" loading={accept.isPending}>
              Set password
            </Button>
          </Stack>
        </Paper>
      )}
    </Container>
  );
}
