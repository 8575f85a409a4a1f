// Suspicion across incidents: a partner's evidence accumulated over every investigation whose
// evidence matched a delivered advisory, as one combined test (tracing/combine.ts) per partner.
//
// - An investigation counts only when its evidence matched an advisory (the advisory it names, or
//   the shingle index's match) and could be read (at least one observed point).
// - Each advisory counts once: the evidence of every investigation that matched it is read together
//   against one revision (the one with the most observed points; chosen from the evidence alone, so
//   the choice does not depend on an innocent's codeword). Two investigations of one leak therefore
//   never add the same codeword bits twice.
// - A partner's part of an advisory is its best recipient's score (organisation copy or a member's),
//   paid for in the bound by a union over its k recipients; parts add across advisories.
// - ε₁ = 1e-6 per innocent partner; the chance that any innocent partner is accused is at most
//   ε₁ times the partners tested (populationBound).
import { type Actor, authorize } from "../../authz/authorize.ts";
import { AppError } from "../../platform/errors.ts";
import { codewords } from "../../tracing/code.ts";
import {
  type AdvisoryTerms,
  advisoryScores,
  advisoryTerms,
  type CombinedDecoder,
  type CombinedResult,
  combinedTest,
  type PartnerPart,
} from "../../tracing/combine.ts";
import { readKeyEvidence } from "../../tracing/keyfile.ts";
import { DEFAULT_EPSILON, MIN_OBSERVED_POINTS } from "../../tracing/layers.ts";
import { EvidenceError } from "../../tracing/read.ts";
import type { makeAdvisoryMatch } from "./advisory-match.ts";
import type { ForensicsContext } from "./context.ts";
import type { TracingKeyRef } from "./delivered.ts";
import { loaded } from "./findings.ts";
import { investigationEvidence, investigations } from "./schema.ts";

const DECODERS: CombinedDecoder[] = ["tardos", "single", "robust"];

type Reading = { ref: TracingKeyRef; terms: AdvisoryTerms; parts: Map<string, PartnerPart> };

export type SuspicionTest = Omit<CombinedResult, "log10Bound"> & { advisories: number };

export type PartnerSuspicion = {
  partnerId: string;
  partnerName: string;
  partnerStatus: string;
  /** Distinct advisories whose evidence entered the combined test. */
  advisoriesCounted: number;
  advisoryIds: string[];
  investigationIds: string[];
  combined: SuspicionTest;
  /** Accused across incidents: the combined test's bound is at most ε₁. */
  accused: boolean;
  /** Per advisory (each once), the partner's part and what it alone would say. */
  perAdvisory: (SuspicionTest & {
    advisoryId: string;
    revision: number;
    recipients: number;
    investigationIds: string[];
  })[];
  /** Per investigation, its own evidence alone (each of its advisories once). */
  perInvestigation: (SuspicionTest & { investigationId: string; title: string; advisoryIds: string[] })[];
};

export type Suspicion = {
  epsilon: number;
  minObservedPoints: number;
  partnersTested: number;
  /** ε₁ × partners tested: bound on the chance that any innocent partner is accused across incidents. */
  populationBound: number;
  investigationsCounted: number;
  advisoriesCounted: number;
  partners: PartnerSuspicion[];
};

const strip = ({ log10Bound: _l, ...r }: CombinedResult, advisories: number): SuspicionTest => ({
  ...r,
  threshold: Number.isFinite(r.threshold) ? r.threshold : 0,
  advisories,
});

export function makeSuspicion(c: ForensicsContext, matcher: ReturnType<typeof makeAdvisoryMatch>) {
  const { db } = c;

  /** Reads joined evidence against one key: the decoders' terms and each partner's best recipient. */
  async function readKey(ref: TracingKeyRef, texts: string[]): Promise<Reading | null> {
    const k = await loaded(c.delivered, ref.id);
    const recipients = await c.delivered.recipients(ref.id);
    if (recipients.length === 0) return null;
    let symbols: Int8Array;
    try {
      symbols = readKeyEvidence(k, texts.join("\n\n")).symbols;
    } catch (e) {
      if (e instanceof EvidenceError) return null;
      throw e;
    }
    const terms = advisoryTerms(symbols, k.biases);
    if (terms.observedPoints === 0) return null;
    const words = codewords(
      k.key,
      recipients.map((r) => r.recipientId),
      k.biases,
    );
    const scores = advisoryScores(terms, words);
    const parts = new Map<string, PartnerPart>();
    recipients.forEach((r, j) => {
      let p = parts.get(r.partnerId);
      if (!p) {
        p = {
          terms,
          best: { tardos: -Infinity, single: -Infinity, robust: -Infinity },
          recipients: 0,
        };
        parts.set(r.partnerId, p);
      }
      p.recipients++;
      for (const d of DECODERS) p.best[d] = Math.max(p.best[d], scores[d][j] ?? -Infinity);
    });
    return { ref, terms, parts };
  }

  /** Per advisory, the reading with the most observed points among its revisions. */
  async function readAdvisories(
    keysByAdvisory: Map<string, Map<string, TracingKeyRef>>,
    textsOf: (advisoryId: string) => string[],
  ) {
    const out = new Map<string, Reading>();
    for (const [advisoryId, keys] of keysByAdvisory) {
      let best: Reading | null = null;
      for (const ref of [...keys.values()].sort((a, b) => a.id.localeCompare(b.id))) {
        const r = await readKey(ref, textsOf(advisoryId));
        if (r && (!best || r.terms.observedPoints > best.terms.observedPoints)) best = r;
      }
      if (best) out.set(advisoryId, best);
    }
    return out;
  }

  async function compute(epsilon = DEFAULT_EPSILON): Promise<Suspicion> {
    const invs = await db.select().from(investigations);
    invs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    const evidence = await db.select().from(investigationEvidence);
    const textsOf = new Map<string, string[]>();
    for (const e of evidence.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    )) {
      const list = textsOf.get(e.investigationId) ?? [];
      list.push(c.sealer.open(e.textSealed, `investigation_evidence.text:${e.id}`));
      textsOf.set(e.investigationId, list);
    }
    // Which revisions each investigation's evidence matched.
    const keysOfInv = new Map<string, TracingKeyRef[]>();
    for (const inv of invs) {
      const texts = textsOf.get(inv.id) ?? [];
      if (texts.length === 0) continue;
      const keys = inv.advisoryId
        ? await c.delivered.keysOf(inv.advisoryId)
        : (await matcher.match(texts.join("\n\n"))).keys;
      if (keys.length) keysOfInv.set(inv.id, keys);
    }
    // Combined: every advisory once, with the evidence of every investigation that matched it.
    const keysByAdvisory = new Map<string, Map<string, TracingKeyRef>>();
    const invsOfKey = new Map<string, string[]>();
    const invsOfAdvisory = (advisoryId: string) =>
      new Set([...(keysByAdvisory.get(advisoryId)?.keys() ?? [])].flatMap((k) => invsOfKey.get(k) ?? []));
    for (const [invId, keys] of keysOfInv)
      for (const k of keys) {
        const m = keysByAdvisory.get(k.advisoryId) ?? new Map<string, TracingKeyRef>();
        m.set(k.id, k);
        keysByAdvisory.set(k.advisoryId, m);
        invsOfKey.set(k.id, [...(invsOfKey.get(k.id) ?? []), invId]);
      }
    // Every investigation that matched any revision of the advisory contributes its evidence, once.
    const combinedReadings = await readAdvisories(keysByAdvisory, (advisoryId) =>
      [...invsOfAdvisory(advisoryId)].flatMap((i) => textsOf.get(i) ?? []),
    );
    // Alone: each investigation's own evidence against its own advisories.
    const alone = new Map<string, Map<string, Reading>>();
    for (const [invId, keys] of keysOfInv) {
      const byAdv = new Map<string, Map<string, TracingKeyRef>>();
      for (const k of keys) byAdv.set(k.advisoryId, (byAdv.get(k.advisoryId) ?? new Map()).set(k.id, k));
      const readings = await readAdvisories(byAdv, () => textsOf.get(invId) ?? []);
      if (readings.size) alone.set(invId, readings);
    }
    const partnerIds = new Set<string>();
    for (const r of combinedReadings.values()) for (const p of r.parts.keys()) partnerIds.add(p);
    const names = await c.partnerNames([...partnerIds]);
    const title = new Map(invs.map((i) => [i.id, i.title]));
    const partners: PartnerSuspicion[] = [...partnerIds].map((partnerId) => {
      const mine = [...combinedReadings.entries()].filter(([, r]) => r.parts.has(partnerId));
      const parts = mine.map(([, r]) => r.parts.get(partnerId) as PartnerPart);
      const combined = strip(combinedTest(parts, epsilon, MIN_OBSERVED_POINTS), parts.length);
      const invIdsOf = (r: Reading) =>
        [...invsOfAdvisory(r.ref.advisoryId)].filter((i) => alone.get(i)?.has(r.ref.advisoryId)).sort();
      const perAdvisory = mine.map(([advisoryId, r]) => {
        const part = r.parts.get(partnerId) as PartnerPart;
        return {
          ...strip(combinedTest([part], epsilon, MIN_OBSERVED_POINTS), 1),
          advisoryId,
          revision: r.ref.revision,
          recipients: part.recipients,
          investigationIds: invIdsOf(r),
        };
      });
      const perInvestigation = [...alone.entries()].flatMap(([investigationId, readings]) => {
        const own = [...readings.values()].flatMap((r) => {
          const p = r.parts.get(partnerId);
          return p ? [p] : [];
        });
        if (own.length === 0) return [];
        return [
          {
            ...strip(combinedTest(own, epsilon, MIN_OBSERVED_POINTS), own.length),
            investigationId,
            title: title.get(investigationId) ?? investigationId,
            advisoryIds: [...readings.entries()]
              .filter(([, r]) => r.parts.has(partnerId))
              .map(([a]) => a)
              .sort(),
          },
        ];
      });
      return {
        partnerId,
        partnerName: names.get(partnerId)?.name ?? partnerId,
        partnerStatus: names.get(partnerId)?.status ?? "unknown",
        advisoriesCounted: parts.length,
        advisoryIds: mine.map(([a]) => a).sort(),
        investigationIds: [...new Set(perInvestigation.map((p) => p.investigationId))],
        combined,
        accused: combined.accused,
        perAdvisory,
        perInvestigation,
      };
    });
    partners.sort(
      (a, b) =>
        Number(b.accused) - Number(a.accused) ||
        a.combined.bound - b.combined.bound ||
        b.combined.score / (b.combined.threshold || 1) - a.combined.score / (a.combined.threshold || 1) ||
        a.partnerId.localeCompare(b.partnerId),
    );
    return {
      epsilon,
      minObservedPoints: MIN_OBSERVED_POINTS,
      partnersTested: partners.length,
      populationBound: Math.min(1, epsilon * partners.length),
      investigationsCounted: alone.size,
      advisoriesCounted: combinedReadings.size,
      partners,
    };
  }

  return {
    /** Partners by accumulated suspicion (reads every investigation's evidence: audited). */
    async list(actor: Actor) {
      authorize(actor, "investigations:read");
      const s = await compute();
      await c.audit.record(c.db, {
        type: "investigation.suspicion_read",
        actor,
        subject: "suspicion",
        data: {
          partnerId: null,
          investigations: s.investigationsCounted,
          accused: s.partners.filter((p) => p.accused).length,
        },
      });
      return s;
    },

    /** One partner's accumulated suspicion: 404 for a partner that does not exist. */
    async ofPartner(actor: Actor, partnerId: string) {
      authorize(actor, "investigations:read");
      const known = await c.partnerNames([partnerId]);
      const partner = known.get(partnerId);
      if (!partner) throw new AppError("not_found", "partner not found");
      const s = await compute();
      const mine = s.partners.find((p) => p.partnerId === partnerId);
      await c.audit.record(c.db, {
        type: "investigation.suspicion_read",
        actor,
        subject: partnerId,
        data: { partnerId, investigations: s.investigationsCounted, accused: mine?.accused ? 1 : 0 },
      });
      const { partners: _all, ...population } = s;
      return {
        ...population,
        partner: mine ?? {
          partnerId,
          partnerName: partner.name,
          partnerStatus: partner.status,
          advisoriesCounted: 0,
          advisoryIds: [],
          investigationIds: [],
          combined: {
            score: 0,
            threshold: 0,
            decoder: "single" as const,
            bound: 1,
            observedPoints: 0,
            accused: false,
            advisories: 0,
          },
          accused: false,
          perAdvisory: [],
          perInvestigation: [],
        },
      };
    },
    compute,
  };
}
