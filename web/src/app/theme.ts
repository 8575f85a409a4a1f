import { Badge, createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "md",
  fontFamily:
    "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'DejaVu Sans', sans-serif",
  fontFamilyMonospace: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
  headings: { fontWeight: "650" },
  components: {
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
