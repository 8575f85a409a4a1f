// A server whose master key cannot open the secrets of the others on one database refuses to start,
// instead of starting and failing every release job with an AES-GCM error nobody sees.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { checkMasterKey, keyFingerprint, MasterKeyMismatch } from "../src/platform/keycheck/keycheck.ts";
import { openRuntime } from "../src/runtime.ts";
import { createPgDatabase, engines, TEST_PG_URL, testDatabase } from "./harness.ts";

describe.each(engines)("master key check on %s", (engine) => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    database = await testDatabase(engine);
  });
  afterAll(() => database.dispose());

  it("records the first key, accepts it again, and refuses another key naming FOREWARN_MASTER_KEY", async () => {
    const first = randomBytes(32);
    const other = randomBytes(32);
    await checkMasterKey(database.db, first, new Date());
    await checkMasterKey(database.db, first, new Date());
    const refused = await checkMasterKey(database.db, other, new Date()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MasterKeyMismatch);
    const message = (refused as Error).message;
    expect(message).toContain("FOREWARN_MASTER_KEY");
    expect(message).toContain(keyFingerprint(first));
    expect(message).toContain(keyFingerprint(other));
    expect(message).toMatch(/same master key/);
    // The message never carries key material.
    for (const k of [first, other]) {
      expect(message).not.toContain(k.toString("base64"));
      expect(message).not.toContain(k.toString("hex"));
    }
  });
});

describe.runIf(TEST_PG_URL)("servers sharing one PostgreSQL", () => {
  it("a server with no key of its own refuses to start on a database another key started, and creates no key", async () => {
    const created = await createPgDatabase();
    try {
      const key = randomBytes(32).toString("base64");
      const env = { DATABASE_URL: created.url, FOREWARN_LOG_LEVEL: "silent" };
      const firstDir = mkdtempSync(join(tmpdir(), "fw-key-a-"));
      const first = await openRuntime(
        loadConfig({ ...env, FOREWARN_DATA_DIR: firstDir, FOREWARN_MASTER_KEY: key }),
      );
      await first.close();
      // The same key from another folder starts.
      const same = await openRuntime(
        loadConfig({
          ...env,
          FOREWARN_DATA_DIR: mkdtempSync(join(tmpdir(), "fw-key-b-")),
          FOREWARN_MASTER_KEY: key,
        }),
      );
      await same.close();
      // No key at all: refused before a key file is generated.
      const bare = mkdtempSync(join(tmpdir(), "fw-key-c-"));
      await expect(openRuntime(loadConfig({ ...env, FOREWARN_DATA_DIR: bare }))).rejects.toThrow(
        /FOREWARN_MASTER_KEY is not set.*first started with the master key/s,
      );
      expect(existsSync(join(bare, "master.key"))).toBe(false);
      // Another key: refused.
      await expect(
        openRuntime(
          loadConfig({
            ...env,
            FOREWARN_DATA_DIR: bare,
            FOREWARN_MASTER_KEY: randomBytes(32).toString("base64"),
          }),
        ),
      ).rejects.toThrow(/FOREWARN_MASTER_KEY does not match this database/);
    } finally {
      await created.drop();
    }
  });
});
