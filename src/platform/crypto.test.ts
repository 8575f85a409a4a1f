import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeSealer, parseMasterKey, safeEqual } from "./crypto.ts";

describe("sealer", () => {
  const key = randomBytes(32);
  const s = makeSealer(key);

  it("opens what it sealed, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string(), (text, ctx) => {
        expect(s.open(s.seal(text, ctx), ctx)).toBe(text);
      }),
    );
  });

  it("never seals the same text to the same bytes", () => {
    expect(s.seal("secret", "c")).not.toBe(s.seal("secret", "c"));
  });

  it("refuses another context, another key, and any flipped character", () => {
    const sealed = s.seal("JBSWY3DPEHPK3PXP", "users.totp_secret:usr_1");
    expect(() => s.open(sealed, "users.totp_secret:usr_2")).toThrow();
    expect(() => makeSealer(randomBytes(32)).open(sealed, "users.totp_secret:usr_1")).toThrow();
    const parts = sealed.split(".");
    const body = parts[2] as string;
    parts[2] = (body[0] === "A" ? "B" : "A") + body.slice(1);
    expect(() => s.open(parts.join("."), "users.totp_secret:usr_1")).toThrow();
  });

  it("takes a 32-byte key in base64 or base64url only", () => {
    expect(parseMasterKey(key.toString("base64")).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString("base64url")).equals(key)).toBe(true);
    expect(() => parseMasterKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });

  it("compares secrets by content", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
