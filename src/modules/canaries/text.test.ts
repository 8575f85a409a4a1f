import { describe, expect, it } from "vitest";
import { printable } from "./text.ts";

describe("printable", () => {
  it("escapes control characters, separators and bidi overrides", () => {
    expect(printable("GET /c/x\r\nX-Evil: 1", 100)).toBe("GET /c/x\\x{d}\\x{a}X-Evil: 1");
    expect(printable("a\u202eb\u2028c\u0000d\\e", 100)).toBe("a\\x{202e}b\\x{2028}c\\x{0}d\\\\e");
    expect(printable("Mozilla/5.0 (X11; Linux) é 漢", 100)).toBe("Mozilla/5.0 (X11; Linux) é 漢");
  });
  it("cuts at the limit, never inside an escape", () => {
    expect(printable("x".repeat(500), 10)).toBe(`${"x".repeat(10)}…`);
    const cut = printable(`${"x".repeat(8)}\n`, 10);
    expect(cut).toBe(`${"x".repeat(8)}…`);
  });
});
