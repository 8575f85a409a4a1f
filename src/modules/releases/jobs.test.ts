// Job payloads are validated before a handler acts: a malformed job is refused with
// validation_failed and touches nothing (no database, no other service, no job sent).
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../platform/clock.ts";
import { makeJobQueue } from "../../platform/jobs/queue.ts";
import { FIRE_WAVE, fireWavePayload, jobPayload, PUBLISH, publishPayload } from "./jobs.ts";
import { makeReleases, type ReleaseDeps } from "./service.ts";

/** A dependency that records every use: nothing may be read or written for a malformed job. */
function tripwire(name: string, touched: string[]) {
  return new Proxy(
    {},
    {
      get(_t, prop) {
        if (prop === "then") return undefined;
        touched.push(`${name}.${String(prop)}`);
        throw new Error(`${name}.${String(prop)} used`);
      },
    },
  );
}

function engine() {
  const touched: string[] = [];
  const sent: string[] = [];
  const queue = makeJobQueue(fixedClock());
  const deps = {
    db: tripwire("db", touched),
    clock: fixedClock(),
    ids: () => {
      touched.push("ids");
      return "x";
    },
    audit: tripwire("audit", touched),
    sealer: tripwire("sealer", touched),
    advisories: tripwire("advisories", touched),
    partners: tripwire("partners", touched),
    mailer: tripwire("mailer", touched),
    publicUrl: "http://127.0.0.1:8080",
    transport: async () => {
      touched.push("transport");
      return { status: 200 };
    },
    queue,
  } as unknown as ReleaseDeps;
  const releases = makeReleases(deps);
  queue.connect({
    send: async (name) => {
      sent.push(name);
      return null;
    },
  });
  sent.length = 0; // the catch-up sweep sent on connecting
  return { releases, touched, sent };
}

const MALFORMED: unknown[] = [
  null,
  "wave_1",
  [],
  {},
  { waveId: 42 },
  { waveId: "" },
  { waveId: "w".repeat(101) },
  { waveId: "wave_1", version: "2" },
  { waveId: "wave_1", version: 1.5 },
  { planId: { $ne: null } },
  { messageId: null },
  { deliveryId: ["a"] },
];

describe("release job payloads", () => {
  it.each(MALFORMED)("refuses %j in every handler without touching anything", async (data) => {
    const { releases, touched, sent } = engine();
    const handlers = [releases.onFireJob, releases.onPublishJob, releases.onWebhookJob, releases.email.onJob];
    for (const handle of handlers) {
      await expect(handle(data)).rejects.toMatchObject({ code: "validation_failed" });
    }
    expect(touched).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("reads a well-formed payload, dropping what it does not know", () => {
    expect(jobPayload(FIRE_WAVE, fireWavePayload, { waveId: "wave_1", version: 3, extra: true })).toEqual({
      waveId: "wave_1",
      version: 3,
    });
    expect(jobPayload(PUBLISH, publishPayload, { planId: "plan_1" })).toEqual({ planId: "plan_1" });
  });

  it("names the queue and the problem when it refuses", () => {
    expect(() => jobPayload(PUBLISH, publishPayload, { planId: 7 })).toThrow(
      /malformed releases\.publish job: planId: /,
    );
  });
});
