import {
  Anchor,
  Badge,
  Code,
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  Drawer,
  type MantineColorsTuple,
  Modal,
  Notification,
} from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "md",
  fontFamily:
    "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'DejaVu Sans', sans-serif",
  fontFamilyMonospace: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
  headings: { fontWeight: "650" },
  components: {
    // A block of code wraps instead of scrolling sideways: a scrolling region would need to be
    // reachable by keyboard (WCAG 2.1.1), and a long link or hash is read whole.
    Code: Code.extend({
      styles: (_theme, props) =>
        props.block ? { root: { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } } : {},
    }),
    // Close buttons show only a cross: they say what they do to assistive technology (WCAG 4.1.2).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close dialog" } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { "aria-label": "Close notification" } },
    }),
    // A link is told apart from the text around it by more than its colour (WCAG 1.4.1).
    Anchor: Anchor.extend({ defaultProps: { underline: "always" } }),
    // A badge says a state or a role: it is never cut to "VETTED PL…". It keeps its size in a row
    // and wraps its text on a second line when its container is narrower than the label.
    Badge: Badge.extend({
      styles: {
        root: {
          height: "auto",
          minHeight: "var(--badge-height)",
          maxWidth: "100%",
          flexShrink: 0,
          overflow: "visible",
          paddingBlock: 1,
        },
        label: {
          whiteSpace: "normal",
          overflow: "visible",
          textOverflow: "clip",
          overflowWrap: "anywhere",
          lineHeight: 1.35,
        },
      },
    }),
  },
});

// WCAG 2.1 AA asks 4.5:1 between text and its background (1.4.3). Mantine's light scheme draws
// several texts in shade 6 of a palette (dimmed grey, links, filled buttons and badges with white
// text, coloured text) and light badges in shade 9 on shade 1 or 2, which for most palettes is
// 2:1 to 4.4:1. The resolver below keeps each palette's hue and darkens just those colours until
// they reach the ratio on every background they are drawn on, with a little margin.
const TARGET = 4.6;

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const h = hex.replace("#", "");
  const full = h.length === 3 ? [...h].map((c) => c + c).join("") : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}

/** Relative luminance as WCAG defines it. */
function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(parseHex(a)), luminance(parseHex(b))].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

function darken(color: string, amount: number): string {
  return toHex(parseHex(color).map((v) => v * (1 - amount)) as Rgb);
}

function lighten(color: string, amount: number): string {
  return toHex(parseHex(color).map((v) => v + (255 - v) * amount) as Rgb);
}

/**
 * The colour, mixed with black (or white, for a dark scheme) in small steps until it reads at
 * TARGET on every background.
 */
export function readableOn(
  color: string,
  backgrounds: string[],
  towards: "black" | "white" = "black",
): string {
  for (let k = 0; k <= 1; k += 0.02) {
    const candidate = towards === "black" ? darken(color, k) : lighten(color, k);
    if (backgrounds.every((bg) => contrast(candidate, bg) >= TARGET)) return candidate;
  }
  return towards === "black" ? "#000000" : WHITE;
}

const WHITE = "#ffffff";
const gray = DEFAULT_THEME.colors.gray;
// The light backgrounds text sits on: the page, striped rows and grey panels (gray 0 to 2).
const SURFACES = [WHITE, gray[0], gray[1], gray[2]];

/**
 * CSS variables with AA contrast in both schemes: in the light one the colours are darkened, in
 * the dark one texts are lightened and filled backgrounds (white text on shade 8) darkened.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = {};
  const dark: Record<string, string> = {};
  const palettes = Object.entries(t.colors).filter(([name]) => name !== "dark") as [
    string,
    MantineColorsTuple,
  ][];
  // Light alerts, badges and selected rows lay shade 1 of their colour under text of any colour.
  const tints = palettes.map(([, shades]) => shades[1]);
  const behindText = [...SURFACES, ...tints];
  // The dark scheme's page, panels and hovers (dark 5 to 8), and its light variants' backgrounds
  // (shade 9 darkened by half; by 30 % when hovered, for the light variant's own text).
  const darkShades = t.colors.dark ?? DEFAULT_THEME.colors.dark;
  const darkTints = palettes.map(([, shades]) => darken(shades[9], 0.5));
  const behindDarkText = [darkShades[5], darkShades[6], darkShades[7], darkShades[8], ...darkTints];
  for (const [name, shades] of palettes) {
    const filled = readableOn(shades[6], [WHITE]);
    const text = readableOn(shades[6], behindText);
    light[`--mantine-color-${name}-filled`] = filled;
    light[`--mantine-color-${name}-filled-hover`] = darken(filled, 0.12);
    light[`--mantine-color-${name}-text`] = text;
    light[`--mantine-color-${name}-outline`] = text;
    const darkFilled = readableOn(shades[8], [WHITE]);
    dark[`--mantine-color-${name}-filled`] = darkFilled;
    dark[`--mantine-color-${name}-filled-hover`] = darken(darkFilled, 0.12);
    const darkText = readableOn(shades[4], behindDarkText, "white");
    dark[`--mantine-color-${name}-text`] = darkText;
    dark[`--mantine-color-${name}-outline`] = darkText;
    dark[`--mantine-color-${name}-light-color`] = readableOn(
      shades[0],
      [darken(shades[9], 0.5), darken(shades[9], 0.3)],
      "white",
    );
    // Light badges, alerts and buttons: shade 9 on shade 1, or on shade 2 when hovered or active.
    light[`--mantine-color-${name}-light-color`] = readableOn(shades[9], [shades[1], shades[2]]);
  }
  const primary = t.colors[t.primaryColor] ?? DEFAULT_THEME.colors.blue;
  light["--mantine-color-dimmed"] = readableOn(gray[6], behindText);
  light["--mantine-color-anchor"] = readableOn(primary[6], behindText);
  light["--mantine-color-error"] = readableOn(t.colors.red?.[6] ?? "#fa5252", behindText);
  dark["--mantine-color-dimmed"] = readableOn(darkShades[2], behindDarkText, "white");
  dark["--mantine-color-anchor"] = readableOn(primary[4], behindDarkText, "white");
  dark["--mantine-color-error"] = readableOn(t.colors.red?.[5] ?? "#ff6b6b", behindDarkText, "white");
  return { variables: {}, light, dark };
};
