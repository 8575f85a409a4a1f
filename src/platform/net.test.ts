import { createServer, request } from "node:http";
import { describe, expect, it } from "vitest";
import { isPublicAddress, publicOnlyLookup } from "./net.ts";

describe("isPublicAddress", () => {
  it("accepts globally routable addresses", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "203.0.114.1", "2001:4860:4860::8888"])
      expect(isPublicAddress(a), a).toBe(true);
  });

  it("refuses loopback, private, link-local, carrier NAT, multicast and mapped addresses", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
    ])
      expect(isPublicAddress(a), a).toBe(false);
    expect(isPublicAddress("not an address")).toBe(false);
  });
});

describe("publicOnlyLookup", () => {
  it("refuses to connect to a name that resolves to loopback", async () => {
    const server = createServer((_req, res) => res.end("reached"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const get = (lookup?: typeof publicOnlyLookup) =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          { host: "localhost", port, path: "/", agent: false, ...(lookup ? { lookup } : {}) },
          (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve(body));
          },
        );
        req.on("error", reject);
        req.end();
      });
    try {
      expect(await get()).toBe("reached");
      await expect(get(publicOnlyLookup)).rejects.toThrow(/not a public address/);
    } finally {
      server.close();
    }
  });
});
