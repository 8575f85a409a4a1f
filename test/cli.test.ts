// The `forewarn` command line: help, admin create, audit verify (in-process on each engine), and a
// real server process with the CLI talking to it while it holds the embedded database.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { allCommands } from "../src/cli/index.ts";
import {
  checkTarget,
  describeDatabase,
  printableDatabaseUrl,
  readServerRecord,
  writeServerRecord,
} from "../src/cli/where.ts";
import { registerCommands, runCli } from "../src/main.ts";
import { openDatabase } from "../src/platform/db/client.ts";
import { createPgDatabase, engines, fakeIo } from "./harness.ts";

registerCommands(allCommands);
const PASSWORD = "correct horse battery staple";
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

describe("forewarn help", () => {
  it("lists the commands and gives each sub-command's usage", async () => {
    const { io, out } = fakeIo();
    expect(await runCli(["--help"], io)).toBe(0);
    for (const c of ["serve", "admin", "audit", "migrate"]) expect(out.join("\n")).toContain(`  ${c}`);
    for (const argv of [
      ["serve", "--help"],
      ["admin", "create", "--help"],
      ["audit", "verify", "--help"],
      ["migrate", "--help"],
    ]) {
      const h = fakeIo();
      expect(await runCli(argv, h.io)).toBe(0);
      expect(h.out.join("\n")).toMatch(/^usage: forewarn /);
    }
  });

  it("prints its version with --version and -V", async () => {
    const { VERSION } = await import("../src/version.ts");
    for (const flag of ["--version", "-V"]) {
      const v = fakeIo();
      expect(await runCli([flag], v.io)).toBe(0);
      expect(v.out).toEqual([`forewarn ${VERSION}`]);
    }
  });

  it("refuses unknown commands and flags with exit 2 and the usage", async () => {
    const a = fakeIo();
    expect(await runCli(["frobnicate"], a.io)).toBe(2);
    expect(a.err.join("\n")).toContain('unknown command "frobnicate"');
    const b = fakeIo();
    expect(await runCli(["audit", "verify", "--colour"], b.io)).toBe(2);
    expect(b.err.join("\n")).toContain("--colour");
  });
});

describe("the bin shim", () => {
  const BIN = fileURLToPath(new URL("../bin/forewarn.mjs", import.meta.url));
  const run = (nodePath: string) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      const p = spawn(nodePath, [BIN, "audit", "verify", "--help"]);
      let out = "";
      p.stdout.on("data", (c) => (out += c));
      p.on("exit", (code) => resolve({ code: code ?? 1, out }));
    });

  it("runs the CLI on this Node", async () => {
    const r = await run(process.execPath);
    expect(r).toEqual({ code: 0, out: expect.stringMatching(/^usage: forewarn audit verify/) });
  });

  it.runIf(existsSync("/usr/bin/node"))(
    "hands over to the project's Node 24 from an older system node",
    async () => {
      const r = await run("/usr/bin/node");
      expect(r).toEqual({ code: 0, out: expect.stringMatching(/^usage: forewarn audit verify/) });
    },
  );
});

describe.each(engines)("admin create and audit verify on %s", (engine) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  async function target(): Promise<{ env: Record<string, string>; args: string[]; url?: string }> {
    const dir = mkdtempSync(join(tmpdir(), "fw-cli-"));
    if (engine === "pglite") return { env: {}, args: ["--data", dir, "--init"] };
    const created = await createPgDatabase();
    cleanup.push(created.drop);
    return { env: { DATABASE_URL: created.url, FOREWARN_DATA_DIR: dir }, args: [], url: created.url };
  }

  it("creates an admin, refuses the same email twice, verifies, then names a tampered entry", async () => {
    const tg = await target();
    const a = fakeIo({ ...tg.env, FOREWARN_PASSWORD: PASSWORD });
    expect(await runCli(["admin", "create", "--email", "root@example.org", ...tg.args], a.io)).toBe(0);
    expect(a.out.join("\n")).toMatch(/created admin root@example.org \(usr_/);
    expect(a.out.join("\n")).toMatch(
      engine === "pglite"
        ? / in the embedded database at \/.+\/pgdata$/
        : / in PostgreSQL db \w+ on [\w.]+:\d+$/,
    );

    const again = fakeIo({ ...tg.env, FOREWARN_PASSWORD: PASSWORD });
    expect(await runCli(["admin", "create", "--email", "ROOT@example.org", ...tg.args], again.io)).toBe(1);
    expect(again.err.join("\n")).toContain("already exists");

    const piped = fakeIo(tg.env, `${PASSWORD}\n`);
    expect(await runCli(["admin", "create", "--email", "second@example.org", ...tg.args], piped.io)).toBe(0);

    const none = fakeIo(tg.env, "");
    expect(await runCli(["admin", "create", "--email", "third@example.org", ...tg.args], none.io)).toBe(2);

    const ok = fakeIo(tg.env);
    const dataArgs = tg.args.filter((a) => a !== "--init");
    expect(await runCli(["audit", "verify", ...dataArgs], ok.io)).toBe(0);
    const m = /^ok: (\d+) entries, head ([0-9a-f]{64})$/.exec(ok.out[0] ?? "");
    expect(m).not.toBeNull();
    // organisation.created + two user.created
    expect(Number(m?.[1])).toBe(3);

    const database = await openDatabase(tg.url ? { url: tg.url } : { dataDir: tg.args[1] });
    await database.db.execute(sql.raw(`UPDATE audit_log SET payload = '{"role":"auditor"}' WHERE seq = 2`));
    await database.close();

    const bad = fakeIo(tg.env);
    expect(await runCli(["audit", "verify", ...dataArgs], bad.io)).toBe(1);
    expect(bad.out.join("\n")).toMatch(/entry #2 \(aud_[0-9A-Z]+, user.created\) was altered/);
  });
});

describe("admin create writes only where the server's data is", () => {
  it("refuses a data folder with no server and no database, naming it and the ways out; --init creates one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-cli-"));
    const r = fakeIo({ FOREWARN_PASSWORD: PASSWORD, DATABASE_URL: "" });
    expect(await runCli(["admin", "create", "--email", "a@example.org", "--data", dir], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain(`no database in ${dir}`);
    expect(r.err.join("\n")).toContain("DATABASE_URL");
    expect(r.err.join("\n")).toContain("--init");
    expect(existsSync(join(dir, "pgdata"))).toBe(false);

    const init = fakeIo({ FOREWARN_PASSWORD: PASSWORD, DATABASE_URL: "" });
    expect(
      await runCli(["admin", "create", "--email", "a@example.org", "--data", dir, "--init"], init.io),
    ).toBe(0);
    expect(init.out.join("\n")).toContain(`in the embedded database at ${join(dir, "pgdata")}`);
    // Now the folder holds a database: no --init needed.
    const second = fakeIo({ FOREWARN_PASSWORD: PASSWORD, DATABASE_URL: "" });
    expect(await runCli(["admin", "create", "--email", "b@example.org", "--data", dir], second.io)).toBe(0);
  });

  it("refuses a folder whose server runs on PostgreSQL, naming that database but not its password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-cli-"));
    const url = "postgres://fw:s3cret@db.internal:6543/forewarn_prod";
    writeServerRecord(dir, {
      pid: 1,
      version: "test",
      startedAt: new Date(0).toISOString(),
      publicUrl: "http://127.0.0.1:9000",
      database: describeDatabase({ DATABASE_URL: url, FOREWARN_DATA_DIR: dir }),
    });
    expect(readFileSync(join(dir, "server.json"), "utf8")).not.toContain("s3cret");
    const r = fakeIo({ FOREWARN_PASSWORD: PASSWORD, DATABASE_URL: "" });
    expect(await runCli(["admin", "create", "--email", "a@example.org", "--data", dir], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain("PostgreSQL db forewarn_prod on db.internal:6543");
    expect(r.err.join("\n")).toContain("set DATABASE_URL");
    expect(r.err.join("\n")).not.toContain("s3cret");
    expect(existsSync(join(dir, "pgdata"))).toBe(false);
    expect(printableDatabaseUrl(url)).toBe("postgres://fw:<password>@db.internal:6543/forewarn_prod");
  });
});

describe("which database a command targets", () => {
  it("warns when DATABASE_URL is not the database the folder's server used, and not when it is", () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-cli-"));
    const used = "postgres://fw:one@db1.internal/forewarn";
    writeServerRecord(dir, {
      pid: 1,
      version: "test",
      startedAt: new Date(0).toISOString(),
      publicUrl: "http://127.0.0.1:9000",
      database: describeDatabase({ DATABASE_URL: used, FOREWARN_DATA_DIR: dir }),
    });
    const other = checkTarget(
      { DATABASE_URL: "postgres://fw:two@db2.internal/forewarn", FOREWARN_DATA_DIR: dir },
      { serverRunning: false, init: false },
    );
    expect(other.warning).toContain("used PostgreSQL db forewarn on db1.internal:5432");
    expect(other.warning).toContain("points at PostgreSQL db forewarn on db2.internal:5432");
    // Another password for the same database is the same database.
    const same = checkTarget(
      { DATABASE_URL: "postgres://fw:rotated@db1.internal/forewarn", FOREWARN_DATA_DIR: dir },
      { serverRunning: false, init: false },
    );
    expect(same.warning).toBeUndefined();
  });
});

describe("a running server and the CLI beside it", () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill("SIGTERM");
  });

  const node = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      const p = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } });
      let out = "";
      p.stdout.on("data", (c) => (out += c));
      p.stderr.on("data", (c) => (out += c));
      p.on("exit", (code) => resolve({ code: code ?? 1, out }));
    });

  it("serves, takes an admin created while it runs, logs in, issues a token, and stops cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-serve-"));
    server = spawn(process.execPath, [MAIN, "serve", "--port", "0", "--data", dir], {
      env: {
        ...process.env,
        FOREWARN_LOG_LEVEL: "warn",
        DATABASE_URL: "",
        FOREWARN_PUBLIC_URL: "",
        FOREWARN_TRUST_PROXY: "true",
      },
    });
    let log = "";
    server.stderr?.on("data", (c) => (log += c));
    const base = await new Promise<string>((resolve, reject) => {
      server?.stdout?.on("data", (c) => {
        log += c;
        const m = /listening on (http:\/\/[\d.:]+)/.exec(log);
        if (m?.[1]) resolve(m[1]);
      });
      server?.on("exit", () => reject(new Error(`server exited: ${log}`)));
    });
    // The start-up notes may come on either stream, just after the "listening" line.
    await vi.waitFor(() => {
      expect(log).toContain("No administrator yet");
      expect(log).toContain(`--data ${dir}`);
      // Behind a proxy without FOREWARN_PUBLIC_URL the links would be wrong: the start says so.
      expect(log).toMatch(/warning: FOREWARN_TRUST_PROXY is set but FOREWARN_PUBLIC_URL is not/);
    });
    // Port 0: the links name the port actually served, not 8080.
    const meta = await fetch(`${base}/.well-known/csaf/provider-metadata.json`);
    expect(((await meta.json()) as { canonical_url: string }).canonical_url.startsWith(`${base}/`)).toBe(
      true,
    );
    const record = readServerRecord(dir);
    expect(record?.publicUrl).toBe(base);
    expect(record?.database).toEqual({ kind: "pglite", path: join(dir, "pgdata") });

    const created = await node(["admin", "create", "--email", "ops@example.org", "--data", dir], {
      FOREWARN_PASSWORD: PASSWORD,
    });
    expect(created.out).toContain(`created admin ops@example.org`);
    expect(created.out).toContain(`in the embedded database at ${join(dir, "pgdata")}`);
    expect(created.code).toBe(0);

    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@example.org", password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const tok = await fetch(`${base}/api/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "cli test" }),
    });
    const { token } = (await tok.json()) as { token: string };
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe("admin");

    const verify = await node(["audit", "verify", "--data", dir]);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^ok: \d+ entries, head [0-9a-f]{64}/);

    const exited = new Promise((r) => server?.on("exit", r));
    server.kill("SIGTERM");
    await exited;
    server = undefined;
    // With the server gone the CLI opens the folder itself and sees the same chain.
    const after = await node(["audit", "verify", "--data", dir]);
    expect(after.code).toBe(0);
  }, 180_000);
});
