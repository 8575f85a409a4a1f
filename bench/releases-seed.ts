// Set-up for the release benchmark and the crash test: thousands of active partners with members,
// a signed NDA and a webhook endpoint each, written in bulk (creating 2,000 partners through the
// application flow would take longer than the release it prepares). The programme side (tiers, NDA,
// staff, the approved advisory) goes through the services, as in production.
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { organisations, users } from "../src/modules/accounts/schema.ts";
import { ndaSignatures, partners, webhooks } from "../src/modules/partners/schema.ts";
import type { Clock } from "../src/platform/clock.ts";
import { randomSecret, type Sealer, sha256Hex } from "../src/platform/crypto.ts";
import type { Db } from "../src/platform/db/client.ts";
import type { IdGen } from "../src/platform/ids.ts";
import type { Services } from "../src/runtime.ts";

const SYS = systemActor("seed");
const FULL = ["summary", "details", "detection", "poc", "indicators"] as const;
export const BULK_TIER = "vetted-plus";

/** A coordinator that can log in with the seed's password. */
export type Staff = { id: string; email: string; actor: Actor };

export type Seeded = {
  advisoryId: string;
  coordinator: Staff;
  /** A second coordinator: approves what the first planned. */
  approver: Staff;
  partnerIds: string[];
  /** Every recipient the engine counts: each partner organisation and each of its members. */
  recipients: number;
  recipientIds: string[];
  /** Each partner's webhook signing secret (when a webhook URL was given). */
  secrets: Map<string, string>;
};

async function chunked<T>(rows: T[], size: number, write: (part: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/**
 * Tier `vetted-plus` with the given lead time (full content), an NDA, two coordinators, an approved advisory,
 * and `partners` active partners with `members` members each (one admin, the rest analysts), each
 * with a signed NDA and, when `webhookUrl` is given, one endpoint there.
 */
export async function seedRelease(
  s: Services,
  raw: { db: Db; sealer: Sealer; ids: IdGen; clock: Clock },
  opts: {
    partners: number;
    members: number;
    leadTime: string;
    webhookUrl: string | null;
    password: string;
    /** Sections of the advisory instead of the short default (e.g. a real-sized advisory to fingerprint). */
    sections?: Record<"summary" | "details" | "detection" | "poc" | "indicators", string>;
  },
): Promise<Seeded> {
  const { db, sealer, ids, clock } = raw;
  // The default tiers (a policy rule caps at `restricted`), the first with the lead time asked for.
  await s.partners.replaceTiers(SYS, [
    { name: BULK_TIER, leadTime: opts.leadTime, content: [...FULL] },
    { name: "standard", leadTime: "P1D", content: ["summary", "details", "detection", "indicators"] },
    { name: "restricted", leadTime: "PT0S", content: ["summary"] },
  ]);
  const ndaVersion = (await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret until the public release."))
    .version;
  const staff: Staff[] = [];
  for (const n of [1, 2]) {
    const u = await s.accounts.createUser(SYS, {
      email: `coordinator${n}@programme.example`,
      name: `Coordinator ${n}`,
      role: "coordinator",
      password: opts.password,
    });
    const actor: Actor = {
      kind: "user",
      userId: u.id as `usr_${string}`,
      email: u.email,
      role: "coordinator",
      organisationId: u.organisationId as `org_${string}`,
      via: "session",
    };
    staff.push({ id: u.id, email: u.email, actor });
  }
  const [c1, c2] = staff as [Staff, Staff];
  const { caseId } = await s.cases.submit(null, {
    product: "Acme Gateway",
    version: "4.2.1",
    title: "Admin bypass",
    description: "Send the header.",
  });
  const advisory = await s.advisories.create(c1.actor, {
    caseId,
    title: "Acme Gateway: authentication bypass",
    products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
    sections: opts.sections ?? {
      summary: "An authentication bypass in the Acme Gateway admin console.",
      details: "## Root cause\n\nThe console trusts `X-Forwarded-User` from any client.",
      detection: "Look for `X-Forwarded-User` in requests to /admin.",
      poc: "```sh\ncurl -H 'X-Forwarded-User: admin' https://gateway/admin\n```",
      indicators: "- 203.0.113.7",
    },
  });
  await s.advisories.submit(c2.actor, advisory.id);
  await s.advisories.approve(c2.actor, advisory.id);

  const now = clock.now();
  const yearAhead = new Date(now.getTime() + 365 * 86_400_000);
  const orgRows: (typeof organisations.$inferInsert)[] = [];
  const partnerRows: (typeof partners.$inferInsert)[] = [];
  const userRows: (typeof users.$inferInsert)[] = [];
  const signatureRows: (typeof ndaSignatures.$inferInsert)[] = [];
  const webhookRows: (typeof webhooks.$inferInsert)[] = [];
  const ndaHash = sha256Hex(`nda:${ndaVersion}`);
  const secrets = new Map<string, string>();
  // A hash no password matches: these members never log in, they only receive.
  const noLogin = "!seeded";
  for (let i = 0; i < opts.partners; i++) {
    const orgId = ids("organisation");
    const name = `Bulk partner ${String(i).padStart(5, "0")}`;
    orgRows.push({ id: orgId, name, kind: "partner", createdAt: now });
    partnerRows.push({
      organisationId: orgId,
      name,
      legalName: `${name} Ltd`,
      country: "DE",
      staffCountries: [],
      website: `https://p${i}.example`,
      kind: "antivirus",
      customers: 1000,
      contacts: [{ name: `Contact ${i}`, email: `contact@p${i}.example`, role: "applicant" }],
      affiliations: [],
      status: "active",
      tier: BULK_TIER,
      attestations: {
        securityVendor: true,
        noOffensiveTools: true,
        publishAtRelease: true,
        reportLeaks: true,
      },
      attestedAt: now,
      attestationExpiresAt: yearAhead,
      createdAt: now,
      updatedAt: now,
    });
    for (let m = 0; m < opts.members; m++) {
      const userId = ids("user");
      userRows.push({
        id: userId,
        email: `m${m}@p${i}.example`,
        name: `Member ${m} of partner ${i}`,
        role: m === 0 ? "partner_admin" : "partner_analyst",
        organisationId: orgId,
        passwordHash: noLogin,
        createdAt: now,
      });
      if (m === 0)
        signatureRows.push({
          id: ids("ndaSignature"),
          partnerId: orgId,
          version: ndaVersion,
          userId,
          name: `Member 0 of partner ${i}`,
          title: "CISO",
          sha256: ndaHash,
          signedAt: now,
        });
    }
    if (opts.webhookUrl) {
      const id = ids("webhook");
      const secret = `whsec_${Buffer.from(randomSecret(32), "base64url").toString("base64")}`;
      secrets.set(orgId, secret);
      webhookRows.push({
        id,
        partnerId: orgId,
        url: opts.webhookUrl,
        secretSealed: sealer.seal(secret, `partner_webhooks.secret:${id}`),
        createdAt: now,
      });
    }
  }
  await db.transaction(async (tx) => {
    await chunked(orgRows, 1000, (p) => tx.insert(organisations).values(p));
    await chunked(partnerRows, 500, (p) => tx.insert(partners).values(p));
    await chunked(userRows, 1000, (p) => tx.insert(users).values(p));
    await chunked(signatureRows, 1000, (p) => tx.insert(ndaSignatures).values(p));
    await chunked(webhookRows, 1000, (p) => tx.insert(webhooks).values(p));
  });
  return {
    advisoryId: advisory.id,
    coordinator: c1,
    approver: c2,
    partnerIds: orgRows.map((o) => o.id),
    recipients: opts.partners * (1 + opts.members),
    recipientIds: [...orgRows.map((o) => o.id), ...userRows.map((u) => u.id as string)],
    secrets,
  };
}
