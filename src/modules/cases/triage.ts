// The response team's work on a case: phase transitions (the table in phases.ts), assignment,
// deadline, CWE, CVSS, CVE IDs from the pool or entered, notes, credits and the bounty. Each change
// writes a timeline entry and an audit entry in its transaction.
import { and, asc, count, eq, isNull, ne } from "drizzle-orm";
import type { AuditEvents } from "../../audit/events.ts";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError, badRequest, conflict, notFound } from "../../platform/errors.ts";
import { CvssError, scoreCvss } from "./cvss.ts";
import { allowedTransitions, canTransition, type Phase } from "./phases.ts";
import { caseCredits, cases, cvePool } from "./schema.ts";
import { addEvent, type CasesDeps, loadCase } from "./store.ts";

export const CVE_PATTERN = /^CVE-\d{4}-\d{4,19}$/;
export const CWE_PATTERN = /^CWE-\d{1,6}$/;

import { BOUNTY_STATUSES, CREDIT_TYPES, type CreditType } from "../../contract/enums.ts";

export { BOUNTY_STATUSES, CREDIT_TYPES, type CreditType };

export type CasePatch = {
  title?: string | undefined;
  product?: string | undefined;
  version?: string | undefined;
  cwe?: string | null | undefined;
  assigneeId?: string | null | undefined;
  deadlineAt?: Date | undefined;
};

export function makeTriage(d: CasesDeps) {
  /**
   * Sets fields of a case (its CVSS or its bounty) with the timeline entry `kind` and the audit event
   * `type`, both carrying `data`, in one transaction.
   */
  async function setCaseFields<T extends "case.cvss_set" | "case.bounty_set">(
    actor: Actor,
    caseId: string,
    fields: Partial<typeof cases.$inferInsert>,
    kind: string,
    type: T,
    data: AuditEvents[T],
  ) {
    await d.db.transaction(async (tx) => {
      await loadCase(tx, caseId, true);
      await tx
        .update(cases)
        .set({ ...fields, updatedAt: d.clock.now() })
        .where(eq(cases.id, caseId));
      await addEvent(d, tx, { caseId, actor, kind, data: { ...data } });
      await d.audit.record(tx, { type, actor, subject: caseId, data });
    });
  }

  return {
    async transition(
      actor: Actor,
      caseId: string,
      input: { to: Phase; reason?: string | undefined; duplicateOf?: string | undefined },
    ) {
      authorize(actor, "cases:write");
      return d.db.transaction(async (tx) => {
        const row = await loadCase(tx, caseId, true);
        const from = row.phase;
        if (!canTransition(from, input.to)) {
          const allowed = [...allowedTransitions(from)];
          throw new AppError(
            "invalid_state",
            `case ${caseId} cannot go from ${from} to ${input.to}; allowed: ${allowed.join(", ") || "none"}`,
            { from, to: input.to, allowed },
          );
        }
        if (input.to === "duplicate") {
          if (!input.duplicateOf)
            throw badRequest("duplicateOf (the original case's ID) is required for duplicate");
          if (input.duplicateOf === caseId) throw badRequest("a case cannot duplicate itself");
          const [orig] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, input.duplicateOf));
          if (!orig) throw badRequest(`duplicateOf: case ${input.duplicateOf} does not exist`);
        } else if (input.duplicateOf) throw badRequest("duplicateOf only goes with to: duplicate");
        const now = d.clock.now();
        await tx
          .update(cases)
          .set({
            phase: input.to,
            duplicateOf: input.to === "duplicate" ? (input.duplicateOf ?? null) : null,
            updatedAt: now,
          })
          .where(eq(cases.id, caseId));
        await addEvent(d, tx, {
          caseId,
          actor,
          kind: "transition",
          fromPhase: from,
          toPhase: input.to,
          body: input.reason ?? null,
          data: input.duplicateOf ? { duplicateOf: input.duplicateOf } : {},
        });
        await d.audit.record(tx, {
          type: "case.transitioned",
          actor,
          subject: caseId,
          data: {
            from,
            to: input.to,
            reason: input.reason ?? null,
            ...(input.duplicateOf ? { duplicateOf: input.duplicateOf } : {}),
          },
        });
        return { id: caseId, phase: input.to, allowedTransitions: [...allowedTransitions(input.to)] };
      });
    },

    async update(actor: Actor, caseId: string, patch: CasePatch) {
      authorize(actor, "cases:write");
      const fields = Object.entries(patch)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k);
      if (fields.length === 0) throw badRequest("nothing to change");
      if (patch.cwe && !CWE_PATTERN.test(patch.cwe))
        throw badRequest(`cwe must look like CWE-79, not "${patch.cwe}"`);
      if (patch.assigneeId) {
        const staff = await d.accounts.allUsers({ kind: "system", name: "cases" });
        const u = staff.find((x) => x.id === patch.assigneeId);
        if (!u || !["admin", "coordinator", "investigator"].includes(u.role))
          throw badRequest(`assigneeId ${patch.assigneeId} is not a staff member`);
      }
      await d.db.transaction(async (tx) => {
        const row = await loadCase(tx, caseId, true);
        if (patch.deadlineAt && patch.deadlineAt.getTime() < row.receivedAt.getTime())
          throw badRequest("deadlineAt is before the report was received");
        const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        await tx
          .update(cases)
          .set({ ...set, updatedAt: d.clock.now() })
          .where(eq(cases.id, caseId));
        const data: Record<string, unknown> = {};
        for (const f of fields) data[f] = set[f] instanceof Date ? (set[f] as Date).toISOString() : set[f];
        await addEvent(d, tx, {
          caseId,
          actor,
          kind: patch.assigneeId !== undefined && fields.length === 1 ? "assigned" : "updated",
          data,
        });
        await d.audit.record(tx, { type: "case.updated", actor, subject: caseId, data: { fields } });
      });
    },

    async setCvss(actor: Actor, caseId: string, vector: string) {
      authorize(actor, "cases:write");
      let r: ReturnType<typeof scoreCvss>;
      try {
        r = scoreCvss(vector);
      } catch (e) {
        if (e instanceof CvssError)
          throw badRequest(`invalid CVSS vector: ${e.message}`, e.metric ? { metric: e.metric } : undefined);
        throw e;
      }
      const scored = {
        cvssVector: r.vector,
        cvssVersion: r.version,
        cvssScore: r.score,
        cvssSeverity: r.severity,
      };
      await setCaseFields(actor, caseId, scored, "cvss", "case.cvss_set", r);
      return { version: r.version, vector: r.vector, score: r.score, severity: r.severity };
    },

    /** Enters the given CVE ID, or reserves the next free one from the pool. */
    async assignCve(actor: Actor, caseId: string, cveId?: string) {
      authorize(actor, "cases:write");
      if (cveId !== undefined && !CVE_PATTERN.test(cveId))
        throw badRequest(`cveId must look like CVE-2026-12345, not "${cveId}"`);
      try {
        return await d.db.transaction(async (tx) => {
          const row = await loadCase(tx, caseId, true);
          if (row.cveId) throw conflict(`case ${caseId} already has ${row.cveId}`);
          const now = d.clock.now();
          let id = cveId;
          let source: "pool" | "entered" = "entered";
          if (id) {
            const [taken] = await tx
              .select({ id: cases.id })
              .from(cases)
              .where(and(eq(cases.cveId, id), ne(cases.id, caseId)));
            if (taken) throw conflict(`${id} is already assigned to another case`);
            const [pooled] = await tx.select().from(cvePool).where(eq(cvePool.cveId, id)).for("update");
            if (pooled?.caseId) throw conflict(`${id} is already reserved for another case`);
            if (pooled)
              await tx.update(cvePool).set({ caseId, reservedAt: now }).where(eq(cvePool.cveId, id));
          } else {
            source = "pool";
            const [next] = await tx
              .select()
              .from(cvePool)
              .where(isNull(cvePool.caseId))
              .orderBy(asc(cvePool.addedAt), asc(cvePool.cveId))
              .limit(1)
              .for("update", { skipLocked: true });
            if (!next) throw conflict("the CVE pool is empty: an admin adds IDs with POST /api/cve-pool");
            id = next.cveId;
            await tx.update(cvePool).set({ caseId, reservedAt: now }).where(eq(cvePool.cveId, id));
          }
          await tx.update(cases).set({ cveId: id, updatedAt: now }).where(eq(cases.id, caseId));
          await addEvent(d, tx, { caseId, actor, kind: "cve", data: { cveId: id, source } });
          await d.audit.record(tx, {
            type: "case.cve_assigned",
            actor,
            subject: caseId,
            data: { cveId: id, source },
          });
          return { cveId: id, source };
        });
      } catch (e) {
        if (isUniqueViolation(e))
          throw conflict(`${cveId ?? "that CVE ID"} is already assigned to another case`);
        throw e;
      }
    },

    async addToPool(actor: Actor, cveIds: string[]) {
      authorize(actor, "cve:manage");
      const bad = cveIds.find((c) => !CVE_PATTERN.test(c));
      if (bad) throw badRequest(`not a CVE ID: "${bad}"`);
      const now = d.clock.now();
      return d.db.transaction(async (tx) => {
        const added: string[] = [];
        // One millisecond apart so the pool hands IDs out in the order given.
        for (const [i, cveId] of [...new Set(cveIds)].entries()) {
          const [used] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.cveId, cveId));
          if (used) continue;
          const r = await tx
            .insert(cvePool)
            .values({ cveId, addedAt: new Date(now.getTime() + i) })
            .onConflictDoNothing()
            .returning({ cveId: cvePool.cveId });
          if (r.length) added.push(cveId);
        }
        if (added.length)
          await d.audit.record(tx, { type: "cve.pool_added", actor, data: { cveIds: added } });
        const [free] = await tx.select({ n: count() }).from(cvePool).where(isNull(cvePool.caseId));
        return { added, free: free?.n ?? 0 };
      });
    },

    /** The CVE pool in the order IDs were added, one page at a time. */
    async listPool(actor: Actor, p: PageInput = {}) {
      authorize(actor, "cve:manage");
      return tablePage(d.db, cvePool, ["addedAt", "cveId"], "asc", p);
    },

    async addNote(actor: Actor, caseId: string, body: string) {
      authorize(actor, "cases:write");
      return d.db.transaction(async (tx) => {
        await loadCase(tx, caseId);
        const eventId = await addEvent(d, tx, { caseId, actor, kind: "note", body });
        await d.audit.record(tx, { type: "case.note_added", actor, subject: caseId, data: { eventId } });
        return { id: eventId };
      });
    },

    async addCredit(
      actor: Actor,
      caseId: string,
      input: { name: string; type: CreditType; userId?: string | undefined },
    ) {
      authorize(actor, "cases:write");
      const id = d.ids("credit");
      await d.db.transaction(async (tx) => {
        await loadCase(tx, caseId);
        await tx.insert(caseCredits).values({
          id,
          caseId,
          name: input.name,
          type: input.type,
          userId: input.userId ?? null,
          createdAt: d.clock.now(),
        });
        await addEvent(d, tx, {
          caseId,
          actor,
          kind: "credit",
          data: { creditId: id, name: input.name, type: input.type },
        });
        await d.audit.record(tx, {
          type: "case.credit_added",
          actor,
          subject: caseId,
          data: { creditId: id, name: input.name, type: input.type },
        });
      });
      return { id, name: input.name, type: input.type, userId: input.userId ?? null };
    },

    async removeCredit(actor: Actor, caseId: string, creditId: string) {
      authorize(actor, "cases:write");
      await d.db.transaction(async (tx) => {
        const r = await tx
          .delete(caseCredits)
          .where(and(eq(caseCredits.id, creditId), eq(caseCredits.caseId, caseId)))
          .returning({ id: caseCredits.id });
        if (!r.length) throw notFound(`credit ${creditId}`);
        await addEvent(d, tx, { caseId, actor, kind: "credit_removed", data: { creditId } });
        await d.audit.record(tx, { type: "case.credit_removed", actor, subject: caseId, data: { creditId } });
      });
    },

    async setBounty(
      actor: Actor,
      caseId: string,
      b: { amount: number; currency: string; status: (typeof BOUNTY_STATUSES)[number] },
    ) {
      authorize(actor, "cases:write");
      const bounty = { bountyAmount: b.amount, bountyCurrency: b.currency, bountyStatus: b.status };
      await setCaseFields(actor, caseId, bounty, "bounty", "case.bounty_set", b);
      return b;
    },
  };
}
