// Several server processes on one PostgreSQL append to the audit log at once: the chain must stay
// one line, with no fork and no gap.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeAudit } from "../src/audit/service.ts";
import { systemActor } from "../src/authz/authorize.ts";
import { systemClock } from "../src/platform/clock.ts";
import { openDatabase } from "../src/platform/db/client.ts";
import { makeIds } from "../src/platform/ids.ts";
import { createPgDatabase, TEST_PG_URL } from "./harness.ts";

const writer = fileURLToPath(new URL("./fixtures/audit-writer.ts", import.meta.url));

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [writer, ...args], { stdio: ["ignore", "inherit", "inherit"] });
    p.on("exit", (code) => resolve(code ?? 1));
  });
}

describe.runIf(TEST_PG_URL)("audit chain across processes (PostgreSQL)", () => {
  it("four processes appending 25 entries each leave one verified chain of 100", async () => {
    const created = await createPgDatabase();
    try {
      const database = await openDatabase({ url: created.url });
      await database.migrate();
      const codes = await Promise.all([1, 2, 3, 4].map((i) => run([created.url, "25", `writer${i}`])));
      expect(codes).toEqual([0, 0, 0, 0]);
      const audit = makeAudit({ db: database.db, clock: systemClock, ids: makeIds(systemClock) });
      const v = await audit.verifyChain();
      expect(v.broken).toBeNull();
      expect(v.entries).toBe(100);
      // And the chain keeps growing correctly from here.
      await audit.record(database.db, {
        type: "token.revoked",
        actor: systemActor("after"),
        data: { tokenId: "z" },
      });
      expect((await audit.verifyChain()).entries).toBe(101);
      await database.close();
    } finally {
      await created.drop();
    }
  });
});
