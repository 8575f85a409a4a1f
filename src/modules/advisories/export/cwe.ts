// CWE names from the catalogue csaf-validator-lib checks against (CSAF mandatory test 6.1.11).
import { weaknesses } from "@secvisogram/csaf-validator-lib/cwe.js";

const byId = new Map(weaknesses.map((w) => [w.id, w.name]));

/** The CWE with its catalogue name, or null when the ID is not in the catalogue. */
export function cweWithName(id: string | null): { id: string; name: string } | null {
  if (!id) return null;
  const name = byId.get(id);
  return name ? { id, name } : null;
}
