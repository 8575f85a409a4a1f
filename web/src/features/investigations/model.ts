// Shapes of the forensics API as the investigations pages use them: aliases of the contract's.
import type { Output } from "../../../../src/contract/index.ts";

export type Investigation = Output<"listInvestigations">["items"][number];
export type Detail = Output<"getInvestigation">;
export type Findings = Detail["findings"];
export type Scored = Findings["recipients"][number];
export type Evidence = Detail["evidence"][number];
export type Exposure = Output<"investigationExposure">;

/** Word runs as the tracing reader counts them (letters, digits, marks). */
export const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export const formatBound = (x: number) => (x === 0 ? "0" : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));

export type SuspicionList = Output<"listSuspicion">;
export type PartnerSuspicion = Output<"getPartnerSuspicion">;
export type SuspicionTest = PartnerSuspicion["partner"]["combined"];
