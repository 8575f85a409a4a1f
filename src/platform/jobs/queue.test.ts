// The job queue handle: services hold it from construction; the queue is connected once, later.
import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { makeJobQueue, type Queue } from "./queue.ts";

const queue = (sent: string[]): Queue => ({
  send: async (name) => {
    sent.push(name);
    return null;
  },
});

describe("job queue handle", () => {
  it("has no queue until connected, then the queue and when it was connected", () => {
    const clock = fixedClock("2026-05-01T10:00:00Z");
    const h = makeJobQueue(clock);
    expect(h.current()).toBeNull();
    expect(h.connectedAt()).toBeNull();
    const q = queue([]);
    h.connect(q);
    expect(h.current()).toBe(q);
    expect(h.connectedAt()?.toISOString()).toBe("2026-05-01T10:00:00.000Z");
  });

  it("runs what waits for the connection once, and at once when already connected", async () => {
    const h = makeJobQueue(fixedClock());
    const sent: string[] = [];
    h.onConnect((q) => void q.send("before", {}, {}));
    expect(sent).toEqual([]);
    h.connect(queue(sent));
    h.onConnect((q) => void q.send("after", {}, {}));
    expect(sent).toEqual(["before", "after"]);
  });

  it("refuses a second connection", () => {
    const h = makeJobQueue(fixedClock());
    h.connect(queue([]));
    expect(() => h.connect(queue([]))).toThrow(/already connected/);
  });
});
