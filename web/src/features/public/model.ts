// The public pages' API as the web shell sees it: aliases of the API contract (src/contract/).
import type { Output } from "../../../../src/contract/index.ts";

export type PublicEntry = Output<"listPublicAdvisories">["items"][number];
export type PublicAdvisory = Output<"getPublicAdvisory">;
