// Shapes of the forensics API as the investigations pages use them (dates arrive as ISO strings).
import type { Output } from "../../../../src/contract/index.ts";
export type Investigation = {
  id: string;
  title: string;
  advisoryId: string | null;
  observedAt: string | null;
  status: "open" | "closed";
  conclusion: string | null;
  createdAt: string;
  closedAt: string | null;
};

export type Scored = {
  recipientId: string;
  kind: "user" | "organisation";
  partnerId: string;
  partnerName: string;
  partnerStatus: string;
  revision: number;
  score: number;
  threshold: number;
  bound: number;
  accused: boolean;
};

export type Findings = {
  verdict: "accused" | "inconclusive" | "no_match";
  advisoryIds: string[];
  observedPoints: number;
  epsilon: number;
  populationBound: number;
  recipientCount: number;
  accused: Scored[];
  recipients: Scored[];
  distribution: { from: number; to: number; count: number }[];
  located: { startWord: number; endWord: number }[];
  canaries: { recipientId: string; partnerName: string; kind: string; at: string }[];
  warnings: string[];
};

export type Evidence = {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  source: string | null;
  createdAt: string;
};

export type Detail = Investigation & {
  timeline: {
    id: string;
    kind: string;
    at: string;
    actorId: string | null;
    ref: string | null;
    text: string | null;
  }[];
  evidence: Evidence[];
  findings: Findings;
};

export type Exposure = {
  observedAt: string | null;
  publicAt: string | null;
  waves: { id: string; at: string; tier: string | null; partners: number; content: string[] }[];
  recipients: {
    deliveryId: string;
    partnerName: string;
    partnerStatus: string;
    recipientKind: string;
    recipientId: string;
    sections: string[];
    deliveredAt: string;
    firstReadAt: string | null;
    reads: {
      at: string;
      actorId: string | null;
      fileId: string | null;
      ip: string | null;
      userAgent: string | null;
    }[];
    acks: { at: string; status: string }[];
    beforeObserved: boolean;
  }[];
  byObserved: { partners: number; members: number };
  notes: string[];
  coincidence: {
    model: string;
    assumptions: string[];
    windows: { waveId: string; tier: string | null; at: string; days: number; probability: number }[];
    summary: string;
  };
};

/** Word runs as the tracing reader counts them (letters, digits, marks). */
export const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export const formatBound = (x: number) => (x === 0 ? "0" : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));

export type SuspicionList = Output<"listSuspicion">;
export type PartnerSuspicion = Output<"getPartnerSuspicion">;
export type SuspicionTest = PartnerSuspicion["partner"]["combined"];
