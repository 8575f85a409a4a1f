// Upload types are judged by content.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeFilename, sniffType } from "./files.ts";

describe("sniffType", () => {
  it("recognises each accepted type by its first bytes, whatever the name says", () => {
    expect(sniffType(Buffer.from("%PDF-1.7\n"), "x.png")).toBe("application/pdf");
    expect(sniffType(Buffer.from("89504e470d0a1a0a00", "hex"), "x.pdf")).toBe("image/png");
    expect(sniffType(Buffer.from("ffd8ffe000104a464946", "hex"))).toBe("image/jpeg");
    expect(sniffType(Buffer.from("504b0304140000", "hex"))).toBe("application/zip");
    expect(sniffType(Buffer.from("d4c3b2a1020004", "hex"))).toBe("application/vnd.tcpdump.pcap");
    expect(sniffType(Buffer.from("0a0d0d0a1c000000", "hex"))).toBe("application/vnd.tcpdump.pcap");
    expect(sniffType(Buffer.from("# Notes\n\ntext\n"), "report.md")).toBe("text/markdown");
    expect(sniffType(Buffer.from("plain\ttext\r\n"), "a.txt")).toBe("text/plain");
  });

  it("refuses executables, binary junk and empty files", () => {
    expect(sniffType(Buffer.from("7f454c46020101", "hex"), "paper.pdf")).toBeNull();
    expect(sniffType(Buffer.from("4d5a90000300", "hex"), "a.txt")).toBeNull();
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });

  it("never throws, on any bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => void sniffType(Buffer.from(b))));
  });
});

describe("safeFilename", () => {
  it("keeps a plain name and strips paths and odd characters", () => {
    expect(safeFilename("report.pdf")).toBe("report.pdf");
    expect(safeFilename("../../etc/passwd")).toBe("passwd");
    expect(safeFilename('a"b\r\n.txt')).toBe("a_b__.txt");
    expect(safeFilename("...")).toBe("file");
  });
});
