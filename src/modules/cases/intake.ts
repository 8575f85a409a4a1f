// Intake: a report from anyone (with or without a researcher account) becomes a case in phase
// `received`; an anonymous reporter gets a tracking token (only its SHA-256 is stored) that opens
// the researcher view and the message thread.
import { eq } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { randomSecret, safeEqual, sha256Hex } from "../../platform/crypto.ts";
import { type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError, badRequest, notFound } from "../../platform/errors.ts";
import { makeIntakeKey } from "./pgp.ts";
import { cases } from "./schema.ts";
import {
  addEvent,
  type CaseRow,
  type CasesDeps,
  descriptionContext,
  loadCase,
  researcherView,
  summaryView,
} from "./store.ts";

export type ReportInput = {
  product: string;
  version: string;
  title: string;
  description?: string | undefined;
  /** ASCII-armored OpenPGP message to the programme key, instead of `description`. */
  encryptedDescription?: string | undefined;
  reporterName?: string | undefined;
  reporterEmail?: string | undefined;
};

/** How a researcher proves a case is theirs: the tracking token, or a researcher account. */
export type ReporterAccess = { token: string } | { actor: Actor };

import { DESCRIPTION_MAX } from "../../contract/enums.ts";

export { DESCRIPTION_MAX };

const TOKEN_PREFIX = "fwt_";

export function makeIntake(d: CasesDeps) {
  const key = makeIntakeKey(d);

  async function submit(actor: Actor | null, input: ReportInput) {
    if (actor) authorize(actor, "report:own");
    let description = input.description;
    const encrypted = input.encryptedDescription !== undefined;
    if (encrypted && description !== undefined)
      throw badRequest("send either description or encryptedDescription, not both");
    if (encrypted) description = await key.decrypt(input.encryptedDescription ?? "");
    if (!description?.trim()) throw badRequest("description is required (or encryptedDescription)");
    if (description.length > DESCRIPTION_MAX)
      throw badRequest(`description is longer than ${DESCRIPTION_MAX} characters`);
    for (let i = 0; i < description.length; i++) {
      const c = description.charCodeAt(i);
      if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127)
        throw badRequest(
          `description contains a control character (code ${c}) at offset ${i}: send markdown text`,
        );
    }
    const now = d.clock.now();
    const id = d.ids("case");
    const token = actor ? null : `${TOKEN_PREFIX}${randomSecret(32)}`;
    const user = actor?.kind === "user" ? actor : null;
    await d.db.transaction(async (tx) => {
      await tx.insert(cases).values({
        id,
        title: input.title,
        product: input.product,
        version: input.version,
        description: d.sealer.seal(description, descriptionContext(id)),
        encrypted,
        phase: "received",
        reporterOrganisationId: user?.organisationId ?? null,
        reporterUserId: user?.userId ?? null,
        reporterName: input.reporterName ?? null,
        reporterEmail: input.reporterEmail ?? user?.email ?? null,
        trackingTokenHash: token ? sha256Hex(token) : null,
        receivedAt: now,
        deadlineAt: new Date(now.getTime() + d.remediationDays * 86_400_000),
        createdAt: now,
        updatedAt: now,
      });
      await addEvent(d, tx, { caseId: id, actor, kind: "reported", toPhase: "received" });
      await d.audit.record(tx, {
        type: "case.reported",
        actor,
        subject: id,
        data: { via: user ? "account" : "anonymous", product: input.product, encrypted, attachments: 0 },
      });
    });
    return { caseId: id, trackingToken: token };
  }

  /** The case if the access proves it is the reporter's; 404 otherwise, exactly as for a missing case. */
  async function reporterCase(
    access: ReporterAccess,
    caseId: string,
  ): Promise<{ row: CaseRow; actor: Actor | null }> {
    if ("actor" in access) authorize(access.actor, "report:own");
    let row: CaseRow;
    try {
      row = await loadCase(d.db, caseId);
    } catch {
      throw notFound(`case ${caseId}`);
    }
    if ("token" in access) {
      if (!row.trackingTokenHash || !safeEqual(sha256Hex(access.token), row.trackingTokenHash))
        throw notFound(`case ${caseId}`);
      return { row, actor: null };
    }
    const a = access.actor;
    authorize(a, "report:own");
    if (a.kind === "system") return { row, actor: a };
    if (!row.reporterOrganisationId || row.reporterOrganisationId !== a.organisationId)
      throw notFound(`case ${caseId}`);
    return { row, actor: a };
  }

  return {
    submit,
    reporterCase,
    publicKey: key.publicKey,

    async viewAsReporter(access: ReporterAccess, caseId: string) {
      const { row, actor } = await reporterCase(access, caseId);
      const view = await researcherView(d.db, d.sealer, row, d.clock.now());
      await d.audit.record(d.db, {
        type: "case.viewed",
        actor,
        subject: caseId,
        data: { view: "researcher" },
      });
      return view;
    },

    /** A researcher account's own organisation's cases. */
    async listOwn(actor: Actor, p: PageInput = {}) {
      authorize(actor, "report:own");
      if (actor.kind === "system") throw new AppError("bad_request", "the system has no reports of its own");
      const theirs = eq(cases.reporterOrganisationId, actor.organisationId);
      const page = await tablePage(d.db, cases, ["receivedAt", "id"], "desc", p, theirs);
      const now = d.clock.now();
      return {
        items: page.items.map((r) => {
          const { assigneeId: _a, ...rest } = summaryView(r, now);
          return rest;
        }),
        nextCursor: page.nextCursor,
      };
    },
  };
}
