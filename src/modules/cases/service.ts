// The cases module's service: intake, reading, triage, conversation and deadline warnings, each in its
// own file, composed here into one object with narrow dependencies.
import { and, asc, eq, lte, notInArray, type SQL, sql } from "drizzle-orm";
import { type Actor, authorize, can } from "../../authz/authorize.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import { after, type PageInput, pageSize, tablePage, toPage } from "../../platform/db/page.ts";
import { notFound } from "../../platform/errors.ts";
import { makeConversation } from "./conversation.ts";
import { makeIntake } from "./intake.ts";
import { dueWarnings, FINISHED, type Phase } from "./phases.ts";
import { caseNotifications, cases, finishedRank } from "./schema.ts";
import {
  addEvent,
  type CasesDeps,
  cvssOf,
  emailsOf,
  loadCase,
  loadCredits,
  notify,
  staffView,
  summaryView,
} from "./store.ts";
import { makeTriage } from "./triage.ts";

export type { CasesDeps } from "./store.ts";

/** Cases read per query by the deadline warnings. */
const DEADLINE_BATCH = 1000;

export function makeCases(d: CasesDeps) {
  const intake = makeIntake(d);
  const triage = makeTriage(d);
  const conversation = makeConversation(d, intake.reporterCase);

  /** One case's due deadline warnings, each in its own transaction; how many were new. */
  async function warnDeadlines(actor: Actor, row: typeof cases.$inferSelect, now: Date): Promise<number> {
    let warned = 0;
    const due = dueWarnings(row.phase, row.deadlineAt, now);
    const recipient = `staff:${row.assigneeId ?? "coordinators"}`;
    const emails = due.length ? await emailsOf(d, recipient) : [];
    for (const threshold of due) {
      const deadlineAt = row.deadlineAt.toISOString();
      await d.db.transaction(async (tx) => {
        const fresh = await notify(
          d,
          tx,
          {
            caseId: row.id,
            kind: `deadline.${threshold}`,
            recipient,
            subject:
              threshold === "overdue"
                ? `Case ${row.id} is past its remediation deadline`
                : `Case ${row.id}: remediation deadline in ${threshold.replace("d", " days")}`,
            body: `Case ${row.id} (${row.product}) has its remediation deadline at ${deadlineAt}.`,
            dedupeKey: `${row.id}:${deadlineAt}:${threshold}`,
          },
          emails,
        );
        if (!fresh) return;
        warned++;
        await addEvent(d, tx, {
          caseId: row.id,
          actor,
          kind: "deadline_warning",
          data: { threshold, deadlineAt },
        });
        await d.audit.record(tx, {
          type: "case.deadline_warned",
          actor,
          subject: row.id,
          data: { threshold, deadlineAt },
        });
      });
    }
    return warned;
  }

  return {
    ...intake,
    ...triage,
    ...conversation,

    /**
     * Cases, overdue first, then by nearest deadline, finished ones last: what needs attention stands
     * out. For an unfinished case, overdue and near are bands of its deadline, so the order is (finished,
     * deadline, ID), the same on every page whatever the time.
     */
    async list(
      actor: Actor,
      f: { phase?: Phase | undefined; status?: "overdue" | "near" | "open" | undefined } & PageInput = {},
    ) {
      authorize(actor, "cases:read");
      const where: SQL[] = [];
      if (f.phase) where.push(eq(cases.phase, f.phase));
      if (f.status) where.push(notInArray(cases.phase, [...FINISHED]));
      const now = d.clock.now();
      if (f.status === "overdue") where.push(lte(cases.deadlineAt, now));
      if (f.status === "near") where.push(lte(cases.deadlineAt, new Date(now.getTime() + 14 * 86_400_000)));
      const finished = finishedRank(cases.phase);
      const key = [finished, cases.deadlineAt, cases.id];
      const next = after(key, ["number", "date", "string"], f.cursor, "asc");
      if (next) where.push(next);
      const limit = pageSize(f);
      const rows = await d.db
        .select({ row: cases, finished })
        .from(cases)
        .where(and(...where))
        .orderBy(...key.map((k) => asc(k)))
        .limit(limit + 1);
      const p = toPage(rows, limit, (r) => [Number(r.finished), r.row.deadlineAt, r.row.id]);
      return { items: p.items.map((r) => summaryView(r.row, now)), nextCursor: p.nextCursor };
    },

    /** Staff get the whole case; a researcher account its own case's researcher view; others 404. */
    async get(actor: Actor, caseId: string) {
      if (!can(actor, "cases:read")) {
        authorize(actor, "report:own");
        return { view: "researcher" as const, ...(await intake.viewAsReporter({ actor }, caseId)) };
      }
      const row = await loadCase(d.db, caseId);
      const view = await staffView(d.db, d.sealer, row, d.clock.now());
      // Names and e-mails of the accounts the case mentions, so staff read people rather than IDs.
      const users = await d.accounts.allUsers({ kind: "system", name: "cases" });
      const mentioned = new Set(
        [
          row.reporterUserId,
          row.assigneeId,
          ...view.timeline.map((e) => e.actorId),
          ...view.attachments.map((a) => a.uploadedBy),
          ...view.messages.map((m) => m.authorUserId),
          ...view.credits.map((c) => c.userId),
        ].filter((x): x is string => typeof x === "string"),
      );
      const people: Record<string, { name: string; email: string }> = {};
      for (const u of users) if (mentioned.has(u.id)) people[u.id] = { name: u.name, email: u.email };
      const account = users.find((u) => u.id === row.reporterUserId);
      const reporter = {
        ...view.reporter,
        name: view.reporter.name ?? account?.name ?? null,
        email: view.reporter.email ?? account?.email ?? null,
        organisationName: account?.organisationName ?? null,
      };
      await d.audit.record(d.db, { type: "case.viewed", actor, subject: caseId, data: { view: "staff" } });
      return { view: "staff" as const, ...view, reporter, people };
    },

    /** Cases not yet released, closed, declined or duplicate (a dashboard count; no content). */
    async countOpen(): Promise<number> {
      const [r] = await d.db
        .select({ n: sql<number>`count(*)::int` })
        .from(cases)
        .where(notInArray(cases.phase, [...FINISHED]));
      return r?.n ?? 0;
    },

    /** Every case, whatever its phase (a dashboard count; no content). */
    async count(): Promise<number> {
      const [r] = await d.db.select({ n: sql<number>`count(*)::int` }).from(cases);
      return r?.n ?? 0;
    },

    /**
     * What an advisory export needs from its case (identifiers, scoring, credits). For other
     * modules' services, which authorize their own callers first.
     */
    async facts(caseId: string) {
      const row = await loadCase(d.db, caseId).catch(() => {
        throw notFound(`case ${caseId}`);
      });
      return {
        id: row.id,
        title: row.title,
        product: row.product,
        phase: row.phase,
        cveId: row.cveId,
        cwe: row.cwe,
        cvss: cvssOf(row),
        receivedAt: row.receivedAt,
        credits: await loadCredits(d.db, row.id),
      };
    },

    /**
     * The case's advisory was published (for the advisories service, in its publication's
     * transaction, which authorized its caller): a case still open moves to `released` with the
     * advisory named on its timeline (audited `case.transitioned`), and the researcher's view links
     * the public advisory from then on. A case already finished only gets the link.
     */
    async recordPublication(
      tx: DbOrTx,
      actor: Actor,
      caseId: string,
      advisory: { advisoryId: string; trackingId: string; publishedAt: Date },
    ) {
      const row = await loadCase(tx, caseId, true);
      const from = row.phase;
      const data = {
        advisoryId: advisory.advisoryId,
        trackingId: advisory.trackingId,
        publishedAt: advisory.publishedAt.toISOString(),
      };
      if (FINISHED.includes(from)) {
        await addEvent(d, tx, { caseId, actor, kind: "advisory_published", data });
        return { phase: from };
      }
      const reason = `advisory ${advisory.trackingId} was published`;
      await tx.update(cases).set({ phase: "released", updatedAt: d.clock.now() }).where(eq(cases.id, caseId));
      await addEvent(d, tx, {
        caseId,
        actor,
        kind: "transition",
        fromPhase: from,
        toPhase: "released",
        body: reason,
        data,
      });
      await d.audit.record(tx, {
        type: "case.transitioned",
        actor,
        subject: caseId,
        data: { from, to: "released", reason },
      });
      return { phase: "released" as const };
    },

    /**
     * Records deadline warnings (14 and 3 days before, and overdue) into the outbox, once per case,
     * deadline and threshold: running it again, or after a crash, repeats nothing.
     */
    async recordDeadlineWarnings(actor: Actor, batch = DEADLINE_BATCH): Promise<{ warned: number }> {
      authorize(actor, "cases:write");
      const now = d.clock.now();
      const soon = new Date(now.getTime() + 14 * 86_400_000);
      let warned = 0;
      // Every open case due within 14 days, read in pages in (deadline, id) order: none is left
      // out however many there are.
      let cursor: string | undefined;
      do {
        const rows = await d.db
          .select()
          .from(cases)
          .where(
            and(
              notInArray(cases.phase, [...FINISHED]),
              lte(cases.deadlineAt, soon),
              after([cases.deadlineAt, cases.id], ["date", "string"], cursor, "asc"),
            ),
          )
          .orderBy(asc(cases.deadlineAt), asc(cases.id))
          .limit(batch + 1);
        const page = toPage(rows, batch, (r) => [r.deadlineAt, r.id]);
        cursor = page.nextCursor ?? undefined;
        for (const row of page.items) warned += await warnDeadlines(actor, row, now);
      } while (cursor);
      return { warned };
    },

    /** The notification outbox (one case's, or all), newest first, one page at a time. */
    async notifications(actor: Actor, caseId?: string, p: PageInput = {}) {
      authorize(actor, "cases:read");
      const mine = caseId ? eq(caseNotifications.caseId, caseId) : undefined;
      return tablePage(d.db, caseNotifications, ["createdAt", "id"], "desc", p, mine);
    },
  };
}

export type Cases = ReturnType<typeof makeCases>;
