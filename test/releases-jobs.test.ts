// The release engine driven by its durable jobs alone, on the real clock: tiers with lead times of
// seconds (PT4S, PT2S, PT0S), a plan armed six seconds before T0, and pg-boss firing each wave from
// the job sent with startAfter at arming. Nobody's copy is dated before its wave, each recipient has
// exactly one, the advisory goes public at T0, and the webhook arrives signed.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { jobDefinitions } from "../src/jobs.ts";
import { releaseMails } from "../src/modules/releases/email-schema.ts";
import { releaseDeliveries, releaseWaves, releaseWebhookMessages } from "../src/modules/releases/schema.ts";
import { httpTransport, standardSecret } from "../src/modules/releases/webhooks.ts";
import { systemClock } from "../src/platform/clock.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { type Jobs, startJobs } from "../src/platform/jobs/jobs.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import { engines, PASSWORD, testDatabase, testPasswords } from "./harness.ts";

const SYS = systemActor("test");
const FULL = ["summary", "details", "detection", "poc", "indicators"] as const;

/** Waits for what a running job does (pg-boss polls on the real clock). */
const until = (check: () => boolean | Promise<boolean>, timeout = 40_000) =>
  vi.waitFor(async () => expect(await check()).toBe(true), { timeout, interval: 200 });

describe.each(engines)("release jobs on %s", (engine: DbKind) => {
  let s: Services;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let jobs: Jobs;
  let sink: Server;
  const hits: { headers: Record<string, string>; body: string }[] = [];
  const staff: Actor[] = [];
  const partner: Record<string, string> = {};
  let secret = "";
  let n = 0;

  async function actorFor(role: Role, organisationId?: string): Promise<Actor> {
    n++;
    const u = await s.accounts.createUser(SYS, {
      email: `${role}.${n}@jobs.example`,
      name: `${role} ${n}`,
      role,
      password: PASSWORD,
      organisationId,
    });
    return {
      kind: "user",
      userId: u.id as `usr_${string}`,
      email: u.email,
      role,
      organisationId: u.organisationId as `org_${string}`,
      via: "token",
    };
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-sink-"));
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2"],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(join(dir, "cert.pem"), "utf8");
    sink = createServer({ key: readFileSync(join(dir, "key.pem"), "utf8"), cert }, (rq, rs) => {
      const chunks: Buffer[] = [];
      rq.on("data", (c: Buffer) => chunks.push(c));
      rq.on("end", () => {
        hits.push({
          headers: rq.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        rs.statusCode = 200;
        rs.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", () => r()));
    const addr = sink.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;

    db = await testDatabase(engine);
    s = makeServices({
      database: db,
      clock: systemClock,
      masterKey: randomBytes(32),
      passwords: testPasswords,
      sessionHours: 12,
      allowPrivateWebhooks: true,
      webhookTransport: httpTransport({ ca: cert }),
    });
    staff.push(await actorFor("coordinator"), await actorFor("coordinator"));
    await s.partners.replaceTiers(SYS, [
      { name: "vetted-plus", leadTime: "PT4S", content: [...FULL] },
      { name: "standard", leadTime: "PT2S", content: ["summary", "details", "detection", "indicators"] },
      { name: "restricted", leadTime: "PT0S", content: ["summary"] },
    ]);
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    const version = (await s.partners.currentNda()).version;
    for (const [key, tier] of [
      ["gold", "vetted-plus"],
      ["silver", "standard"],
      ["bronze", "restricted"],
    ] as const) {
      const { partnerId } = await s.partners.apply(
        {
          organisation: {
            name: `Jobs ${key}`,
            legalName: `Jobs ${key} Ltd`,
            country: "NL",
            staffCountries: [],
            website: `https://${key}.example`,
            kind: "edr",
            customers: 10,
          },
          contact: { name: `Contact ${key}`, email: `contact@${key}.jobs.example` },
          attestations: {
            securityVendor: true,
            noOffensiveTools: true,
            publishAtRelease: true,
            reportLeaks: true,
          },
        },
        "http://127.0.0.1",
      );
      await s.partners.approve(staff[0] as Actor, partnerId);
      await s.partners.approve(staff[1] as Actor, partnerId);
      await s.partners.setTier(SYS, partnerId, tier);
      const admin = await actorFor("partner_admin", partnerId);
      await s.partners.signNda(admin, partnerId, { version, name: "A", title: "CISO" }, null);
      if (key === "gold")
        secret = (await s.partners.addWebhook(admin, partnerId, `https://127.0.0.1:${port}/hook`)).secret;
      partner[key] = partnerId;
    }
    jobs = await startJobs(db, jobDefinitions(s), { pollingIntervalSeconds: 0.5 });
    s.jobQueue.connect(jobs.queue);
  });
  afterAll(async () => {
    await jobs.stop();
    await db.dispose();
    await new Promise((r) => sink.close(r));
  });

  it("fires every wave from its job, never before its time, once per recipient, then goes public", async () => {
    const { caseId } = await s.cases.submit(null, {
      product: "Acme Gateway",
      version: "1",
      title: "Fast",
      description: "A bug.",
    });
    const a = await s.advisories.create(staff[0] as Actor, {
      caseId,
      title: "Fast release",
      products: [{ vendor: "Acme", product: "Gateway", affected: ["1"], fixed: ["2"] }],
      sections: { summary: "S", details: "D", detection: "R", poc: "P", indicators: "I" },
    });
    await s.advisories.submit(staff[1] as Actor, a.id);
    await s.advisories.approve(staff[1] as Actor, a.id);
    const publicAt = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    const plan = await s.releases.createPlan(staff[0] as Actor, a.id, { publicAt });
    expect(plan.waves.map((w) => [w.tier, w.at.getTime() - publicAt.getTime(), w.partnerIds])).toEqual([
      ["vetted-plus", -4000, [partner.gold]],
      ["standard", -2000, [partner.silver]],
      ["restricted", 0, [partner.bronze]],
    ]);
    await s.releases.approve(staff[1] as Actor, a.id);
    await s.releases.arm(staff[0] as Actor, a.id);

    await until(async () => (await s.releases.getPlan(SYS, a.id)).state === "fired");
    await until(async () => hits.length > 0);

    const waves = await db.db.select().from(releaseWaves);
    const rows = (await db.db.select().from(releaseDeliveries)).filter((r) => r.advisoryId === a.id);
    for (const r of rows) {
      const wave = waves.find((w) => w.id === r.waveId);
      expect(r.deliveredAt.getTime()).toBeGreaterThanOrEqual(wave?.at.getTime() ?? Number.POSITIVE_INFINITY);
    }
    expect(new Set(rows.map((r) => r.recipientId)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.partnerId))).toEqual(
      new Set([partner.gold, partner.silver, partner.bronze]),
    );
    const pub = (await s.advisories.get(SYS, a.id)).publishedAt;
    expect(pub?.toISOString()).toBe(publicAt.toISOString());

    const hit = hits[0] as { headers: Record<string, string>; body: string };
    // Verified as a receiver would: the library also checks the timestamp against the real clock.
    const event = new Webhook(standardSecret(secret)).verify(hit.body, hit.headers) as { type: string };
    expect(event.type).toBe("advisory.released");
    const [m] = await db.db.select().from(releaseWebhookMessages);
    expect(m).toMatchObject({ status: "succeeded", attempts: 1 });
    // Each member's mail was owed with its copy and its job, queued with the batch's in one
    // statement, ran: no mail is left pending.
    const members = rows.filter((r) => r.recipientKind === "user").map((r) => r.id);
    expect(members.length).toBeGreaterThan(0);
    await until(async () => {
      const mails = (await db.db.select().from(releaseMails)).filter((x) => members.includes(x.deliveryId));
      return mails.length === members.length && mails.every((x) => x.status !== "pending");
    });
  });
});
