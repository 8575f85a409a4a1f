// Durable jobs on both engines, and the real periodic job that expires sessions and tokens.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditLog } from "../src/audit/schema.ts";
import { EXPIRE_CREDENTIALS, jobDefinitions } from "../src/jobs.ts";
import { apiTokens, sessions } from "../src/modules/accounts/schema.ts";
import { type Jobs, startJobs } from "../src/platform/jobs/jobs.ts";
import { engines, type TestApp, testApp } from "./harness.ts";

/** Waits for what a running job does (pg-boss polls on the real clock). */
const until = (check: () => boolean | Promise<boolean>, timeout = 20_000) =>
  vi.waitFor(async () => expect(await check()).toBe(true), { timeout, interval: 100 });

describe.each(engines)("jobs on %s", (engine) => {
  let t: TestApp;
  let jobs: Jobs;
  const seen: unknown[] = [];
  const batched: number[] = [];
  let running = 0;
  let mostAtOnce = 0;

  beforeAll(async () => {
    t = await testApp(engine);
    jobs = await startJobs(
      t.database,
      [
        ...jobDefinitions(t.services),
        { name: "test.ping", handler: async (data) => void seen.push(data) },
        {
          name: "test.batch",
          batchSize: 5,
          concurrency: 3,
          handler: async (data) => {
            const n = (data as { n: number }).n;
            running++;
            mostAtOnce = Math.max(mostAtOnce, running);
            await new Promise((r) => setTimeout(r, 50));
            running--;
            if (n === 3) throw new Error("job 3 fails");
            batched.push(n);
          },
        },
      ],
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

  it("runs batches concurrently, and a failing job fails alone", async () => {
    const ids = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map((n) => jobs.boss.send("test.batch", { n }, { retryLimit: 0 })),
    );
    await until(() => batched.length === 6);
    expect([...batched].sort()).toEqual([1, 2, 4, 5, 6, 7]);
    // Fetched as batches and run three at a time, not one job per polling interval.
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(3);
    const failing = ids[2] as string;
    await until(async () => (await jobs.boss.getJobById("test.batch", failing))?.state === "failed");
    for (const id of ids.filter((x) => x !== failing)) {
      expect((await jobs.boss.getJobById("test.batch", id as string))?.state).toBe("completed");
    }
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
    const types = (await t.database.db.select().from(auditLog).orderBy(auditLog.seq)).map((r) => r.type);
    expect(types).toContain("credentials.expired");
  });
});
