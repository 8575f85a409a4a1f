// The strict CVSS parser in front of the calculator: every well-formed vector scores within 0..10 with
// the severity of its band; a single wrong value or a missing base metric is named.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CvssError, scoreCvss, severityOf } from "./cvss.ts";

const V4_BASE: [string, string[]][] = [
  ["AV", ["N", "A", "L", "P"]],
  ["AC", ["L", "H"]],
  ["AT", ["N", "P"]],
  ["PR", ["N", "L", "H"]],
  ["UI", ["N", "P", "A"]],
  ["VC", ["H", "L", "N"]],
  ["VI", ["H", "L", "N"]],
  ["VA", ["H", "L", "N"]],
  ["SC", ["H", "L", "N"]],
  ["SI", ["H", "L", "N"]],
  ["SA", ["H", "L", "N"]],
];
const V31_BASE: [string, string[]][] = [
  ["AV", ["N", "A", "L", "P"]],
  ["AC", ["L", "H"]],
  ["PR", ["N", "L", "H"]],
  ["UI", ["N", "R"]],
  ["S", ["U", "C"]],
  ["C", ["H", "L", "N"]],
  ["I", ["H", "L", "N"]],
  ["A", ["H", "L", "N"]],
];

const vector = (prefix: string, base: [string, string[]][]) =>
  fc
    .tuple(...base.map(([, values]) => fc.constantFrom(...values)))
    .map((vals) => `${prefix}/${base.map(([m], i) => `${m}:${vals[i]}`).join("/")}`);

describe("scoreCvss", () => {
  it("scores every well-formed 4.0 and 3.1 base vector within 0..10 with its band's severity", () => {
    fc.assert(
      fc.property(fc.oneof(vector("CVSS:4.0", V4_BASE), vector("CVSS:3.1", V31_BASE)), (v) => {
        const r = scoreCvss(v);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(10);
        expect(Math.round(r.score * 10)).toBe(r.score * 10);
        expect(r.severity).toBe(severityOf(r.score));
      }),
      { numRuns: 300 },
    );
  });

  it("names the metric whose value is wrong, or that is missing", () => {
    fc.assert(
      fc.property(vector("CVSS:4.0", V4_BASE), fc.nat(V4_BASE.length - 1), fc.boolean(), (v, i, drop) => {
        const metric = V4_BASE[i]?.[0] ?? "AV";
        const parts = v.split("/");
        const broken = drop
          ? parts.filter((p) => !p.startsWith(`${metric}:`)).join("/")
          : parts.map((p) => (p.startsWith(`${metric}:`) ? `${metric}:Q` : p)).join("/");
        try {
          scoreCvss(broken);
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(CvssError);
          expect((e as CvssError).metric).toBe(metric);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses duplicates, unknown metrics, other versions and junk", () => {
    for (const bad of [
      "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/FOO:B",
      "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "AV:N/AC:L/Au:N/C:P/I:P/A:P",
      "CVSS:4.0/",
      "",
    ])
      expect(() => scoreCvss(bad)).toThrow(CvssError);
  });

  it("refuses metric names inherited from Object.prototype as unknown, not with a TypeError", () => {
    for (const name of ["constructor", "__proto__", "hasOwnProperty", "toString", "valueOf"])
      for (const base of [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      ])
        expect(() => scoreCvss(`${base}/${name}:X`)).toThrow(/unknown CVSS .* metric/);
  });
});
