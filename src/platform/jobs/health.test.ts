import { describe, expect, it } from "vitest";
import { testApp } from "../../../test/harness.ts";
import { makeJobHealth } from "./health.ts";

const wrongKey = () => new Error("Unsupported state or unable to authenticate data");

describe("job health", () => {
  it("raises an alert after three identical failures in a row, and one success clears it", () => {
    const h = makeJobHealth(() => new Date("2026-03-01T12:00:00Z"));
    h.record("releases.fire-wave", { ok: false, error: wrongKey() });
    h.record("releases.fire-wave", { ok: false, error: wrongKey() });
    expect(h.alerts()).toEqual([]);
    h.record("releases.fire-wave", { ok: false, error: wrongKey() });
    expect(h.alerts()).toMatchObject([
      { code: "master_key_mismatch", queue: "releases.fire-wave", failures: 3 },
    ]);
    expect(h.alerts()[0]?.hint).toContain("FOREWARN_MASTER_KEY");
    h.record("releases.fire-wave", { ok: true });
    expect(h.alerts()).toEqual([]);
  });

  it("does not alert on failures that differ, and never repeats the job's own message", () => {
    const h = makeJobHealth();
    for (let i = 0; i < 5; i++) h.record("outbox.deliver", { ok: false, error: new Error(`timeout ${i}`) });
    expect(h.alerts()).toEqual([]);
    for (let i = 0; i < 3; i++)
      h.record("outbox.deliver", { ok: false, error: new Error("relay said: secret-subject rejected") });
    const [alert] = h.alerts();
    expect(alert?.code).toBe("jobs_failing");
    expect(JSON.stringify(alert)).not.toContain("secret-subject");
  });

  it("shows the alert in GET /api/health", async () => {
    const jobHealth = makeJobHealth();
    const t = await testApp("pglite", { jobHealth });
    try {
      for (let i = 0; i < 3; i++) jobHealth.record("releases.fire-wave", { ok: false, error: wrongKey() });
      const body = (await t.app.inject({ url: "/api/health" })).json();
      expect(body.status).toBe("ok");
      expect(body.alerts).toMatchObject([{ code: "master_key_mismatch", queue: "releases.fire-wave" }]);
    } finally {
      await t.close();
    }
  });
});
