// The one test helper that stands in for the fingerprinted release engine until it writes these rows:
// for an advisory it builds a tracing key over the copy markdown (createKeyFile), stores it sealed in
// release_tracing_keys, inserts a plan, its waves and one delivery per recipient with the codeword
// sealed as the engine does, and renders each recipient's copy (copyFor, fileCopyFor).

import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Section } from "../src/contract/enums.ts";
import { advisories } from "../src/modules/advisories/schema.ts";
import {
  releaseDeliveries,
  releasePlans,
  releaseTracingKeys,
  releaseWaves,
} from "../src/modules/releases/schema.ts";
import type { Sealer } from "../src/platform/crypto.ts";
import type { Db } from "../src/platform/db/client.ts";
import { codeword } from "../src/tracing/code.ts";
import {
  type Attachment,
  copyFor,
  createKeyFile,
  fileCopyFor,
  type LoadedKey,
  loadKey,
} from "../src/tracing/keyfile.ts";

export type TracedRecipient = { partnerId: string; kind: "organisation" | "user"; id: string };

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** An ID of the given prefix in the application's format (26 Crockford characters). */
export const fakeId = (prefix: string) =>
  `${prefix}_${[...randomBytes(26)].map((b) => CROCKFORD[b % 32]).join("")}`;

let tracking = 0;

export async function deliverTraced(
  db: Db,
  sealer: Sealer,
  input: {
    /** An existing advisory; a bare advisory row is created when absent. */
    advisoryId?: string;
    markdown: string;
    attachments?: Attachment[];
    recipients: TracedRecipient[];
    keySeed: string;
    /** Waves (a partner's recipients are delivered at the first wave naming it); default: one at `at`. */
    waves?: { at: Date; tier: string; partnerIds: string[]; content: Section[] }[];
    at: Date;
    publicAt: Date;
    revision?: number;
  },
) {
  let advisoryId = input.advisoryId;
  if (!advisoryId) {
    advisoryId = fakeId("adv");
    tracking++;
    await db.insert(advisories).values({
      id: advisoryId,
      trackingId: `FW-T-${process.pid}-${tracking}-${randomBytes(3).toString("hex")}`,
      caseId: fakeId("cas"),
      state: "approved",
      currentRevision: input.revision ?? 1,
      createdAt: input.at,
      updatedAt: input.at,
    });
  }
  const revision = input.revision ?? 1;
  let [plan] = await db.select().from(releasePlans).where(eq(releasePlans.advisoryId, advisoryId));
  if (!plan) {
    [plan] = await db
      .insert(releasePlans)
      .values({
        id: fakeId("rpl"),
        advisoryId,
        revision,
        publicAt: input.publicAt,
        timeZone: "UTC",
        state: "fired",
        version: 1,
        request: {},
        createdAt: input.at,
        updatedAt: input.at,
      })
      .returning();
  }
  const planId = (plan as { id: string }).id;
  const partners = [...new Set(input.recipients.map((r) => r.partnerId))];
  const waves = (
    input.waves ?? [
      { at: input.at, tier: "standard", partnerIds: partners, content: ["summary", "details"] as Section[] },
    ]
  ).map((w, i) => ({ ...w, id: fakeId("wav"), position: i }));
  for (const w of waves)
    await db.insert(releaseWaves).values({
      id: w.id,
      planId,
      position: w.position,
      at: w.at,
      kind: "tier",
      tier: w.tier,
      partnerIds: w.partnerIds,
      content: w.content,
      firedAt: w.at,
    });
  const file = createKeyFile(input.markdown, {
    recipients: input.recipients.map((r) => r.id),
    keySeed: input.keySeed,
    ...(input.attachments ? { attachments: input.attachments } : {}),
  });
  const loaded: LoadedKey = loadKey(file);
  const tracingKeyId = fakeId("rtk");
  await db.insert(releaseTracingKeys).values({
    id: tracingKeyId,
    planId,
    advisoryId,
    revision,
    keySealed: sealer.seal(JSON.stringify(file), `release_tracing_keys.key:${tracingKeyId}`),
    capacity: {},
    createdAt: input.at,
  });
  const deliveryOf = new Map<string, string>();
  const rows = input.recipients.map((r) => {
    const wave = waves.find((w) => w.partnerIds.includes(r.partnerId)) ?? waves[0];
    const id = fakeId("dlv");
    deliveryOf.set(r.id, id);
    const x = codeword(loaded.key, r.id, loaded.biases);
    return {
      id,
      idempotencyKey: `${planId}:${r.id}:${revision}`,
      planId,
      waveId: wave?.id ?? "",
      advisoryId,
      partnerId: r.partnerId,
      recipientKind: r.kind,
      recipientId: r.id,
      revision,
      sections: wave?.content ?? [],
      copySealed: sealer.seal("{}", `release_deliveries.copy:${id}`),
      copySha256: "0".repeat(64),
      codewordSealed: sealer.seal(Buffer.from(x).toString("base64"), `release_deliveries.codeword:${id}`),
      tracingKeyId,
      deliveredAt: wave?.at ?? input.at,
    };
  });
  for (let i = 0; i < rows.length; i += 1000)
    await db.insert(releaseDeliveries).values(rows.slice(i, i + 1000));
  return {
    advisoryId,
    planId,
    tracingKeyId,
    loaded,
    waves,
    deliveryOf,
    copy: (id: string) => copyFor(loaded, id),
    fileCopy: (id: string, name: string) => fileCopyFor(loaded, id, name),
  };
}
