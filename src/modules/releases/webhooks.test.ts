import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { httpTransport } from "./webhooks.ts";

/** A receiver on 127.0.0.1 that answers 200 and counts the requests that reach it. */
async function countingSink() {
  let hits = 0;
  const sink = createServer((_req, res) => {
    hits++;
    res.end();
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  return { port: (sink.address() as { port: number }).port, hits: () => hits, close: () => sink.close() };
}

describe("webhook transport", () => {
  it("refuses, when told to, an endpoint whose name resolves to a private address", async () => {
    const sink = await countingSink();
    const url = `http://localhost:${sink.port}/hook`;
    try {
      await expect(httpTransport({ blockPrivate: true })(url, {}, "{}")).rejects.toThrow(
        /not a public (address|host)/,
      );
      expect(sink.hits()).toBe(0);
      expect(await httpTransport()(url, {}, "{}")).toEqual({ status: 200 });
      expect(sink.hits()).toBe(1);
    } finally {
      sink.close();
    }
  });

  // Issue 9, M6: an IP-literal URL skipped the delivery-time check (Node does no lookup for it).
  it("refuses an IP-literal endpoint on loopback at delivery, and a lab still never dials 0.0.0.0", async () => {
    const sink = await countingSink();
    const port = sink.port;
    try {
      for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]"])
        await expect(
          httpTransport({ blockPrivate: true })(`http://${host}:${port}/hook`, {}, "{}"),
          host,
        ).rejects.toThrow(/not a public address/);
      await expect(httpTransport()(`http://0.0.0.0:${port}/hook`, {}, "{}")).rejects.toThrow(/unspecified/);
      expect(sink.hits()).toBe(0);
      expect(await httpTransport()(`http://127.0.0.1:${port}/hook`, {}, "{}")).toEqual({ status: 200 });
      expect(sink.hits()).toBe(1);
    } finally {
      sink.close();
    }
  });
});
