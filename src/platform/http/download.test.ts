import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { sendDownload } from "./download.ts";

describe("sendDownload", () => {
  it("answers an attachment that browsers will not sniff, and keeps a hostile name inside its header", async () => {
    const app = Fastify();
    app.get("/f", (_req, reply) =>
      sendDownload(reply, {
        filename: 'a"b\\c\r\nSet-Cookie: x.zip',
        bytes: Buffer.from([1, 2, 3]),
        mediaType: "application/zip",
      }),
    );
    const r = await app.inject({ url: "/f" });
    expect(r.headers["content-type"]).toBe("application/octet-stream");
    expect(r.headers["content-disposition"]).toBe('attachment; filename="a_b_c__Set-Cookie: x.zip"');
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["x-detected-type"]).toBe("application/zip");
    expect(r.headers["set-cookie"]).toBeUndefined();
    expect([...r.rawPayload]).toEqual([1, 2, 3]);
    await app.close();
  });
});
