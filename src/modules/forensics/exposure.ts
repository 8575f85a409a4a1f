// Who could have known what, and when: for every recipient of the advisory, the content delivered,
// delivery time, first read, each read of the copy or download of its files (time, address, user
// agent) and each acknowledgement, against
// the waves, T0 and the observed first exploitation; and the coincidence analysis over the waves.
import { type Coincidence, coincidence } from "./coincidence.ts";
import type { ForensicsContext, InvestigationRow } from "./context.ts";

export type ExposureRecipient = {
  deliveryId: string;
  partnerId: string;
  partnerName: string;
  partnerStatus: string;
  recipientKind: "organisation" | "user";
  recipientId: string;
  sections: string[];
  waveId: string;
  deliveredAt: Date;
  firstReadAt: Date | null;
  /** Every read of the copy and download of its files: time, reader, address and user agent. */
  reads: {
    at: Date;
    actorId: string | null;
    fileId: string | null;
    ip: string | null;
    userAgent: string | null;
  }[];
  acks: { at: Date; status: string; userId: string }[];
  /** Delivered before the observed first exploitation (or no observedAt given). */
  beforeObserved: boolean;
};

export type Exposure = {
  advisoryId: string | null;
  observedAt: Date | null;
  publicAt: Date | null;
  publishedAt: Date | null;
  waves: { id: string; at: Date; tier: string | null; partners: number; content: string[] }[];
  recipients: ExposureRecipient[];
  /** By observedAt: partners and members holding each section. */
  byObserved: { partners: number; members: number; sections: Record<string, number> };
  /** What is not recorded and so cannot be shown. */
  notes: string[];
  coincidence: Coincidence;
};

export function makeExposure(c: ForensicsContext) {
  return {
    async exposure(
      row: InvestigationRow,
      advisoryId: string | null,
      prior: { ratePerYear?: number | undefined; bugAgeDays?: number | undefined } = {},
    ): Promise<Exposure> {
      const notes = [
        "reads are the portal's and API's audited reads of a copy and downloads of its files (release.copy_read), each with the request's address and user agent (as the server saw them: behind a proxy, only with FOREWARN_TRUST_PROXY); mail and webhook copies are counted only as delivered",
      ];
      if (!advisoryId)
        return {
          advisoryId: null,
          observedAt: row.observedAt,
          publicAt: null,
          publishedAt: null,
          waves: [],
          recipients: [],
          byObserved: { partners: 0, members: 0, sections: {} },
          notes: [...notes, "no advisory is named or matched yet: add evidence or name the advisory"],
          coincidence: coincidence({ observedAt: row.observedAt, waves: [], ...prior }),
        };
      const r = await c.delivered.exposure(advisoryId);
      const names = await c.partnerNames([...new Set(r.deliveries.map((d) => d.partnerId))]);
      const observed = row.observedAt?.getTime() ?? Number.POSITIVE_INFINITY;
      const recipients: ExposureRecipient[] = r.deliveries.map((d) => ({
        deliveryId: d.deliveryId,
        partnerId: d.partnerId,
        partnerName: names.get(d.partnerId)?.name ?? d.partnerId,
        partnerStatus: names.get(d.partnerId)?.status ?? "unknown",
        recipientKind: d.recipientKind,
        recipientId: d.recipientId,
        sections: d.sections,
        waveId: d.waveId,
        deliveredAt: d.deliveredAt,
        firstReadAt: d.firstReadAt,
        reads: r.reads.filter((x) => x.deliveryId === d.deliveryId).map(({ deliveryId: _, ...x }) => x),
        acks: r.acks
          .filter((a) => a.deliveryId === d.deliveryId)
          .map((a) => ({ at: a.at, status: a.status, userId: a.userId })),
        beforeObserved: d.deliveredAt.getTime() <= observed,
      }));
      const before = recipients.filter((x) => x.beforeObserved);
      const sections: Record<string, number> = {};
      for (const x of before.filter((y) => y.recipientKind === "organisation"))
        for (const s of x.sections) sections[s] = (sections[s] ?? 0) + 1;
      return {
        advisoryId,
        observedAt: row.observedAt,
        publicAt: r.publicAt,
        publishedAt: r.publishedAt,
        waves: r.waves.map((w) => ({
          id: w.id,
          at: w.at,
          tier: w.tier,
          partners: w.partnerIds.length,
          content: w.content,
        })),
        recipients,
        byObserved: {
          partners: new Set(before.map((x) => x.partnerId)).size,
          members: before.filter((x) => x.recipientKind === "user").length,
          sections,
        },
        notes,
        coincidence: coincidence({ observedAt: row.observedAt, waves: r.waves, ...prior }),
      };
    },
  };
}
