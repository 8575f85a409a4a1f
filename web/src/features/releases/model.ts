// The release engine's API as the web shell sees it: aliases of the API contract (src/contract/),
// for the release pages, the live wave view and the partner inbox.
import type { Output } from "../../../../src/contract/index.ts";

export type Plan = Output<"getReleasePlan">;
export type Wave = Plan["waves"][number];
export type PlanList = Output<"listReleasePlans">["items"];
export type Preview = Output<"previewReleasePlan">;
export type Status = Output<"getReleaseStatus">;
export type WaveStatus = Status["waves"][number];
export type InboxItem = Output<"listPartnerAdvisories">["items"][number];
export type CopyAnswer = Output<"getPartnerAdvisory">;
export type WebhookLog = Output<"listReleaseWebhooks">;
