// Mail without a transport yet: messages wait in the `outbox` table (bodies sealed, since invitations
// carry single-use links). The release engine will plug SMTP in behind the same Mailer interface.
import { desc } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { type Actor, authorize } from "../../authz/authorize.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Db, DbOrTx } from "../../platform/db/client.ts";
import type { IdGen } from "../../platform/ids.ts";
import { outbox } from "./schema.ts";

export type Mail = {
  to: string;
  subject: string;
  body: string;
  kind: string;
  dedupeKey?: string | undefined;
};

export type Mailer = {
  /** Queues a mail in the caller's transaction; false when one with the same dedupeKey exists. */
  send(tx: DbOrTx, mail: Mail): Promise<boolean>;
};

type Deps = { db: Db; clock: Clock; ids: IdGen; sealer: Sealer; audit: Pick<Audit, "record"> };

export function makeOutbox(d: Deps) {
  const mailer: Mailer = {
    async send(tx, mail) {
      const id = d.ids("outbox");
      const rows = await tx
        .insert(outbox)
        .values({
          id,
          to: mail.to,
          subject: mail.subject,
          bodySealed: d.sealer.seal(mail.body, `outbox.body:${id}`),
          kind: mail.kind,
          dedupeKey: mail.dedupeKey ?? null,
          createdAt: d.clock.now(),
        })
        .onConflictDoNothing()
        .returning({ id: outbox.id });
      return rows.length > 0;
    },
  };

  return {
    mailer,
    /** The newest queued mail with bodies, for operators until a transport exists (audited). */
    async list(actor: Actor, limit = 100) {
      authorize(actor, "outbox:read");
      const rows = await d.db
        .select()
        .from(outbox)
        .orderBy(desc(outbox.createdAt), desc(outbox.id))
        .limit(limit);
      await d.audit.record(d.db, { type: "outbox.viewed", actor, data: { entries: rows.length } });
      return rows.map((r) => ({
        id: r.id,
        to: r.to,
        subject: r.subject,
        kind: r.kind,
        body: d.sealer.open(r.bodySealed, `outbox.body:${r.id}`),
        createdAt: r.createdAt,
        sentAt: r.sentAt,
      }));
    },
  };
}

export type Outbox = ReturnType<typeof makeOutbox>;
