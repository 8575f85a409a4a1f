// What the forensics use cases share: their dependencies, and loading an investigation.
import { eq } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Db, DbOrTx } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import type { IdGen } from "../../platform/ids.ts";
import type { Partners } from "../partners/index.ts";
import type { CanaryHitsPort, DeliveredSource } from "./delivered.ts";
import type { PartnerNames } from "./findings.ts";
import { investigations } from "./schema.ts";

export type ForensicsDeps = {
  db: Db;
  clock: Clock;
  ids: IdGen;
  audit: Pick<Audit, "record">;
  sealer: Sealer;
  /** What the release engine delivered (delivered.ts). */
  delivered: DeliveredSource;
  /** Canary hits (empty until wired to the canaries module). */
  canaries: CanaryHitsPort;
  /** Partner names, and the partners module's entry points for acting on findings. */
  partners: Pick<Partners, "get" | "openInvestigationIncident" | "requestSuspension">;
  /** Key of the shingle index's HMAC (derived from the master key). */
  shingleKey: Buffer;
};

export type InvestigationRow = typeof investigations.$inferSelect;

export function makeContext(d: ForensicsDeps) {
  const system = { kind: "system", name: "forensics" } as const;
  const partnerNames: PartnerNames = async (ids) => {
    const out = new Map<string, { name: string; status: string }>();
    const found = await Promise.all(ids.map((id) => d.partners.get(system, id).catch(() => null)));
    for (const p of found) if (p) out.set(p.id, { name: p.name, status: p.status });
    return out;
  };
  return {
    ...d,
    partnerNames,
    async load(db: DbOrTx, id: string): Promise<InvestigationRow> {
      const [row] = await db.select().from(investigations).where(eq(investigations.id, id));
      if (!row) throw new AppError("not_found", "investigation not found");
      return row;
    },
  };
}

export type ForensicsContext = ReturnType<typeof makeContext>;
