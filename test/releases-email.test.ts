// Release mail on every engine with a frozen clock and real GnuPG: a member whose key (made by gpg,
// registered through the partner API) is on file gets the copy as OpenPGP/MIME that `gpg --decrypt`
// opens; a member without a key gets a notice with a portal link and no content; no message that
// leaves carries embargoed text in the clear (every part of every message decoded and scanned). The
// mail job is idempotent (a second run sends nothing), retries after a refused attempt, and a lost
// job is found again by the sweep. Also: fresh webhook secrets work as they are with `new Webhook()`.
// Each test starts from a saved stage (keyed, armed, mailed) on a database of its own: any order works.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import type { Role } from "../src/authz/actions.ts";
import { type Actor, systemActor } from "../src/authz/authorize.ts";
import { SEND_MAIL } from "../src/modules/releases/email.ts";
import { releaseMails } from "../src/modules/releases/email-schema.ts";
import { signedHeaders, standardSecret } from "../src/modules/releases/webhooks.ts";
import { fixedClock } from "../src/platform/clock.ts";
import type { DbKind } from "../src/platform/db/client.ts";
import { smtpTransport } from "../src/platform/mail/transport.ts";
import { makeServices, type Services } from "../src/runtime.ts";
import {
  type DatabaseSnapshot,
  engines,
  journey,
  type TestDatabase,
  testDatabase,
  testPasswords,
} from "./harness.ts";
import { programmeFixtures } from "./programme.ts";

const SYS = systemActor("test");
const START = "2026-03-01T12:00:00.000Z";
const T0 = "2026-03-10T12:00:00.000Z";
const WAVE = "2026-03-05T12:00:00.000Z"; // vetted-plus: five days ahead
const TITLE = "Acme Gateway: authentication bypass via forwarded user header";
const SECTIONS = {
  summary: "An authentication bypass in the Acme Gateway admin console.",
  details: "The console trusts the X-Forwarded-User header from any client (codeword marmalade-7).",
  detection: "Look for X-Forwarded-User in requests to the admin path.",
  poc: "curl -H 'X-Forwarded-User: admin' https://gateway/admin",
  indicators: "- 203.0.113.7",
};
const RULE = 'alert http any any -> any any (msg:"Acme admin bypass zebra-41"; sid:1000001;)\n';
/** Texts that must never appear in a message in the clear. */
const SECRETS = [TITLE, ...Object.values(SECTIONS), "marmalade-7", "zebra-41", "203.0.113.7"];
/**
 * A text without Unicode format characters: copies are fingerprinted with invisible marks between
 * words, so a leaked copy is searched for secrets with them removed (the tokens with digits above are
 * never varied at all).
 */
const visible = (t: string) => t.replace(/\p{Cf}/gu, "");

type Sent = { from: string; to: string[]; raw: string };

function gpg(home: string, args: string[], input?: string): string {
  return execFileSync("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", ...args], {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Every decoded text of a message: headers, text parts and attachments (base64/QP undone). */
async function decodedTexts(raw: string): Promise<string[]> {
  const m = await simpleParser(raw);
  return [
    raw,
    m.subject ?? "",
    m.text ?? "",
    typeof m.html === "string" ? m.html : "",
    ...m.attachments.map((a) => a.content.toString("utf8")),
  ];
}

// Each test opens its own copy of a database (a few seconds on a loaded machine): more time than the default.
describe.each(engines)("release mail on %s", { timeout: 180_000 }, (engine: DbKind) => {
  let app: FastifyInstance;
  let s: Services;
  let db: TestDatabase;
  const clock = fixedClock(START);
  const masterKey = randomBytes(32);
  let smtp: SMTPServer;
  let smtpUrl = "";
  const sent: Sent[] = [];
  let refuseNext = 0;
  let home = "";
  const jobs: { name: string; data: { deliveryId?: string } }[] = [];
  const staff: Record<string, Actor> = {};
  let partnerId = "";
  let admin: { id: string; email: string; headers: Record<string, string>; actor: Actor };
  let analyst: { id: string; email: string; headers: Record<string, string>; actor: Actor };
  let adv = "";

  let fixtures: ReturnType<typeof programmeFixtures>;
  const makeUser = (role: Role, organisationId?: string) => fixtures.makeUser(role, organisationId);

  /** Runs the mail jobs queued so far (as pg-boss would), once each, in order. */
  async function runMailJobs() {
    const mine = jobs.filter((j) => j.name === SEND_MAIL);
    jobs.splice(0, jobs.length, ...jobs.filter((j) => j.name !== SEND_MAIL));
    const errors: string[] = [];
    for (const j of mine) await s.releases.email.onJob(j.data).catch((e: Error) => errors.push(e.message));
    return { ran: mine.length, errors };
  }

  const mailRows = async () => (await db.db.select().from(releaseMails)).filter((m) => m.advisoryId === adv);

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (refuseNext > 0) {
            refuseNext--;
            const e = Object.assign(new Error("try again later"), { responseCode: 451 });
            return cb(e);
          }
          sent.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
    // Every stage before any test needs one (so a test run alone is not charged for them); a slow
    // machine gets the time for all.
    await stages.makeAll();
  }, 600_000);

  /** Services and the app over `database`, on the one frozen clock, queueing jobs into `jobs`. */
  async function open(database: TestDatabase, emailDomain: string) {
    db = database;
    s = makeServices({
      database: db,
      clock,
      masterKey,
      passwords: testPasswords,
      sessionHours: 12,
      allowPrivateWebhooks: true,
      mail: { transport: smtpTransport(smtpUrl), from: "Forewarn <alerts@forewarn.test>" },
    });
    app = await buildApp({ services: s, database: db.kind, version: "test", logLevel: "silent" });
    // Users made within a test get their own addresses (the counter starts again with each app).
    fixtures = programmeFixtures(s, app, { emailDomain });
    s.jobQueue.connect({
      send: async (name, data) => {
        jobs.push({ name, data: data as { deliveryId?: string } });
        return null;
      },
    });
  }

  async function makeWorld() {
    await open(await testDatabase(engine), `${engine}.example.org`);
    for (const k of ["c1", "c2"]) staff[k] = (await makeUser("coordinator")).actor;
    await s.partners.publishNda(SYS, "# NDA\n\nKeep it secret.");
    const res = await s.partners.apply(
      {
        organisation: {
          name: "Partner Gold",
          legalName: "Partner Gold Ltd",
          country: "DE",
          staffCountries: [],
          website: "https://gold.example",
          kind: "antivirus",
          customers: 1000,
        },
        contact: { name: "Contact Gold", email: "contact@gold.example" },
        attestations: {
          securityVendor: true,
          noOffensiveTools: true,
          publishAtRelease: true,
          reportLeaks: true,
        },
      },
      "http://127.0.0.1",
    );
    partnerId = res.partnerId;
    await s.partners.approve(staff.c1 as Actor, partnerId);
    await s.partners.approve(staff.c2 as Actor, partnerId);
    await s.partners.setTier(SYS, partnerId, "vetted-plus");
    admin = await makeUser("partner_admin", partnerId);
    analyst = await makeUser("partner_analyst", partnerId);
    await s.partners.signNda(
      admin.actor,
      partnerId,
      { version: (await s.partners.currentNda()).version, name: "Ada Admin", title: "CISO" },
      null,
    );

    // The admin's key pair, made by GnuPG (dated before the frozen clock so it is valid then).
    home = mkdtempSync(join(tmpdir(), "fw-gpg-"));
    gpg(home, [
      "--passphrase",
      "",
      "--faked-system-time",
      "20250101T000000",
      "--quick-gen-key",
      `Ada Admin <${admin.email}>`,
      "future-default",
      "default",
      "never",
    ]);
  }

  // Every test starts from a saved stage, on a database of its own: the programme ("world": staff, the
  // partner, its admin's gpg key made), the admin's key registered, the advisory's plan armed with the
  // clock just before its wave, the wave's mail sent. A stage is made once (when a test first needs it)
  // from the one before it, by the steps the tests check; what the SMTP server received and the jobs
  // queued are saved with it. Each test gets a copy, so no test sees what another did.
  type Stage = { snapshot: DatabaseSnapshot; at: Date; adv: string; sent: Sent[]; jobs: typeof jobs };
  const STAGES = {
    keyed: { from: "world", make: () => registerKey() },
    armed: { from: "keyed", make: () => armBeforeWave() },
    mailed: { from: "armed", make: () => mailTheWave() },
  } as const;
  type StageName = "world" | keyof typeof STAGES;

  async function freeze(): Promise<Stage> {
    const st = { at: clock.now(), adv, sent: [...sent], jobs: [...jobs] };
    await app.close();
    return { snapshot: await db.snapshot(), ...st };
  }

  async function restore(st: Stage, emailDomain: string) {
    await open(await st.snapshot.clone(), emailDomain);
    clock.set(st.at);
    adv = st.adv;
    sent.splice(0, sent.length, ...st.sent);
    jobs.splice(0, jobs.length, ...st.jobs);
    refuseNext = 0;
  }

  const stages = journey<keyof typeof STAGES, Stage>({
    world: makeWorld,
    steps: STAGES,
    restore: (st) => restore(st, `${engine}.example.org`),
    freeze,
  });

  /** This test's own copy of the stage: its database, the clock, the mail and jobs where the stage left them. */
  async function from(name: StageName) {
    await restore(await stages.stage(name), `later.${engine}.example.org`);
  }

  afterEach(async () => {
    await app.close();
    await db.dispose();
  });
  afterAll(async () => {
    await stages.dispose();
    await new Promise<void>((r) => smtp.close(() => r()));
    try {
      execFileSync("gpgconf", ["--homedir", home, "--kill", "gpg-agent"], { stdio: "ignore" });
    } catch {}
    rmSync(home, { recursive: true, force: true });
  });

  async function registerKey() {
    const armored = gpg(home, ["--armor", "--export", admin.email]);
    expect(armored).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);
    const r = await app.inject({
      method: "POST",
      url: `/api/partners/${partnerId}/keys`,
      headers: admin.headers,
      payload: { armored },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().usable).toBe(true);
  }
  it("registers the member's gpg key through the partner API", async () => {
    await from("world");
    await registerKey();
  });

  it("issues webhook secrets that the Standard Webhooks library reads as they are", async () => {
    await from("keyed");
    const r = await app.inject({
      method: "POST",
      url: `/api/partners/${partnerId}/webhooks`,
      headers: admin.headers,
      payload: { url: "https://127.0.0.1:9/hooks" },
    });
    expect(r.statusCode, r.body).toBe(201);
    const secret: string = r.json().secret;
    // Standard base64 of 32 bytes: 44 characters with its padding (base64url would be 43, unpadded).
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    const body = '{"type":"advisory.released"}';
    const at = new Date();
    const h = signedHeaders(secret, "msg_1", at, body);
    expect(() => new Webhook(secret).verify(body, h)).not.toThrow();
    // A secret issued before (base64url) still signs what its standard spelling verifies.
    const bytes = randomBytes(32);
    const old = `whsec_${bytes.toString("base64url")}`;
    const std = `whsec_${bytes.toString("base64")}`;
    expect(standardSecret(old)).toBe(std);
    expect(standardSecret(std)).toBe(std);
    expect(() => new Webhook(std).verify(body, signedHeaders(old, "msg_2", at, body))).not.toThrow();
    // Remove it so the wave's webhook goes nowhere.
    await s.partners.deleteWebhook(admin.actor, partnerId, r.json().id);
  });

  async function armBeforeWave() {
    const rep = await app.inject({
      method: "POST",
      url: "/api/reports",
      payload: { product: "Acme Gateway", version: "4.2.1", title: "Admin bypass", description: "Header." },
    });
    const a = await s.advisories.create(staff.c1 as Actor, {
      caseId: rep.json().caseId,
      title: TITLE,
      products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
      sections: SECTIONS,
    });
    await s.advisories.addFiles(staff.c1 as Actor, a.id, "detection", async () => [
      { filename: "acme.rules", bytes: Buffer.from(RULE) },
    ]);
    await s.advisories.submit(staff.c2 as Actor, a.id);
    await s.advisories.approve(staff.c2 as Actor, a.id);
    adv = a.id;
    const plan = await s.releases.createPlan(staff.c1 as Actor, adv, { publicAt: new Date(T0) });
    expect(plan.waves.map((w) => w.at.toISOString())).toEqual([WAVE]);
    await s.releases.approve(staff.c2 as Actor, adv);
    await s.releases.arm(staff.c1 as Actor, adv);
    clock.set(new Date(new Date(WAVE).getTime() - 1000));
    await s.releases.sweep();
    await runMailJobs();
    expect(await mailRows()).toEqual([]);
    expect(sent).toEqual([]);
  }
  it("sends nothing before the wave", async () => {
    await from("keyed");
    await armBeforeWave();
  });

  async function mailTheWave() {
    clock.set(new Date(WAVE));
    await s.releases.sweep();
    const rows = await mailRows();
    // Every member: the admin, the analyst and the contact invited when the partner applied.
    const members = (await s.partners.listMembers(SYS, partnerId)).filter((m) => !m.disabled);
    expect(members.map((m) => m.id)).toEqual(expect.arrayContaining([admin.id, analyst.id]));
    expect(rows.map((r) => r.userId).sort()).toEqual(members.map((m) => m.id).sort());
    expect(rows.every((r) => r.status === "pending")).toBe(true);
    const run = await runMailJobs();
    expect(run).toEqual({ ran: members.length, errors: [] });
    expect(sent.map((m) => m.to[0]).sort()).toEqual(members.map((m) => m.email).sort());

    const toAdmin = sent.find((m) => m.to.includes(admin.email));
    const toAnalyst = sent.find((m) => m.to.includes(analyst.email));
    expect(toAdmin?.from).toBe("alerts@forewarn.test");
    // RFC 3156: multipart/encrypted, the version part, then the ciphertext.
    const raw = toAdmin?.raw ?? "";
    expect(raw).toMatch(/Content-Type: multipart\/encrypted;\s+protocol="application\/pgp-encrypted"/i);
    expect(raw).toMatch(/Content-Type: application\/pgp-encrypted[\s\S]*?\r\n\r\nVersion: 1\r\n/i);
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)?.[0] ?? "";
    expect(armored).not.toBe("");
    const file = join(home, "message.asc");
    writeFileSync(file, armored);
    const plain = gpg(home, ["--passphrase", "", "--decrypt", file]);
    const inner = await simpleParser(plain);
    expect(inner.subject).toContain(TITLE);
    expect(inner.text).toContain("Prepared for Partner Gold alone");
    const rule = inner.attachments.find((x) => x.filename === "acme.rules");
    expect(rule?.content.toString("utf8")).toBe(RULE);
    const copy = inner.attachments.find((x) => x.contentType === "application/json");
    const json = JSON.parse(copy?.content.toString("utf8") ?? "{}");
    expect(json).toMatchObject({ advisoryId: adv, recipient: { kind: "user", id: admin.id } });
    // The mail carries the member's own (fingerprinted) copy, the text and its JSON alike.
    expect(inner.text).toContain(json.sections.details);
    expect(inner.text).toContain(json.sections.poc);
    expect(visible(json.sections.details)).toContain("X-Forwarded-User header");
    expect(visible(json.sections.details)).toContain("(codeword marmalade-7)");
    expect(visible(inner.text ?? "")).toMatch(
      /curl -H (['"])X-Forwarded-User: admin\1 https:\/\/gateway\/admin/,
    );

    const notice = await simpleParser(toAnalyst?.raw ?? "");
    expect(notice.text).toContain(`http://127.0.0.1:8080/releases/${adv}`);
    expect(notice.text).toMatch(/no usable OpenPGP key/);

    const after = await mailRows();
    const byUser = new Map(after.map((r) => [r.userId, r]));
    expect(byUser.get(admin.id)).toMatchObject({ status: "sent", kind: "encrypted", attempts: 1 });
    expect(byUser.get(admin.id)?.keyFingerprints).toHaveLength(1);
    expect(byUser.get(analyst.id)).toMatchObject({ status: "sent", kind: "notice", keyFingerprints: [] });
    expect(raw).toContain(`Message-ID: ${byUser.get(admin.id)?.messageId}`);
  }
  it("at the wave: the keyed member gets the copy encrypted (gpg opens it), the other a notice only", async () => {
    await from("armed");
    await mailTheWave();
  });

  it("no message carries embargoed content in plain text", async () => {
    await from("mailed");
    expect(sent.length).toBeGreaterThan(0);
    for (const m of sent)
      for (const text of await decodedTexts(m.raw))
        for (const secret of SECRETS) expect(visible(text), `a message to ${m.to}`).not.toContain(secret);
  });

  it("is idempotent: the same jobs again, and the sweep, send nothing more", async () => {
    await from("mailed");
    const before = sent.length;
    const rows = await mailRows();
    for (const r of rows) {
      await s.releases.email.onJob({ deliveryId: r.deliveryId });
      expect((await s.releases.email.send(r.deliveryId)).status).toBe("done");
    }
    await s.releases.sweep();
    clock.set(new Date(new Date(WAVE).getTime() + 10 * 60_000));
    expect((await s.releases.email.sweep()).requeued).toBe(0);
    await runMailJobs();
    expect(sent).toHaveLength(before);
    const audited = (await db.db.select().from(auditLog)).filter((e) => e.type === "release.mailed");
    expect(audited).toHaveLength(rows.length);
  });

  it("a refused attempt is retried and then sent once; a lost job is found by the sweep", async () => {
    await from("mailed");
    const before = sent.length;
    // A member who joins after the wave gets a copy when they first open it, and mail with it.
    const late = await makeUser("partner_analyst", partnerId);
    refuseNext = 1;
    const open = await app.inject({
      method: "GET",
      url: `/api/partner/advisories/${adv}`,
      headers: late.headers,
    });
    expect(open.statusCode, open.body).toBe(200);
    const first = await runMailJobs();
    expect(first.ran).toBe(1);
    expect(first.errors[0]).toMatch(/not sent yet/);
    const [row] = (await mailRows()).filter((r) => r.userId === late.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row?.lastError).toMatch(/451/);
    expect(sent).toHaveLength(before);
    await s.releases.email.onJob({ deliveryId: row?.deliveryId });
    expect(sent).toHaveLength(before + 1);
    expect(sent.at(-1)?.to).toEqual([late.email]);

    // Its job lost between the commit and the queue: the sweep queues it once it is five minutes old.
    const lost = await makeUser("partner_analyst", partnerId);
    await app.inject({ method: "GET", url: `/api/partner/advisories/${adv}`, headers: lost.headers });
    jobs.splice(0, jobs.length);
    expect((await s.releases.email.sweep()).requeued).toBe(0);
    clock.set(new Date(clock.now().getTime() + 6 * 60_000));
    expect((await s.releases.email.sweep()).requeued).toBe(1);
    await runMailJobs();
    await runMailJobs();
    expect(sent).toHaveLength(before + 2);
    expect(sent.at(-1)?.to).toEqual([lost.email]);
    for (const m of sent.slice(before))
      for (const text of await decodedTexts(m.raw))
        for (const x of SECRETS) expect(visible(text)).not.toContain(x);
  });

  it("mails nothing more to a partner suspended after its delivery", async () => {
    await from("mailed");
    const before = sent.length;
    const late = await makeUser("partner_analyst", partnerId);
    const open = await app.inject({
      method: "GET",
      url: `/api/partner/advisories/${adv}`,
      headers: late.headers,
    });
    expect(open.statusCode, open.body).toBe(200);
    await s.partners.suspend(staff.c1 as Actor, partnerId, "copy seen on a forum");
    await runMailJobs();
    expect(sent).toHaveLength(before);
    const [row] = (await mailRows()).filter((r) => r.userId === late.id);
    expect(row).toMatchObject({ status: "skipped", lastError: "the partner is suspended" });
  });
});
