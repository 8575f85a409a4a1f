// Notices queued in the outbox are sent through SMTP once, survive a refused send, and are not sent
// at all without a transport.
import { randomBytes } from "node:crypto";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../src/platform/clock.ts";
import { outbox } from "../src/platform/mail/schema.ts";
import { smtpTransport } from "../src/platform/mail/transport.ts";
import { makeServices } from "../src/runtime.ts";
import { engines, testDatabase, testPasswords } from "./harness.ts";

type Received = { to: string[]; raw: string };

describe.each(engines)("outbox delivery on %s", (engine) => {
  let smtp: SMTPServer;
  let port = 0;
  const received: Received[] = [];
  let refuseNext = 0;
  let db: Awaited<ReturnType<typeof testDatabase>>;

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
            return cb(Object.assign(new Error("try again later"), { responseCode: 451 }));
          }
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
    port = (smtp.server.address() as { port: number }).port;
    db = await testDatabase(engine);
  });
  // Each test starts from an empty outbox and mailbox: tests run in any order, and the one without
  // a transport leaves its notice queued.
  beforeEach(async () => {
    await db.db.delete(outbox);
    received.length = 0;
    refuseNext = 0;
  });
  afterAll(async () => {
    await new Promise<void>((r) => smtp.close(() => r()));
    await db.dispose();
  });

  const services = (withSmtp: boolean) =>
    makeServices({
      database: db,
      clock: fixedClock("2026-03-01T12:00:00Z"),
      masterKey: randomBytes(32),
      passwords: testPasswords,
      sessionHours: 12,
      ...(withSmtp
        ? {
            mail: {
              transport: smtpTransport(`smtp://127.0.0.1:${port}`),
              from: "Forewarn <psirt@example.org>",
            },
          }
        : {}),
    });

  it("sends each queued notice once, with its subject and body, and records the run", async () => {
    const s = services(true);
    await s.outbox.mailer.send(db.db, {
      to: "ana@partner.example",
      subject: "You are invited",
      body: "Open https://x/invite/abc",
      kind: "invite",
    });
    await s.outbox.mailer.send(db.db, {
      to: "bo@partner.example",
      subject: "Reminder",
      body: "Renew your attestation",
      kind: "reminder",
    });
    expect(await s.outbox.deliverPending()).toEqual({ sent: 2, failed: 0 });
    expect(await s.outbox.deliverPending()).toEqual({ sent: 0, failed: 0 });
    expect(received.map((r) => r.to[0]).sort()).toEqual(["ana@partner.example", "bo@partner.example"]);
    const invite = await simpleParser(received.find((r) => r.to[0] === "ana@partner.example")?.raw ?? "");
    expect(invite.subject).toBe("You are invited");
    expect(invite.text?.trim()).toBe("Open https://x/invite/abc");
    expect((await db.db.select().from(outbox)).every((r) => r.sentAt !== null)).toBe(true);
  });

  it("keeps a refused notice for the next run", async () => {
    const s = services(true);
    const before = received.length;
    await s.outbox.mailer.send(db.db, {
      to: "cy@partner.example",
      subject: "Embargo over",
      body: "Public now",
      kind: "embargo_broken",
    });
    refuseNext = 1;
    expect(await s.outbox.deliverPending()).toEqual({ sent: 0, failed: 1 });
    expect(received.length).toBe(before);
    expect(await s.outbox.deliverPending()).toEqual({ sent: 1, failed: 0 });
    expect(received.length).toBe(before + 1);
  });

  it("sends nothing and keeps everything without a transport", async () => {
    const s = services(false);
    await s.outbox.mailer.send(db.db, {
      to: "di@partner.example",
      subject: "Hello",
      body: "Body",
      kind: "invite",
    });
    expect(await s.outbox.deliverPending()).toEqual({ sent: 0, failed: 0 });
    const [row] = (await db.db.select().from(outbox)).filter((r) => r.to === "di@partner.example");
    expect(row?.sentAt).toBeNull();
  });
});
