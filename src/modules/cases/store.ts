// Pieces every cases use case shares: the dependencies, loading a case, its staff and researcher
// views, timeline entries and the notification outbox. Only this module touches its tables.
import { asc, eq } from "drizzle-orm";
import { type Actor, actorRef } from "../../authz/authorize.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import { listedFile } from "../../platform/db/columns.ts";
import type { ServiceDeps } from "../../platform/deps.ts";
import { notFound } from "../../platform/errors.ts";
import type { Mailer } from "../../platform/mail/outbox.ts";
import type { Accounts } from "../accounts/index.ts";
import { allowedTransitions, deadlineState, type Phase } from "./phases.ts";
import {
  caseAttachments,
  caseCredits,
  caseEvents,
  caseMessages,
  caseNotifications,
  cases,
} from "./schema.ts";

export type CasesDeps = ServiceDeps & {
  sealer: Sealer;
  accounts: Pick<Accounts, "allUsers">;
  /** The shared mail outbox (partners module); notifications to people are queued there as mail. */
  mailer?: Pick<Mailer, "send"> | undefined;
  /** Days from receipt to the remediation deadline. */
  remediationDays: number;
};

export type CaseRow = typeof cases.$inferSelect;

export const actorId = (actor: Actor | null): string | null => (actor ? actorRef(actor) : null);

export async function loadCase(db: DbOrTx, id: string, lock = false): Promise<CaseRow> {
  const q = db.select().from(cases).where(eq(cases.id, id));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound(`case ${id}`);
  return row;
}

export async function addEvent(
  d: Pick<CasesDeps, "ids" | "clock">,
  tx: DbOrTx,
  e: {
    caseId: string;
    actor: Actor | null;
    kind: string;
    fromPhase?: Phase | null;
    toPhase?: Phase | null;
    body?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<string> {
  const id = d.ids("caseEvent");
  await tx.insert(caseEvents).values({
    id,
    caseId: e.caseId,
    at: d.clock.now(),
    actorId: actorId(e.actor),
    kind: e.kind,
    fromPhase: e.fromPhase ?? null,
    toPhase: e.toPhase ?? null,
    body: e.body ?? null,
    data: e.data ?? {},
  });
  return id;
}

/**
 * The email addresses behind a recipient: an address as is; `staff:<userId>` that user's;
 * `staff:coordinators` every coordinator's. Resolve before opening the transaction.
 */
export async function emailsOf(d: Pick<CasesDeps, "accounts">, recipient: string | null): Promise<string[]> {
  if (!recipient) return [];
  if (!recipient.startsWith("staff:")) return recipient.includes("@") ? [recipient] : [];
  const who = recipient.slice("staff:".length);
  const users = await d.accounts.allUsers({ kind: "system", name: "cases" });
  return users
    .filter((u) => (who === "coordinators" ? u.role === "coordinator" : u.id === who))
    .map((u) => u.email);
}

/**
 * Records a notification for the case and queues it as mail to `emails`; with a dedupeKey only the
 * first of its kind is kept. Returns whether it was new.
 */
export async function notify(
  d: Pick<CasesDeps, "ids" | "clock" | "mailer">,
  tx: DbOrTx,
  n: { caseId: string; kind: string; recipient: string; subject: string; body: string; dedupeKey?: string },
  emails: string[] = [],
): Promise<boolean> {
  const rows = await tx
    .insert(caseNotifications)
    .values({ id: d.ids("notification"), ...n, dedupeKey: n.dedupeKey ?? null, createdAt: d.clock.now() })
    .onConflictDoNothing()
    .returning({ id: caseNotifications.id });
  if (rows.length === 0) return false;
  for (const to of emails)
    await d.mailer?.send(tx, {
      to,
      subject: n.subject,
      body: n.body,
      kind: `case.${n.kind}`,
      ...(n.dedupeKey ? { dedupeKey: `${n.dedupeKey}:${to}` } : {}),
    });
  return true;
}

export function cvssOf(c: CaseRow) {
  return c.cvssVector && c.cvssVersion && c.cvssScore !== null && c.cvssSeverity
    ? { vector: c.cvssVector, version: c.cvssVersion, score: c.cvssScore, severity: c.cvssSeverity }
    : null;
}

export function summaryView(c: CaseRow, now: Date) {
  const phase = c.phase;
  return {
    id: c.id,
    title: c.title,
    product: c.product,
    version: c.version,
    phase,
    assigneeId: c.assigneeId,
    receivedAt: c.receivedAt,
    deadline: deadlineState(phase, c.deadlineAt, now),
    cveId: c.cveId,
    cvss: cvssOf(c),
  };
}

export async function loadAttachments(db: DbOrTx, caseId: string) {
  return db
    .select({
      id: caseAttachments.id,
      ...listedFile(caseAttachments),
      uploadedBy: caseAttachments.uploadedBy,
      createdAt: caseAttachments.createdAt,
    })
    .from(caseAttachments)
    .where(eq(caseAttachments.caseId, caseId))
    .orderBy(asc(caseAttachments.createdAt));
}

/** Seal contexts: a sealed value copied to another row or column does not open. */
export const descriptionContext = (caseId: string) => `cases:${caseId}:description`;
export const messageContext = (messageId: string) => `case_messages:${messageId}:body`;

export async function loadMessages(db: DbOrTx, sealer: Sealer, caseId: string) {
  const rows = await db
    .select({
      id: caseMessages.id,
      parentId: caseMessages.parentId,
      authorKind: caseMessages.authorKind,
      authorUserId: caseMessages.authorUserId,
      body: caseMessages.body,
      createdAt: caseMessages.createdAt,
    })
    .from(caseMessages)
    .where(eq(caseMessages.caseId, caseId))
    .orderBy(asc(caseMessages.createdAt), asc(caseMessages.id));
  return rows.map((m) => ({ ...m, body: sealer.open(m.body, messageContext(m.id)) }));
}

export async function loadCredits(db: DbOrTx, caseId: string) {
  return db
    .select({
      id: caseCredits.id,
      name: caseCredits.name,
      type: caseCredits.type,
      userId: caseCredits.userId,
    })
    .from(caseCredits)
    .where(eq(caseCredits.caseId, caseId))
    .orderBy(asc(caseCredits.createdAt), asc(caseCredits.id));
}

export async function staffView(db: DbOrTx, sealer: Sealer, c: CaseRow, now: Date) {
  const timeline = await db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, c.id))
    .orderBy(asc(caseEvents.at), asc(caseEvents.id));
  const phase = c.phase;
  return {
    ...summaryView(c, now),
    description: sealer.open(c.description, descriptionContext(c.id)),
    encrypted: c.encrypted,
    allowedTransitions: [...allowedTransitions(phase)],
    duplicateOf: c.duplicateOf,
    reporter: {
      kind: c.reporterUserId ? ("account" as const) : ("anonymous" as const),
      name: c.reporterName,
      email: c.reporterEmail,
      userId: c.reporterUserId,
      organisationId: c.reporterOrganisationId,
    },
    cwe: c.cwe,
    bounty:
      c.bountyAmount !== null && c.bountyCurrency && c.bountyStatus
        ? { amount: c.bountyAmount, currency: c.bountyCurrency, status: c.bountyStatus }
        : null,
    credits: await loadCredits(db, c.id),
    attachments: await loadAttachments(db, c.id),
    messages: await loadMessages(db, sealer, c.id),
    timeline: timeline.map((e) => ({
      id: e.id,
      at: e.at,
      actorId: e.actorId,
      kind: e.kind,
      fromPhase: e.fromPhase,
      toPhase: e.toPhase,
      body: e.body,
      data: e.data as Record<string, unknown>,
    })),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** What a reporter sees: no internal notes, assignee or bounty deliberations, but phase and messages. */
export async function researcherView(db: DbOrTx, sealer: Sealer, c: CaseRow, now: Date) {
  const timeline = await db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, c.id))
    .orderBy(asc(caseEvents.at), asc(caseEvents.id));
  return {
    id: c.id,
    title: c.title,
    product: c.product,
    version: c.version,
    description: sealer.open(c.description, descriptionContext(c.id)),
    phase: c.phase,
    receivedAt: c.receivedAt,
    cveId: c.cveId,
    credits: await loadCredits(db, c.id),
    attachments: (await loadAttachments(db, c.id)).map(({ uploadedBy: _u, ...a }) => a),
    messages: await loadMessages(db, sealer, c.id),
    phases: timeline
      .filter((e) => e.kind === "transition" || e.kind === "reported")
      .map((e) => ({ at: e.at, phase: e.toPhase ?? "received" })),
    advisory: publishedAdvisory(timeline, now),
  };
}

/** The public advisory of the case, once its publication time has come (from its timeline). */
function publishedAdvisory(timeline: { data: unknown }[], now: Date) {
  for (const e of [...timeline].reverse()) {
    const x = e.data as { trackingId?: string; publishedAt?: string };
    if (x?.trackingId && x.publishedAt && new Date(x.publishedAt).getTime() <= now.getTime())
      return { trackingId: x.trackingId, publishedAt: new Date(x.publishedAt) };
  }
  return null;
}
