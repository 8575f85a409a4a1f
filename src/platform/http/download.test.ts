import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { contentDisposition, sendDownload } from "./download.ts";

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
    expect(r.headers["content-disposition"]).toBe(
      "attachment; filename=\"a_b_c__Set-Cookie: x.zip\"; filename*=UTF-8''a%22b%5Cc__Set-Cookie%3A%20x.zip",
    );
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["x-detected-type"]).toBe("application/zip");
    expect(r.headers["set-cookie"]).toBeUndefined();
    expect([...r.rawPayload]).toEqual([1, 2, 3]);
    await app.close();
  });

  // Issue 9, L2: a Cyrillic or emoji name was put raw into the header, and every download was a 500.
  it("serves non-ASCII names with an ASCII fallback and the exact name in filename* (RFC 6266)", async () => {
    const app = Fastify();
    const names = ["Отчёт ISO 27001.pdf", "audit 🔒.pdf", 'он сказал "да"\\\r\n.txt', "plain.pdf"];
    app.get<{ Querystring: { i: string } }>("/f", (req, reply) =>
      sendDownload(reply, { filename: names[Number(req.query.i)] ?? "", bytes: Buffer.from("x") }),
    );
    const got = [];
    for (const i of names.keys()) {
      const r = await app.inject({ url: `/f?i=${i}` });
      expect(r.statusCode).toBe(200);
      got.push(r.headers["content-disposition"]);
    }
    expect(got).toEqual([
      "attachment; filename=\"_____ ISO 27001.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20ISO%2027001.pdf",
      "attachment; filename=\"audit __.pdf\"; filename*=UTF-8''audit%20%F0%9F%94%92.pdf",
      "attachment; filename=\"__ ______ _______.txt\"; filename*=UTF-8''%D0%BE%D0%BD%20%D1%81%D0%BA%D0%B0%D0%B7%D0%B0%D0%BB%20%22%D0%B4%D0%B0%22%5C__.txt",
      'attachment; filename="plain.pdf"',
    ]);
    await app.close();
  });

  it("decodes filename* back to the exact name, whatever it holds", () => {
    for (const name of ["Отчёт.pdf", "🔒 a'b(c)*.pdf", "tab\there", "x"]) {
      const header = contentDisposition(name);
      const star = /filename\*=UTF-8''(.*)$/.exec(header)?.[1];
      const plain = /filename="([^"]*)"/.exec(header)?.[1];
      expect(star ? decodeURIComponent(star) : plain).toBe(name.replace(/\t/g, "_"));
      expect(contentDisposition(name)).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
