// Signed webhooks (Standard Webhooks): one attempt per call, the queue's back-off between attempts,
// the first attempts of a wave a few at a time, an endpoint disabled after 24 hours of failures, and
// the staff's delivery log and redelivery.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { AppError, conflict, notFound } from "../../platform/errors.ts";
import { ENGINE, type Member, type ReleaseContext, SEND_WEBHOOK } from "./context.ts";
import { releaseWebhookAttempts, releaseWebhookMessages } from "./schema.ts";
import { httpTransport, signedHeaders, WEBHOOK_RETRY, WEBHOOK_RETRY_WINDOW_MS } from "./webhooks.ts";

export function makeWebhookDelivery(c: ReleaseContext) {
  const { d, db, clock, audit } = c;
  const transport = d.transport ?? httpTransport();
  const wall = d.wallClock ?? { now: () => new Date() };

  async function enqueueWebhooks(ids: string[]) {
    const queue = c.queue.current();
    if (!queue) return;
    for (const id of ids)
      await queue.send(SEND_WEBHOOK, { messageId: id }, { ...WEBHOOK_RETRY, singletonKey: id });
  }

  /**
   * First attempts of new webhook messages in batches while the wave goes on (one pg-boss job per
   * message would wait a polling interval each): per batch one read of the messages, one of their
   * endpoints, the POSTs at once, and one transaction logging every attempt. Two batches run at a
   * time, so one batch's log is written while the next one's requests are out. The wave never waits
   * for an endpoint; a message that fails goes to the queue's back-off, and one left unsent by a crash
   * to the sweep. Only where a queue is connected (the server), as before.
   */
  function webhookSender(workers = 2, batchSize = 64) {
    const todo: string[] = [];
    const seen = new Set<string>();
    const running: Promise<void>[] = [];
    let active = 0;
    let closed = false;
    const work = async () => {
      active++;
      try {
        while (!closed) {
          const ids = todo.splice(0, batchSize);
          if (ids.length === 0) break;
          const retry = await sendFirstAttempts(ids).catch(() => ids);
          if (retry.length) await enqueueWebhooks(retry).catch(() => {});
        }
      } finally {
        active--;
      }
    };
    return {
      push(ids: string[]) {
        // Without a job queue (CLI, tests) nothing could retry a failure: the messages wait for one.
        const queue = c.queue.current();
        if (!queue) return;
        for (const id of ids)
          if (!seen.has(id)) {
            seen.add(id);
            todo.push(id);
          }
        while (!closed && active < workers && todo.length > 0) running.push(work());
      },
      /** Waits up to `ms` for the first attempts; what is left then goes to the queue. */
      async drain(ms = 30_000) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(running),
          new Promise((r) => {
            timer = setTimeout(r, ms);
          }),
        ]);
        clearTimeout(timer);
        closed = true;
        await enqueueWebhooks(todo.splice(0));
      },
    };
  }

  /**
   * POSTs a message to its endpoint, signed per Standard Webhooks. `error` is null on a 2xx answer;
   * otherwise it says what went wrong (the HTTP status, or the transport's message, cut to 500).
   */
  async function post(
    endpoint: { url: string; secret: string },
    m: { id: string; payload: unknown },
  ): Promise<{ statusCode: number | null; error: string | null }> {
    const body = JSON.stringify(m.payload);
    try {
      const res = await transport(endpoint.url, signedHeaders(endpoint.secret, m.id, wall.now(), body), body);
      return {
        statusCode: res.status,
        error: res.status < 200 || res.status >= 300 ? `answered HTTP ${res.status}` : null,
      };
    } catch (e) {
      return { statusCode: null, error: (e as Error).message.slice(0, 500) };
    }
  }

  /**
   * The first attempt of each of these messages (those still pending and never tried): signed and
   * POSTed at once, then every attempt logged and every message updated in one transaction. A message
   * whose endpoint is gone or whose retry window is over takes the one-by-one path (it fails, is
   * audited and its endpoint disabled). Returns the messages to retry through the queue.
   */
  async function sendFirstAttempts(ids: string[]): Promise<string[]> {
    const msgs = await db
      .select()
      .from(releaseWebhookMessages)
      .where(
        and(
          inArray(releaseWebhookMessages.id, ids),
          eq(releaseWebhookMessages.status, "pending"),
          eq(releaseWebhookMessages.attempts, 0),
        ),
      );
    const endpoints = new Map(
      (await d.partners.deliveryWebhooksOf([...new Set(msgs.map((m) => m.partnerId))])).map((e) => [e.id, e]),
    );
    const alone: string[] = [];
    const now = clock.now();
    const tried = await Promise.all(
      msgs.map(async (m) => {
        const endpoint = endpoints.get(m.endpointId);
        if (
          !endpoint ||
          endpoint.partnerId !== m.partnerId ||
          now.getTime() - m.createdAt.getTime() >= WEBHOOK_RETRY_WINDOW_MS
        ) {
          alone.push(m.id);
          return null;
        }
        const started = Date.now();
        const { statusCode, error } = await post(endpoint, m);
        return { id: m.id, statusCode, error, durationMs: Date.now() - started };
      }),
    );
    const done = tried.filter((t) => t !== null);
    if (done.length) {
      const at = clock.now();
      await db.transaction(async (tx) => {
        await tx.insert(releaseWebhookAttempts).values(
          done.map((t) => ({
            id: d.ids("webhookAttempt"),
            messageId: t.id,
            attempt: 1,
            at,
            statusCode: t.statusCode,
            error: t.error,
            durationMs: t.durationMs,
          })),
        );
        const rows = sql.join(
          done.map(
            (t) =>
              sql`(${t.id}::text, ${t.error === null ? "succeeded" : "pending"}::text, ${t.statusCode}::int, ${t.error}::text)`,
          ),
          sql`, `,
        );
        const iso = at.toISOString();
        await tx.execute(sql`
          update ${releaseWebhookMessages} as m
          set attempts = 1, status = v.status, last_status_code = v.code, last_error = v.error,
              last_attempt_at = ${iso}::timestamptz,
              succeeded_at = case when v.status = 'succeeded' then ${iso}::timestamptz else m.succeeded_at end
          from (values ${rows}) as v(id, status, code, error)
          where m.id = v.id and m.status = 'pending' and m.attempts = 0`);
      });
    }
    const retry = done.filter((t) => t.error !== null).map((t) => t.id);
    for (const id of alone) {
      const r = await sendWebhook(id).catch(() => ({ status: "retry" as const }));
      if (r.status === "retry") retry.push(id);
    }
    return retry;
  }

  /**
   * One attempt at a webhook message, signed per Standard Webhooks. Throws on failure so the job
   * queue retries with back-off; after 24 h the message is marked failed and no longer retried.
   */
  async function sendWebhook(
    messageId: string,
  ): Promise<{ status: "succeeded" | "failed" | "retry" | "done" }> {
    const [m] = await db
      .select()
      .from(releaseWebhookMessages)
      .where(eq(releaseWebhookMessages.id, messageId));
    if (m === undefined || m.status !== "pending") return { status: "done" };
    const endpoint = (await d.partners.deliveryWebhooks(m.partnerId)).find((e) => e.id === m.endpointId);
    const attempt = m.attempts + 1;
    const started = Date.now();
    const { statusCode, error } = endpoint
      ? await post(endpoint, m)
      : { statusCode: null, error: "the endpoint was deleted" };
    const now = clock.now();
    const expired = now.getTime() - m.createdAt.getTime() >= WEBHOOK_RETRY_WINDOW_MS || !endpoint;
    const status = error === null ? "succeeded" : expired ? "failed" : "pending";
    await db.transaction(async (tx) => {
      await tx.insert(releaseWebhookAttempts).values({
        id: d.ids("webhookAttempt"),
        messageId: m.id,
        attempt,
        at: now,
        statusCode,
        error,
        durationMs: Date.now() - started,
      });
      await tx
        .update(releaseWebhookMessages)
        .set({
          attempts: attempt,
          status,
          lastStatusCode: statusCode,
          lastError: error,
          lastAttemptAt: now,
          ...(status === "succeeded" ? { succeededAt: now } : {}),
        })
        .where(eq(releaseWebhookMessages.id, m.id));
      if (status === "failed")
        await audit.record(tx, {
          type: "release.webhook_failed",
          actor: ENGINE,
          subject: m.partnerId,
          data: { messageId: m.id, endpointId: m.endpointId, attempts: attempt, lastError: error ?? "" },
        });
    });
    if (status === "pending") return { status: "retry" };
    if (status === "failed" && endpoint)
      await disableEndpoint(m.partnerId, m.endpointId, endpoint.url, attempt);
    return { status };
  }

  /**
   * An endpoint that failed one message for 24 hours is disabled (through the partners service, which
   * audits it), and the partner's admins are told once by mail.
   */
  async function disableEndpoint(partnerId: string, endpointId: string, url: string, attempts: number) {
    await d.partners.deleteWebhook(ENGINE, partnerId, endpointId).catch((e: unknown) => {
      if (!(e instanceof AppError && e.code === "not_found")) throw e;
    });
    const admins = (
      (await d.partners.listMembers(ENGINE, partnerId)) as (Member & { email: string })[]
    ).filter((m) => m.role === "partner_admin" && !m.disabled);
    await db.transaction(async (tx) => {
      for (const a of admins)
        await d.mailer.send(tx, {
          to: a.email,
          kind: "webhook_disabled",
          dedupeKey: `webhook-disabled:${endpointId}:${a.id}`,
          subject: "Forewarn disabled your webhook endpoint after 24 hours of failures",
          body: `Your endpoint ${url} did not accept an event for 24 hours (${attempts} attempts), so it no longer receives events. Fix it and register it again in the partner portal; released advisories stay in your inbox there.`,
        });
    });
  }

  return {
    enqueueWebhooks,
    webhookSender,
    sendWebhook,

    /** Staff: send a webhook message again now (a fresh 24-hour retry window); audited. */
    async redeliverWebhook(actor: Actor, advisoryId: string, messageId: string) {
      authorize(actor, "releases:write");
      const [m] = await db
        .select()
        .from(releaseWebhookMessages)
        .where(
          and(eq(releaseWebhookMessages.id, messageId), eq(releaseWebhookMessages.advisoryId, advisoryId)),
        );
      if (!m) throw notFound(`webhook message ${messageId}`);
      if (m.status === "pending" && m.attempts === 0)
        throw conflict("this message has not been tried yet; it is on its way");
      await db.transaction(async (tx) => {
        await tx
          .update(releaseWebhookMessages)
          .set({ status: "pending", createdAt: clock.now(), succeededAt: null })
          .where(eq(releaseWebhookMessages.id, m.id));
        await audit.record(tx, {
          type: "release.webhook_redelivered",
          actor,
          subject: advisoryId,
          data: { messageId: m.id, endpointId: m.endpointId },
        });
      });
      const r = await sendWebhook(m.id);
      if (r.status === "retry") await enqueueWebhooks([m.id]);
      const [after] = await db
        .select()
        .from(releaseWebhookMessages)
        .where(eq(releaseWebhookMessages.id, m.id));
      return { id: m.id, status: after?.status ?? "pending", attempts: after?.attempts ?? m.attempts };
    },

    /** Staff: the webhook messages of an advisory with their attempts (the delivery log). */
    async webhookLog(actor: Actor, advisoryId: string) {
      authorize(actor, "releases:read");
      const msgs = await db
        .select()
        .from(releaseWebhookMessages)
        .where(eq(releaseWebhookMessages.advisoryId, advisoryId))
        .orderBy(asc(releaseWebhookMessages.createdAt));
      return msgs.map((m) => ({
        id: m.id,
        partnerId: m.partnerId,
        endpointId: m.endpointId,
        url: m.url,
        eventType: m.eventType,
        status: m.status,
        attempts: m.attempts,
        lastStatusCode: m.lastStatusCode,
        lastError: m.lastError,
        createdAt: m.createdAt,
        succeededAt: m.succeededAt,
      }));
    },
  };
}

export type WebhookDelivery = ReturnType<typeof makeWebhookDelivery>;
