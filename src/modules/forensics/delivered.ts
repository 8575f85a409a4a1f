// Everything forensics reads of what the release engine delivered comes through the releases
// module's export (deliveredRecords): the tracing keys ever used, each key's recipients with their
// codewords, and what the exposure timeline shows. Canary hits come through a port with an empty
// default (the canaries module records them).
import type { Sealer } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/client.ts";
import { type DeliveredSource, deliveredRecords } from "../releases/index.ts";

export type {
  DeliveredRecipient,
  DeliveredSource,
  ExposureRecords,
  ScoredDelivery,
  TracingKeyRef,
} from "../releases/index.ts";

/** A canary token that fired: a certain attribution to the recipient whose copy carried it. */
export type CanaryHit = {
  advisoryId: string;
  deliveryId: string;
  partnerId: string;
  recipientKind: string;
  recipientId: string;
  kind: string;
  at: Date;
};

/** Canary hits of an advisory; empty until the canaries module records hits and is wired here. */
export type CanaryHitsPort = { hits?: (advisoryId: string) => Promise<CanaryHit[]> };

/** The release engine's delivered records, as forensics reads them. */
export function makeDeliveredSource(db: Db, sealer: Sealer): DeliveredSource {
  return deliveredRecords({ db, sealer });
}
