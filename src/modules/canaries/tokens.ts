// Canary token values: 20 characters of lower-case base32 (100 bits from the CSPRNG), usable as a DNS
// label and in a URL path, never derived from the recipient (a leaker cannot tell whose token it is).
import { createHash, randomBytes } from "node:crypto";
import type { DbOrTx } from "../../platform/db/client.ts";
import { canaryTokens } from "./schema.ts";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
export const CANARY_TOKEN_LENGTH = 20;
export const CANARY_TOKEN_PATTERN = /^[a-z2-7]{20}$/;

/** A fresh random token (100 bits). */
export function newCanaryToken(): string {
  const bytes = randomBytes(CANARY_TOKEN_LENGTH);
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** What is stored and looked up: the token's hash, so the database alone cannot fire a canary. */
export function hashCanaryToken(token: string): string {
  return createHash("sha256").update(token.toLowerCase()).digest("hex");
}

/** A token the release engine placed in one recipient's copy, as it hands it over to be stored. */
export type PlacedToken = Omit<typeof canaryTokens.$inferInsert, "tokenHash"> & { token: string };

/**
 * Stores the tokens placed in copies, in the caller's transaction (the release engine's, with the
 * deliveries that carry them), by hash only: the database alone cannot fire a canary.
 */
export async function storePlacedTokens(tx: DbOrTx, placed: readonly PlacedToken[]): Promise<void> {
  if (placed.length === 0) return;
  await tx
    .insert(canaryTokens)
    .values(placed.map(({ token, ...t }) => ({ ...t, tokenHash: hashCanaryToken(token) })));
}
