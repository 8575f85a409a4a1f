// The fields of an advisory revision (title, products, a markdown text per section) as one form, for
// a new advisory and for every later revision. The server's refusals land on the field at fault.
import { Stack, Textarea, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { z } from "zod";
import { SECTION_TITLES, SECTIONS, type Section } from "./model.ts";
import { TracingMeter } from "./TracingMeter.tsx";

export type ContentValues = { title: string; products: string; sections: Record<Section, string> };

export const ContentSchema = z.object({
  title: z.string().trim().min(1, "give the advisory a title").max(300, "at most 300 characters"),
  products: z.string(),
  sections: z.record(z.string(), z.string()),
});

/** The form paths a server issue may point into: `/products/0/vendor` lands on the products text. */
export const CONTENT_FIELDS = ["title", "products", ...SECTIONS.map((s) => `sections.${s}`)];

export const emptySections = () =>
  Object.fromEntries(SECTIONS.map((s) => [s, ""])) as Record<Section, string>;

export function ContentFields<T extends ContentValues>({ form }: { form: UseFormReturnType<T> }) {
  return (
    <Stack>
      <TextInput label="Title" required maxLength={300} {...form.getInputProps("title")} />
      <Textarea
        label="Products"
        description="One a line: Vendor | Product | affected versions, … | fixed versions, … | purl or CPE (optional)"
        autosize
        minRows={2}
        {...form.getInputProps("products")}
      />
      {SECTIONS.map((s) => (
        <Textarea
          key={s}
          label={`${SECTION_TITLES[s]} (markdown)`}
          autosize
          minRows={s === "summary" ? 2 : 3}
          {...form.getInputProps(`sections.${s}`)}
        />
      ))}
      <TracingMeter
        sections={form.values.sections}
        onAccept={(s, text) => form.getInputProps(`sections.${s}`).onChange(text)}
      />
    </Stack>
  );
}
