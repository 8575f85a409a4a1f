// Signed checkpoints of the audit chain: cutting the newest entries off and rewriting the head
// passes a plain verify, but not a verify against a checkpoint taken before.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKPOINT_PREFIX, decodeCheckpoint, encodeCheckpoint } from "../src/audit/checkpoint.ts";
import { allCommands } from "../src/cli/index.ts";
import { registerCommands, runCli } from "../src/main.ts";
import { openDatabase } from "../src/platform/db/client.ts";
import { createPgDatabase, engines, fakeIo, type TestApp, testApp } from "./harness.ts";

registerCommands(allCommands);
const PASSWORD = "correct horse battery staple";

describe.each(engines)("audit checkpoints on %s", (engine) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  // Each CLI call opens the data folder again (migrations included): slow on PGlite, hence the time.
  it("a checkpoint finds entries cut off the end and a rewritten log that plain verify accepts", {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-cp-"));
    let env: Record<string, string> = {};
    let args = ["--data", dir];
    let url: string | undefined;
    if (engine === "postgresql") {
      const created = await createPgDatabase();
      cleanup.push(created.drop);
      url = created.url;
      env = { DATABASE_URL: created.url, FOREWARN_DATA_DIR: dir };
      args = [];
    }
    const cli = async (argv: string[], extraEnv: Record<string, string> = {}) => {
      const f = fakeIo({ ...env, ...extraEnv });
      const code = await runCli(argv, f.io);
      return { code, out: f.out.join("\n"), err: f.err.join("\n") };
    };
    // The first admin creates the embedded database in a fresh folder on purpose (--init).
    const admin = (email: string, init: string[] = []) =>
      cli(["admin", "create", "--email", email, ...init, ...args], { FOREWARN_PASSWORD: PASSWORD });
    expect((await admin("one@example.org", engine === "pglite" ? ["--init"] : [])).code).toBe(0);
    expect((await admin("two@example.org")).code).toBe(0);

    const made = await cli(["audit", "checkpoint", ...args]);
    expect(made.code).toBe(0);
    const line = made.out.trim();
    expect(line.startsWith(CHECKPOINT_PREFIX)).toBe(true);
    const cp = decodeCheckpoint(line);
    expect(cp.seq).toBe(3);
    const file = join(dir, "checkpoint.txt");
    writeFileSync(file, `${line}\n`);

    expect((await admin("three@example.org")).code).toBe(0);
    const fine = await cli(["audit", "verify", "--checkpoint", line, ...args]);
    expect(fine).toMatchObject({ code: 0 });
    expect(fine.out).toMatch(/^ok: 4 entries, head [0-9a-f]{64}; contains checkpoint entry #3/);

    // Cut the newest two entries off and point the head at what is left: plain verify cannot tell.
    const database = await openDatabase(url ? { url } : { dataDir: dir });
    await database.db.execute(sql`DELETE FROM audit_log WHERE seq >= 3`);
    await database.db.execute(
      sql`UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2) WHERE id = 1`,
    );
    await database.close();
    expect((await cli(["audit", "verify", ...args])).code).toBe(0);

    const cut = await cli(["audit", "verify", "--checkpoint", file, ...args]);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/no longer contains entry #3 of the checkpoint/);

    // New entries past the cut give entry #3 another hash: a rewrite, named as such.
    expect((await admin("four@example.org")).code).toBe(0);
    expect((await cli(["audit", "verify", ...args])).code).toBe(0);
    const rewritten = await cli(["audit", "verify", "--checkpoint", line, ...args]);
    expect(rewritten.code).toBe(1);
    expect(rewritten.out).toMatch(/entry #3 no longer has the hash of the checkpoint/);

    // A checkpoint not signed by this instance's key is refused, whatever it says.
    const forged = encodeCheckpoint({ ...decodeCheckpoint(line), hash: "a".repeat(64) });
    const bad = await cli(["audit", "verify", "--checkpoint", forged, ...args]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/bad signature/);
    const garbage = await cli(["audit", "verify", "--checkpoint", `${CHECKPOINT_PREFIX}bm9wZQ`, ...args]);
    expect(garbage.code).toBe(2);
  });
});

describe("GET /api/audit/checkpoint", () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it("gives an auditor a signed checkpoint of the head, and audits it", async () => {
    t = await testApp("pglite");
    const auditor = await t.user("auditor");
    const h = await t.bearer(auditor.email);
    const r = await t.app.inject({ url: "/api/audit/checkpoint", headers: h });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(decodeCheckpoint(body.line)).toEqual({
      seq: body.seq,
      hash: body.hash,
      at: body.at,
      publicKey: body.publicKey,
      signature: body.signature,
    });
    const check = await t.services.audit.verifyAgainst(decodeCheckpoint(body.line));
    expect(check).toMatchObject({ ok: true, checkpointProblem: null });
    const types = (await t.app.inject({ url: "/api/audit?type=audit.checkpointed", headers: h })).json()
      .entries;
    expect(types).toHaveLength(1);
  });
});
