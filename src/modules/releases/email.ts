// Release mail: each member's copy by OpenPGP/MIME to the member's keys, or, for a member without a
// usable key, a notice with a portal link and no content. Embargoed content never leaves in plain text.
//
// Durable and idempotent: the delivery's transaction writes a release_mails row (owe); after the
// commit one pg-boss job per row sends it (enqueue); the job records the outcome and Message-ID in
// the row, so a second run after success sends nothing, and a minute sweep re-queues rows whose job
// was lost. A send lease on the row keeps two jobs from sending the same mail at once. The one window
// left is a crash between the SMTP server accepting a message and the row being marked: the retry
// then sends it again with the same Message-ID, which mail systems treat as the same message.
import { and, eq, isNull, lt, lte, or } from "drizzle-orm";
import type { Audit } from "../../audit/service.ts";
import { systemActor } from "../../authz/authorize.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Db, DbOrTx } from "../../platform/db/client.ts";
import type { Queue } from "../../platform/jobs/queue.ts";
import { encryptedMessage, innerEntity, plainMessage, usableKeys } from "../../platform/mail/mime.ts";
import type { Mailer } from "../../platform/mail/outbox.ts";
import { type MailTransport, noMailTransport } from "../../platform/mail/transport.ts";
import type { Partners } from "../partners/index.ts";
import { releaseMails } from "./email-schema.ts";
import { jobPayload, mailPayload } from "./jobs.ts";
import type { Copy } from "./render.ts";
import { releaseDeliveries } from "./schema.ts";

export const SEND_MAIL = "releases.mail";
export const MAIL_SWEEP = "releases.mail-sweep";
/** pg-boss retry options for a mail job: 60 s doubling up to 2 h apart; the sender gives up after 24 h. */
export const MAIL_RETRY = { retryLimit: 20, retryDelay: 60, retryBackoff: true, retryDelayMax: 7200 };
export const MAIL_RETRY_WINDOW_MS = 24 * 3600 * 1000;
/** How long a sender holds a row (wall time) before another may try it. */
const LEASE_MS = 2 * 60_000;
/** A pending row untried for this long lost its job: the sweep queues it again. */
const LOST_AFTER_MS = 5 * 60_000;

const ENGINE = systemActor("releases");

export type ReleaseMailDeps = {
  db: Db;
  clock: Clock;
  audit: Pick<Audit, "record">;
  sealer: Sealer;
  partners: Pick<Partners, "listMembers" | "mailKeys" | "get">;
  /** The outbox: where notices wait when no SMTP transport is configured. */
  mailer: Mailer;
  transport?: MailTransport | undefined;
  /** From: header (FOREWARN_MAIL_FROM). */
  from?: string | undefined;
  publicUrl: string;
  queue: () => Queue | null;
};

type Member = { id: string; email: string; disabled: boolean };

export function makeReleaseEmail(d: ReleaseMailDeps) {
  const { db, clock, audit } = d;
  const transport = d.transport ?? noMailTransport;
  const from = d.from ?? "Forewarn <forewarn@localhost>";
  const base = d.publicUrl.replace(/\/+$/, "");
  const host = (() => {
    try {
      return new URL(d.publicUrl).hostname || "forewarn.invalid";
    } catch {
      return "forewarn.invalid";
    }
  })();
  const messageIdOf = (deliveryId: string) => `<${deliveryId}.release@${host}>`;

  /** In the deliveries' own transaction: these members' mails are owed (one insert for a batch). */
  async function owe(
    tx: DbOrTx,
    mails: { deliveryId: string; advisoryId: string; partnerId: string; userId: string }[],
  ) {
    if (mails.length === 0) return;
    const createdAt = clock.now();
    await tx
      .insert(releaseMails)
      .values(mails.map((m) => ({ ...m, status: "pending" as const, createdAt })))
      .onConflictDoNothing();
  }

  /**
   * After the commit: one job per owed mail, queued in one statement where the queue can (a lost one
   * is found again by the sweep).
   */
  async function enqueue(deliveryIds: string[]) {
    const q = d.queue();
    if (!q || deliveryIds.length === 0) return;
    const jobs = deliveryIds.map((id) => ({
      data: { deliveryId: id },
      options: { ...MAIL_RETRY, singletonKey: `mail:${id}` },
    }));
    if (q.sendMany) await q.sendMany(SEND_MAIL, jobs);
    else for (const j of jobs) await q.send(SEND_MAIL, j.data, j.options);
  }

  function compose(copy: Copy, to: string) {
    const subject = `${copy.trackingId}: ${copy.title}`;
    const text = `${copy.markdown}\nYour copy in the partner portal: ${base}/releases/${copy.advisoryId}\n`;
    const attachments = [
      ...copy.files
        .filter((f) => f.text !== null)
        // As bytes, so the file arrives exactly as listed (its SHA-256 is in the copy).
        .map((f) => ({
          filename: f.filename,
          contentType: "application/octet-stream",
          content: Buffer.from(f.text ?? "", "utf8"),
        })),
      {
        filename: `${copy.trackingId}.json`,
        contentType: "application/json",
        content: `${JSON.stringify(copy, null, 2)}\n`,
      },
    ];
    return { subject, text, attachments, to };
  }

  function notice(advisoryId: string) {
    return {
      subject: "Forewarn: an early-alert advisory was released to your organisation",
      body: `An embargoed advisory was released to your organisation. You have no usable OpenPGP key registered with Forewarn, so its content is not sent to you by mail.\n\nRead it in the partner portal: ${base}/releases/${advisoryId}\n\nRegister an OpenPGP public key in the portal to receive your copies encrypted by mail.\n`,
    };
  }

  /**
   * One attempt at a member's mail. "done": nothing to do (sent or settled before); "busy": another
   * sender holds it; "retry": not accepted yet (the job throws so the queue backs off).
   */
  async function send(
    deliveryId: string,
  ): Promise<{ status: "sent" | "skipped" | "failed" | "retry" | "done" | "busy" }> {
    const wallNow = Date.now();
    const [row] = await db
      .update(releaseMails)
      .set({ lockedUntil: new Date(wallNow + LEASE_MS) })
      .where(
        and(
          eq(releaseMails.deliveryId, deliveryId),
          eq(releaseMails.status, "pending"),
          or(isNull(releaseMails.lockedUntil), lt(releaseMails.lockedUntil, new Date(wallNow))),
        ),
      )
      .returning();
    if (!row) {
      const [r] = await db
        .select({ status: releaseMails.status })
        .from(releaseMails)
        .where(eq(releaseMails.deliveryId, deliveryId));
      return { status: r?.status === "pending" ? "busy" : "done" };
    }
    const now = clock.now();
    const settle = async (
      status: "sent" | "skipped" | "failed",
      values: Partial<typeof releaseMails.$inferInsert>,
      after?: (tx: DbOrTx) => Promise<unknown>,
    ) => {
      await db.transaction(async (tx) => {
        await tx
          .update(releaseMails)
          .set({ ...values, status, lockedUntil: null, lastAttemptAt: now })
          .where(and(eq(releaseMails.deliveryId, deliveryId), eq(releaseMails.status, "pending")));
        await after?.(tx);
      });
      return { status };
    };

    const members = (await d.partners.listMembers(ENGINE, row.partnerId)) as Member[];
    const member = members.find((m) => m.id === row.userId);
    if (!member || member.disabled)
      return settle("skipped", { lastError: "the member was removed" }, (tx) =>
        audit.record(tx, {
          type: "release.mail_skipped",
          actor: ENGINE,
          subject: row.advisoryId,
          data: { deliveryId, userId: row.userId, reason: "the member was removed" },
        }),
      );
    // The same rule as the portal: a partner suspended or removed after its delivery reads nothing
    // more, and is mailed nothing more.
    const partner = await d.partners.get(ENGINE, row.partnerId).catch(() => null);
    if (partner?.status !== "active") {
      const reason = `the partner is ${partner?.status ?? "gone"}`;
      return settle("skipped", { lastError: reason }, (tx) =>
        audit.record(tx, {
          type: "release.mail_skipped",
          actor: ENGINE,
          subject: row.advisoryId,
          data: { deliveryId, userId: row.userId, reason },
        }),
      );
    }
    const registered = (await d.partners.mailKeys(row.partnerId)).filter((k) => k.userId === row.userId);
    const keys = await usableKeys(registered, now);
    const fingerprints = keys.map((k) => k.getFingerprint().toUpperCase());
    const kind = keys.length ? "encrypted" : "notice";
    const messageId = messageIdOf(deliveryId);
    const mailed = (via: "smtp" | "outbox") => (tx: DbOrTx) =>
      audit.record(tx, {
        type: "release.mailed",
        actor: ENGINE,
        subject: row.advisoryId,
        data: { deliveryId, userId: row.userId, kind, messageId, keys: fingerprints, via },
      });

    if (transport.kind === "none") {
      // No SMTP: the notice waits in the outbox for operators; the copy stays in the portal only.
      if (kind === "encrypted")
        return settle("skipped", { kind, lastError: "no SMTP transport is configured" }, (tx) =>
          audit.record(tx, {
            type: "release.mail_skipped",
            actor: ENGINE,
            subject: row.advisoryId,
            data: { deliveryId, userId: row.userId, reason: "no SMTP transport is configured" },
          }),
        );
      const n = notice(row.advisoryId);
      return settle("sent", { kind, messageId: null, sentAt: now }, async (tx) => {
        await d.mailer.send(tx, {
          to: member.email,
          kind: "release_notice",
          dedupeKey: `release-notice:${deliveryId}`,
          subject: n.subject,
          body: n.body,
        });
        await mailed("outbox")(tx);
      });
    }

    let raw: Buffer;
    const envelope = { from, to: member.email, messageId };
    if (kind === "encrypted") {
      const [dl] = await db.select().from(releaseDeliveries).where(eq(releaseDeliveries.id, deliveryId));
      if (!dl) return settle("skipped", { lastError: "the delivery is gone" });
      const copy = JSON.parse(d.sealer.open(dl.copySealed, `release_deliveries.copy:${dl.id}`)) as Copy;
      const c = compose(copy, member.email);
      const entity = await innerEntity({ from, to: member.email, subject: c.subject }, c.text, c.attachments);
      raw = await encryptedMessage(
        { ...envelope, subject: "Forewarn early alert (encrypted)" },
        entity,
        keys,
        now,
      );
    } else {
      const n = notice(row.advisoryId);
      raw = await plainMessage({ ...envelope, subject: n.subject }, n.body);
    }

    try {
      await transport.send({ from, to: member.email, raw });
    } catch (e) {
      const error = (e as Error).message.slice(0, 500);
      const attempts = row.attempts + 1;
      if (now.getTime() - row.createdAt.getTime() >= MAIL_RETRY_WINDOW_MS)
        return settle("failed", { attempts, lastError: error }, (tx) =>
          audit.record(tx, {
            type: "release.mail_failed",
            actor: ENGINE,
            subject: row.advisoryId,
            data: { deliveryId, userId: row.userId, attempts, lastError: error },
          }),
        );
      await db
        .update(releaseMails)
        .set({ attempts, lastError: error, lastAttemptAt: now, lockedUntil: null })
        .where(eq(releaseMails.deliveryId, deliveryId));
      return { status: "retry" };
    }
    return settle(
      "sent",
      {
        kind,
        messageId,
        keyFingerprints: fingerprints,
        attempts: row.attempts + 1,
        sentAt: now,
        lastError: null,
      },
      mailed("smtp"),
    );
  }

  return {
    owe,
    enqueue,
    send,
    /** Job handler: one attempt; throwing hands the mail back to the queue's back-off. */
    async onJob(data: unknown) {
      const { deliveryId } = jobPayload(SEND_MAIL, mailPayload, data);
      const r = await send(deliveryId);
      if (r.status === "retry" || r.status === "busy")
        throw new Error(`release mail ${deliveryId} not sent yet; retrying`);
    },
    /** Queues again the pending mails whose job was lost (untried for five minutes). Idempotent. */
    async sweep() {
      const lost = await db
        .select({ id: releaseMails.deliveryId })
        .from(releaseMails)
        .where(
          and(
            eq(releaseMails.status, "pending"),
            eq(releaseMails.attempts, 0),
            lte(releaseMails.createdAt, new Date(clock.now().getTime() - LOST_AFTER_MS)),
          ),
        )
        .limit(1000);
      await enqueue(lost.map((r) => r.id));
      return { requeued: lost.length };
    },
  };
}

export type ReleaseEmail = ReturnType<typeof makeReleaseEmail>;
