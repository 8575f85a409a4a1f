import { DEFAULT_THEME, mergeMantineTheme } from "@mantine/core";
import { describe, expect, test } from "vitest";
import { contrast, cssVariablesResolver, readableOn, theme } from "./theme.ts";

const full = mergeMantineTheme(DEFAULT_THEME, theme);
const { light, dark } = cssVariablesResolver(full);
const palettes = Object.keys(full.colors).filter((name) => name !== "dark");
const gray = full.colors.gray;

describe("theme colours meet WCAG 2.1 AA (4.5:1)", () => {
  test("Mantine's own light-scheme shades do not (what the resolver is for)", () => {
    expect(contrast(gray[6], "#ffffff")).toBeLessThan(4.5);
    expect(contrast(full.colors.blue[6], "#ffffff")).toBeLessThan(4.5);
    expect(contrast(full.colors.teal[9], full.colors.teal[1])).toBeLessThan(4.5);
  });

  test.each(palettes)("%s: filled, text, outline and light colours", (name) => {
    const shades = full.colors[name] ?? [];
    const v = (suffix: string) => light[`--mantine-color-${name}-${suffix}`] ?? "";
    expect(contrast("#ffffff", v("filled"))).toBeGreaterThanOrEqual(4.5);
    expect(contrast("#ffffff", v("filled-hover"))).toBeGreaterThanOrEqual(4.5);
    expect(contrast("#ffffff", dark[`--mantine-color-${name}-filled`] ?? "")).toBeGreaterThanOrEqual(4.5);
    for (const bg of ["#ffffff", gray[0], gray[1], gray[2], shades[1] ?? ""]) {
      expect(contrast(v("text"), bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(v("outline"), bg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast(v("light-color"), shades[1] ?? "")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(v("light-color"), shades[2] ?? "")).toBeGreaterThanOrEqual(4.5);
  });

  test("dimmed text, links and errors on the page, grey panels and light alerts", () => {
    const backgrounds = ["#ffffff", gray[0], gray[1], gray[2]];
    for (const bg of [...backgrounds, ...palettes.map((p) => full.colors[p]?.[1] ?? "")])
      expect(contrast(light["--mantine-color-dimmed"] ?? "", bg)).toBeGreaterThanOrEqual(4.5);
    for (const bg of [...backgrounds, ...palettes.map((p) => full.colors[p]?.[1] ?? "")]) {
      expect(contrast(light["--mantine-color-anchor"] ?? "", bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(light["--mantine-color-error"] ?? "", bg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  test.each(palettes)("%s in the dark scheme: text, outline and light colours", (name) => {
    const shades = full.colors[name] ?? [];
    const d = (suffix: string) => dark[`--mantine-color-${name}-${suffix}`] ?? "";
    const darkShades = full.colors.dark;
    for (const bg of [darkShades[5], darkShades[6], darkShades[7], darkShades[8]]) {
      expect(contrast(d("text"), bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(d("outline"), bg)).toBeGreaterThanOrEqual(4.5);
      for (const v of ["dimmed", "anchor", "error"])
        expect(contrast(dark[`--mantine-color-${v}`] ?? "", bg)).toBeGreaterThanOrEqual(4.5);
    }
    // Mantine's dark light-variant background: shade 9 darkened by half (30 % when hovered).
    for (const k of [0.5, 0.3]) {
      const bg = `#${(shades[9] ?? "")
        .slice(1)
        .match(/../g)
        ?.map((h) =>
          Math.round(Number.parseInt(h, 16) * (1 - k))
            .toString(16)
            .padStart(2, "0"),
        )
        .join("")}`;
      expect(contrast(d("light-color"), bg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  test("a colour that already reads well is kept as it is", () => {
    expect(readableOn("#212529", ["#ffffff"])).toBe("#212529");
  });
});
