// Findings of an investigation: every piece of its evidence read together against every delivered
// recipient (organisations and members, whatever their partner's status now) of each matching
// tracing key. ε₁ is shared between the keys tried by a union bound, so the chance that any innocent
// is accused stays at most ε₁ per recipient across revisions.
import { codewords } from "../../tracing/code.ts";
import { type LoadedKey, loadKey, readKeyEvidence } from "../../tracing/keyfile.ts";
import { accuseLayers, DEFAULT_EPSILON, forensics } from "../../tracing/layers.ts";
import { EvidenceError } from "../../tracing/read.ts";
import { renderPlain } from "../../tracing/render.ts";
import type { CanaryHit, DeliveredSource, TracingKeyRef } from "./delivered.ts";

export const TOP_RECIPIENTS = 20;

export type ScoredRecipient = {
  recipientId: string;
  kind: "user" | "organisation";
  partnerId: string;
  partnerName: string;
  partnerStatus: string;
  advisoryId: string;
  revision: number;
  score: number;
  threshold: number;
  bound: number;
  accused: boolean;
};

export type KeyMatch = {
  advisoryId: string;
  revision: number;
  tracingKeyId: string;
  sharedShingles: number | null;
  observedPoints: number;
  recipients: number;
};

export type Findings = {
  verdict: "accused" | "inconclusive" | "no_match";
  advisoryIds: string[];
  matches: KeyMatch[];
  observedPoints: number;
  epsilon: number;
  populationBound: number;
  recipientCount: number;
  accused: ScoredRecipient[];
  recipients: ScoredRecipient[];
  /** Score ÷ threshold of every scored recipient, as a histogram (bins of 0.1 from ≤ -1 to ≥ 2). */
  distribution: { from: number; to: number; count: number }[];
  located: { startWord: number; endWord: number }[];
  markedSpans: { startWord: number; endWord: number; points: number }[];
  evidenceWords: number;
  canaries: (CanaryHit & { certain: true; partnerName: string })[];
  warnings: string[];
};

export type PartnerNames = (ids: string[]) => Promise<Map<string, { name: string; status: string }>>;

const BIN_FROM = -1;
const BIN_TO = 2;
const BIN = 0.1;

function histogram(ratios: number[]): Findings["distribution"] {
  const n = Math.round((BIN_TO - BIN_FROM) / BIN);
  const counts = new Array<number>(n).fill(0);
  for (const r of ratios) {
    const k = Math.min(n - 1, Math.max(0, Math.floor((r - BIN_FROM) / BIN)));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts.map((count, k) => ({
    from: Math.round((BIN_FROM + k * BIN) * 10) / 10,
    to: Math.round((BIN_FROM + (k + 1) * BIN) * 10) / 10,
    count,
  }));
}

/** Loaded keys are kept per tracing key ID: loading compiles the readers (a few ms per key). */
const loadedKeys = new Map<string, LoadedKey>();
export async function loaded(source: DeliveredSource, id: string): Promise<LoadedKey> {
  let k = loadedKeys.get(id);
  if (!k) {
    k = loadKey(await source.keyFile(id));
    if (loadedKeys.size > 200) loadedKeys.clear();
    loadedKeys.set(id, k);
  }
  return k;
}

/**
 * Reads the evidence texts together against each key and accuses.
 * @example computeFindings({ source, partnerNames, canaries }, texts, keys, shared)
 */
export async function computeFindings(
  deps: { source: DeliveredSource; partnerNames: PartnerNames; canaryHits: CanaryHit[] },
  texts: string[],
  keys: TracingKeyRef[],
  shared: Map<string, number> | null,
  epsilon = DEFAULT_EPSILON,
): Promise<Findings> {
  const text = texts.join("\n\n");
  const warnings: string[] = [];
  const matches: KeyMatch[] = [];
  const scored: ScoredRecipient[] = [];
  const ratios: number[] = [];
  const located: Findings["located"] = [];
  const markedSpans: Findings["markedSpans"] = [];
  let observedPoints = 0;
  let evidenceWords = 0;
  let recipientCount = 0;
  const perKey = keys.length > 0 ? epsilon / keys.length : epsilon;
  if (keys.length > 1)
    warnings.push(
      `${keys.length} delivered revisions were tried; ε₁ = ${epsilon} is split between them (${perKey.toPrecision(2)} each)`,
    );
  const raw: (Omit<ScoredRecipient, "partnerName" | "partnerStatus"> & { ratio: number })[] = [];
  for (const ref of keys) {
    const k = await loaded(deps.source, ref.id);
    const recipients = await deps.source.recipients(ref.id);
    if (recipients.length === 0) continue;
    let reading: ReturnType<typeof readKeyEvidence>;
    try {
      reading = readKeyEvidence(k, text);
    } catch (e) {
      if (!(e instanceof EvidenceError)) throw e;
      continue;
    }
    recipientCount += recipients.length;
    const ids = recipients.map((r) => r.recipientId);
    // Codewords are derived from the key (the engine stores codeword(key, recipientId, biases) with
    // each delivery): deriving 10,000 takes a tenth of the time of opening 10,000 sealed ones. The
    // stored codeword of every accused recipient is checked against the derivation below.
    const words = codewords(k.key, ids, k.biases);
    const layers = [...k.file.plan.points, ...(k.file.files ?? []).flatMap((f) => f.plan.points)].map(
      (p) => p.layer,
    );
    // Bounds are computed exactly for accused recipients only: every recipient's bound costs seconds
    // per read and says nothing the threshold does not (a recipient below it is not accused).
    const result = accuseLayers(ids, words, k.biases, reading.symbols, layers, {
      epsilon: perKey,
      bounds: false,
    });
    const advisoryWords = (renderPlain(k.file.plan).match(/[\p{L}\p{N}]+/gu) ?? []).length;
    const f = forensics(result, reading, ids, words, k.biases, advisoryWords, layers);
    for (const w of f.warnings) warnings.push(`revision ${ref.revision}: ${w}`);
    if (result.observedPoints < result.minObservedPoints && result.observedPoints > 0)
      warnings.push(
        `revision ${ref.revision}: only ${result.observedPoints} points observed; nobody is accused on fewer than ${result.minObservedPoints}`,
      );
    observedPoints += result.observedPoints;
    evidenceWords = Math.max(evidenceWords, reading.evidenceWords);
    located.push(...reading.located);
    markedSpans.push(...f.markedSpans);
    matches.push({
      advisoryId: ref.advisoryId,
      revision: ref.revision,
      tracingKeyId: ref.id,
      sharedShingles: shared?.get(ref.id) ?? null,
      observedPoints: result.observedPoints,
      recipients: recipients.length,
    });
    const byId = new Map(recipients.map((r) => [r.recipientId, r]));
    for (const id of result.accused) {
      const d = byId.get(id);
      const stored = d ? await deps.source.storedCodeword(d.deliveryId) : null;
      const derived = words[ids.indexOf(id)];
      if (!stored || !derived || Buffer.compare(Buffer.from(stored), Buffer.from(derived)) !== 0)
        warnings.push(
          `revision ${ref.revision}: the codeword stored with ${id}'s delivery differs from the one the key derives; check the delivery record before acting`,
        );
    }
    for (const r of result.recipients) {
      const d = byId.get(r.id);
      if (!d) continue;
      const ratio = Number.isFinite(r.threshold) && r.threshold > 0 ? r.score / r.threshold : 0;
      raw.push({
        recipientId: r.id,
        kind: d.recipientKind,
        partnerId: d.partnerId,
        advisoryId: ref.advisoryId,
        revision: ref.revision,
        score: r.score,
        threshold: Number.isFinite(r.threshold) ? r.threshold : 0,
        bound: r.bound,
        accused: r.accused,
        ratio,
      });
      ratios.push(ratio);
    }
  }
  raw.sort((a, b) => a.bound - b.bound || b.score - a.score || a.recipientId.localeCompare(b.recipientId));
  // Names only for what is shown: the accused and the top recipients (and canary hits).
  const shown = raw.filter((r, i) => r.accused || i < TOP_RECIPIENTS);
  const names = await deps.partnerNames([
    ...new Set([...shown.map((r) => r.partnerId), ...deps.canaryHits.map((h) => h.partnerId)]),
  ]);
  for (const { ratio: _r, ...r } of shown)
    scored.push({
      ...r,
      partnerName: names.get(r.partnerId)?.name ?? r.partnerId,
      partnerStatus: names.get(r.partnerId)?.status ?? "unknown",
    });
  const accused = scored.filter((r) => r.accused);
  const canaries = deps.canaryHits.map((h) => ({
    ...h,
    certain: true as const,
    partnerName: names.get(h.partnerId)?.name ?? h.partnerId,
  }));
  if (accused.length)
    warnings.push(
      "a quoted excerpt of a recipient's copy is enough to implicate that recipient: the findings say whose copy the marks come from, not who leaked it",
    );
  const verdict: Findings["verdict"] = accused.length
    ? "accused"
    : matches.length === 0
      ? "no_match"
      : "inconclusive";
  return {
    verdict,
    advisoryIds: [...new Set(matches.map((m) => m.advisoryId))],
    matches,
    observedPoints,
    epsilon,
    populationBound: Math.min(1, epsilon * recipientCount),
    recipientCount,
    accused,
    recipients: scored.slice(0, TOP_RECIPIENTS),
    distribution: histogram(ratios),
    located,
    markedSpans,
    evidenceWords,
    canaries,
    warnings,
  };
}
