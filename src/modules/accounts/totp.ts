// TOTP (RFC 6238) second factor and its one-time recovery codes.
import { randomBytes } from "node:crypto";
import * as OTPAuth from "otpauth";
import { sha256Hex } from "../../platform/crypto.ts";

const PERIOD = 30;

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export function otpauthUri(secretBase32: string, email: string, issuer = "Forewarn"): string {
  return new OTPAuth.TOTP({
    issuer,
    label: email,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    period: PERIOD,
  }).toString();
}

/**
 * Checks a code against the secret, one step either side for clock drift. Returns the time step
 * the code belongs to, or null; the caller refuses steps at or before the last one accepted.
 */
export function checkTotp(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretBase32), period: PERIOD });
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

export function totpCode(secretBase32: string, now: Date): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretBase32), period: PERIOD }).generate({
    timestamp: now.getTime(),
  });
}

const RC_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** Ten codes like `k7m2p-x9qrt` (about 49 bits each); stored only as SHA-256. */
export function newRecoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () => {
    const b = randomBytes(10);
    const chars = [...b].map((x) => RC_ALPHABET[x % RC_ALPHABET.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const hashRecoveryCode = (code: string): string => sha256Hex(code.trim().toLowerCase());
