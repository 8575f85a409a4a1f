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
  const auditTypes = async () => (await t.database.db.select().from(auditLog)).map((r) => r.type);

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
    let email: string;
    let h: Record<string, string>;
    let totp: OTPAuth.TOTP;
    let recovery: string[];

    it("enrols with a confirmed code and returns ten recovery codes", async () => {
      email = (await t.user("admin")).email;
      h = await t.login(email);
      const begin = await post("/api/me/totp", {}, h);
      expect(begin.statusCode).toBe(200);
      const { secret, otpauthUri } = begin.json();
      expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Forewarn:/);
      totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), period: 30 });
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
      recovery = ok.json().recoveryCodes;
      expect(recovery).toHaveLength(10);
      expect(new Set(recovery).size).toBe(10);
    });

    it("asks for the code after a right password, and refuses a wrong or replayed one", async () => {
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
      const code = recovery[0] as string;
      expect(
        (await post("/api/auth/login", { email, password: PASSWORD, recoveryCode: code })).statusCode,
      ).toBe(200);
      expect(
        (await post("/api/auth/login", { email, password: PASSWORD, recoveryCode: code })).statusCode,
      ).toBe(401);
    });

    it("turns off only with the password", async () => {
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
      const count = async () => (await t.app.inject({ url: "/api/users", headers: h })).json().users.length;
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
  });
});
