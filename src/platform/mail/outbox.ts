// Notices (invitations, reminders, deadline warnings, embargo-over notices) are queued in the `outbox`
// table in the transaction of their cause (bodies sealed: invitations carry single-use links), and a
// job sends them through SMTP when FOREWARN_SMTP_URL is set. They never carry embargoed content:
// copies go out only through the release engine's encrypted mail.
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { type Actor, authorize } from "../../authz/authorize.ts";
import type { Clock } from "../clock.ts";
import type { Sealer } from "../crypto.ts";
import type { Db, DbOrTx } from "../db/client.ts";
import type { IdGen } from "../ids.ts";
import { plainMessage } from "./mime.ts";
import { outbox } from "./schema.ts";
import { addressOf, type MailTransport, noMailTransport } from "./transport.ts";

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

type Deps = {
  db: Db;
  clock: Clock;
  ids: IdGen;
  sealer: Sealer;
  audit: Pick<Audit, "record">;
  /** SMTP and the From: address; without them mail stays in the outbox for operators to read. */
  mail?: { transport: MailTransport; from: string } | undefined;
};

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

  const transport = d.mail?.transport ?? noMailTransport;

  return {
    mailer,

    /**
     * Sends queued mail through SMTP, oldest first. Each row is claimed (sent_at set) before it is
     * sent, so two servers never send it twice; a refused send releases the claim for the next run.
     * A crash between claim and send loses that one notice (at most once): notices can be re-issued.
     */
    async deliverPending(limit = 50): Promise<{ sent: number; failed: number }> {
      if (transport.kind === "none") return { sent: 0, failed: 0 };
      const from = d.mail?.from ?? "Forewarn <forewarn@localhost>";
      const pending = await d.db
        .select()
        .from(outbox)
        .where(isNull(outbox.sentAt))
        .orderBy(asc(outbox.createdAt), asc(outbox.id))
        .limit(limit);
      let sent = 0;
      let failed = 0;
      for (const row of pending) {
        const [claimed] = await d.db
          .update(outbox)
          .set({ sentAt: d.clock.now() })
          .where(and(eq(outbox.id, row.id), isNull(outbox.sentAt)))
          .returning({ id: outbox.id });
        if (!claimed) continue;
        try {
          const raw = await plainMessage(
            {
              from,
              to: row.to,
              subject: row.subject,
              messageId: `<${row.id}@${addressOf(from).split("@")[1] ?? "forewarn"}>`,
            },
            d.sealer.open(row.bodySealed, `outbox.body:${row.id}`),
          );
          await transport.send({ from, to: row.to, raw });
          sent++;
        } catch {
          await d.db.update(outbox).set({ sentAt: null }).where(eq(outbox.id, row.id));
          failed++;
        }
      }
      if (sent || failed) {
        await d.audit.record(d.db, { type: "outbox.delivered", actor: null, data: { sent, failed } });
      }
      return { sent, failed };
    },

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
