// The plan's dialogs: cancel it with a reason, ask for (or, armed, carry out) an embargo break, and
// confirm another coordinator's embargo-break request.
import { Button, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../app/auth.tsx";
import { ModalActions } from "../../app/components.tsx";
import type { PlanAct, PlanDialog } from "./PlanStatus.tsx";

export function PlanModals({
  advisoryId,
  armedNow,
  act,
  dialog,
  close,
}: {
  advisoryId: string;
  /** Armed and approved: a break goes out at once instead of waiting for a second coordinator. */
  armedNow: boolean;
  act: PlanAct;
  /** The one open, if any. */
  dialog: PlanDialog | null;
  close(): void;
}) {
  const api = useApi();
  const [reason, setReason] = useState("");
  const [evidence, setEvidence] = useState("");
  const [cancelReason, setCancelReason] = useState("");
  return (
    <>
      <Modal opened={dialog === "break"} onClose={close} title="Break the embargo">
        <Stack>
          <Text size="sm">
            {armedNow
              ? "Every pending wave goes out now, then the advisory is public, and every partner is told the embargo is over. This cannot be undone."
              : "This plan is not armed: your request waits for a second coordinator to confirm it. Then every pending wave goes out at once, the advisory is public and every partner is told."}
          </Text>
          <Textarea
            label="Reason"
            placeholder="Exploited in the wild"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
          />
          <Textarea
            label="Evidence (link or notes)"
            value={evidence}
            onChange={(e) => setEvidence(e.currentTarget.value)}
            required
          />
          <Button
            color="red"
            disabled={!reason.trim() || !evidence.trim()}
            onClick={() =>
              act(async () => {
                await api.call("breakEmbargo", { params: { id: advisoryId }, body: { reason, evidence } });
                close();
              })
            }
          >
            {armedNow ? "Publish everything now" : "Ask for the embargo break"}
          </Button>
        </Stack>
      </Modal>
      <Modal opened={dialog === "confirmBreak"} onClose={close} title="Confirm the embargo break">
        <Stack>
          <Text size="sm">
            Every pending wave goes out now, then the advisory is public, and every partner is told the
            embargo is over. This cannot be undone.
          </Text>
          <ModalActions cancel="Keep the embargo" onCancel={close}>
            <Button
              color="red"
              onClick={() =>
                act(async () => {
                  await api.call("confirmEmbargoBreak", { params: { id: advisoryId } });
                  close();
                })
              }
            >
              Publish everything now
            </Button>
          </ModalActions>
        </Stack>
      </Modal>
      <Modal opened={dialog === "cancel"} onClose={close} title="Cancel this release plan">
        <Stack>
          <Text size="sm">
            No wave goes out and the advisory is not published at T0: partners receive nothing of it until
            someone plans its release again (and it is approved and armed again).
          </Text>
          <Textarea
            label="Reason"
            placeholder="The vendor moved the fix"
            value={cancelReason}
            onChange={(e) => setCancelReason(e.currentTarget.value)}
            required
          />
          <ModalActions cancel="Keep the plan" onCancel={close}>
            <Button
              color="red"
              disabled={!cancelReason.trim()}
              onClick={() =>
                act(async () => {
                  await api.call("cancelReleasePlan", {
                    params: { id: advisoryId },
                    body: {
                      reason: cancelReason.trim(),
                    },
                  });
                  close();
                  setCancelReason("");
                })
              }
            >
              Cancel the plan
            </Button>
          </ModalActions>
        </Stack>
      </Modal>
    </>
  );
}
