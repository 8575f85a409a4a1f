// A form checked against a schema (the contract's body, or a stricter one with messages in words)
// when it is submitted: the one way the pages build their forms.
import { schemaResolver, type UseFormReturnType, useForm } from "@mantine/form";

export function useSchemaForm<Values extends Record<string, unknown>>(
  schema: Parameters<typeof schemaResolver>[0],
  initialValues: Values,
): UseFormReturnType<Values> {
  return useForm<Values>({ initialValues, validate: schemaResolver(schema, { sync: true }) });
}
