// Programme-wide settings: tiers, the jurisdiction/risk policy (with a preview that saves nothing),
// NDA versions and signatures, yearly attestations and their reminders.
import { and, asc, desc, eq, gt, inArray, lte, ne } from "drizzle-orm";
import type { Actor } from "../../authz/authorize.ts";
import { authorize } from "../../authz/authorize.ts";
import type { Section } from "../../contract/enums.ts";
import { sha256Hex } from "../../platform/crypto.ts";
import { AppError, conflict, notFound } from "../../platform/errors.ts";
import { authorizeAny, type Ctx } from "./context.ts";
import { parseDuration } from "./duration.ts";
import { evaluateEligibility, type Rule } from "./eligibility.ts";
import { ndaSignatures, ndas, partners, policyRules, tiers } from "./schema.ts";
import { ATTESTATION_DAYS, type makePartnerLifecycle } from "./service.ts";

export type TierIn = { name: string; leadTime: string; content: Section[] };
export type RuleIn = Omit<Rule, "id" | "enabled"> & {
  id?: string | undefined;
  enabled?: boolean | undefined;
};

export const REMINDER_DAYS = 30;

export function makeProgramme(c: Ctx, life: ReturnType<typeof makePartnerLifecycle>) {
  const { db, clock, audit } = c;

  function checkTiers(list: TierIn[]) {
    const seen = new Set<string>();
    return list.map((t, i) => {
      if (seen.has(t.name)) throw new AppError("validation_failed", `tier name "${t.name}" appears twice`);
      seen.add(t.name);
      const d = parseDuration(t.leadTime);
      if ("error" in d) throw new AppError("validation_failed", `tiers[${i}].leadTime: ${d.error}`);
      if (new Set(t.content).size !== t.content.length)
        throw new AppError("validation_failed", `tiers[${i}].content lists a level twice`);
      return { ...t, leadSeconds: d.seconds, position: i };
    });
  }

  async function normaliseRules(list: RuleIn[], tierNames: string[]): Promise<Rule[]> {
    return list.map((r, i) => {
      if (r.effect.type === "cap_tier" && !tierNames.includes(r.effect.tier))
        throw new AppError(
          "validation_failed",
          `rules[${i}].effect.tier: no tier named "${r.effect.tier}" (tiers: ${tierNames.join(", ")})`,
        );
      return { ...r, id: r.id ?? c.ids("policyRule"), enabled: r.enabled ?? true };
    });
  }

  return {
    /** Staff and partner users (researchers have no business with the programme's tiers). */
    async listTiers(actor: Actor) {
      authorizeAny(actor, "partners:read", "partner:self", "tiers:write");
      return db.select().from(tiers).orderBy(asc(tiers.position));
    },

    async replaceTiers(actor: Actor, list: TierIn[]) {
      authorize(actor, "tiers:write");
      const rows = checkTiers(list);
      const names = rows.map((t) => t.name);
      return db.transaction(async (tx) => {
        const stranded = await tx
          .select({ name: partners.name, tier: partners.tier })
          .from(partners)
          .where(and(ne(partners.status, "removed")));
        const lost = stranded.filter((p) => !names.includes(p.tier));
        if (lost.length)
          throw conflict(
            `move these partners off the tiers you are deleting first: ${lost.map((p) => `${p.name} (${p.tier})`).join(", ")}`,
          );
        const rules = await tx.select().from(policyRules);
        const dangling = rules.filter((r) => {
          const e = r.effect as Rule["effect"];
          return e.type === "cap_tier" && !names.includes(e.tier);
        });
        if (dangling.length)
          throw conflict(
            `policy rules cap at tiers you are deleting: ${dangling.map((r) => r.name).join(", ")}`,
          );
        await tx.delete(tiers);
        const now = clock.now();
        await tx.insert(tiers).values(rows.map((t) => ({ ...t, updatedAt: now })));
        await audit.record(tx, {
          type: "tiers.updated",
          actor,
          data: { tiers: rows.map((t) => ({ name: t.name, leadTime: t.leadTime, content: t.content })) },
        });
        return tx.select().from(tiers).orderBy(asc(tiers.position));
      });
    },

    async listRules(actor: Actor) {
      authorizeAny(actor, "partners:read", "policy:write");
      return (await life.policyInputs(db)).rules;
    },

    async replaceRules(actor: Actor, list: RuleIn[]) {
      authorize(actor, "policy:write");
      return db.transaction(async (tx) => {
        const tierNames = (await tx.select({ n: tiers.name }).from(tiers)).map((t) => t.n);
        const rules = await normaliseRules(list, tierNames);
        await tx.delete(policyRules);
        const now = clock.now();
        if (rules.length)
          await tx.insert(policyRules).values(
            rules.map((r, i) => ({
              id: r.id,
              name: r.name,
              condition: r.condition as Record<string, unknown>,
              effect: r.effect as Record<string, unknown>,
              reference: r.reference,
              enabled: r.enabled,
              position: i,
              updatedAt: now,
            })),
          );
        await audit.record(tx, {
          type: "policy.updated",
          actor,
          data: { rules: rules.length, ids: rules.map((r) => r.id) },
        });
        return rules;
      });
    },

    /** Evaluates a proposed rule set over every partner not removed, and lists whose outcome changes. */
    async previewRules(actor: Actor, list: RuleIn[]) {
      authorize(actor, "policy:write");
      const { tiers: tierList, rules: current } = await life.policyInputs(db);
      const proposed = await normaliseRules(
        list,
        tierList.map((t) => t.name),
      );
      const all = await db
        .select()
        .from(partners)
        .where(ne(partners.status, "removed"))
        .orderBy(asc(partners.name));
      const now = clock.now();
      const changes = [];
      for (const p of all) {
        const compliance = await life.complianceOf(db, p);
        const before = evaluateEligibility({ partner: p, tiers: tierList, rules: current, compliance, now });
        const after = evaluateEligibility({ partner: p, tiers: tierList, rules: proposed, compliance, now });
        const key = (e: typeof before) => JSON.stringify([e.eligible, e.tier, e.leadSeconds, e.content]);
        if (key(before) !== key(after))
          changes.push({ partnerId: p.organisationId, name: p.name, before, after });
      }
      return { partners: all.length, changed: changes.length, changes };
    },

    /** The NDA in force; staff and partner users only when an actor is given (HTTP). */
    async currentNda(actor?: Actor) {
      if (actor) authorizeAny(actor, "partners:read", "partner:self", "ndas:write");
      const [n] = await db.select().from(ndas).orderBy(desc(ndas.version)).limit(1);
      if (!n) throw notFound("NDA (none published yet)");
      return { version: n.version, text: n.text, sha256: n.sha256, createdAt: n.createdAt };
    },

    async listNdas(actor: Actor) {
      authorizeAny(actor, "partners:read", "partner:self", "ndas:write");
      return db.select().from(ndas).orderBy(desc(ndas.version));
    },

    /** A new version: every partner must sign again before it receives anything. */
    async publishNda(actor: Actor, text: string) {
      authorize(actor, "ndas:write");
      return db.transaction(async (tx) => {
        const [last] = await tx
          .select({ v: ndas.version })
          .from(ndas)
          .orderBy(desc(ndas.version))
          .limit(1)
          .for("update");
        const version = (last?.v ?? 0) + 1;
        const sha256 = sha256Hex(text);
        await tx.insert(ndas).values({
          version,
          text,
          sha256,
          createdBy: actor.kind === "user" ? actor.userId : null,
          createdAt: clock.now(),
        });
        await audit.record(tx, {
          type: "nda.published",
          actor,
          subject: String(version),
          data: { version, sha256 },
        });
        // Every partner admin hears of it: until they sign, their organisation receives nothing.
        const live = await tx
          .select()
          .from(partners)
          .where(inArray(partners.status, ["active", "suspended", "under_review", "applicant"]));
        for (const p of live) {
          for (const m of await c.partnerUsers.listMembers(tx, p.organisationId)) {
            if (m.role !== "partner_admin" || m.disabled) continue;
            await c.mailer.send(tx, {
              to: m.email,
              kind: "nda_published",
              dedupeKey: `nda:${version}:${m.id}`,
              subject: `NDA version ${version}: ${p.name} must sign it to keep receiving advisories`,
              body: `A new version (${version}) of the early-alert programme's NDA is in force. Until an admin of ${p.name} signs it in the partner portal, ${p.name} receives nothing.\n\nSHA-256 of the text: ${sha256}`,
            });
          }
        }
        return { version, sha256, createdAt: clock.now() };
      });
    },

    async signNda(
      actor: Actor,
      id: string,
      input: { version: number; name: string; title: string },
      ip: string | null,
    ) {
      authorize(actor, "partner:manage");
      if (actor.kind !== "user") throw new AppError("forbidden", "an NDA is signed by a person");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage", lock: true });
        if (p.organisationId !== actor.organisationId) throw notFound(`partner ${id}`);
        const [current] = await tx.select().from(ndas).orderBy(desc(ndas.version)).limit(1);
        if (!current) throw notFound("NDA (none published yet)");
        if (input.version !== current.version) {
          const exists = await tx
            .select({ v: ndas.version })
            .from(ndas)
            .where(eq(ndas.version, input.version));
          if (!exists.length) throw notFound(`NDA version ${input.version}`);
          throw conflict(
            `NDA version ${input.version} is superseded by version ${current.version}; read and sign that one`,
          );
        }
        const already = await tx
          .select({ id: ndaSignatures.id })
          .from(ndaSignatures)
          .where(and(eq(ndaSignatures.partnerId, id), eq(ndaSignatures.version, current.version)));
        if (already.length) throw conflict(`${p.name} has already signed NDA version ${current.version}`);
        const sigId = c.ids("ndaSignature");
        const signedAt = clock.now();
        const row = {
          id: sigId,
          partnerId: id,
          version: current.version,
          userId: actor.userId,
          name: input.name.trim(),
          title: input.title.trim(),
          ip: ip?.slice(0, 100) ?? null,
          sha256: sha256Hex(current.text),
          signedAt,
        };
        await tx.insert(ndaSignatures).values(row);
        await c.event(tx, actor, p, {
          type: "nda_signed",
          reason: `${row.name}, ${row.title}`,
          data: { version: row.version, sha256: row.sha256 },
        });
        await audit.record(tx, {
          type: "nda.signed",
          actor,
          subject: id,
          data: { version: row.version, sha256: row.sha256, name: row.name, title: row.title, ip: row.ip },
        });
        return row;
      });
    },

    async listSignatures(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      return db
        .select()
        .from(ndaSignatures)
        .where(eq(ndaSignatures.partnerId, id))
        .orderBy(desc(ndaSignatures.signedAt));
    },

    /** The yearly re-attestation by the partner's admin: all four statements, valid for a year. */
    async attest(
      actor: Actor,
      id: string,
      a: {
        securityVendor: boolean;
        noOffensiveTools: boolean;
        publishAtRelease: boolean;
        reportLeaks: boolean;
      },
    ) {
      authorize(actor, "partner:manage");
      const falsy = Object.entries(a).filter(([, v]) => v !== true);
      if (falsy.length)
        throw new AppError(
          "validation_failed",
          `all four statements must be attested; not attested: ${falsy.map(([k]) => k).join(", ")}`,
        );
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage", lock: true });
        if (actor.kind === "user" && p.organisationId !== actor.organisationId)
          throw notFound(`partner ${id}`);
        const now = clock.now();
        const expiresAt = new Date(now.getTime() + ATTESTATION_DAYS * 86_400_000);
        await tx
          .update(partners)
          .set({ attestations: a, attestedAt: now, attestationExpiresAt: expiresAt, updatedAt: now })
          .where(eq(partners.organisationId, id));
        await c.event(tx, actor, p, { type: "attested", data: { expiresAt: expiresAt.toISOString() } });
        await audit.record(tx, {
          type: "partner.attested",
          actor,
          subject: id,
          data: { expiresAt: expiresAt.toISOString() },
        });
        return { attestedAt: now, attestationExpiresAt: expiresAt };
      });
    },

    /**
     * Queues a reminder to each partner admin whose attestation expires within 30 days. Idempotent:
     * one mail per admin per expiry date, however often the job runs.
     */
    async remindAttestations(actor: Actor) {
      authorize(actor, "partners:write");
      const now = clock.now();
      const horizon = new Date(now.getTime() + REMINDER_DAYS * 86_400_000);
      const due = await db
        .select()
        .from(partners)
        .where(
          and(
            inArray(partners.status, ["active", "suspended", "under_review"]),
            lte(partners.attestationExpiresAt, horizon),
            gt(partners.attestationExpiresAt, new Date(now.getTime() - 86_400_000)),
          ),
        );
      let queued = 0;
      for (const p of due) {
        await db.transaction(async (tx) => {
          const admins = (await c.partnerUsers.listMembers(tx, p.organisationId)).filter(
            (m) => m.role === "partner_admin" && !m.disabled,
          );
          const sentTo: string[] = [];
          const expires = p.attestationExpiresAt.toISOString();
          for (const m of admins) {
            const fresh = await c.mailer.send(tx, {
              to: m.email,
              kind: "attestation_reminder",
              dedupeKey: `attestation:${p.organisationId}:${expires}:${m.id}`,
              subject: `${p.name}: renew your yearly attestation before ${expires.slice(0, 10)}`,
              body: `The attestation of ${p.name} in the early-alert programme expires on ${expires}. Without a current attestation ${p.name} receives nothing. Renew it in the partner portal.`,
            });
            if (fresh) sentTo.push(m.email);
          }
          if (sentTo.length) {
            queued += sentTo.length;
            await audit.record(tx, {
              type: "partner.attestation_reminded",
              actor,
              subject: p.organisationId,
              data: { expiresAt: expires, to: sentTo },
            });
          }
        });
      }
      return { queued };
    },
  };
}
