// Durable jobs on both engines, and the real periodic job that expires sessions and tokens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../src/audit/schema.ts";
import { EXPIRE_CREDENTIALS, jobDefinitions } from "../src/jobs.ts";
import { apiTokens, sessions } from "../src/modules/accounts/schema.ts";
import { type Jobs, startJobs } from "../src/platform/jobs/jobs.ts";
import { engines, type TestApp, testApp } from "./harness.ts";

async function until(check: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting");
}

describe.each(engines)("jobs on %s", (engine) => {
  let t: TestApp;
  let jobs: Jobs;
  const seen: unknown[] = [];

  beforeAll(async () => {
    t = await testApp(engine);
    jobs = await startJobs(
      t.database,
      [...jobDefinitions(t.services), { name: "test.ping", handler: async (data) => void seen.push(data) }],
      { pollingIntervalSeconds: 0.5 },
    );
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  it("runs a job sent to a queue", async () => {
    await jobs.send("test.ping", { n: 42 });
    await until(() => seen.length > 0);
    expect(seen).toEqual([{ n: 42 }]);
  });

  it("schedules credential expiry every five minutes", async () => {
    const schedules = await jobs.boss.getSchedules();
    expect(schedules.find((s) => s.name === EXPIRE_CREDENTIALS)?.cron).toBe("*/5 * * * *");
  });

  it("expires sessions and tokens past their time when the job runs", async () => {
    const u = await t.user("coordinator");
    const h = await t.login(u.email);
    await t.app.inject({
      method: "POST",
      url: "/api/tokens",
      headers: h,
      payload: { name: "one day", expiresInDays: 1 },
    });
    const mine = async () => ({
      sessions: (await t.database.db.select().from(sessions)).filter((s) => s.userId === u.id).length,
      tokens: (await t.database.db.select().from(apiTokens)).filter((s) => s.userId === u.id).length,
    });
    expect(await mine()).toEqual({ sessions: 1, tokens: 1 });
    t.clock.advance(2 * 86_400_000);
    await jobs.send(EXPIRE_CREDENTIALS);
    await until(async () => (await mine()).sessions === 0);
    expect(await mine()).toEqual({ sessions: 0, tokens: 0 });
    const types = (await t.database.db.select().from(auditLog)).map((r) => r.type);
    expect(types).toContain("credentials.expired");
  });
});
