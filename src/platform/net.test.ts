import type { LookupAddress } from "node:dns";
import { createServer, request } from "node:http";
import { describe, expect, it } from "vitest";
import {
  addressProblem,
  checkedLookup,
  dialOptions,
  isPublicAddress,
  publicOnlyLookup,
  type Resolver,
} from "./net.ts";

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

  // Issue 9, M6: the hand-written list let these through.
  it("refuses benchmarking, IETF protocol, NAT64, 6to4, Teredo, IPv4-compatible and broadcast addresses", () => {
    for (const a of [
      "198.18.0.1",
      "198.19.255.255",
      "192.0.0.8",
      "192.0.2.1",
      "240.0.0.1",
      "255.255.255.255",
      "64:ff9b::a00:1",
      "64:ff9b::7f00:1",
      "64:ff9b:1::1",
      "2002:7f00:1::",
      "2001::1",
      "::7f00:1",
      "::a00:1",
      "::ffff:a00:1",
      "::ffff:0:7f00:1",
      "ff02::1",
      "2001:db8::1",
    ])
      expect(isPublicAddress(a), a).toBe(false);
    expect(addressProblem("::ffff:10.0.0.1")).toMatch(/private/);
    expect(addressProblem("::7f00:1")).toMatch(/IPv4-compatible/);
  });

  it("lets a lab dial loopback and private networks, never unspecified, broadcast, link-local or multicast", () => {
    const lab = { allowPrivate: true };
    for (const a of ["127.0.0.1", "10.1.2.3", "192.168.0.5", "::1", "fd00::1", "::ffff:127.0.0.1", "8.8.8.8"])
      expect(addressProblem(a, lab), a).toBeNull();
    for (const a of [
      "0.0.0.0",
      "::",
      "255.255.255.255",
      "169.254.169.254",
      "fe80::1",
      "224.0.0.1",
      "ff02::1",
      "198.18.0.1",
      "::7f00:1",
      "64:ff9b::7f00:1",
    ])
      expect(addressProblem(a, lab), a).not.toBeNull();
  });
});

/** A resolver that answers from a table: nothing leaves the machine. */
const fakeResolver =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const list = table[hostname];
    if (!list) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return list.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

const lookupWith = (lookup: ReturnType<typeof checkedLookup>, host: string, all = false) =>
  new Promise<string | LookupAddress[]>((resolve, reject) =>
    lookup(host, { all }, (err, address) => (err ? reject(err) : resolve(address))),
  );

describe("checkedLookup (resolve, then check every address)", () => {
  const resolve = fakeResolver({
    "hooks.acme.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "rebind.acme.example": ["93.184.215.14", "10.0.0.5"],
    "mapped.acme.example": ["::ffff:169.254.169.254"],
    "nat64.acme.example": ["64:ff9b::a9fe:a9fe"],
    "bench.acme.example": ["198.18.0.1"],
    "compat.acme.example": ["::7f00:1"],
    "lab.acme.example": ["10.0.0.5"],
    "zero.acme.example": ["0.0.0.0"],
  });

  it("answers with the addresses when every one is public", async () => {
    const lookup = checkedLookup({}, resolve);
    expect(await lookupWith(lookup, "hooks.acme.example")).toBe("93.184.215.14");
    expect(await lookupWith(lookup, "hooks.acme.example", true)).toHaveLength(2);
  });

  it("refuses a name when any address it resolves to is not public", async () => {
    const lookup = checkedLookup({}, resolve);
    for (const host of [
      "rebind.acme.example",
      "mapped.acme.example",
      "nat64.acme.example",
      "bench.acme.example",
      "compat.acme.example",
    ])
      await expect(lookupWith(lookup, host), host).rejects.toMatchObject({ code: "ENOTPUBLIC" });
    await expect(lookupWith(lookup, "missing.acme.example")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });

  it("in a lab, passes private addresses and still refuses unspecified ones", async () => {
    const lookup = checkedLookup({ allowPrivate: true }, resolve);
    expect(await lookupWith(lookup, "lab.acme.example")).toBe("10.0.0.5");
    await expect(lookupWith(lookup, "zero.acme.example")).rejects.toMatchObject({ code: "ENOTPUBLIC" });
  });
});

describe("dialOptions (what a delivery connects to)", () => {
  const never: Resolver = async () => {
    throw new Error("must not resolve");
  };

  // Node connects to an IP literal without calling `lookup`, so the literal is judged here.
  it("refuses literal addresses and refused names before any connection", () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://10.0.0.1/",
      "https://169.254.169.254/latest",
      "https://198.18.0.1/",
      "https://192.0.0.8/",
      "https://[::1]/",
      "https://[::127.0.0.1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://[64:ff9b::7f00:1]/",
      "https://[2002:7f00:1::]/",
      "https://localhost./",
      "https://x.internal./",
      "https://x.internal/",
      "https://localhost/",
    ])
      expect(() => dialOptions(new URL(url), {}, never), url).toThrow(/not a public|dot|special-use/);
    for (const url of ["https://0.0.0.0/", "https://255.255.255.255/", "https://[::]/", "https://x.lab./"])
      expect(() => dialOptions(new URL(url), { allowPrivate: true }, never), url).toThrow();
  });

  it("checks a name's addresses through the lookup it returns, on a fresh connection", async () => {
    const resolve = fakeResolver({ "hooks.acme.example": ["10.0.0.5"] });
    const opts = dialOptions(new URL("https://hooks.acme.example/x"), {}, resolve);
    expect(opts.agent).toBe(false);
    await expect(lookupWith(opts.lookup, "hooks.acme.example")).rejects.toThrow(/private, not a public/);
    expect(dialOptions(new URL("https://8.8.8.8/"), {}, never).agent).toBe(false);
    expect(dialOptions(new URL("https://127.0.0.1:9443/"), { allowPrivate: true }, never).agent).toBe(false);
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
