import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { webhookUrlProblem } from "./members.ts";
import { sniffEvidence } from "./records.ts";

describe("webhook URLs", () => {
  it("accepts https on public names and addresses", () => {
    for (const ok of [
      "https://hooks.acme.example/forewarn",
      "https://8.8.8.8:8443/x?y=1",
      "https://[2001:4860:4860::8888]/x",
    ])
      expect(webhookUrlProblem(ok), ok).toBeNull();
  });

  it.each<[string, RegExp]>([
    ["http://hooks.acme.example/", /https/],
    ["ftp://hooks.acme.example/", /https/],
    ["https://u:p@hooks.acme.example/", /credentials/],
    ["https://hooks.acme.example/#x", /fragment/],
    ["https://localhost/", /special-use/],
    ["https://api.localhost/", /special-use/],
    ["https://printer.local/", /special-use/],
    ["https://db.internal/", /special-use/],
    ["https://intranet/", /not a public domain/],
    ["https://127.0.0.1/", /loopback/],
    ["https://10.0.0.1/", /private/],
    ["https://172.16.5.5/", /private/],
    ["https://192.168.1.1/", /private/],
    ["https://169.254.169.254/", /linkLocal/],
    ["https://100.64.0.1/", /carrierGradeNat/],
    ["https://0.0.0.0/", /unspecified/],
    ["https://[::1]/", /loopback/],
    ["https://[fd00::1]/", /uniqueLocal/],
    ["https://[fe80::1]/", /linkLocal/],
    ["https://[::ffff:127.0.0.1]/", /loopback/],
    ["not a url", /not a URL/],
    // Issue 9, M6: benchmarking, IETF protocol, NAT64, 6to4, IPv4-compatible, trailing-dot and
    // special-use hosts were accepted at registration.
    ["https://198.18.0.1/", /reserved/],
    ["https://198.19.255.254/", /reserved/],
    ["https://192.0.0.8/", /reserved/],
    ["https://[64:ff9b::a00:1]/", /rfc6052/],
    ["https://[64:ff9b::7f00:1]/", /rfc6052/],
    ["https://[2002:7f00:1::]/", /6to4/],
    ["https://[::127.0.0.1]/", /IPv4-compatible/],
    ["https://[::a00:1]/", /IPv4-compatible/],
    ["https://[::ffff:a00:1]/", /private/],
    ["https://255.255.255.255/", /broadcast/],
    ["https://localhost./", /dot/],
    ["https://x.internal./", /dot/],
    ["https://hooks.acme.example./", /dot/],
    ["https://router.home.arpa/", /special-use/],
    ["https://hidden.onion/", /special-use/],
    ["https://hooks.test/", /special-use/],
    ["https://nothing.invalid/", /special-use/],
    ["https://LOCALHOST/", /special-use/],
    // Other spellings of loopback reach the classifier in canonical form (WHATWG URL).
    ["https://2130706433/", /loopback/],
    ["https://0x7f.1/", /loopback/],
    ["https://0177.0.0.1/", /loopback/],
    ["https://[0:0:0:0:0:ffff:7f00:1]/", /loopback/],
  ])("refuses %s (%s): not https, credentials, a fragment or a host that is not public", (url, why) => {
    expect(webhookUrlProblem(url)).toMatch(why);
  });

  it("lets a lab (allow private) register loopback and private receivers, but never the rest", () => {
    for (const ok of [
      "https://127.0.0.1/",
      "https://127.0.0.1:9443/",
      "https://10.1.2.3/",
      "https://[fd00::1]/",
      "https://localhost/",
    ])
      expect(webhookUrlProblem(ok, true), ok).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1/", true)).toMatch(/https/);
    for (const bad of [
      "https://0.0.0.0/",
      "https://255.255.255.255/",
      "https://169.254.169.254/",
      "https://[::]/",
      "https://[ff02::1]/",
      "https://224.0.0.1/",
      "https://198.18.0.1/",
      "https://[::127.0.0.1]/",
      "https://localhost./",
    ])
      expect(webhookUrlProblem(bad, true), bad).not.toBeNull();
  });
});

describe("evidence types by content", () => {
  it("recognises PDF, PNG, JPEG and text whatever the file is called", () => {
    expect(sniffEvidence(Buffer.from("%PDF-1.4\n..."))).toBe("application/pdf");
    expect(sniffEvidence(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe(
      "image/png",
    );
    expect(sniffEvidence(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe("image/jpeg");
    expect(sniffEvidence(Buffer.from("ISO 27001 certificate no. 1234\r\nvalid until 2027\tok\n"))).toBe(
      "text/plain",
    );
    expect(sniffEvidence(Buffer.from("Überprüfung bestanden ✓"))).toBe("text/plain");
  });

  it("refuses executables, archives, empty files and binary noise", () => {
    expect(sniffEvidence(Buffer.from("MZ\x90\x00\x03"))).toBeNull();
    expect(sniffEvidence(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toBeNull();
    expect(sniffEvidence(Buffer.alloc(0))).toBeNull();
    expect(sniffEvidence(Buffer.from([0xc3, 0x28]))).toBeNull();
  });

  it("never calls text anything that holds a NUL byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(199), (bytes, at) => {
        const b = Buffer.from(bytes);
        b[at % b.length] = 0;
        expect(sniffEvidence(b)).not.toBe("text/plain");
      }),
    );
  });
});
