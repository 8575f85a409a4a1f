// A choice from a fixed list (a select, a segmented control) narrowed back to the contract's type:
// Mantine hands back strings, the typed client wants the enum.

/** Whether `value` is one of `list`, narrowing it to the list's type. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (list as readonly string[]).includes(value);
}

/** `value` when it is one of `list`, else undefined (no filter). */
export function oneOf<T extends string>(list: readonly T[], value: unknown): T | undefined {
  return isOneOf(list, value) ? value : undefined;
}
