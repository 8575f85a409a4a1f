// A form of one field and its button (a CVSS vector, a CWE, a deadline, a note): typed in, sent through
// the typed client, and a refusal shown as a notice and on the field (a 400's issue for `field`).
import { Button, Group, Textarea, TextInput } from "@mantine/core";
import { schemaResolver, useForm } from "@mantine/form";
import type { z } from "zod";
import type { ApiClient } from "./api.ts";
import { useApiMutation } from "./useApiMutation.ts";

export function OneFieldForm({
  field,
  label,
  initial = "",
  submit,
  button,
  schema,
  invalidates,
  success,
  type,
  placeholder,
  maxLength,
  variant = "light",
  color,
  multiline = false,
  requireText = false,
  clearOnSuccess = false,
}: {
  /** The body field the server names in a refusal: its error is shown here. */
  field: string;
  /** Without one, the placeholder names the field. */
  label?: string;
  initial?: string;
  submit: (value: string, api: ApiClient) => Promise<unknown>;
  /** The button's label, by the value typed (e.g. "Reserve" while empty). */
  button: string | ((value: string) => string);
  /** Checked before sending; without it only the server decides. */
  schema?: z.ZodType<Record<string, unknown>>;
  invalidates?: readonly string[];
  success?: string;
  type?: string;
  placeholder?: string;
  maxLength?: number;
  variant?: string;
  color?: string;
  /** A text area (a note) in place of a one-line input. */
  multiline?: boolean;
  /** The button stays disabled while the field is blank. */
  requireText?: boolean;
  /** Emptied once the server took it, ready for the next (a note). */
  clearOnSuccess?: boolean;
}) {
  const form = useForm<Record<string, string>>({
    initialValues: { [field]: initial },
    ...(schema ? { validate: schemaResolver(schema, { sync: true }) } : {}),
  });
  const send = useApiMutation({
    fn: (v: Record<string, string>, api) => submit((v[field] ?? "").trim(), api),
    ...(invalidates ? { invalidates } : {}),
    ...(success ? { success } : {}),
    form,
    fields: [field],
    ...(clearOnSuccess ? { onSuccess: () => form.reset() } : {}),
  });
  const value = form.values[field] ?? "";
  const Input = multiline ? Textarea : TextInput;
  return (
    <form onSubmit={form.onSubmit((v) => send.mutate(v))}>
      <Group gap="xs" align="flex-end">
        <Input
          style={{ flex: 1 }}
          label={label}
          type={type}
          placeholder={placeholder}
          maxLength={maxLength}
          {...form.getInputProps(field)}
        />
        <Button
          type="submit"
          variant={variant}
          color={color}
          disabled={requireText && !value.trim()}
          loading={send.isPending}
        >
          {typeof button === "function" ? button(value.trim()) : button}
        </Button>
      </Group>
    </form>
  );
}
