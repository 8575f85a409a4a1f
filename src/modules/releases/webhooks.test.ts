import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { httpTransport } from "./webhooks.ts";

describe("webhook transport", () => {
  it("refuses, when told to, an endpoint whose name resolves to a private address", async () => {
    let hits = 0;
    const sink = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
    const url = `http://localhost:${(sink.address() as { port: number }).port}/hook`;
    try {
      await expect(httpTransport({ blockPrivate: true })(url, {}, "{}")).rejects.toThrow(
        /not a public address/,
      );
      expect(hits).toBe(0);
      expect(await httpTransport()(url, {}, "{}")).toEqual({ status: 200 });
      expect(hits).toBe(1);
    } finally {
      sink.close();
    }
  });
});
