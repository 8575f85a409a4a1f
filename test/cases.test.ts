// Cases end to end through the HTTP API on each engine: intake without an account, the tracking
// token, phases, CVSS, CVE IDs, researcher accounts, messages, attachments, credits, bounty, the
// deadline job and OpenPGP-encrypted reports.
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { systemActor, type UserActor } from "../src/authz/authorize.ts";
import { engines, type TestApp, testApp } from "./harness.ts";
import { multipart } from "./multipart.ts";

const REPORT = {
  product: "Acme Gateway",
  version: "4.2.1",
  title: "Authentication bypass in the admin console",
  description: "# Steps\n\n1. Send `GET /admin` with header `X-Forwarded-User: admin`.\n",
};

describe.each(engines)("cases on %s", (engine) => {
  let t: TestApp;
  let staff: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await testApp(engine);
    staff = await t.bearer((await t.user("coordinator")).email);
    admin = await t.bearer((await t.user("admin")).email);
  });
  afterAll(() => t.close());

  const report = async (body: object = REPORT, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: "POST", url: "/api/reports", payload: body, headers });
    return res;
  };

  it("turns an anonymous report into a received case the token opens", async () => {
    // Other tests move the frozen clock (tests run in any order): the deadline counts from now.
    const reportedAt = t.clock.now().getTime();
    const res = await report();
    expect(res.statusCode).toBe(201);
    const { caseId, trackingToken } = res.json();
    expect(caseId).toMatch(/^cas_[0-9A-Z]{26}$/);
    expect(trackingToken).toMatch(/^fwt_/);

    const mine = await t.app.inject({
      url: `/api/reports/${caseId}`,
      headers: { "x-tracking-token": trackingToken },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ id: caseId, phase: "received", title: REPORT.title });
    const viaQuery = await t.app.inject({ url: `/api/reports/${caseId}?token=${trackingToken}` });
    expect(viaQuery.statusCode).toBe(200);
    const wrong = await t.app.inject({
      url: `/api/reports/${caseId}`,
      headers: { "x-tracking-token": "fwt_nope" },
    });
    expect(wrong.statusCode).toBe(404);

    const c = await t.app.inject({ url: `/api/cases/${caseId}`, headers: staff });
    expect(c.statusCode).toBe(200);
    const body = c.json();
    expect(body.view).toBe("staff");
    expect(body.description).toBe(REPORT.description);
    // 90 days from the report.
    expect(body.deadline.deadlineAt).toBe(new Date(reportedAt + 90 * 86_400_000).toISOString());
    expect(body.deadline.status).toBe("on_track");
    const audit = await t.services.audit.list(systemActor("t"), { type: "case.viewed" });
    expect(audit.entries.some((e) => e.subject === caseId)).toBe(true);
    // The description is sealed at rest.
    const raw = await t.database.db.execute(`SELECT description FROM cases WHERE id = '${caseId}'`);
    expect(JSON.stringify(raw)).toContain("v1.");
    expect(JSON.stringify(raw)).not.toContain("X-Forwarded-User");
  });

  it("shows staff who reported a case and the people it names, never a partner or the reporter", async () => {
    // Through the service: the suite's reports through the API stay under the per-address rate limit.
    const anon = await t.services.cases.submit(null, {
      ...REPORT,
      reporterName: "Ada Finder",
      reporterEmail: "ada@example.net",
    });
    const c = (await t.app.inject({ url: `/api/cases/${anon.caseId}`, headers: staff })).json();
    expect(c.reporter).toMatchObject({ kind: "anonymous", name: "Ada Finder", email: "ada@example.net" });

    // An account's report: its name, e-mail and organisation; the assignee by name, not by ID.
    const researcher = await t.user("researcher");
    const mine = await t.services.cases.submit(
      {
        kind: "user",
        userId: researcher.id as UserActor["userId"],
        email: researcher.email,
        role: "researcher",
        organisationId: researcher.organisationId as UserActor["organisationId"],
        via: "token",
      },
      REPORT,
    );
    const coordinator = (await t.app.inject({ url: "/api/me", headers: staff })).json().user;
    await t.app.inject({
      method: "PATCH",
      url: `/api/cases/${mine.caseId}`,
      headers: staff,
      payload: { assigneeId: coordinator.id },
    });
    const v = (await t.app.inject({ url: `/api/cases/${mine.caseId}`, headers: staff })).json();
    expect(v.reporter).toMatchObject({ kind: "account", email: researcher.email });
    expect(v.reporter.name).toBeTruthy();
    expect(v.reporter.organisationName).toBeTruthy();
    expect(v.people[coordinator.id]).toEqual({ name: coordinator.name, email: coordinator.email });
    expect(v.people[v.reporter.userId].email).toBe(researcher.email);

    // The reporter's own view and a partner get none of it.
    const own = (
      await t.app.inject({ url: `/api/reports/${anon.caseId}?token=${anon.trackingToken}` })
    ).json();
    expect(JSON.stringify(own)).not.toContain("ada@example.net");
    const partner = await t.bearer((await t.user("partner_admin")).email);
    const refused = await t.app.inject({ url: `/api/cases/${anon.caseId}`, headers: partner });
    expect([403, 404]).toContain(refused.statusCode);
    expect(refused.body).not.toContain("ada@example.net");
  });

  it("refuses an illegal jump naming the allowed phases, and follows the legal path", async () => {
    const { caseId } = (await report()).json();
    const url = `/api/cases/${caseId}/transitions`;
    const jump = await t.app.inject({ method: "POST", url, headers: staff, payload: { to: "released" } });
    expect(jump.statusCode).toBe(409);
    expect(jump.json().allowed).toEqual(["verified", "declined", "duplicate"]);
    expect(jump.json().error).toMatchObject({ code: "invalid_state", requestId: expect.any(String) });

    for (const to of ["verified", "remediation", "pre-release", "released", "closed"]) {
      t.clock.advance(1000);
      const res = await t.app.inject({
        method: "POST",
        url,
        headers: staff,
        payload: { to, reason: `to ${to}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().phase).toBe(to);
    }
    const c = (await t.app.inject({ url: `/api/cases/${caseId}`, headers: staff })).json();
    expect(
      c.timeline
        .filter((e: { kind: string }) => e.kind === "transition")
        .map((e: { toPhase: string }) => e.toPhase),
    ).toEqual(["verified", "remediation", "pre-release", "released", "closed"]);
    expect(c.deadline.status).toBe("finished");
    const again = await t.app.inject({ method: "POST", url, headers: staff, payload: { to: "received" } });
    expect(again.statusCode).toBe(409);
    expect(again.json().allowed).toEqual([]);
  });

  it("marks a duplicate only with the original's ID", async () => {
    const a = (await report()).json().caseId;
    const b = (await report()).json().caseId;
    const url = `/api/cases/${b}/transitions`;
    const bare = await t.app.inject({ method: "POST", url, headers: staff, payload: { to: "duplicate" } });
    expect(bare.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: "POST",
      url,
      headers: staff,
      payload: { to: "duplicate", duplicateOf: a },
    });
    expect(ok.statusCode).toBe(200);
    const c = (await t.app.inject({ url: `/api/cases/${b}`, headers: staff })).json();
    expect(c.duplicateOf).toBe(a);
  });

  it("scores CVSS vectors as the FIRST calculator does and names a bad metric", async () => {
    const { caseId } = (await report()).json();
    const url = `/api/cases/${caseId}/cvss`;
    // Scores from the CVSS 4.0 specification's examples and FIRST's calculator (and 3.1's well-known ones).
    const known: [string, number, string][] = [
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "critical"],
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10, "critical"],
      ["CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, "high"],
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9, "medium"],
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, "none"],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical"],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "medium"],
    ];
    for (const [vector, score, severity] of known) {
      const res = await t.app.inject({ method: "PUT", url, headers: staff, payload: { vector } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ version: vector.slice(5, 8), score, severity });
    }
    const bad = await t.app.inject({
      method: "PUT",
      url,
      headers: staff,
      payload: { vector: "CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("AV");
    const missing = await t.app.inject({
      method: "PUT",
      url,
      headers: staff,
      payload: { vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N" },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.metric).toBe("SA");
    // The bad vectors changed nothing: the last good one stands.
    const c = (await t.app.inject({ url: `/api/cases/${caseId}`, headers: staff })).json();
    expect(c.cvss).toMatchObject({ score: 6.1, version: "3.1" });
  });

  it("reserves CVE IDs from the pool in order and keeps them unique across cases", async () => {
    const pool = await t.app.inject({
      method: "POST",
      url: "/api/cve-pool",
      headers: admin,
      payload: { cveIds: ["CVE-2026-10001", "CVE-2026-10002"] },
    });
    expect(pool.json()).toMatchObject({ added: ["CVE-2026-10001", "CVE-2026-10002"], free: 2 });
    const a = (await report()).json().caseId;
    const b = (await report()).json().caseId;
    const c = (await report()).json().caseId;
    const ra = await t.app.inject({ method: "PUT", url: `/api/cases/${a}/cve`, headers: staff, payload: {} });
    expect(ra.json()).toEqual({ cveId: "CVE-2026-10001", source: "pool" });
    const rb = await t.app.inject({
      method: "PUT",
      url: `/api/cases/${b}/cve`,
      headers: staff,
      payload: { cveId: "CVE-2026-10001" },
    });
    expect(rb.statusCode).toBe(409);
    const entered = await t.app.inject({
      method: "PUT",
      url: `/api/cases/${b}/cve`,
      headers: staff,
      payload: { cveId: "CVE-2025-99999" },
    });
    expect(entered.json()).toEqual({ cveId: "CVE-2025-99999", source: "entered" });
    const rc = await t.app.inject({ method: "PUT", url: `/api/cases/${c}/cve`, headers: staff, payload: {} });
    expect(rc.json().cveId).toBe("CVE-2026-10002");
    const bad = await t.app.inject({
      method: "PUT",
      url: `/api/cases/${c}/cve`,
      headers: staff,
      payload: { cveId: "CVE-26-1" },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("lets a researcher account see only its own organisation's cases", async () => {
    const r1 = await t.user("researcher");
    const r2 = await t.user("researcher");
    const h1 = await t.bearer(r1.email);
    const h2 = await t.bearer(r2.email);
    const res = await report(REPORT, h1);
    expect(res.statusCode).toBe(201);
    expect(res.json().trackingToken).toBeNull();
    const id = res.json().caseId;
    const own = await t.app.inject({ url: `/api/cases/${id}`, headers: h1 });
    expect(own.statusCode).toBe(200);
    expect(own.json().view).toBe("researcher");
    expect(own.json()).not.toHaveProperty("timeline");
    expect((await t.app.inject({ url: `/api/cases/${id}`, headers: h2 })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/reports/${id}`, headers: h2 })).statusCode).toBe(404);
    const anon = (await report()).json().caseId;
    expect((await t.app.inject({ url: `/api/cases/${anon}`, headers: h1 })).statusCode).toBe(404);
    const list = await t.app.inject({ url: "/api/reports", headers: h1 });
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it("threads messages both ways, queues email notifications, hides internal notes from the reporter", async () => {
    const { caseId, trackingToken } = (
      await report({ ...REPORT, reporterEmail: "finder@example.net" })
    ).json();
    const tok = { "x-tracking-token": trackingToken };
    const m1 = await t.app.inject({
      method: "POST",
      url: `/api/cases/${caseId}/messages`,
      headers: staff,
      payload: { body: "Thanks, we can reproduce it." },
    });
    expect(m1.statusCode).toBe(201);
    t.clock.advance(1000);
    const m2 = await t.app.inject({
      method: "POST",
      url: `/api/reports/${caseId}/messages`,
      headers: tok,
      payload: { body: "Great. Here is more detail.", parentId: m1.json().id },
    });
    expect(m2.statusCode).toBe(201);
    await t.app.inject({
      method: "POST",
      url: `/api/cases/${caseId}/notes`,
      headers: staff,
      payload: { body: "INTERNAL: vendor contact is slow" },
    });
    const view = (await t.app.inject({ url: `/api/reports/${caseId}`, headers: tok })).json();
    expect(view.messages.map((m: { body: string }) => m.body)).toEqual([
      "Thanks, we can reproduce it.",
      "Great. Here is more detail.",
    ]);
    expect(view.messages[1].parentId).toBe(m1.json().id);
    expect(JSON.stringify(view)).not.toContain("INTERNAL");
    const outbox = (await t.app.inject({ url: `/api/cases/${caseId}/notifications`, headers: staff })).json();
    expect(outbox.items.map((n: { recipient: string }) => n.recipient).sort()).toEqual([
      "finder@example.net",
      "staff:coordinators",
    ]);
    // Both are queued as mail in the shared outbox: to the reporter, and to every coordinator.
    const mail = await t.services.outbox.list(systemActor("t"));
    const mine = mail.filter((m) => m.subject === `New message on case ${caseId}`).map((m) => m.to);
    expect(mine).toContain("finder@example.net");
    expect(mine.filter((to) => to.startsWith("coordinator."))).not.toHaveLength(0);
  });

  it("accepts attachments by content, seals them, audits downloads and refuses the rest storing nothing", async () => {
    const { caseId, trackingToken } = (await report()).json();
    const tok = { "x-tracking-token": trackingToken };
    const pdf = Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const both = multipart([
      { name: "paper.pdf", content: pdf },
      { name: "shot.png", content: png },
    ]);
    const up = await t.app.inject({
      method: "POST",
      url: `/api/reports/${caseId}/attachments`,
      headers: { ...both.headers, ...tok },
      payload: both.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json().map((a: { mediaType: string }) => a.mediaType)).toEqual([
      "application/pdf",
      "image/png",
    ]);
    // An executable named .pdf is refused by content, and nothing of the upload is kept.
    const elf = Buffer.from("7f454c46020101000000000000000000", "hex");
    const mixed = multipart([
      { name: "notes.txt", content: Buffer.from("plain notes\n") },
      { name: "evil.pdf", content: elf },
    ]);
    const bad = await t.app.inject({
      method: "POST",
      url: `/api/reports/${caseId}/attachments`,
      headers: { ...mixed.headers, ...tok },
      payload: mixed.payload,
    });
    expect(bad.statusCode).toBe(415);
    expect(bad.json().error.message).toContain("evil.pdf");
    const big = multipart([{ name: "big.txt", content: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) }]);
    const tooBig = await t.app.inject({
      method: "POST",
      url: `/api/reports/${caseId}/attachments`,
      headers: { ...big.headers, ...tok },
      payload: big.payload,
    });
    expect(tooBig.statusCode).toBe(413);
    const c = (await t.app.inject({ url: `/api/cases/${caseId}`, headers: staff })).json();
    expect(c.attachments).toHaveLength(2);
    // Sealed at rest: the stored text does not contain the PDF.
    const raw = await t.database.db.execute(
      `SELECT sealed FROM case_attachments WHERE case_id = '${caseId}'`,
    );
    expect(JSON.stringify(raw)).not.toContain(pdf.toString("base64").slice(0, 12));
    const dl = await t.app.inject({
      url: `/api/cases/${caseId}/attachments/${c.attachments[0].id}`,
      headers: staff,
    });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(pdf)).toBe(true);
    const audit = await t.services.audit.list(systemActor("t"), { type: "case.attachment_downloaded" });
    expect(audit.entries[0]?.subject).toBe(caseId);
  });

  it("records credits and the bounty in minor units", async () => {
    const { caseId } = (await report()).json();
    const cr = await t.app.inject({
      method: "POST",
      url: `/api/cases/${caseId}/credits`,
      headers: staff,
      payload: { name: "Jane Finder", type: "finder" },
    });
    expect(cr.statusCode).toBe(201);
    const bad = await t.app.inject({
      method: "PUT",
      url: `/api/cases/${caseId}/bounty`,
      headers: staff,
      payload: { amount: 12.5, currency: "EUR", status: "proposed" },
    });
    expect(bad.statusCode).toBe(400);
    const b = await t.app.inject({
      method: "PUT",
      url: `/api/cases/${caseId}/bounty`,
      headers: staff,
      payload: { amount: 250000, currency: "EUR", status: "approved" },
    });
    expect(b.statusCode).toBe(200);
    const c = (await t.app.inject({ url: `/api/cases/${caseId}`, headers: staff })).json();
    expect(c.credits).toEqual([expect.objectContaining({ name: "Jane Finder", type: "finder" })]);
    expect(c.bounty).toEqual({ amount: 250000, currency: "EUR", status: "approved" });
  });

  it("warns once per threshold as the deadline nears and once overdue", async () => {
    const { caseId } = (await report()).json();
    const job = () => t.services.cases.recordDeadlineWarnings(systemActor("jobs"));
    const kinds = async () =>
      (await t.services.cases.notifications(systemActor("t"), caseId)).items.map((n) => n.kind).sort();
    const start = t.clock.now();
    try {
      t.clock.set(new Date(start.getTime() + 77 * 86_400_000)); // 13 days left
      await job();
      await job();
      expect(await kinds()).toEqual(["deadline.14d"]);
      const list = (await t.app.inject({ url: "/api/cases?status=near", headers: staff })).json();
      expect(list.items.some((c: { id: string }) => c.id === caseId)).toBe(true);
      t.clock.set(new Date(start.getTime() + 91 * 86_400_000)); // a day overdue
      await job();
      await job();
      expect(await kinds()).toEqual(["deadline.14d", "deadline.3d", "deadline.overdue"]);
      // API tokens have expired by now: ask the service.
      const overdue = await t.services.cases.list(systemActor("t"), { status: "overdue" });
      expect(overdue.items.find((c: { id: string }) => c.id === caseId)?.deadline.status).toBe("overdue");
    } finally {
      t.clock.set(start);
    }
  });

  it("warns every due case, however many pages of cases that takes", async () => {
    const ids: string[] = [];
    // Through the service: the suite's reports through the API stay under the per-address rate limit.
    for (let i = 0; i < 5; i++) ids.push((await t.services.cases.submit(null, REPORT)).caseId);
    const start = t.clock.now();
    try {
      t.clock.set(new Date(start.getTime() + 77 * 86_400_000)); // 13 days left for each
      // Two cases per query: three pages, and earlier tests' cases in them too.
      const { warned } = await t.services.cases.recordDeadlineWarnings(systemActor("jobs"), 2);
      expect(warned).toBeGreaterThanOrEqual(ids.length);
      for (const id of ids) {
        const kinds = (await t.services.cases.notifications(systemActor("t"), id)).items.map((n) => n.kind);
        expect(kinds, id).toEqual(["deadline.14d"]);
      }
      expect((await t.services.cases.recordDeadlineWarnings(systemActor("jobs"), 2)).warned).toBe(0);
    } finally {
      t.clock.set(start);
    }
  });

  it("decrypts a report encrypted to the published programme key", async () => {
    const key = (await t.app.inject({ url: "/api/public/pgp-key" })).json();
    expect(key.armored).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    const encryptionKeys = await openpgp.readKey({ armoredKey: key.armored });
    const secret = "Heap overflow in parse_header(): see attached PoC.";
    const encrypted = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: secret }),
      encryptionKeys,
    });
    const { description: _d, ...rest } = REPORT;
    const res = await report({ ...rest, encryptedDescription: encrypted });
    expect(res.statusCode, res.body).toBe(201);
    const c = (await t.app.inject({ url: `/api/cases/${res.json().caseId}`, headers: staff })).json();
    expect(c.description).toBe(secret);
    expect(c.encrypted).toBe(true);
    const garbage = await report({
      ...rest,
      encryptedDescription: "-----BEGIN PGP MESSAGE-----\n\nnope\n-----END PGP MESSAGE-----",
    });
    expect(garbage.statusCode).toBe(400);
    // The same key is served again (created once).
    expect((await t.app.inject({ url: "/api/public/pgp-key" })).json().fingerprint).toBe(key.fingerprint);
  });

  it("rejects bad input with a 400 naming the field", async () => {
    const res = await report({ ...REPORT, title: "x".repeat(201) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain("title");
    const control = await report({ ...REPORT, description: "a\u0000b" });
    expect(control.statusCode).toBe(400);
    expect(control.json().error.message).toContain("control character");
    const notJson = await t.app.inject({
      method: "POST",
      url: "/api/reports",
      headers: { "content-type": "application/json" },
      payload: "{ nope",
    });
    expect(notJson.statusCode).toBe(400);
  });
});

describe("report rate limit", () => {
  it("answers 429 past the per-address limit", async () => {
    const t = await testApp("pglite");
    const app = await buildApp({
      services: t.services,
      database: "pglite",
      version: "test",
      logLevel: "silent",
      reportRateLimit: 2,
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++)
        codes.push((await app.inject({ method: "POST", url: "/api/reports", payload: REPORT })).statusCode);
      expect(codes).toEqual([201, 201, 429]);
    } finally {
      await app.close();
      await t.close();
    }
  });
});
