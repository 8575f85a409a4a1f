// Accounts through HTTP, on every engine: login, lockout, second factor, tokens, CSRF, users.
import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../src/audit/schema.ts";
import { engines, PASSWORD, type TestApp, testApp } from "./harness.ts";

describe.each(engines)("accounts on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(engine);
  });
  afterAll(() => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url, payload: payload as object, headers });
  const auditTypes = async () =>
    (await t.database.db.select().from(auditLog).orderBy(auditLog.seq)).map((r) => r.type);

  it("logs in with a password, sets a strict HttpOnly cookie, and /api/me answers", async () => {
    const admin = await t.user("admin");
    const res = await post("/api/auth/login", { email: admin.email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "fw_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Strict");
    expect(cookie?.secure).toBeFalsy();
    const me = await t.app.inject({ url: "/api/me", headers: { cookie: `fw_session=${cookie?.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(admin.email);
    expect(me.json().user.organisationName).toBe("Programme");
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
    expect(me.json().actions).toContain("audit:read");
  });

  it("marks the cookie Secure behind a TLS proxy", async () => {
    const tls = await testApp(engine, { trustProxy: true });
    try {
      const u = await tls.user("coordinator");
      const res = await tls.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: u.email, password: PASSWORD },
        headers: { "x-forwarded-proto": "https" },
      });
      expect(res.cookies.find((c) => c.name === "fw_session")?.secure).toBe(true);
    } finally {
      await tls.close();
    }
  });

  it("lets auditors filter the log by actor ID or email", async () => {
    const auditor = await t.user("auditor");
    const someone = await t.user("coordinator");
    await t.login(someone.email);
    const h = await t.bearer(auditor.email);
    for (const actor of [someone.id, someone.email.toUpperCase()]) {
      const r = await t.app.inject({ url: `/api/audit?actor=${encodeURIComponent(actor)}`, headers: h });
      expect(r.statusCode).toBe(200);
      const entries = r.json().entries as { actorId: string; type: string }[];
      expect(entries.map((e) => e.type)).toContain("session.created");
      expect(entries.every((e) => e.actorId === someone.id)).toBe(true);
    }
  });

  it("logout ends the session", async () => {
    const u = await t.user("coordinator");
    const h = await t.login(u.email);
    expect((await post("/api/auth/logout", {}, h)).statusCode).toBe(204);
    expect((await t.app.inject({ url: "/api/me", headers: h })).statusCode).toBe(401);
    expect(await auditTypes()).toContain("session.ended");
  });

  it("audits failed logins, locks the account after five, and lets it in once the lock expires", async () => {
    const u = await t.user("investigator");
    const before = (await auditTypes()).filter((x) => x === "login.failed").length;
    for (let i = 0; i < 5; i++) {
      const r = await post("/api/auth/login", { email: u.email, password: "wrong password!!" });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe("invalid_credentials");
    }
    // Locked: even the right password is refused, with the time to wait.
    const locked = await post("/api/auth/login", { email: u.email, password: PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("too_many_attempts");
    expect(Number(locked.headers["retry-after"])).toBe(60);
    const types = await auditTypes();
    expect(types.filter((x) => x === "login.failed").length - before).toBe(6);
    expect(types).toContain("account.locked");
    t.clock.advance(61_000);
    expect((await post("/api/auth/login", { email: u.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it("doubles the lockout with each further failure", async () => {
    const u = await t.user("investigator");
    for (let i = 0; i < 5; i++)
      await post("/api/auth/login", { email: u.email, password: "wrong password!!" });
    t.clock.advance(61_000);
    await post("/api/auth/login", { email: u.email, password: "wrong password!!" });
    const r = await post("/api/auth/login", { email: u.email, password: PASSWORD });
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers["retry-after"])).toBe(120);
    t.clock.advance(121_000);
  });

  it("counts parallel wrong guesses one by one, so they cannot slip past the lockout", async () => {
    const u = await t.user("auditor");
    const codes = await Promise.all(
      Array.from({ length: 8 }, () =>
        post("/api/auth/login", { email: u.email, password: "wrong password!!" }),
      ),
    );
    expect(codes.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    const locked = await post("/api/auth/login", { email: u.email, password: PASSWORD });
    expect(locked.statusCode).toBe(429);
    const failures = (await t.database.db.select().from(auditLog)).filter(
      (r) => r.type === "login.failed" && r.subject === u.id,
    );
    expect(failures.length).toBe(9);
    t.clock.advance(3_600_000);
  });

  it("audits a login for an unknown email without saying whether the account exists", async () => {
    const r = await post("/api/auth/login", { email: "nobody@example.org", password: PASSWORD });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.message).toBe("wrong email or password");
    const [last] = (await t.database.db.select().from(auditLog)).sort((a, b) => b.seq - a.seq);
    expect(last?.type).toBe("login.failed");
    expect(last?.payload).toMatchObject({ email: "nobody@example.org", reason: "unknown_email" });
  });

  it("throttles logins per client address", async () => {
    const limited = await testApp(engine, { loginRateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await limited.app.inject({
          method: "POST",
          url: "/api/auth/login",
          payload: { email: `x${i}@example.org`, password: "whatever-it-is" },
        });
        codes.push(r.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  describe("two-factor", () => {
    /** A fresh administrator with two-factor on: its email, authenticator and recovery codes. */
    async function enrolled() {
      const email = (await t.user("admin")).email;
      const h = await t.login(email);
      const begin = await post("/api/me/totp", {}, h);
      expect(begin.statusCode).toBe(200);
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(begin.json().secret), period: 30 });
      const ok = await post(
        "/api/me/totp/confirm",
        { code: totp.generate({ timestamp: t.clock.now().getTime() }) },
        h,
      );
      expect(ok.statusCode).toBe(200);
      return { email, totp, recovery: ok.json().recoveryCodes as string[] };
    }

    it("enrols with a confirmed code and returns ten recovery codes", async () => {
      const email = (await t.user("admin")).email;
      const h = await t.login(email);
      const begin = await post("/api/me/totp", {}, h);
      expect(begin.statusCode).toBe(200);
      const { secret, otpauthUri } = begin.json();
      expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Forewarn:/);
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), period: 30 });
      const wrong = await post(
        "/api/me/totp/confirm",
        { code: "000000" === totp.generate({ timestamp: t.clock.now().getTime() }) ? "111111" : "000000" },
        h,
      );
      expect(wrong.statusCode).toBe(401);
      const ok = await post(
        "/api/me/totp/confirm",
        { code: totp.generate({ timestamp: t.clock.now().getTime() }) },
        h,
      );
      expect(ok.statusCode).toBe(200);
      const recovery: string[] = ok.json().recoveryCodes;
      expect(recovery).toHaveLength(10);
      expect(new Set(recovery).size).toBe(10);
    });

    it("asks for the code after a right password, and refuses a wrong or replayed one", async () => {
      const { email, totp } = await enrolled();
      t.clock.advance(30_000);
      const need = await post("/api/auth/login", { email, password: PASSWORD });
      expect(need.statusCode).toBe(401);
      expect(need.json().error.code).toBe("totp_required");
      const code = totp.generate({ timestamp: t.clock.now().getTime() });
      const bad = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
      expect((await post("/api/auth/login", { email, password: PASSWORD, totp: bad })).statusCode).toBe(401);
      expect((await post("/api/auth/login", { email, password: PASSWORD, totp: code })).statusCode).toBe(200);
      const replay = await post("/api/auth/login", { email, password: PASSWORD, totp: code });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.code).toBe("invalid_credentials");
    });

    it("accepts each recovery code once", async () => {
      const { email, recovery } = await enrolled();
      const code = recovery[0] as string;
      expect(
        (await post("/api/auth/login", { email, password: PASSWORD, recoveryCode: code })).statusCode,
      ).toBe(200);
      expect(
        (await post("/api/auth/login", { email, password: PASSWORD, recoveryCode: code })).statusCode,
      ).toBe(401);
    });

    it("turns off only with the password", async () => {
      const { email, totp } = await enrolled();
      t.clock.advance(60_000);
      const login = await post("/api/auth/login", {
        email,
        password: PASSWORD,
        totp: totp.generate({ timestamp: t.clock.now().getTime() }),
      });
      const cookie = login.cookies.find((c) => c.name === "fw_session")?.value;
      const hh = { cookie: `fw_session=${cookie}`, "x-csrf-token": login.json().csrfToken };
      const del = (password: string) =>
        t.app.inject({ method: "DELETE", url: "/api/me/totp", payload: { password }, headers: hh });
      expect((await del("not the password")).statusCode).toBe(401);
      expect((await del(PASSWORD)).statusCode).toBe(204);
      expect((await post("/api/auth/login", { email, password: PASSWORD })).statusCode).toBe(200);
    });
  });

  describe("API tokens", () => {
    it("is shown once, works as Bearer, is listed without its secret, and stops working when revoked", async () => {
      const u = await t.user("auditor");
      const h = await t.login(u.email);
      const created = await post("/api/tokens", { name: "siem export", expiresInDays: 30 }, h);
      expect(created.statusCode).toBe(201);
      const { id, token } = created.json();
      const bearer = { authorization: `Bearer ${token}` };
      const me = await t.app.inject({ url: "/api/me", headers: bearer });
      expect(me.json().user.email).toBe(u.email);
      expect(me.json().csrfToken).toBeNull();
      const list = await t.app.inject({ url: "/api/tokens", headers: h });
      expect(list.json().tokens.map((x: { id: string }) => x.id)).toContain(id);
      expect(list.body).not.toContain(token);
      // Bearer writes need no CSRF token.
      const del = await t.app.inject({ method: "DELETE", url: `/api/tokens/${id}`, headers: bearer });
      expect(del.statusCode).toBe(204);
      const after = await t.app.inject({ url: "/api/me", headers: bearer });
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe("unauthenticated");
    });

    it("expires", async () => {
      const u = await t.user("coordinator");
      const h = await t.login(u.email);
      const { token } = (await post("/api/tokens", { name: "short", expiresInDays: 1 }, h)).json();
      t.clock.advance(86_400_000 + 1000);
      expect(
        (await t.app.inject({ url: "/api/me", headers: { authorization: `Bearer ${token}` } })).statusCode,
      ).toBe(401);
    });

    it("revokes the tokens a token made, and theirs, with it", async () => {
      const u = await t.user("coordinator");
      const h = await t.login(u.email);
      const parent = (await post("/api/tokens", { name: "parent" }, h)).json();
      const asParent = { authorization: `Bearer ${parent.token}` };
      const child = (await post("/api/tokens", { name: "child" }, asParent)).json();
      const asChild = { authorization: `Bearer ${child.token}` };
      const grandchild = (await post("/api/tokens", { name: "grandchild" }, asChild)).json();
      const asGrandchild = { authorization: `Bearer ${grandchild.token}` };
      const sibling = (await post("/api/tokens", { name: "from the session" }, h)).json();
      const me = async (headers: Record<string, string>) =>
        (await t.app.inject({ url: "/api/me", headers })).statusCode;
      expect(await me(asGrandchild)).toBe(200);
      const del = await t.app.inject({ method: "DELETE", url: `/api/tokens/${parent.id}`, headers: h });
      expect(del.statusCode).toBe(204);
      expect(await me(asParent)).toBe(401);
      expect(await me(asChild)).toBe(401);
      expect(await me(asGrandchild)).toBe(401);
      expect(await me({ authorization: `Bearer ${sibling.token}` })).toBe(200);
      const [entry] = (await t.database.db.select().from(auditLog)).filter(
        (e) => e.type === "token.revoked" && e.subject === parent.id,
      );
      expect((entry?.payload as { cascaded?: string[] } | undefined)?.cascaded?.sort()).toEqual(
        [child.id, grandchild.id].sort(),
      );
    });

    it("answers 404 for another user's token, and leaves it working", async () => {
      const a = await t.user("coordinator");
      const b = await t.user("coordinator");
      const ha = await t.login(a.email);
      const { id, token } = (await post("/api/tokens", { name: "a's" }, ha)).json();
      const hb = await t.login(b.email);
      const r = await t.app.inject({ method: "DELETE", url: `/api/tokens/${id}`, headers: hb });
      expect(r.statusCode).toBe(404);
      expect(
        (await t.app.inject({ url: "/api/me", headers: { authorization: `Bearer ${token}` } })).statusCode,
      ).toBe(200);
    });
  });

  it("refuses cookie-authenticated writes without the CSRF token", async () => {
    const u = await t.user("coordinator");
    const h = await t.login(u.email);
    const r = await post("/api/tokens", { name: "x" }, { cookie: h.cookie as string });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe("csrf_failed");
    const wrong = await post("/api/tokens", { name: "x" }, { ...h, "x-csrf-token": "forged" });
    expect(wrong.statusCode).toBe(403);
  });

  describe("users", () => {
    it("admin creates users; duplicates and weak passwords are refused and change nothing", async () => {
      const admin = await t.user("admin");
      const h = await t.login(admin.email);
      const body = { email: "new.staff@example.org", name: "New Staff", role: "auditor", password: PASSWORD };
      expect((await post("/api/users", body, h)).statusCode).toBe(201);
      const count = async () =>
        (await t.app.inject({ url: "/api/users?limit=200", headers: h })).json().items.length;
      const n = await count();
      const dup = await post("/api/users", { ...body, email: "NEW.staff@example.org" }, h);
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.message).toContain("already exists");
      const weak = await post("/api/users", { ...body, email: "other@example.org", password: "short" }, h);
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.message).toMatch(/at least 12/);
      const partner = await post(
        "/api/users",
        { ...body, email: "p@example.org", role: "partner_analyst" },
        h,
      );
      expect(partner.statusCode).toBe(400);
      expect(partner.json().error.message).toMatch(/organisationId/);
      expect(await count()).toBe(n);
    });

    const get = (url: string, headers: Record<string, string>) => t.app.inject({ url, headers });

    it("an admin only requests a coordinator: the account cannot log in until a second person confirms", async () => {
      const admin = await t.user("admin");
      const h = await t.login(admin.email);
      const made = await post(
        "/api/users",
        { email: "sock.puppet@example.org", name: "Puppet", role: "coordinator", password: PASSWORD },
        h,
      );
      expect(made.statusCode).toBe(201);
      const user = made.json().user;
      expect(user.pending).toMatchObject({ role: "coordinator", kind: "create", requestedBy: admin.id });
      const login = await post("/api/auth/login", { email: "sock.puppet@example.org", password: PASSWORD });
      expect(login.statusCode).toBe(401);
      // The admin who asked cannot confirm it, nor can the new user.
      const self = await post(`/api/users/${user.id}/confirm`, {}, h);
      expect(self.statusCode).toBe(403);
      // Requests and confirmations are marked alert-worthy in the audit log.
      const auditor = await t.bearer((await t.user("auditor")).email);
      const alerts = (await get("/api/audit?alerts=true", auditor)).json().entries as {
        type: string;
        subject: string;
        data: { alert?: boolean };
      }[];
      expect(alerts.find((e) => e.subject === user.id)).toMatchObject({
        type: "role_grant.requested",
        data: { alert: true },
      });
      // A coordinator sees the pending grant and confirms it.
      const coord = await t.login((await t.user("coordinator")).email);
      const pending = (await get("/api/role-grants", coord)).json().users as { id: string }[];
      expect(pending.map((u) => u.id)).toContain(user.id);
      const ok = await post(`/api/users/${user.id}/confirm`, {}, coord);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user).toMatchObject({ role: "coordinator", pending: null });
      expect(
        (await post("/api/auth/login", { email: "sock.puppet@example.org", password: PASSWORD })).statusCode,
      ).toBe(200);
      const after = (await get("/api/audit?alerts=true", auditor)).json().entries as { type: string }[];
      expect(after.map((e) => e.type)).toContain("role_grant.confirmed");
    });

    it("an admin cannot place an analyst in a partner alone, and auditors are created at once", async () => {
      const admin = await t.user("admin");
      const h = await t.login(admin.email);
      const org = (await post("/api/organisations", { name: "Partner X" }, h)).json().organisation;
      const analyst = await post(
        "/api/users",
        {
          email: "plant@example.org",
          name: "Plant",
          role: "partner_analyst",
          password: PASSWORD,
          organisationId: org.id,
        },
        h,
      );
      expect(analyst.statusCode).toBe(201);
      expect(analyst.json().user.pending).toMatchObject({ role: "partner_analyst", kind: "create" });
      expect(
        (await post("/api/auth/login", { email: "plant@example.org", password: PASSWORD })).statusCode,
      ).toBe(401);
      const auditor = await post(
        "/api/users",
        { email: "plain.auditor@example.org", name: "A", role: "auditor", password: PASSWORD },
        h,
      );
      expect(auditor.json().user.pending).toBeNull();
      expect(
        (await post("/api/auth/login", { email: "plain.auditor@example.org", password: PASSWORD }))
          .statusCode,
      ).toBe(200);
      // Withdrawn, the account stays unable to log in.
      const other = await t.login((await t.user("admin")).email);
      const cancel = await t.app.inject({
        method: "DELETE",
        url: `/api/users/${analyst.json().user.id}/grant`,
        headers: other,
      });
      expect(cancel.statusCode).toBe(204);
      expect(
        (await post("/api/auth/login", { email: "plant@example.org", password: PASSWORD })).statusCode,
      ).toBe(401);
    });

    it("promoting an auditor to coordinator waits for a second person; the old role holds meanwhile", async () => {
      const admin = await t.user("admin");
      const h = await t.login(admin.email);
      const target = await t.user("auditor");
      const th = await t.bearer(target.email);
      const req = await post(`/api/users/${target.id}/role`, { role: "coordinator" }, h);
      expect(req.statusCode).toBe(200);
      expect(req.json().user).toMatchObject({
        role: "auditor",
        pending: { role: "coordinator", kind: "promote" },
      });
      expect((await get("/api/advisories", th)).statusCode).toBe(403);
      expect((await post(`/api/users/${target.id}/confirm`, {}, h)).statusCode).toBe(403);
      // The promoted user cannot confirm their own grant either.
      expect((await post(`/api/users/${target.id}/confirm`, {}, th)).statusCode).toBe(403);
      const second = await t.login((await t.user("admin")).email);
      expect((await post(`/api/users/${target.id}/confirm`, {}, second)).statusCode).toBe(200);
      expect((await get("/api/advisories", th)).statusCode).toBe(200);
      // A role without content rights changes at once.
      const back = await post(`/api/users/${target.id}/role`, { role: "auditor" }, h);
      expect(back.json().user).toMatchObject({ role: "auditor", pending: null });
    });
  });

  describe("lockout per account and address", () => {
    const from = (ip: string, email: string, password: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password },
        remoteAddress: ip,
      });

    it("a guesser at one address does not lock the owner out elsewhere", async () => {
      const u = await t.user("coordinator");
      for (let i = 0; i < 5; i++)
        expect((await from("203.0.113.7", u.email, "wrong password!")).statusCode).toBe(401);
      expect((await from("203.0.113.7", u.email, PASSWORD)).statusCode).toBe(429);
      expect((await from("198.51.100.9", u.email, PASSWORD)).statusCode).toBe(200);
    });

    it("answers an unknown account exactly like a known one, lockout included", async () => {
      const u = await t.user("coordinator");
      const answers = async (email: string) => {
        const out: [number, string][] = [];
        for (let i = 0; i < 6; i++) {
          const r = await from("192.0.2.44", email, "wrong password!");
          out.push([r.statusCode, r.json().error.code]);
        }
        return out;
      };
      const known = await answers(u.email);
      const unknown = await answers("nobody.here@example.org");
      expect(unknown).toEqual(known);
      expect(known.at(-1)).toEqual([429, "too_many_attempts"]);
    });
  });
});
