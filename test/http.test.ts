// The HTTP envelope: one error shape, limits, malformed input that changes nothing, security
// headers, the generated OpenAPI document and the web app's fallback.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, redactUrl } from "../src/app.ts";
import { auditLog } from "../src/audit/schema.ts";
import { users } from "../src/modules/accounts/schema.ts";
import { PASSWORD, type TestApp, testApp } from "./harness.ts";

describe("HTTP envelope", () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await testApp("pglite");
    admin = await t.login((await t.user("admin")).email);
  });
  afterAll(() => t.close());

  const counts = async () => ({
    audit: (await t.database.db.select().from(auditLog)).length,
    users: (await t.database.db.select().from(users)).length,
  });

  it("answers malformed JSON with 400 in the error shape and changes nothing", async () => {
    const before = await counts();
    const r = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: { ...admin, "content-type": "application/json" },
      payload: '{"email": "a@example.org", "name": ',
    });
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.error.code).toBe("malformed_json");
    expect(body.error.requestId).toBe(r.headers["x-request-id"]);
    expect(await counts()).toEqual(before);
  });

  it("answers an oversized body with 413 and changes nothing", async () => {
    const before = await counts();
    const r = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: { ...admin, "content-type": "application/json" },
      payload: JSON.stringify({
        email: "big@example.org",
        name: "x".repeat(2 * 1024 * 1024),
        role: "auditor",
        password: PASSWORD,
      }),
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe("payload_too_large");
    expect(await counts()).toEqual(before);
  });

  it("names the fields that fail validation, and enforces length limits", async () => {
    const r = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin,
      payload: { email: "not-an-email", name: "x".repeat(201), role: "overlord", password: PASSWORD },
    });
    expect(r.statusCode).toBe(400);
    const msg = r.json().error.message as string;
    expect(msg).toContain("body.email");
    expect(msg).toContain("body.name");
    expect(msg).toContain("body.role");
  });

  it("refuses NUL, lone surrogates and dates outside 1970-9999 with 400 naming the place", async () => {
    type Req = {
      method?: "GET" | "POST";
      url: string;
      headers: Record<string, string>;
      payload?: string | object;
    };
    const cases: [string, Req, RegExp][] = [
      [
        "NUL in a body string",
        { method: "POST", url: "/api/tokens", headers: admin, payload: { name: "a\u0000b" } },
        /body\.name contains a NUL/,
      ],
      [
        "lone surrogate in a body string",
        { method: "POST", url: "/api/organisations", headers: admin, payload: '{"name":"x\\ud800y"}' },
        /body\.name contains a lone UTF-16 surrogate/,
      ],
      [
        "NUL in a query filter",
        { url: "/api/audit?type=a%00b", headers: admin },
        /query\.type contains a NUL/,
      ],
      [
        "NUL in a key",
        { method: "POST", url: "/api/tokens", headers: admin, payload: '{"a\\u0000":1,"name":"x"}' },
        /a key in body contains a NUL/,
      ],
      [
        "a date past year 9999",
        { url: "/api/audit?from=9999-12-31T23:59:59-23:59", headers: admin },
        /1970 and 9999/,
      ],
      ["a date before 1970", { url: "/api/audit?to=0000-01-01T00:00:00Z", headers: admin }, /1970 and 9999/],
    ];
    for (const [what, req, message] of cases) {
      const r = await t.app.inject({
        method: req.method ?? "GET",
        url: req.url,
        headers: { ...req.headers, "content-type": "application/json" },
        ...(req.payload === undefined ? {} : { payload: req.payload }),
      });
      expect(r.statusCode, what).toBe(400);
      expect(r.json().error.code, what).toBe("validation_failed");
      expect(r.json().error.message, what).toMatch(message);
    }
  });

  it("answers an unsupported content type with 415", async () => {
    const r = await t.app.inject({
      method: "POST",
      url: "/api/tokens",
      headers: { ...admin, "content-type": "text/plain" },
      payload: "name=x",
    });
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe("unsupported_media_type");
  });

  it("answers unknown API paths with 404 in the error shape", async () => {
    const r = await t.app.inject({ url: "/api/nope" });
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toMatchObject({ code: "not_found", message: "no route GET /api/nope" });
  });

  it("never shows an unexpected error's text to the client", async () => {
    const original = t.services.accounts.me;
    t.services.accounts.me = async () => {
      throw new Error('duplicate key value violates unique constraint "users_secret"');
    };
    try {
      const r = await t.app.inject({ url: "/api/me", headers: admin });
      expect(r.statusCode).toBe(500);
      expect(r.body).not.toContain("users_secret");
      expect(r.json().error.code).toBe("internal");
    } finally {
      t.services.accounts.me = original;
    }
  });

  it("sends security headers", async () => {
    const r = await t.app.inject({ url: "/api/health" });
    expect(r.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(r.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["strict-transport-security"]).toContain("max-age=31536000");
    expect(r.headers["referrer-policy"]).toBe("no-referrer");
    expect(r.headers["x-request-id"]).toMatch(/^req_/);
  });

  it("reports the database kind and version on /api/health", async () => {
    expect((await t.app.inject({ url: "/api/health" })).json()).toEqual({
      status: "ok",
      database: "pglite",
      version: "test",
      adminExists: true,
      alerts: [],
    });
  });

  it("says when a brand-new instance has no administrator yet", async () => {
    const fresh = await testApp("pglite");
    try {
      expect((await fresh.app.inject({ url: "/api/health" })).json().adminExists).toBe(false);
      await fresh.user("coordinator");
      expect((await fresh.app.inject({ url: "/api/health" })).json().adminExists).toBe(false);
      await fresh.user("admin");
      expect((await fresh.app.inject({ url: "/api/health" })).json().adminExists).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it("generates an OpenAPI document in which every operation has an id, a summary and error answers", async () => {
    const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const ops = Object.values(
      doc.paths as Record<
        string,
        Record<string, { operationId?: string; summary?: string; responses: object }>
      >,
    ).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary).toBeTruthy();
    }
    const ids = ops.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const docs = await t.app.inject({ url: "/api/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-type"]).toContain("text/html");
  });
});

describe("web app fallback", () => {
  it("serves index.html for client-side routes and 404 JSON under /api", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-web-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Forewarn test shell</title>");
    const t = await testApp("pglite");
    const app = await buildApp({
      services: t.services,
      database: "pglite",
      version: "test",
      logLevel: "silent",
      webDist: dir,
    });
    try {
      const page = await app.inject({ url: "/partners/ptr_123" });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("Forewarn test shell");
      const api404 = await app.inject({ url: "/api/no-such-route" });
      expect(api404.statusCode).toBe(404);
      expect(api404.json().error.code).toBe("not_found");
      // A UI rebuilt while the server runs is served at once.
      mkdirSync(join(dir, "assets"));
      writeFileSync(join(dir, "assets", "app-new.js"), "console.log('rebuilt')");
      const asset = await app.inject({ url: "/assets/app-new.js" });
      expect(asset.statusCode).toBe(200);
      expect(asset.body).toContain("rebuilt");
      expect(page.headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
      // Source maps are not published, even when a build left one in the folder.
      writeFileSync(join(dir, "assets", "app-new.js.map"), '{"version":3,"sources":["secret.tsx"]}');
      for (const url of ["/assets/app-new.js.map", "/assets/missing.js.map"]) {
        const map = await app.inject({ url });
        expect(map.statusCode).toBe(404);
        expect(map.body).not.toContain("secret.tsx");
      }
    } finally {
      await app.close();
      await t.close();
    }
  });
});

describe("log redaction", () => {
  it("hides query values that can carry secrets and keeps the rest", () => {
    expect(redactUrl("/api/reports/cas_1?token=abc123&limit=5")).toBe(
      "/api/reports/cas_1?token=%5Bredacted%5D&limit=5",
    );
    expect(redactUrl("/api/x?trackingToken=s3cret&apiKey=k")).not.toMatch(/s3cret|=k\b/);
    expect(redactUrl("/api/audit?type=login.failed")).toBe("/api/audit?type=login.failed");
    expect(redactUrl("/api/health")).toBe("/api/health");
  });

  it("hides secret-bearing path segments: invite and tracking tokens", () => {
    expect(redactUrl("/api/invites/s3cretTok/accept")).toBe("/api/invites/[redacted]/accept");
    expect(redactUrl("/invite/s3cretTok")).toBe("/invite/[redacted]");
    expect(redactUrl("/track/s3cretTok?x=1")).toBe("/track/[redacted]?x=1");
    expect(redactUrl("/api/partners/ptr_1/invites")).toBe("/api/partners/ptr_1/invites");
  });

  it("logs requests at debug and audit events at info, never an invite token", async () => {
    const t = await testApp("pglite");
    const capture = async (level: string, run: (app: FastifyInstance) => Promise<void>) => {
      const lines: string[] = [];
      const app = await buildApp({
        services: t.services,
        database: "pglite",
        version: "test",
        logLevel: level,
        logStream: { write: (line: string) => void lines.push(line) },
      });
      try {
        await run(app);
      } finally {
        await app.close();
      }
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    const secret = "InviteSecretValue123456";
    const admin = await t.user("admin");
    try {
      const loginAndInvite = async (app: FastifyInstance) => {
        const login = await app.inject({
          method: "POST",
          url: "/api/auth/login",
          payload: { email: admin.email, password: PASSWORD },
        });
        expect(login.statusCode).toBe(200);
        await app.inject({
          method: "POST",
          url: `/api/invites/${secret}/accept`,
          payload: { password: PASSWORD },
        });
        await app.inject({ url: `/invite/${secret}` });
      };
      const info = await capture("info", loginAndInvite);
      expect(info.some((l) => l.msg === "audit session.created")).toBe(true);
      const audit = info.find((l) => l.msg === "audit session.created")?.audit as Record<string, unknown>;
      expect(audit).toMatchObject({ type: "session.created", actorId: admin.id });
      expect(audit).not.toHaveProperty("payload");
      expect(info.some((l) => l.msg === "request completed")).toBe(false);

      const debug = await capture("debug", loginAndInvite);
      const requests = debug.filter((l) => l.msg === "request completed");
      expect(requests).toHaveLength(3);
      expect(requests.map((l) => (l.req as { url: string }).url)).toContain("/api/invites/[redacted]/accept");
      expect(JSON.stringify(debug)).not.toContain(secret);
    } finally {
      await t.close();
    }
  });
});
