// Staff actions on one partner: approve or reject an application, suspend, reinstate, remove (each
// with a reason for the timeline) and move it to another tier.
import { Button, Group, Select, Stack } from "@mantine/core";
import { IconBan, IconCheck, IconPlayerPlay, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import type { OperationId } from "../../../../src/contract/index.ts";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import type { PartnerDetail } from "./model.ts";
import { ReasonModal } from "./ReasonModal.tsx";

type Sanction = "suspend" | "reinstate" | "remove" | "reject";

/** The operation of each sanction; each takes the reason for the partner's timeline. */
const SANCTION_OPS = {
  suspend: "suspendPartner",
  reinstate: "reinstatePartner",
  remove: "removePartner",
  reject: "rejectPartner",
} as const satisfies Record<Sanction, OperationId>;

export function StaffActions({ partner }: { partner: PartnerDetail }) {
  const tiers = useApiQuery("listTiers");
  const [action, setAction] = useState<Sanction | null>(null);
  const [reason, setReason] = useState("");
  const s = partner.status;
  const stale = [`/api/partners/${partner.id}`, "/api/partners"];

  const approve = useApiMutation({
    fn: (_, api) => api.call("approvePartner", { params: { id: partner.id } }),
    invalidates: stale,
    success: "Approval recorded",
  });
  const moveTier = useApiMutation({
    fn: (tier: string, api) => api.call("setPartnerTier", { params: { id: partner.id }, body: { tier } }),
    invalidates: stale,
    success: (_, tier) => `Moved to ${tier}`,
  });
  const sanction = useApiMutation({
    fn: (v: { action: Sanction; reason: string }, api) =>
      api.call(SANCTION_OPS[v.action], { params: { id: partner.id }, body: { reason: v.reason } }),
    invalidates: stale,
    success: (_, v) => `${partner.name}: ${v.action} done`,
    onSuccess: () => {
      setAction(null);
      setReason("");
    },
  });

  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        {(s === "applicant" || s === "under_review") && (
          <>
            <Button leftSection={<IconCheck size={16} />} onClick={() => approve.mutate()}>
              Approve
            </Button>
            <Button variant="default" onClick={() => setAction("reject")}>
              Reject
            </Button>
          </>
        )}
        {s === "active" && (
          <Button color="orange" leftSection={<IconBan size={16} />} onClick={() => setAction("suspend")}>
            Suspend
          </Button>
        )}
        {s === "suspended" && (
          <Button
            color="green"
            leftSection={<IconPlayerPlay size={16} />}
            onClick={() => setAction("reinstate")}
          >
            Reinstate
          </Button>
        )}
        {s !== "removed" && (
          <Button
            color="red"
            variant="subtle"
            leftSection={<IconTrash size={16} />}
            onClick={() => setAction("remove")}
          >
            Remove
          </Button>
        )}
        <Select
          aria-label="Tier"
          w={150}
          data={(tiers.data?.tiers ?? []).map((t) => t.name)}
          value={partner.tier}
          onChange={(v) => v && v !== partner.tier && moveTier.mutate(v)}
        />
      </Group>
      <ReasonModal
        opened={action !== null}
        onClose={() => setAction(null)}
        title={`${action ?? ""} ${partner.name}`}
        description={
          action === "suspend"
            ? "Delivery stops at once. The reason goes on the partner's timeline, for staff only: the partner sees the status change."
            : "Recorded on the timeline (staff only) and in the audit log."
        }
        reason={reason}
        setReason={setReason}
      >
        <Button
          color={action === "reinstate" ? "green" : "red"}
          disabled={!reason.trim()}
          loading={sanction.isPending}
          onClick={() => action && sanction.mutate({ action, reason })}
        >
          Confirm {action}
        </Button>
      </ReasonModal>
    </Stack>
  );
}
