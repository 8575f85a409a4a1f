// Recording a hit: a lookup of a DNS canary or a request of a URL canary. The token is looked up by
// its hash; an unknown or malformed one is only counted (per UTC day and kind). A known one is
// rate-limited per token (at most N stored hits a minute, the rest counted), then stored with whose
// copy it came from, audited, mailed to every investigator (one mail per token per hour each) and,
// when configured, sent to the programme's SIEM as a signed webhook, all in one transaction but the
// webhook, which a job sends after it.
import { and, eq, gte, sql } from "drizzle-orm";
import { signedHeaders, WEBHOOK_RETRY } from "../releases/index.ts";
import { CANARY_WEBHOOK, type CanaryDeps, DEFAULT_HITS_PER_MINUTE, type StoredHit } from "./context.ts";
import {
  type CanaryKind,
  canaryHits,
  canaryTokens,
  canaryTokenWindows,
  canaryUnknownHits,
} from "./schema.ts";
import { DETAIL_MAX, printable, USER_AGENT_MAX } from "./text.ts";
import { CANARY_TOKEN_PATTERN, hashCanaryToken } from "./tokens.ts";

export type HitInput = {
  kind: CanaryKind;
  /** The token as seen (the DNS label under the domain, or the first path segment after /c/). */
  token: string;
  source: string;
  /** Query name and type, or request line, with the token already replaced by `[token]`. */
  detail: string;
  userAgent?: string | null | undefined;
};

export type HitOutcome =
  | { known: false }
  | { known: true; stored: false }
  | { known: true; stored: true; hitId: string };

const MINUTE = 60_000;
const HOUR = 3_600_000;

export function makeHitRecorder(d: CanaryDeps) {
  const limit = d.hitsPerMinute ?? DEFAULT_HITS_PER_MINUTE;

  async function countUnknown(kind: CanaryKind): Promise<void> {
    const day = d.clock.now().toISOString().slice(0, 10);
    await d.db
      .insert(canaryUnknownHits)
      .values({ day, kind, count: 1 })
      .onConflictDoUpdate({
        target: [canaryUnknownHits.day, canaryUnknownHits.kind],
        set: { count: sql`${canaryUnknownHits.count} + 1` },
      });
  }

  function alertMail(hit: {
    id: string;
    at: Date;
    kind: CanaryKind;
    source: string;
    advisoryId: string;
    partnerId: string;
    partnerName: string | null;
    recipient: string;
  }): { subject: string; body: string } {
    const link = `${d.publicUrl.replace(/\/$/, "")}/api/canaries/hits?advisoryId=${hit.advisoryId}`;
    return {
      subject: `Canary hit on advisory ${hit.advisoryId}`,
      body: [
        "A canary token placed in one recipient's copy was triggered.",
        "",
        `Hit:        ${hit.id}`,
        `When:       ${hit.at.toISOString()}`,
        `How:        ${hit.kind === "dns" ? "DNS lookup (the source is usually the leaker's resolver)" : "HTTP request"}`,
        `From:       ${hit.source}`,
        `Advisory:   ${hit.advisoryId}`,
        `Partner:    ${hit.partnerName ? `${printable(hit.partnerName, 120)} (${hit.partnerId})` : hit.partnerId}`,
        `Recipient:  ${hit.recipient}`,
        "",
        `Every hit of this advisory: ${link}`,
        "Further hits of the same token within the hour are listed there but not mailed again.",
      ].join("\n"),
    };
  }

  async function recordHit(input: HitInput): Promise<HitOutcome> {
    const token = input.token.toLowerCase();
    if (!CANARY_TOKEN_PATTERN.test(token)) {
      await countUnknown(input.kind);
      return { known: false };
    }
    const [row] = await d.db
      .select()
      .from(canaryTokens)
      .where(and(eq(canaryTokens.tokenHash, hashCanaryToken(token)), eq(canaryTokens.kind, input.kind)))
      .limit(1);
    if (!row) {
      await countUnknown(input.kind);
      return { known: false };
    }
    const now = d.clock.now();
    const windowStart = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
    // A token already over its limit this minute is only counted, before any other read (a flood).
    const over = await d.db
      .update(canaryTokenWindows)
      .set({ suppressed: sql`${canaryTokenWindows.suppressed} + 1` })
      .where(
        and(
          eq(canaryTokenWindows.tokenId, row.id),
          eq(canaryTokenWindows.windowStart, windowStart),
          gte(canaryTokenWindows.stored, limit),
        ),
      )
      .returning({ tokenId: canaryTokenWindows.tokenId });
    if (over.length > 0) return { known: true, stored: false };
    const names = await d.accounts.namesOf({
      userIds: row.recipientKind === "user" ? [row.recipientId] : [],
      organisationIds: [row.partnerId],
    });
    const investigators = await d.accounts.activeUsersWithRole("investigator");

    let stored = null as StoredHit | null;
    const outcome = await d.db.transaction(async (tx): Promise<HitOutcome> => {
      // The token's window row, locked: concurrent hits of one token take turns here.
      await tx
        .insert(canaryTokenWindows)
        .values({ tokenId: row.id, windowStart, stored: 0, suppressed: 0 })
        .onConflictDoNothing();
      const [w] = await tx
        .select()
        .from(canaryTokenWindows)
        .where(eq(canaryTokenWindows.tokenId, row.id))
        .for("update");
      const inWindow = w !== undefined && w.windowStart.getTime() === windowStart.getTime() ? w.stored : 0;
      if (inWindow >= limit) {
        await tx
          .update(canaryTokenWindows)
          .set({ suppressed: sql`${canaryTokenWindows.suppressed} + 1` })
          .where(eq(canaryTokenWindows.tokenId, row.id));
        return { known: true, stored: false };
      }
      await tx
        .update(canaryTokenWindows)
        .set({ windowStart, stored: inWindow + 1 })
        .where(eq(canaryTokenWindows.tokenId, row.id));

      const id = d.ids("canaryHit");
      const source = printable(input.source, 64);
      await tx.insert(canaryHits).values({
        id,
        tokenId: row.id,
        kind: input.kind,
        at: now,
        source,
        detail: printable(input.detail, DETAIL_MAX),
        userAgent: input.userAgent ? printable(input.userAgent, USER_AGENT_MAX) : null,
        advisoryId: row.advisoryId,
        planId: row.planId,
        deliveryId: row.deliveryId,
        partnerId: row.partnerId,
        recipientKind: row.recipientKind,
        recipientId: row.recipientId,
      });
      await d.audit.record(tx, {
        type: "canary.hit",
        actor: null,
        subject: row.advisoryId,
        data: {
          hitId: id,
          kind: input.kind,
          source,
          advisoryId: row.advisoryId,
          partnerId: row.partnerId,
          recipientKind: row.recipientKind,
          recipientId: row.recipientId,
          deliveryId: row.deliveryId,
          alert: true,
        },
      });
      const member = names.users.get(row.recipientId);
      const partnerName = names.organisations.get(row.partnerId) ?? null;
      const recipient =
        row.recipientKind === "user"
          ? `member ${member ? `${member.email} ` : ""}(${row.recipientId})`
          : `the partner organisation's own copy (API token or webhook, ${row.recipientId})`;
      const mail = alertMail({
        id,
        at: now,
        kind: input.kind,
        source,
        advisoryId: row.advisoryId,
        partnerId: row.partnerId,
        partnerName,
        recipient,
      });
      const hour = new Date(Math.floor(now.getTime() / HOUR) * HOUR).toISOString();
      for (const inv of investigators) {
        await d.mailer.send(tx, {
          to: inv.email,
          subject: mail.subject,
          body: mail.body,
          kind: "canary_hit",
          dedupeKey: `canary_hit:${row.id}:${hour}:${inv.id}`,
        });
      }
      stored = {
        hitId: id,
        advisoryId: row.advisoryId,
        deliveryId: row.deliveryId,
        partnerId: row.partnerId,
        recipientKind: row.recipientKind,
        recipientId: row.recipientId,
        kind: input.kind,
        at: now,
      };
      return { known: true, stored: true, hitId: id };
    });
    if (outcome.known && outcome.stored && d.webhook) {
      const queue = d.queue?.current();
      if (queue)
        await queue.send(
          CANARY_WEBHOOK,
          { hitId: outcome.hitId },
          { ...WEBHOOK_RETRY, singletonKey: outcome.hitId },
        );
    }
    // The hit, its audit entry, its alerts and its webhook are durable by now: a failure of what
    // follows (forensics attaching it to an investigation) is reported, and never costs the DNS
    // resolver or the HTTP client its answer.
    if (stored && d.onHit) {
      try {
        await d.onHit(stored);
      } catch (e) {
        (d.reportError ?? reportToStderr)(
          e,
          `canary hit ${stored.hitId} was stored but not attached to an investigation`,
        );
      }
    }
    return outcome;
  }

  /**
   * POSTs one hit to the SIEM webhook, signed (Standard Webhooks; the message ID is the hit's, so a
   * retry is recognisable). Throws when the endpoint does not answer 2xx, for the job to retry.
   */
  async function sendWebhook(hitId: string): Promise<{ status: number }> {
    const hook = d.webhook;
    if (!hook) throw new Error("no canary webhook is configured");
    const [h] = await d.db.select().from(canaryHits).where(eq(canaryHits.id, hitId)).limit(1);
    if (!h) return { status: 0 };
    const body = JSON.stringify({
      type: "canary.hit",
      timestamp: h.at.toISOString(),
      data: {
        hitId: h.id,
        kind: h.kind,
        at: h.at.toISOString(),
        source: h.source,
        detail: h.detail,
        userAgent: h.userAgent,
        advisoryId: h.advisoryId,
        planId: h.planId,
        deliveryId: h.deliveryId,
        partnerId: h.partnerId,
        recipient: { kind: h.recipientKind, id: h.recipientId },
      },
    });
    const headers = signedHeaders(hook.secret, h.id, d.clock.now(), body);
    const res = await d.transport(hook.url, headers, body);
    if (res.status < 200 || res.status >= 300)
      throw new Error(`canary webhook answered ${res.status} for ${h.id}; retrying`);
    return res;
  }

  return { recordHit, sendWebhook, countUnknown };
}

function reportToStderr(e: unknown, what: string): void {
  console.error(`forewarn: ${what}: ${e instanceof Error ? e.message : String(e)}`);
}
