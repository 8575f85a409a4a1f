// Review of the current revision: ask for review, approve (never one's own), send back to draft with
// what must change, and the review history.
import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { useApi, useCurrentUser } from "../../app/auth.tsx";
import { ModalActions, SectionCard, Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { type Advisory, whoIs } from "./model.ts";

export function ReviewCard({ a }: { a: Advisory }) {
  const api = useApi();
  const user = useCurrentUser();
  const [requesting, setRequesting] = useState(false);
  const [changes, setChanges] = useState("");
  const act = useApiMutation({
    fn: ({ f }: { f: () => Promise<unknown>; message: string }) => f(),
    invalidates: [`/api/advisories/${a.id}`, "/api/advisories"],
    success: (_, v) => v.message,
  });
  const author = a.revision.authorId === user.id;
  return (
    <SectionCard title="Review">
      <Group gap="xs">
        {a.state === "draft" && (
          <Button
            variant="light"
            onClick={() =>
              act.mutate({
                f: () => api.call("submitAdvisory", { params: { id: a.id } }),
                message: "Sent for review",
              })
            }
          >
            Ask for review
          </Button>
        )}
        {a.state === "in_review" && (
          <Button
            color="teal"
            disabled={author}
            onClick={() =>
              act.mutate({
                f: () =>
                  api.call("approveAdvisory", {
                    params: { id: a.id },
                    body: { revision: a.currentRevision },
                  }),
                message: "Approved",
              })
            }
          >
            Approve revision {a.currentRevision}
          </Button>
        )}
        {a.state === "in_review" && (
          <Button variant="default" disabled={author} onClick={() => setRequesting(true)}>
            Request changes
          </Button>
        )}
        {a.state === "approved" && !a.publishedAt && (
          <Button component={Link} to={`/releases/${a.id}`}>
            Plan release
          </Button>
        )}
      </Group>
      {a.state === "approved" && !a.publishedAt && (
        <Text size="sm" c="dimmed" mt="xs">
          Next: plan its release. Partners get it in waves before T0; the public at T0.
        </Text>
      )}
      <Modal
        opened={requesting}
        onClose={() => setRequesting(false)}
        title={`Send revision ${a.currentRevision} back to draft`}
      >
        <Stack>
          <Text size="sm">
            Revision {a.currentRevision} leaves review and goes back to draft: it cannot be approved or
            released until it is submitted and reviewed again. Say what must change.
          </Text>
          <Textarea
            label="What must change"
            required
            autosize
            minRows={3}
            maxLength={5000}
            value={changes}
            onChange={(e) => setChanges(e.currentTarget.value)}
          />
          <ModalActions cancel="Keep in review" onCancel={() => setRequesting(false)}>
            <Button
              disabled={!changes.trim()}
              onClick={() =>
                act.mutate({
                  f: async () => {
                    await api.call("requestAdvisoryChanges", {
                      params: { id: a.id },
                      body: { comment: changes.trim() },
                    });
                    setRequesting(false);
                    setChanges("");
                  },
                  message: "Sent back to draft",
                })
              }
            >
              Send back to draft
            </Button>
          </ModalActions>
        </Stack>
      </Modal>
      {a.state === "draft" && (
        <Text size="sm" c="dimmed" mt="xs">
          A draft is approved after review: ask for review, then another staff member approves it.
        </Text>
      )}
      {author && a.state === "in_review" && (
        <Text size="sm" c="dimmed" mt="xs">
          You wrote this revision: another staff member approves it.
        </Text>
      )}
      <Stack gap={2} mt="sm">
        {a.reviews.map((r) => (
          <Text key={`${r.revision}-${r.createdAt}`} size="sm">
            Revision {r.revision}: {r.decision.replace("_", " ")} by {whoIs(a.people, r.reviewerId)}{" "}
            <Timestamp iso={r.createdAt} relative />
            {r.comment ? ` — ${r.comment}` : ""}
          </Text>
        ))}
      </Stack>
    </SectionCard>
  );
}
