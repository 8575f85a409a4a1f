// The partner lifecycle: public applications, the directory, two-person approval, rejection,
// sanctions (suspend, reinstate, remove), tier changes, profile edits, the timeline and eligibility.
import { and, asc, count, desc, eq, ilike, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type Actor, can } from "../../authz/authorize.ts";
import {
  PARTNER_KINDS,
  PARTNER_STATUSES,
  type PartnerKind,
  type PartnerStatus,
} from "../../contract/enums.ts";

const isPartnerStatus = (s: string): s is PartnerStatus =>
  (PARTNER_STATUSES as readonly string[]).includes(s);

import { randomSecret, sha256Hex } from "../../platform/crypto.ts";
import type { DbOrTx } from "../../platform/db/client.ts";
import { type PageInput, tablePage } from "../../platform/db/page.ts";
import { AppError, conflict } from "../../platform/errors.ts";
import { authorizeAny, type Ctx, type PartnerRow } from "./context.ts";
import { type Compliance, evaluateEligibility, type Rule, type Tier } from "./eligibility.ts";
import {
  incidents,
  invites,
  ndaSignatures,
  ndas,
  partnerApprovals,
  partnerEvents,
  partners,
  policyRules,
  tiers,
} from "./schema.ts";

export { PARTNER_KINDS, PARTNER_STATUSES as STATUSES, type PartnerStatus };
export const APPROVALS_NEEDED = 2;
export const INVITE_DAYS = 7;
/** Refused accepts (a password the policy rejects) after which an invite link is void. */
export const INVITE_MAX_FAILURES = 5;
/** FOREWARN_PUBLIC_URL's default, for services built without one (tests). */
const DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080";
export const ATTESTATION_DAYS = 365;
const DEFAULT_TIER = "standard";
/** Timeline events whose reason a partner user sees when staff acted ("approval 1 of 2", its own application). */
const PARTNER_VISIBLE_REASONS: ReadonlySet<string> = new Set(["applied", "approved"]);
/** Timeline events whose data a partner user sees when staff acted (neutral facts about its own record). */
const PARTNER_VISIBLE_DATA: ReadonlySet<string> = new Set([
  "approved",
  "tier_changed",
  "updated",
  "attested",
  "nda_signed",
  "member_removed",
]);

export type ApplicationIn = {
  organisation: {
    name: string;
    legalName: string;
    country: string;
    staffCountries: string[];
    website: string;
    kind: (typeof PARTNER_KINDS)[number];
    customers: number;
    affiliations?: string[] | undefined;
  };
  contact: { name: string; email: string };
  attestations: {
    securityVendor: boolean;
    noOffensiveTools: boolean;
    publishAtRelease: boolean;
    reportLeaks: boolean;
  };
};

const ATTESTATION_TEXT = {
  securityVendor: "is a commercial security vendor shipping protections to customers",
  noOffensiveTools: "does not develop or sell offensive tools (penetration-testing or exploit frameworks)",
  publishAtRelease: "will publish protections only at public release",
  reportLeaks: "will report any leak at once",
} as const;

/** A partner as an API answer; `staff` adds what only programme staff see (the duplicate flag). */
export const partnerView = (p: PartnerRow, staff = true) => ({
  id: p.organisationId,
  name: p.name,
  legalName: p.legalName,
  country: p.country,
  staffCountries: p.staffCountries,
  website: p.website,
  kind: p.kind,
  customers: p.customers,
  contacts: p.contacts,
  affiliations: p.affiliations,
  status: p.status,
  tier: p.tier,
  attestations: p.attestations,
  attestedAt: p.attestedAt,
  attestationExpiresAt: p.attestationExpiresAt,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  duplicate: staff ? (p.duplicate ?? null) : null,
});
export type PartnerView = ReturnType<typeof partnerView>;

export type ListFilter = {
  status?: string | undefined;
  country?: string | undefined;
  tier?: string | undefined;
  kind?: PartnerKind | undefined;
  q?: string | undefined;
};

export function makePartnerLifecycle(c: Ctx) {
  const { db, clock, audit } = c;

  async function issueInvite(
    tx: DbOrTx,
    actor: Actor | null,
    input: {
      userId: string;
      email: string;
      role: string;
      organisationId: string;
      partnerName: string;
    },
  ) {
    const token = randomSecret(32);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000);
    await tx.insert(invites).values({
      id: c.ids("invite"),
      tokenHash: sha256Hex(token),
      userId: input.userId,
      organisationId: input.organisationId,
      createdBy: actor?.kind === "user" ? actor.userId : null,
      createdAt: now,
      expiresAt,
    });
    // Links come from FOREWARN_PUBLIC_URL only: a request's Host header is the caller's to forge.
    const base = (c.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, "");
    const inviteUrl = `${base}/invite/${token}`;
    await c.mailer.send(tx, {
      to: input.email,
      kind: "invite",
      subject: `You are invited to the ${input.partnerName} team in the Forewarn early-alert programme`,
      body: `Set your password and join ${input.partnerName} as ${input.role}:\n\n${inviteUrl}\n\nThe link works once and expires on ${expiresAt.toISOString()}.`,
    });
    await audit.record(tx, {
      type: "invite.issued",
      actor,
      subject: input.userId,
      data: {
        userId: input.userId,
        email: input.email,
        role: input.role,
        expiresAt: expiresAt.toISOString(),
      },
    });
    return { inviteUrl, expiresAt };
  }

  async function transition(
    actor: Actor,
    id: string,
    allowedFrom: readonly PartnerStatus[],
    to: PartnerStatus,
    reason: string,
    verb: string,
  ) {
    return db.transaction(async (tx) => {
      const p = await c.load(tx, actor, id, { staff: "partners:sanction", lock: true });
      if (!allowedFrom.includes(p.status))
        throw new AppError(
          "invalid_state",
          `cannot ${verb} a partner that is ${p.status} (only ${allowedFrom.join(" or ")})`,
        );
      await tx
        .update(partners)
        .set({ status: to, updatedAt: clock.now() })
        .where(eq(partners.organisationId, id));
      await c.event(tx, actor, p, { type: verb, from: p.status, to, reason });
      await audit.record(tx, {
        type: "partner.status_changed",
        actor,
        subject: id,
        data: { from: p.status, to, reason },
      });
      return { id, status: to };
    });
  }

  async function complianceOf(tx: DbOrTx, p: PartnerRow): Promise<Compliance> {
    const [current] = await tx.select({ v: ndas.version }).from(ndas).orderBy(desc(ndas.version)).limit(1);
    const signed = await tx
      .select({ v: ndaSignatures.version })
      .from(ndaSignatures)
      .where(eq(ndaSignatures.partnerId, p.organisationId));
    return {
      currentNdaVersion: current?.v ?? null,
      signedNdaVersions: signed.map((s) => s.v),
      attestationExpiresAt: p.attestationExpiresAt,
    };
  }

  async function policyInputs(tx: DbOrTx): Promise<{ tiers: Tier[]; rules: Rule[] }> {
    const t = await tx.select().from(tiers).orderBy(asc(tiers.position));
    const r = await tx.select().from(policyRules).orderBy(asc(policyRules.position));
    return {
      tiers: t.map((x) => ({
        name: x.name,
        leadTime: x.leadTime,
        leadSeconds: x.leadSeconds,
        content: x.content as Tier["content"],
      })),
      rules: r.map((x) => ({
        id: x.id,
        name: x.name,
        condition: x.condition as Rule["condition"],
        effect: x.effect as Rule["effect"],
        reference: x.reference,
        enabled: x.enabled,
      })),
    };
  }

  async function eligibilityOf(tx: DbOrTx, p: PartnerRow, rules?: Rule[]) {
    const inputs = await policyInputs(tx);
    return evaluateEligibility({
      partner: p,
      tiers: inputs.tiers,
      rules: rules ?? inputs.rules,
      compliance: await complianceOf(tx, p),
      now: clock.now(),
    });
  }

  /** The directory's filters, and a partner user's own organisation (checks the caller may read it). */
  function listWhere(actor: Actor, f: ListFilter): SQL[] {
    authorizeAny(actor, "partners:read", "partner:self");
    const where: SQL[] = [];
    if (!can(actor, "partners:read") && actor.kind === "user")
      where.push(eq(partners.organisationId, actor.organisationId));
    if (f.status) where.push(inArray(partners.status, f.status.split(",").filter(isPartnerStatus)));
    if (f.tier) where.push(eq(partners.tier, f.tier));
    if (f.kind) where.push(eq(partners.kind, f.kind));
    if (f.country)
      where.push(
        sql`(${partners.country} = ${f.country} OR ${partners.staffCountries} @> ${JSON.stringify([f.country])}::jsonb)`,
      );
    if (f.q) where.push(ilike(partners.name, `%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`));
    return where;
  }

  /** Directory rows as listed: the view for the caller, approvals so far and the tier received now. */
  async function listed(actor: Actor, rows: PartnerRow[]) {
    const approvals = rows.length
      ? await db
          .select({ id: partnerApprovals.partnerId, n: count() })
          .from(partnerApprovals)
          .where(
            inArray(
              partnerApprovals.partnerId,
              rows.map((p) => p.organisationId),
            ),
          )
          .groupBy(partnerApprovals.partnerId)
      : [];
    const byId = new Map(approvals.map((a) => [a.id, Number(a.n)]));
    const staff = can(actor, "partners:read");
    const effective = await evaluateRows(rows);
    return rows.map((p) => {
      const e = effective.get(p.organisationId);
      return {
        ...partnerView(p, staff),
        approvals: byId.get(p.organisationId) ?? 0,
        // What the partner receives now, after policy and sanctions (null: nothing).
        effectiveTier: e?.eligible ? e.tier : null,
      };
    });
  }

  /** Eligibility of many partners now, with one query per table. */
  async function evaluateRows(rows: PartnerRow[]) {
    const out = new Map<string, ReturnType<typeof evaluateEligibility>>();
    if (rows.length === 0) return out;
    const inputs = await policyInputs(db);
    const [current] = await db.select({ v: ndas.version }).from(ndas).orderBy(desc(ndas.version)).limit(1);
    const signed = await db
      .select({ partnerId: ndaSignatures.partnerId, v: ndaSignatures.version })
      .from(ndaSignatures)
      .where(
        inArray(
          ndaSignatures.partnerId,
          rows.map((p) => p.organisationId),
        ),
      );
    const signedBy = new Map<string, number[]>();
    for (const x of signed) signedBy.set(x.partnerId, [...(signedBy.get(x.partnerId) ?? []), x.v]);
    const now = clock.now();
    for (const p of rows)
      out.set(
        p.organisationId,
        evaluateEligibility({
          partner: p,
          tiers: inputs.tiers,
          rules: inputs.rules,
          compliance: {
            currentNdaVersion: current?.v ?? null,
            signedNdaVersions: signedBy.get(p.organisationId) ?? [],
            attestationExpiresAt: p.attestationExpiresAt,
          },
          now,
        }),
      );
    return out;
  }

  return {
    issueInvite,
    complianceOf,
    policyInputs,
    eligibilityOf,

    /** Active partners, for the programme overview (a count only; callers need no action). */
    async countActive(): Promise<number> {
      const [r] = await db.select({ n: count() }).from(partners).where(eq(partners.status, "active"));
      return Number(r?.n ?? 0);
    },

    /**
     * Public: no login. Creates the organisation, the applicant and an invite for its first
     * partner_admin. Every application gets the same answer, so nobody learns which partner names or
     * e-mail addresses exist: one naming an existing partner, or giving an existing account's e-mail,
     * is stored flagged as a duplicate for staff; no second account is made for an existing e-mail
     * (its owner gets a notice instead of an invite). `_origin` is ignored: links use FOREWARN_PUBLIC_URL.
     */
    async apply(input: ApplicationIn, _origin?: string) {
      const missing = (Object.keys(ATTESTATION_TEXT) as (keyof typeof ATTESTATION_TEXT)[]).filter(
        (k) => input.attestations[k] !== true,
      );
      if (missing.length)
        throw new AppError(
          "validation_failed",
          `the programme admits only organisations that attest all four statements; not attested: ${missing
            .map((k) => `${k} (${ATTESTATION_TEXT[k]})`)
            .join("; ")}`,
        );
      const o = input.organisation;
      const name = o.name.trim();
      const email = input.contact.email.trim();
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [sameName] = await tx
          .select({ id: partners.organisationId, status: partners.status })
          .from(partners)
          .where(and(sql`lower(${partners.name}) = ${name.toLowerCase()}`, isNull(partners.duplicate)));
        const reasons = sameName
          ? [`a partner named "${name}" already exists or has applied (${sameName.id}, ${sameName.status})`]
          : [];
        const id = await c.partnerUsers.createPartnerOrganisation(tx, null, name);
        const row: PartnerRow = {
          organisationId: id,
          name,
          legalName: o.legalName.trim(),
          country: o.country,
          staffCountries: [...new Set(o.staffCountries)],
          website: o.website,
          kind: o.kind,
          customers: o.customers,
          contacts: [{ name: input.contact.name.trim(), email, role: "applicant" }],
          affiliations: o.affiliations ?? [],
          status: "applicant",
          tier: DEFAULT_TIER,
          attestations: input.attestations,
          attestedAt: now,
          attestationExpiresAt: new Date(now.getTime() + ATTESTATION_DAYS * 86_400_000),
          createdAt: now,
          updatedAt: now,
          duplicate: reasons.length ? { reasons, partnerId: sameName?.id ?? null } : null,
        };
        await tx.insert(partners).values(row);
        // An existing account (of any organisation, staff included) is never given a second one.
        let userId: string | null = null;
        try {
          userId = await c.partnerUsers.createInvitedUser(tx, null, {
            email,
            name: input.contact.name,
            role: "partner_admin",
            organisationId: id,
          });
        } catch (e) {
          if (!(e instanceof AppError && e.code === "conflict")) throw e;
        }
        if (userId === null) {
          reasons.push(`the contact e-mail ${email} already belongs to an account: no new account was made`);
          row.duplicate = { reasons, partnerId: sameName?.id ?? null };
          await tx.update(partners).set({ duplicate: row.duplicate }).where(eq(partners.organisationId, id));
        }
        await c.event(tx, null, row, {
          type: "applied",
          to: "applicant",
          reason: `application by ${input.contact.name.trim()} <${email}>`,
        });
        await audit.record(tx, {
          type: "partner.applied",
          actor: null,
          subject: id,
          data: {
            name,
            country: o.country,
            staffCountries: row.staffCountries,
            kind: o.kind,
            ...(row.duplicate ? { duplicate: row.duplicate.reasons } : {}),
          },
        });
        if (userId !== null) {
          await issueInvite(tx, null, {
            userId,
            email,
            role: "partner_admin",
            organisationId: id,
            partnerName: name,
          });
        } else {
          await c.mailer.send(tx, {
            to: email,
            kind: "application_duplicate",
            subject: "An application to the Forewarn early-alert programme gave your address",
            body: `Someone applied to the early-alert programme for "${name}" and gave ${email} as the contact. You already have an account, so no new one was made and no invitation was sent; programme staff will review the application.\n\nIf this was not you, you need not do anything. If it was, log in with your existing account or ask your programme coordinator.`,
          });
        }
        return { partnerId: id, status: "applicant" as const };
      });
    },

    /**
     * One page of the directory, by name (the ID breaks ties between equal names): the filters and the
     * caller's scope (a partner user sees its own organisation) apply to every page.
     */
    async list(actor: Actor, f: ListFilter & PageInput = {}) {
      const where = listWhere(actor, f);
      const page = await tablePage(db, partners, ["name", "organisationId"], "asc", f, and(...where));
      return { items: await listed(actor, page.items), nextCursor: page.nextCursor };
    },

    /** Every partner matching the filters at once, by name: for the release engine, never a route. */
    async listAll(actor: Actor, f: ListFilter = {}) {
      const rows = await db
        .select()
        .from(partners)
        .where(and(...listWhere(actor, f)))
        .orderBy(asc(partners.name), asc(partners.organisationId));
      return listed(actor, rows);
    },

    async get(actor: Actor, id: string) {
      const p = await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      const approvals = await db
        .select({ approverId: partnerApprovals.approverId, at: partnerApprovals.at })
        .from(partnerApprovals)
        .where(eq(partnerApprovals.partnerId, id))
        .orderBy(asc(partnerApprovals.at));
      const staff = can(actor, "partners:read");
      return {
        ...partnerView(p, staff),
        // Which staff members approved is for staff; the partner sees how many and when.
        approvals: staff ? approvals : approvals.map((a) => ({ approverId: null, at: a.at })),
        approvalsNeeded: APPROVALS_NEEDED,
      };
    },

    /**
     * The partner's timeline. Staff see everything. The partner's own users see its status changes and
     * their own actions, but not what staff keep to themselves: incidents staff recorded (a leak
     * investigation), staff's reasons and notes (suspension, tier change, incident resolution), and
     * who on the staff acted (approvers' e-mails).
     */
    async timeline(actor: Actor, id: string) {
      await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      const rows = await db
        .select()
        .from(partnerEvents)
        .where(eq(partnerEvents.partnerId, id))
        .orderBy(asc(partnerEvents.at), asc(partnerEvents.id));
      if (can(actor, "partners:read")) return rows;
      const own = new Set((await c.partnerUsers.listMembers(db, id)).map((m) => m.id));
      const selfReported = new Set(
        (
          await db
            .select({ id: incidents.id })
            .from(incidents)
            .where(and(eq(incidents.partnerId, id), eq(incidents.source, "self_report")))
        ).map((i) => i.id),
      );
      return rows.flatMap((e) => {
        const incidentId = e.data.incidentId;
        if (typeof incidentId === "string" && !selfReported.has(incidentId)) return [];
        if (e.actorId !== null && own.has(e.actorId)) return [e];
        return [
          {
            ...e,
            actorId: null,
            actorEmail: null,
            reason: PARTNER_VISIBLE_REASONS.has(e.type) ? e.reason : null,
            data: PARTNER_VISIBLE_DATA.has(e.type) ? e.data : {},
          },
        ];
      });
    },

    async approve(actor: Actor, id: string) {
      authorizeAny(actor, "partners:approve");
      if (actor.kind !== "user")
        throw new AppError("forbidden", "approvals are made by named staff members, not by the system");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:approve", lock: true });
        if (p.status !== "applicant" && p.status !== "under_review")
          throw new AppError(
            "invalid_state",
            `partner ${id} is ${p.status}; only applicants and partners under review can be approved`,
          );
        if (actor.organisationId === p.organisationId)
          throw conflict("nobody approves their own organisation");
        if (p.contacts.some((x) => x.email.toLowerCase() === actor.email.toLowerCase()))
          throw conflict("you are a contact of this applicant, so another staff member must approve it");
        const mine = await tx
          .insert(partnerApprovals)
          .values({ partnerId: id, approverId: actor.userId, at: clock.now() })
          .onConflictDoNothing()
          .returning();
        if (mine.length === 0)
          throw conflict(`you already approved ${p.name}; a second, different staff member must approve it`);
        const [n] = await tx
          .select({ n: count() })
          .from(partnerApprovals)
          .where(eq(partnerApprovals.partnerId, id));
        const approvals = Number(n?.n ?? 0);
        const to: PartnerStatus = approvals >= APPROVALS_NEEDED ? "active" : "under_review";
        await c.event(tx, actor, p, {
          type: "approved",
          from: p.status,
          to,
          reason: `approval ${approvals} of ${APPROVALS_NEEDED}`,
          data: { approvals },
        });
        await audit.record(tx, {
          type: "partner.approved",
          actor,
          subject: id,
          data: { approvals, status: to },
        });
        if (to !== p.status) {
          await tx
            .update(partners)
            .set({ status: to, updatedAt: clock.now() })
            .where(eq(partners.organisationId, id));
          await audit.record(tx, {
            type: "partner.status_changed",
            actor,
            subject: id,
            data: { from: p.status, to, reason: `approval ${approvals} of ${APPROVALS_NEEDED}` },
          });
        }
        return { status: to, approvals, approvalsNeeded: APPROVALS_NEEDED };
      });
    },

    reject: (actor: Actor, id: string, reason: string) => {
      authorizeAny(actor, "partners:approve");
      return transition(actor, id, ["applicant", "under_review"], "rejected", reason, "rejected");
    },
    suspend: (actor: Actor, id: string, reason: string) => {
      authorizeAny(actor, "partners:sanction");
      return transition(actor, id, ["active"], "suspended", reason, "suspended");
    },
    reinstate: (actor: Actor, id: string, reason: string) => {
      authorizeAny(actor, "partners:sanction");
      return transition(actor, id, ["suspended"], "active", reason, "reinstated");
    },
    remove: (actor: Actor, id: string, reason: string) => {
      authorizeAny(actor, "partners:sanction");
      return transition(
        actor,
        id,
        ["applicant", "under_review", "active", "suspended", "rejected"],
        "removed",
        reason,
        "removed",
      );
    },

    async setTier(actor: Actor, id: string, tier: string, reason?: string) {
      authorizeAny(actor, "partners:write");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", lock: true });
        const known = await tx.select({ name: tiers.name }).from(tiers);
        if (!known.some((t) => t.name === tier))
          throw new AppError(
            "validation_failed",
            `unknown tier "${tier}"; tiers are ${known.map((t) => t.name).join(", ")}`,
          );
        if (p.tier !== tier) {
          await tx
            .update(partners)
            .set({ tier, updatedAt: clock.now() })
            .where(eq(partners.organisationId, id));
          await c.event(tx, actor, p, {
            type: "tier_changed",
            reason: reason ?? null,
            data: { from: p.tier, to: tier },
          });
          await audit.record(tx, {
            type: "partner.tier_changed",
            actor,
            subject: id,
            data: { from: p.tier, to: tier, reason: reason ?? null },
          });
        }
        return { id, tier };
      });
    },

    /**
     * Staff edit everything; a partner_admin its website, customers and contacts. What the policy
     * reads (country, staff countries, kind, affiliations) is staff-only: a partner must not move
     * itself out of a jurisdiction or risk rule.
     */
    async update(
      actor: Actor,
      id: string,
      patch: Partial<
        Pick<
          PartnerRow,
          | "legalName"
          | "country"
          | "staffCountries"
          | "website"
          | "kind"
          | "customers"
          | "contacts"
          | "affiliations"
        >
      >,
    ) {
      authorizeAny(actor, "partners:write", "partner:manage");
      return db.transaction(async (tx) => {
        const p = await c.load(tx, actor, id, { staff: "partners:write", own: "partner:manage", lock: true });
        const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
        const staffOnly = ["legalName", "country", "staffCountries", "kind", "affiliations"];
        if (!can(actor, "partners:write") && fields.some((f) => staffOnly.includes(f)))
          throw new AppError(
            "forbidden",
            `only programme staff change ${fields.filter((f) => staffOnly.includes(f)).join(", ")}: they decide the partner's tier and policy; ask your coordinator`,
          );
        if (fields.length === 0) return partnerView(p, can(actor, "partners:read"));
        const [row] = await tx
          .update(partners)
          .set({ ...patch, updatedAt: clock.now() })
          .where(eq(partners.organisationId, id))
          .returning();
        // The timeline keeps what changed: headquarters, staff countries and kind move policy outcomes.
        const changes = Object.fromEntries(
          fields.map((f) => [
            f,
            { from: p[f as keyof PartnerRow], to: (patch as Record<string, unknown>)[f] },
          ]),
        );
        await c.event(tx, actor, p, {
          type: "updated",
          reason: `changed ${fields.join(", ")}`,
          data: { fields, changes },
        });
        await audit.record(tx, { type: "partner.updated", actor, subject: id, data: { fields } });
        return partnerView(row ?? p, can(actor, "partners:read"));
      });
    },

    async eligibility(actor: Actor, id: string) {
      const p = await c.authorizeAndLoad(db, actor, id, { staff: "partners:read", own: "partner:self" });
      return eligibilityOf(db, p);
    },

    /**
     * Eligibility of many partners now, as `eligibility` gives it for one, with one query per table
     * (the release engine evaluates thousands of partners at planning and at fire time). Unknown IDs
     * are left out of the map.
     */
    async eligibilityMany(actor: Actor, ids: readonly string[]) {
      authorizeAny(actor, "partners:read");
      if (ids.length === 0) return new Map<string, ReturnType<typeof evaluateEligibility>>();
      const rows = await db
        .select()
        .from(partners)
        .where(inArray(partners.organisationId, [...new Set(ids)]));
      return evaluateRows(rows);
    },
  };
}
