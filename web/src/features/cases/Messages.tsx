// The message thread between the response team and the reporter.
import { Anchor, Button, Card, Group, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { IconMessage } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import type { ApiClient } from "../../app/api.ts";
import { Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { Message } from "./model.ts";

type MessageIn = { body: string; parentId?: string };

/** The message thread; replies name their parent. Used by staff and by the reporter's view. */
export function Messages({
  messages,
  stale,
  staff,
  post,
}: {
  caseId: string;
  messages: Message[];
  /** The reads that show this thread, read again after a message is sent. */
  stale: readonly string[];
  staff: boolean;
  /** Sends one message (the staff's or the reporter's operation). */
  post: (body: MessageIn, api: ApiClient) => Promise<unknown>;
}) {
  const [body, setBody] = useState("");
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const byId = new Map(messages.map((m) => [m.id, m]));
  const send = useApiMutation({
    fn: post,
    invalidates: stale,
    onSuccess: () => {
      setBody("");
      setReplyTo(null);
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    send.mutate({ body, ...(replyTo ? { parentId: replyTo } : {}) });
  }
  const mine = staff ? "staff" : "researcher";
  return (
    <Card withBorder>
      <Group gap={6} mb="sm">
        <IconMessage size={18} />
        <Title order={4}>Messages</Title>
      </Group>
      <Stack gap="xs" aria-label="Messages">
        {messages.length === 0 && (
          <Text size="sm" c="dimmed">
            No messages yet.
          </Text>
        )}
        {messages.map((m) => (
          <Paper
            key={m.id}
            p="sm"
            radius="md"
            bg={m.authorKind === mine ? "var(--mantine-color-blue-light)" : "var(--mantine-color-gray-light)"}
            ml={m.authorKind === mine ? "xl" : 0}
            mr={m.authorKind === mine ? 0 : "xl"}
            data-testid="message"
          >
            <Group justify="space-between" mb={4}>
              <Text size="xs" fw={600}>
                {m.authorKind === "staff" ? "Response team" : "Reporter"}
              </Text>
              <Timestamp iso={m.createdAt} relative />
            </Group>
            {m.parentId && byId.get(m.parentId) && (
              <Text size="xs" c="dimmed" mb={4} lineClamp={1}>
                ↳ {byId.get(m.parentId)?.body}
              </Text>
            )}
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {m.body}
            </Text>
            <Anchor size="xs" component="button" type="button" onClick={() => setReplyTo(m.id)}>
              Reply
            </Anchor>
          </Paper>
        ))}
      </Stack>
      <form onSubmit={submit}>
        <Stack gap="xs" mt="sm">
          {replyTo && (
            <Text size="xs" c="dimmed">
              Replying to: {byId.get(replyTo)?.body.slice(0, 80)}{" "}
              <Anchor component="button" type="button" size="xs" onClick={() => setReplyTo(null)}>
                cancel
              </Anchor>
            </Text>
          )}
          <Textarea
            placeholder={staff ? "Write to the reporter (they get an email)" : "Write to the response team"}
            aria-label="New message"
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={20000}
          />
          <Group justify="flex-end">
            <Button type="submit" disabled={!body.trim()} loading={send.isPending}>
              Send
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
