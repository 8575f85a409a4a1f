// A staff decision on a partner that needs a reason: the reason (`description` says where it is
// recorded), then the button that acts (`children`), which the caller keeps disabled until a reason
// is written.
import { Group, Modal, Textarea } from "@mantine/core";
import type { ReactNode } from "react";

export function ReasonModal({
  opened,
  onClose,
  title,
  description,
  reason,
  setReason,
  children,
}: {
  opened: boolean;
  onClose(): void;
  title: string;
  description: ReactNode;
  reason: string;
  setReason(reason: string): void;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Textarea
        label="Reason"
        description={description}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={3}
      />
      <Group justify="flex-end" mt="md">
        {children}
      </Group>
    </Modal>
  );
}
