// Messages between the response team and the reporter, and the files either side attaches. Files are
// checked by their first bytes, sealed under the master key, and every download is audited.
import { and, count, eq } from "drizzle-orm";
import { type Actor, authorize } from "../../authz/authorize.ts";
import { AppError, badRequest, notFound } from "../../platform/errors.ts";
import { checkedUploads, openSealedFile, sealedFileValues } from "../../platform/files.ts";
import type { ReporterAccess } from "./intake.ts";
import { caseAttachments, caseMessages, cases } from "./schema.ts";
import {
  actorId,
  type CaseRow,
  type CasesDeps,
  emailsOf,
  loadCase,
  messageContext,
  notify,
} from "./store.ts";

export const MESSAGE_MAX = 20_000;
export const ATTACHMENTS_PER_CASE = 50;

export type UploadedFile = { filename: string; bytes: Buffer };

export function makeConversation(
  d: CasesDeps,
  reporterCase: (a: ReporterAccess, id: string) => Promise<{ row: CaseRow; actor: Actor | null }>,
) {
  async function post(
    row: CaseRow,
    actor: Actor | null,
    by: "staff" | "researcher",
    input: { body: string; parentId?: string | undefined },
  ) {
    if (!input.body.trim()) throw badRequest("body is empty");
    if (input.body.length > MESSAGE_MAX) throw badRequest(`body is longer than ${MESSAGE_MAX} characters`);
    // The email itself goes out from the outbox; it names the case, never its content.
    const recipient = by === "staff" ? row.reporterEmail : `staff:${row.assigneeId ?? "coordinators"}`;
    const emails = await emailsOf(d, recipient);
    const id = d.ids("message");
    const now = d.clock.now();
    await d.db.transaction(async (tx) => {
      if (input.parentId) {
        const [parent] = await tx
          .select({ id: caseMessages.id })
          .from(caseMessages)
          .where(and(eq(caseMessages.id, input.parentId), eq(caseMessages.caseId, row.id)));
        if (!parent) throw badRequest(`parentId ${input.parentId} is not a message of this case`);
      }
      await tx.insert(caseMessages).values({
        id,
        caseId: row.id,
        parentId: input.parentId ?? null,
        authorKind: by,
        authorUserId: actor?.kind === "user" ? actor.userId : null,
        body: d.sealer.seal(input.body, messageContext(id)),
        createdAt: now,
      });
      if (recipient)
        await notify(
          d,
          tx,
          {
            caseId: row.id,
            kind: "message",
            recipient,
            subject: `New message on case ${row.id}`,
            body: `There is a new message on case ${row.id}. Open the case to read it.`,
          },
          emails,
        );
      await d.audit.record(tx, {
        type: "case.message_posted",
        actor,
        subject: row.id,
        data: { messageId: id, by },
      });
    });
    return { id, createdAt: now };
  }

  /** `read` parses the upload only after the caller was authorized and the case found. */
  async function attach(row: CaseRow, actor: Actor | null, read: () => Promise<UploadedFile[]>) {
    const files = await read();
    const checked = checkedUploads(
      files,
      () => true,
      "only PDF, PNG, JPEG, ZIP, plain text, markdown and pcap files are accepted",
    );
    const out: { id: string; filename: string; mediaType: string; size: number; sha256: string }[] = [];
    await d.db.transaction(async (tx) => {
      await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, row.id)).for("update");
      const [n] = await tx
        .select({ n: count() })
        .from(caseAttachments)
        .where(eq(caseAttachments.caseId, row.id));
      if ((n?.n ?? 0) + checked.length > ATTACHMENTS_PER_CASE)
        throw new AppError("conflict", `a case holds at most ${ATTACHMENTS_PER_CASE} attachments`);
      for (const f of checked) {
        const id = d.ids("attachment");
        const stored = sealedFileValues(d.sealer, `case_attachments:${id}`, f, actorId(actor) ?? "reporter");
        const { sha256 } = stored;
        await tx.insert(caseAttachments).values({ id, caseId: row.id, ...stored, createdAt: d.clock.now() });
        const meta = { id, filename: f.filename, mediaType: f.mediaType, size: f.bytes.length, sha256 };
        out.push(meta);
        await d.audit.record(tx, {
          type: "case.attachment_added",
          actor,
          subject: row.id,
          data: {
            attachmentId: id,
            filename: f.filename,
            mediaType: f.mediaType,
            size: f.bytes.length,
            sha256,
          },
        });
      }
    });
    return out;
  }

  async function download(row: CaseRow, actor: Actor | null, attachmentId: string) {
    const [a] = await d.db
      .select()
      .from(caseAttachments)
      .where(and(eq(caseAttachments.id, attachmentId), eq(caseAttachments.caseId, row.id)));
    if (!a) throw notFound(`attachment ${attachmentId}`);
    const bytes = openSealedFile(d.sealer, a.sealed, `case_attachments:${a.id}`);
    await d.audit.record(d.db, {
      type: "case.attachment_downloaded",
      actor,
      subject: row.id,
      data: { attachmentId: a.id },
    });
    return { filename: a.filename, mediaType: a.mediaType, bytes };
  }

  async function staffCase(actor: Actor, caseId: string, action: "cases:read" | "cases:write") {
    authorize(actor, action);
    return loadCase(d.db, caseId);
  }

  return {
    async postStaffMessage(
      actor: Actor,
      caseId: string,
      input: { body: string; parentId?: string | undefined },
    ) {
      return post(await staffCase(actor, caseId, "cases:write"), actor, "staff", input);
    },
    async postReporterMessage(
      access: ReporterAccess,
      caseId: string,
      input: { body: string; parentId?: string | undefined },
    ) {
      const { row, actor } = await reporterCase(access, caseId);
      return post(row, actor, "researcher", input);
    },
    async attachAsStaff(actor: Actor, caseId: string, read: () => Promise<UploadedFile[]>) {
      return attach(await staffCase(actor, caseId, "cases:write"), actor, read);
    },
    async attachAsReporter(access: ReporterAccess, caseId: string, read: () => Promise<UploadedFile[]>) {
      const { row, actor } = await reporterCase(access, caseId);
      return attach(row, actor, read);
    },
    async downloadAsStaff(actor: Actor, caseId: string, attachmentId: string) {
      return download(await staffCase(actor, caseId, "cases:read"), actor, attachmentId);
    },
    async downloadAsReporter(access: ReporterAccess, caseId: string, attachmentId: string) {
      const { row, actor } = await reporterCase(access, caseId);
      return download(row, actor, attachmentId);
    },
  };
}
