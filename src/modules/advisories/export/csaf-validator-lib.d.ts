// Types for the parts of @secvisogram/csaf-validator-lib we use (the package ships JavaScript only).
declare module "@secvisogram/csaf-validator-lib/cwe.js" {
  export const weaknesses: readonly { id: string; name: string }[];
}
declare module "@secvisogram/csaf-validator-lib/validate.js" {
  type Result = { isValid?: boolean; errors?: unknown[]; warnings?: unknown[]; infos?: unknown[] };
  type DocumentTest = (doc: unknown) => Result | Promise<Result>;
  export default function validate(
    tests: DocumentTest[],
    doc: unknown,
  ): Promise<{
    isValid: boolean;
    tests: { name: string; isValid: boolean; errors: unknown[]; warnings: unknown[]; infos: unknown[] }[];
  }>;
}
declare module "@secvisogram/csaf-validator-lib/mandatoryTests.js" {
  const tests: Record<string, (doc: unknown) => unknown>;
  export = tests;
}
declare module "@secvisogram/csaf-validator-lib/schemas/*" {
  const schema: Record<string, unknown>;
  export default schema;
}
