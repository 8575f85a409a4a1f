// Canary token values: 20 characters of lower-case base32 (100 bits from the CSPRNG), usable as a DNS
// label and in a URL path, never derived from the recipient (a leaker cannot tell whose token it is).
import { createHash, randomBytes } from "node:crypto";

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
