// Advisories: immutable revisions (optimistic concurrency on the revision number), a readable line
// diff between revisions, review and approval by a second staff member, the public release time, and
// exports. Every read of embargoed content is audited.
import { diffLines } from "diff";
import { and, asc, desc, eq, isNotNull, lte, sql } from "drizzle-orm";
import { type Actor, actorRef, authorize } from "../../authz/authorize.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Tx } from "../../platform/db/client.ts";
import { listedFile } from "../../platform/db/columns.ts";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { after, type PageInput, pageSize, toPage } from "../../platform/db/page.ts";
import type { ServiceDeps } from "../../platform/deps.ts";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../platform/errors.ts";
import { checkedUploads, openSealedFile, type SniffedType, sealedFileValues } from "../../platform/files.ts";
import type { Accounts } from "../accounts/index.ts";
import type { Cases } from "../cases/index.ts";
import { tracingMeter } from "./authoring.ts";
import {
  type AdvisoryContent,
  type ContentLevel,
  markdownProblems,
  neutralText,
  type Product,
  productProblems,
  restrictToLevel,
  SECTIONS,
  type Section,
} from "./content.ts";
import { toCsaf } from "./export/csaf.ts";
import { toCveRecord } from "./export/cve.ts";
import { cweWithName } from "./export/cwe.ts";
import type { ExportInput, Publisher } from "./export/input.ts";
import { toOsv } from "./export/osv.ts";
import { advisories, advisoryFiles, advisoryReviews, advisoryRevisions } from "./schema.ts";

/**
 * publish() on an advisory that is public already: a caller that may run twice (the release engine
 * after a crash) tells it from other refusals by its type, never by its message.
 */
export class AlreadyPublicError extends AppError {
  constructor(advisory: string) {
    super("invalid_state", `advisory ${advisory} is already public`);
  }
}

export type AdvisoriesDeps = ServiceDeps & {
  sealer: Sealer;
  cases: Pick<Cases, "facts" | "recordPublication">;
  publisher: Publisher;
  version: string;
  /** The release engine's answer to "does this advisory have a live plan?" (built before this module). */
  releasePlans?: ReleasePlanPort | undefined;
  /** Names the authors and reviewers of revisions (staff read people rather than user IDs). */
  accounts?: Pick<Accounts, "allUsers">;
};

/**
 * What the advisories module asks of the release engine: the state of the advisory's plan while it
 * can still publish it (draft, approved, armed, broken), else null. The release engine depends on
 * this module, so the composition root builds this reader (releases' makeReleaseReads, which needs
 * the database only) before both.
 */
export type ReleasePlanPort = { liveState(advisoryId: string): Promise<string | null> };

export type AdvisoryInput = {
  caseId: string;
  title: string;
  products: Product[];
  sections: Partial<Record<Section, string>>;
  changeNote?: string | undefined;
};
export type RevisionInput = {
  title?: string | undefined;
  products?: Product[] | undefined;
  sections?: Partial<Record<Section, string>> | undefined;
  changeNote?: string | undefined;
};
export type CopyIdentifiers = {
  /** When the advisory became (or becomes) public; null while it is not scheduled for publication. */
  publishedAt: Date | null;
  cveIds: string[];
  cvss: { version: string; vector: string; score: number; severity: string } | null;
  cwe: { id: string; name: string } | null;
};

import { EXPORT_FORMATS, type ExportFormat } from "../../contract/enums.ts";

export { EXPORT_FORMATS, type ExportFormat };

type AdvisoryRow = typeof advisories.$inferSelect;
type RevisionRow = typeof advisoryRevisions.$inferSelect;

/** Sections are sealed one by one, each bound to its revision and name. */
const sectionContext = (revisionId: string, s: Section) => `advisory_revisions:${revisionId}:sections.${s}`;

function checkContent(c: AdvisoryContent) {
  const problems = [
    ...productProblems(c.products),
    ...SECTIONS.flatMap((s) => markdownProblems(s, c.sections[s])),
  ];
  if (!c.sections.summary.trim()) problems.push("section summary is required");
  if (problems.length) throw badRequest(problems.join("; "), { problems });
}

const fullSections = (s: Partial<Record<Section, string>>) =>
  Object.fromEntries(SECTIONS.map((k) => [k, s[k] ?? ""])) as Record<Section, string>;

export function makeAdvisories(d: AdvisoriesDeps) {
  const openSections = (revisionId: string, sealed: unknown) =>
    Object.fromEntries(
      SECTIONS.map((s) => [
        s,
        d.sealer.open((sealed as Record<Section, string>)[s], sectionContext(revisionId, s)),
      ]),
    ) as Record<Section, string>;
  const sealSections = (revisionId: string, sections: Record<Section, string>) =>
    Object.fromEntries(SECTIONS.map((s) => [s, d.sealer.seal(sections[s], sectionContext(revisionId, s))]));
  const contentOf = (r: RevisionRow): AdvisoryContent => ({
    title: r.title,
    products: r.products as Product[],
    sections: openSections(r.id, r.sections),
  });
  /** The advisory (404 when there is none); within `tx`, locked for the rest of the transaction. */
  async function load(id: string, tx?: Tx): Promise<AdvisoryRow> {
    const q = (tx ?? d.db).select().from(advisories).where(eq(advisories.id, id));
    const [row] = tx ? await q.for("update") : await q;
    if (!row) throw notFound(`advisory ${id}`);
    return row;
  }
  async function revision(id: string, n: number): Promise<RevisionRow> {
    const [r] = await d.db
      .select()
      .from(advisoryRevisions)
      .where(and(eq(advisoryRevisions.advisoryId, id), eq(advisoryRevisions.number, n)));
    if (!r) throw notFound(`revision ${n} of advisory ${id}`);
    return r;
  }
  const isPublished = (a: AdvisoryRow) => a.publishedAt !== null && a.publishedAt <= d.clock.now();

  async function nextTrackingId(year: number): Promise<string> {
    const [r] = await d.db
      .select({ n: sql<number>`count(*)::int` })
      .from(advisories)
      .where(sql`${advisories.trackingId} LIKE ${`FW-${year}-%`}`);
    return `FW-${year}-${String((r?.n ?? 0) + 1).padStart(4, "0")}`;
  }

  async function exportInput(a: AdvisoryRow, rev: RevisionRow, level: ContentLevel): Promise<ExportInput> {
    const facts = await d.cases.facts(a.caseId);
    const revs = await d.db
      .select({
        number: advisoryRevisions.number,
        createdAt: advisoryRevisions.createdAt,
        changeNote: advisoryRevisions.changeNote,
      })
      .from(advisoryRevisions)
      .where(and(eq(advisoryRevisions.advisoryId, a.id), lte(advisoryRevisions.number, rev.number)))
      .orderBy(asc(advisoryRevisions.number));
    return {
      trackingId: a.trackingId,
      content: restrictToLevel(contentOf(rev), level),
      level,
      revisions: revs,
      publishedAt: a.publishedAt,
      now: d.clock.now(),
      cveId: facts.cveId,
      cwe: cweWithName(facts.cwe),
      cvss: facts.cvss,
      credits: facts.credits,
      publisher: d.publisher,
      generatorVersion: d.version,
    };
  }

  function render(format: ExportFormat, input: ExportInput) {
    if (format === "csaf") return toCsaf(input);
    if (format === "cve") return toCveRecord(input);
    return toOsv(input);
  }

  async function view(a: AdvisoryRow, rev: RevisionRow) {
    const [reviews, revisions, files] = await Promise.all([
      d.db
        .select()
        .from(advisoryReviews)
        .where(eq(advisoryReviews.advisoryId, a.id))
        .orderBy(asc(advisoryReviews.createdAt)),
      d.db
        .select({
          number: advisoryRevisions.number,
          authorId: advisoryRevisions.authorId,
          createdAt: advisoryRevisions.createdAt,
          changeNote: advisoryRevisions.changeNote,
          title: advisoryRevisions.title,
        })
        .from(advisoryRevisions)
        .where(eq(advisoryRevisions.advisoryId, a.id))
        .orderBy(asc(advisoryRevisions.number)),
      d.db
        .select({
          id: advisoryFiles.id,
          section: advisoryFiles.section,
          ...listedFile(advisoryFiles),
          createdAt: advisoryFiles.createdAt,
        })
        .from(advisoryFiles)
        .where(eq(advisoryFiles.advisoryId, a.id))
        .orderBy(asc(advisoryFiles.createdAt)),
    ]);
    const mentioned = new Set([...revisions.map((r) => r.authorId), ...reviews.map((r) => r.reviewerId)]);
    const people: Record<string, { name: string; email: string }> = {};
    if (d.accounts)
      for (const u of await d.accounts.allUsers({ kind: "system", name: "advisories" }))
        if (mentioned.has(u.id)) people[u.id] = { name: u.name, email: u.email };
    return {
      id: a.id,
      trackingId: a.trackingId,
      caseId: a.caseId,
      state: a.state,
      currentRevision: a.currentRevision,
      publishedAt: a.publishedAt,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
      revision: {
        number: rev.number,
        authorId: rev.authorId,
        createdAt: rev.createdAt,
        changeNote: rev.changeNote,
        ...contentOf(rev),
      },
      revisions,
      reviews: reviews.map((r) => ({
        revision: r.revision,
        reviewerId: r.reviewerId,
        decision: r.decision,
        comment: r.comment,
        createdAt: r.createdAt,
      })),
      files,
      people,
    };
  }

  /**
   * Moves the current revision to `state` (submitted for review, approved, sent back to draft),
   * with the reviewer's decision when a review made the move, audited as `type`.
   */
  async function moveRevision<S extends "in_review" | "approved" | "draft">(
    tx: Tx,
    actor: Actor,
    a: AdvisoryRow,
    state: S,
    type: "advisory.submitted" | "advisory.approved" | "advisory.changes_requested",
    review?: { decision: "approved" | "changes_requested"; comment: string | null },
  ) {
    const now = d.clock.now();
    if (review)
      await tx.insert(advisoryReviews).values({
        id: d.ids("review"),
        advisoryId: a.id,
        revision: a.currentRevision,
        reviewerId: actorRef(actor),
        decision: review.decision,
        comment: review.comment,
        createdAt: now,
      });
    await tx.update(advisories).set({ state, updatedAt: now }).where(eq(advisories.id, a.id));
    await d.audit.record(tx, { type, actor, subject: a.id, data: { revision: a.currentRevision } });
    return { id: a.id, state, revision: a.currentRevision };
  }

  /** An advisory with a live release plan is published by that plan only. */
  async function refuseIfPlanned(id: string) {
    const state = d.releasePlans ? await d.releasePlans.liveState(id) : null;
    if (state)
      throw conflict(
        `advisory ${id} has a ${state} release plan: it becomes public at the plan's T0 (or by POST /api/advisories/${id}/embargo-break); cancel the plan (POST /api/advisories/${id}/release-plan/cancel) to publish it otherwise`,
        { planState: state },
      );
  }

  /** Published advisories after `cursor` (newest first), at most `rows` of them. */
  function publicEntries(cursor: string | undefined, rows: number | undefined) {
    const now = d.clock.now();
    return d.db
      .select({
        id: advisories.id,
        trackingId: advisories.trackingId,
        publishedAt: advisories.publishedAt,
        updatedAt: advisories.updatedAt,
        currentRevision: advisories.currentRevision,
        title: advisoryRevisions.title,
        sections: advisoryRevisions.sections,
        revisionId: advisoryRevisions.id,
        revisionAt: advisoryRevisions.createdAt,
      })
      .from(advisories)
      .innerJoin(
        advisoryRevisions,
        and(
          eq(advisoryRevisions.advisoryId, advisories.id),
          eq(
            advisoryRevisions.number,
            sql`coalesce(${advisories.publishedRevision}, ${advisories.currentRevision})`,
          ),
        ),
      )
      .where(
        and(
          isNotNull(advisories.publishedAt),
          lte(advisories.publishedAt, now),
          after([advisories.publishedAt, advisories.id], ["date", "string"], cursor, "desc"),
        ),
      )
      .orderBy(desc(advisories.publishedAt), desc(advisories.id))
      .limit(rows ?? Number.MAX_SAFE_INTEGER)
      .then((found) =>
        found.map((r) => ({
          id: r.id,
          trackingId: r.trackingId,
          title: r.title,
          summary: neutralText(
            d.sealer.open(
              (r.sections as Record<Section, string>).summary,
              sectionContext(r.revisionId, "summary"),
            ),
          ),
          publishedAt: r.publishedAt as Date,
          updatedAt: new Date(Math.max(r.revisionAt.getTime(), (r.publishedAt as Date).getTime())),
        })),
      );
  }

  return {
    /** The editor's tracing meter and author proposals for a text being written (authoring.ts). */
    tracingMeter,

    async create(actor: Actor, input: AdvisoryInput) {
      authorize(actor, "advisories:write");
      await d.cases.facts(input.caseId).catch(() => {
        throw badRequest(`caseId: case ${input.caseId} does not exist`);
      });
      const content: AdvisoryContent = {
        title: input.title,
        products: input.products,
        sections: fullSections(input.sections),
      };
      checkContent(content);
      const now = d.clock.now();
      const id = d.ids("advisory");
      for (let attempt = 0; ; attempt++) {
        const trackingId = await nextTrackingId(now.getUTCFullYear());
        try {
          await d.db.transaction(async (tx) => {
            await tx.insert(advisories).values({
              id,
              trackingId,
              caseId: input.caseId,
              state: "draft",
              currentRevision: 1,
              createdBy: actorRef(actor),
              createdAt: now,
              updatedAt: now,
            });
            const revisionId = d.ids("revision");
            await tx.insert(advisoryRevisions).values({
              id: revisionId,
              advisoryId: id,
              number: 1,
              title: content.title,
              products: content.products,
              sections: sealSections(revisionId, content.sections),
              changeNote: input.changeNote ?? null,
              authorId: actorRef(actor),
              createdAt: now,
            });
            await d.audit.record(tx, {
              type: "advisory.created",
              actor,
              subject: id,
              data: { caseId: input.caseId, trackingId },
            });
            await d.audit.record(tx, {
              type: "advisory.revised",
              actor,
              subject: id,
              data: { revision: 1, state: "draft" },
            });
          });
          return { id, trackingId, revision: 1 };
        } catch (e) {
          // Two advisories created at once may pick the same tracking number: take the next.
          if (isUniqueViolation(e) && attempt < 5) continue;
          throw e;
        }
      }
    },

    /**
     * The identifiers and scoring partners get with their copy: the case's CVE ID, CVSS and CWE
     * (with its name), and when it is public. Not audited: no advisory content.
     */
    async identifiers(actor: Actor, id: string): Promise<CopyIdentifiers> {
      authorize(actor, "advisories:read");
      const a = await load(id);
      const facts = await d.cases.facts(a.caseId);
      return {
        publishedAt: a.publishedAt,
        cveIds: facts.cveId ? [facts.cveId] : [],
        cvss: facts.cvss
          ? {
              version: facts.cvss.version,
              vector: facts.cvss.vector,
              score: facts.cvss.score,
              severity: facts.cvss.severity,
            }
          : null,
        cwe: cweWithName(facts.cwe),
      };
    },

    /**
     * Where the advisory stands, in one query without content (so not an audited read): its state,
     * current revision number and tracking ID; undefined when there is no such advisory. The release
     * engine asks it to approve a plan and to warn that a plan's pinned revision is no longer current.
     */
    async standing(
      actor: Actor,
      id: string,
    ): Promise<{ state: AdvisoryRow["state"]; currentRevision: number; trackingId: string } | undefined> {
      authorize(actor, "advisories:read");
      const [a] = await d.db
        .select({
          state: advisories.state,
          currentRevision: advisories.currentRevision,
          trackingId: advisories.trackingId,
        })
        .from(advisories)
        .where(eq(advisories.id, id));
      return a;
    },

    /** Advisories, most recently changed first, one page at a time. */
    async list(actor: Actor, p: PageInput = {}) {
      authorize(actor, "advisories:read");
      const limit = pageSize(p);
      const rows = await d.db
        .select({
          id: advisories.id,
          trackingId: advisories.trackingId,
          caseId: advisories.caseId,
          state: advisories.state,
          currentRevision: advisories.currentRevision,
          publishedAt: advisories.publishedAt,
          updatedAt: advisories.updatedAt,
          title: advisoryRevisions.title,
        })
        .from(advisories)
        .innerJoin(
          advisoryRevisions,
          and(
            eq(advisoryRevisions.advisoryId, advisories.id),
            eq(advisoryRevisions.number, advisories.currentRevision),
          ),
        )
        .where(after([advisories.updatedAt, advisories.id], ["date", "string"], p.cursor, "desc"))
        .orderBy(desc(advisories.updatedAt), desc(advisories.id))
        .limit(limit + 1);
      return toPage(rows, limit, (r) => [r.updatedAt, r.id]);
    },

    async get(actor: Actor, id: string, n?: number) {
      authorize(actor, "advisories:read");
      const a = await load(id);
      const rev = await revision(id, n ?? a.currentRevision);
      const out = await view(a, rev);
      await d.audit.record(d.db, {
        type: "advisory.viewed",
        actor,
        subject: id,
        data: { revision: rev.number, via: "api" },
      });
      return out;
    },

    /** A new immutable revision; `expected` must be the current revision number (else 409). */
    async revise(actor: Actor, id: string, expected: number, input: RevisionInput) {
      authorize(actor, "advisories:write");
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (a.currentRevision !== expected)
          throw conflict(
            `revision ${expected} is stale: the advisory is at revision ${a.currentRevision}; reload and edit that`,
            {
              currentRevision: a.currentRevision,
            },
          );
        if (isPublished(a))
          throw new AppError(
            "invalid_state",
            "a published advisory is not edited here (the release engine issues updates)",
          );
        const [cur] = await tx
          .select()
          .from(advisoryRevisions)
          .where(and(eq(advisoryRevisions.advisoryId, id), eq(advisoryRevisions.number, a.currentRevision)));
        if (!cur) throw notFound(`revision ${a.currentRevision}`);
        const prev = contentOf(cur);
        const content: AdvisoryContent = {
          title: input.title ?? prev.title,
          products: input.products ?? prev.products,
          sections: {
            ...prev.sections,
            ...Object.fromEntries(Object.entries(input.sections ?? {}).filter(([, v]) => v !== undefined)),
          },
        };
        checkContent(content);
        const number = a.currentRevision + 1;
        const now = d.clock.now();
        const revisionId = d.ids("revision");
        await tx.insert(advisoryRevisions).values({
          id: revisionId,
          advisoryId: id,
          number,
          title: content.title,
          products: content.products,
          sections: sealSections(revisionId, content.sections),
          changeNote: input.changeNote ?? null,
          authorId: actorRef(actor),
          createdAt: now,
        });
        // Any edit, even after approval, needs a fresh review.
        await tx
          .update(advisories)
          .set({ currentRevision: number, state: "draft", updatedAt: now })
          .where(eq(advisories.id, id));
        await d.audit.record(tx, {
          type: "advisory.revised",
          actor,
          subject: id,
          data: { revision: number, state: "draft" },
        });
        return { id, revision: number, state: "draft" as const };
      });
    },

    async diff(actor: Actor, id: string, from: number, to: number) {
      authorize(actor, "advisories:read");
      await load(id);
      const [a, b] = [contentOf(await revision(id, from)), contentOf(await revision(id, to))];
      const fields: { field: string; changes: { added: boolean; removed: boolean; value: string }[] }[] = [];
      const cmp = (field: string, x: string, y: string) => {
        if (x === y) return;
        fields.push({
          field,
          changes: diffLines(x, y).map((c) => ({ added: !!c.added, removed: !!c.removed, value: c.value })),
        });
      };
      cmp("title", `${a.title}\n`, `${b.title}\n`);
      cmp("products", `${JSON.stringify(a.products, null, 2)}\n`, `${JSON.stringify(b.products, null, 2)}\n`);
      for (const s of SECTIONS) cmp(`sections.${s}`, a.sections[s], b.sections[s]);
      await d.audit.record(d.db, {
        type: "advisory.viewed",
        actor,
        subject: id,
        data: { revision: to, via: "diff" },
      });
      return { from, to, fields };
    },

    async submit(actor: Actor, id: string) {
      authorize(actor, "advisories:write");
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (a.state !== "draft")
          throw new AppError("invalid_state", `advisory ${id} is ${a.state}, not draft`);
        return moveRevision(tx, actor, a, "in_review", "advisory.submitted");
      });
    },

    /**
     * Approves the current revision of an advisory in review (409 for a draft: submit it first). The
     * approver must not be its author:
     * two people see every revision before it can be planned for release.
     */
    async approve(
      actor: Actor,
      id: string,
      input: { revision?: number | undefined; comment?: string | undefined } = {},
    ) {
      authorize(actor, "advisories:approve");
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (input.revision !== undefined && input.revision !== a.currentRevision)
          throw conflict(`revision ${input.revision} is not the current revision ${a.currentRevision}`, {
            currentRevision: a.currentRevision,
          });
        if (a.state === "approved")
          throw new AppError("invalid_state", `revision ${a.currentRevision} is already approved`);
        // Approval is the review's outcome: a draft goes to review first, so that the author says
        // it is ready and the reviewer knows which revision to read.
        if (a.state !== "in_review")
          throw new AppError(
            "invalid_state",
            a.state === "draft"
              ? `advisory ${a.trackingId} is draft: submit it for review first, then another staff member approves it`
              : `advisory ${a.trackingId} is ${a.state}: only an advisory in review can be approved`,
          );
        const [cur] = await tx
          .select()
          .from(advisoryRevisions)
          .where(and(eq(advisoryRevisions.advisoryId, id), eq(advisoryRevisions.number, a.currentRevision)));
        if (cur?.authorId === actorRef(actor))
          throw forbidden("the author of a revision cannot approve it: ask another staff member");
        return moveRevision(tx, actor, a, "approved", "advisory.approved", {
          decision: "approved",
          comment: input.comment ?? null,
        });
      });
    },

    async requestChanges(actor: Actor, id: string, comment: string) {
      authorize(actor, "advisories:approve");
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (a.state !== "in_review")
          throw new AppError("invalid_state", `advisory ${id} is ${a.state}, not in review`);
        return moveRevision(tx, actor, a, "draft", "advisory.changes_requested", {
          decision: "changes_requested",
          comment,
        });
      });
    },

    /**
     * Sets the public release time; only the release engine (a system actor) calls this, at T0 or on an
     * embargo break. Only approved advisories; with `revision`, that approved revision is made public
     * even if a later draft exists (a release plan pins the revision it was approved for). People
     * publish through a plan, or through requestPublish + confirmPublish (two coordinators).
     */
    async publish(actor: Actor, id: string, at?: Date, revisionNumber?: number) {
      authorize(actor, "advisories:publish");
      if (actor.kind !== "system")
        throw forbidden(
          "an advisory is published by its release plan, or by a publish request another coordinator confirms",
        );
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (revisionNumber !== undefined) {
          const [ok] = await tx
            .select({ id: advisoryReviews.id })
            .from(advisoryReviews)
            .where(
              and(
                eq(advisoryReviews.advisoryId, id),
                eq(advisoryReviews.revision, revisionNumber),
                eq(advisoryReviews.decision, "approved"),
              ),
            )
            .limit(1);
          if (!ok)
            throw new AppError(
              "invalid_state",
              `revision ${revisionNumber} of advisory ${id} was never approved`,
            );
        } else if (a.state !== "approved")
          throw new AppError("invalid_state", `advisory ${id} is ${a.state}: approve it first`);
        if (a.publishedAt && a.publishedAt <= d.clock.now()) throw new AlreadyPublicError(id);
        const publishedAt = at ?? d.clock.now();
        await tx
          .update(advisories)
          .set({
            publishedAt,
            publishedRevision: revisionNumber ?? a.currentRevision,
            publishRequest: null,
            updatedAt: d.clock.now(),
          })
          .where(eq(advisories.id, id));
        await d.audit.record(tx, {
          type: "advisory.published",
          actor,
          subject: id,
          data: { publishedAt: publishedAt.toISOString() },
        });
        await d.cases.recordPublication(tx, actor, a.caseId, {
          advisoryId: id,
          trackingId: a.trackingId,
          publishedAt,
        });
        return { id, publishedAt };
      });
    },

    /**
     * A coordinator asks to publish an approved advisory that has no live release plan, now (on
     * confirmation) or at a future time; a different coordinator confirms (confirmPublish). An
     * advisory with a plan is published only by that plan (409 naming its routes). A later request
     * replaces an earlier one. Audited `advisory.publish_requested`.
     */
    async requestPublish(actor: Actor, id: string, input: { publishAt?: Date | undefined } = {}) {
      authorize(actor, "advisories:publish");
      await load(id);
      await refuseIfPlanned(id);
      const now = d.clock.now();
      if (input.publishAt && input.publishAt.getTime() < now.getTime())
        throw badRequest(
          `publishedAt ${input.publishAt.toISOString()} is in the past: a publication is never back-dated`,
        );
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (isPublished(a)) throw new AppError("invalid_state", `advisory ${a.trackingId} is already public`);
        if (a.state !== "approved")
          throw new AppError("invalid_state", `advisory ${a.trackingId} is ${a.state}: approve it first`);
        const request = {
          by: actorRef(actor),
          at: now.toISOString(),
          revision: a.currentRevision,
          publishAt: input.publishAt ? input.publishAt.toISOString() : null,
        };
        await tx
          .update(advisories)
          .set({ publishRequest: request, updatedAt: now })
          .where(eq(advisories.id, id));
        await d.audit.record(tx, {
          type: "advisory.publish_requested",
          actor,
          subject: id,
          data: { revision: a.currentRevision, publishAt: request.publishAt },
        });
        return {
          id,
          state: "requested" as const,
          requestedBy: request.by,
          revision: request.revision,
          publishAt: input.publishAt ?? null,
        };
      });
    },

    /**
     * A coordinator other than the one who asked confirms a publish request: the requested revision
     * (still the approved current one) becomes public at the requested time, or now if that has
     * passed, never earlier. Audited `advisory.published` and `advisory.publish_confirmed`.
     */
    async confirmPublish(actor: Actor, id: string) {
      authorize(actor, "advisories:publish");
      await load(id);
      await refuseIfPlanned(id);
      return d.db.transaction(async (tx) => {
        const a = await load(id, tx);
        if (isPublished(a)) throw new AppError("invalid_state", `advisory ${a.trackingId} is already public`);
        const req = a.publishRequest;
        if (!req)
          throw new AppError(
            "invalid_state",
            `nobody asked to publish advisory ${a.trackingId}: POST /api/advisories/${id}/publish first`,
          );
        if (req.by === actorRef(actor))
          throw forbidden("you asked to publish this advisory: a different coordinator must confirm it");
        if (a.state !== "approved" || a.currentRevision !== req.revision)
          throw new AppError(
            "invalid_state",
            `the request was for revision ${req.revision}, but the advisory is at revision ${a.currentRevision} (${a.state}): ask again`,
          );
        const now = d.clock.now();
        const wanted = req.publishAt ? new Date(req.publishAt) : now;
        const publishedAt = wanted.getTime() < now.getTime() ? now : wanted;
        await tx
          .update(advisories)
          .set({ publishedAt, publishedRevision: req.revision, publishRequest: null, updatedAt: now })
          .where(eq(advisories.id, id));
        await d.audit.record(tx, {
          type: "advisory.published",
          actor,
          subject: id,
          data: { publishedAt: publishedAt.toISOString() },
        });
        await d.audit.record(tx, {
          type: "advisory.publish_confirmed",
          actor,
          subject: id,
          data: { revision: req.revision, publishedAt: publishedAt.toISOString(), requestedBy: req.by },
        });
        await d.cases.recordPublication(tx, actor, a.caseId, {
          advisoryId: id,
          trackingId: a.trackingId,
          publishedAt,
        });
        return { id, publishedAt };
      });
    },

    /** The staff export of the current (or a given) revision with all sections; audited. */
    async export(actor: Actor, id: string, format: ExportFormat, n?: number) {
      authorize(actor, "advisories:read");
      const a = await load(id);
      const rev = await revision(id, n ?? a.currentRevision);
      const doc = render(format, await exportInput(a, rev, "full"));
      await d.audit.record(d.db, {
        type: "advisory.exported",
        actor,
        subject: id,
        data: { revision: rev.number, format },
      });
      return { doc, trackingId: a.trackingId };
    },

    /** The content of a revision at a content level, for the release engine (audited as a read). */
    async contentAtLevel(actor: Actor, id: string, n: number | undefined, level: ContentLevel) {
      authorize(actor, "advisories:read");
      const rev = await revision(id, n ?? (await load(id)).currentRevision);
      await d.audit.record(d.db, {
        type: "advisory.viewed",
        actor,
        subject: id,
        data: { revision: rev.number, via: "api" },
      });
      return restrictToLevel(contentOf(rev), level);
    },

    async addFiles(
      actor: Actor,
      id: string,
      section: "detection" | "poc",
      read: () => Promise<{ filename: string; bytes: Buffer }[]>,
    ) {
      authorize(actor, "advisories:write");
      await load(id);
      const files = await read();
      const allowed: SniffedType[] =
        section === "detection"
          ? ["text/plain", "text/markdown"]
          : ["text/plain", "text/markdown", "application/zip", "application/vnd.tcpdump.pcap"];
      const checked = checkedUploads(
        files,
        (type) => allowed.includes(type),
        `${section} files must be ${section === "detection" ? "text (rules)" : "text, ZIP or pcap"}`,
      );
      const out: {
        id: string;
        filename: string;
        mediaType: string;
        size: number;
        sha256: string;
        section: string;
      }[] = [];
      await d.db.transaction(async (tx) => {
        for (const f of checked) {
          const fileId = d.ids("advisoryFile");
          const stored = sealedFileValues(d.sealer, `advisory_files:${fileId}`, f, actorRef(actor));
          const { sha256 } = stored;
          await tx
            .insert(advisoryFiles)
            .values({ id: fileId, advisoryId: id, section, ...stored, createdAt: d.clock.now() });
          out.push({
            id: fileId,
            filename: f.filename,
            mediaType: f.mediaType,
            size: f.bytes.length,
            sha256,
            section,
          });
          await d.audit.record(tx, {
            type: "advisory.file_added",
            actor,
            subject: id,
            data: { fileId, section, filename: f.filename, size: f.bytes.length, sha256 },
          });
        }
      });
      return out;
    },

    async downloadFile(actor: Actor, id: string, fileId: string) {
      authorize(actor, "advisories:read");
      const [f] = await d.db
        .select()
        .from(advisoryFiles)
        .where(and(eq(advisoryFiles.id, fileId), eq(advisoryFiles.advisoryId, id)));
      if (!f) throw notFound(`file ${fileId}`);
      const bytes = openSealedFile(d.sealer, f.sealed, `advisory_files:${f.id}`);
      await d.audit.record(d.db, { type: "advisory.file_downloaded", actor, subject: id, data: { fileId } });
      return { filename: f.filename, mediaType: f.mediaType, bytes };
    },

    // ---- public side: only advisories whose release time has passed, at the public content level ----

    publisher: d.publisher,
    now: () => d.clock.now(),

    /** How many advisories exist (a dashboard count; no content). */
    async count(): Promise<number> {
      const [r] = await d.db.select({ n: sql<number>`count(*)::int` }).from(advisories);
      return r?.n ?? 0;
    },

    /**
     * Published advisories, newest first: every one (the CSAF index and changes files must name them
     * all; the feed and the CSAF documents read them too). The JSON list reads `publicPage`.
     */
    async publicList() {
      return publicEntries(undefined, undefined);
    },

    /** One page of the published advisories, newest first. */
    async publicPage(p: PageInput) {
      const limit = pageSize(p);
      return toPage(await publicEntries(p.cursor, limit + 1), limit, (e) => [e.publishedAt, e.id]);
    },

    /** A public advisory by tracking ID at the public content level, or 404 (also while embargoed). */
    async publicAdvisory(trackingId: string) {
      const [a] = await d.db.select().from(advisories).where(eq(advisories.trackingId, trackingId));
      if (!a || !isPublished(a)) throw notFound(`advisory ${trackingId}`);
      const rev = await revision(a.id, a.publishedRevision ?? a.currentRevision);
      const facts = await d.cases.facts(a.caseId);
      const content = restrictToLevel(contentOf(rev), "public");
      return {
        trackingId: a.trackingId,
        title: content.title,
        products: content.products,
        summary: content.sections.summary,
        details: content.sections.details,
        publishedAt: a.publishedAt as Date,
        updatedAt: rev.createdAt > (a.publishedAt as Date) ? rev.createdAt : (a.publishedAt as Date),
        revision: rev.number,
        cveId: facts.cveId,
        cwe: facts.cwe,
        cvss: facts.cvss,
        credits: facts.credits.map((c) => ({ name: c.name, type: c.type })),
      };
    },

    async publicExport(trackingId: string, format: ExportFormat) {
      const [a] = await d.db.select().from(advisories).where(eq(advisories.trackingId, trackingId));
      if (!a || !isPublished(a)) throw notFound(`advisory ${trackingId}`);
      const n = a.publishedRevision ?? a.currentRevision;
      return render(format, await exportInput(a, await revision(a.id, n), "public"));
    },
  };
}

export type Advisories = ReturnType<typeof makeAdvisories>;
