// Small, audited building blocks: random secrets, hashing, constant-time comparison and
// authenticated encryption of secrets at rest (AES-256-GCM under the instance's master key).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

export const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** A URL-safe random secret with `bytes` bytes of entropy. */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString("base64url");

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type Sealer = {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
};

/**
 * Encrypts with AES-256-GCM; `context` (e.g. the row's ID and column) is bound as associated data,
 * so a sealed value copied to another row or column does not open.
 */
export function makeSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error("master key must be 32 bytes");
  // One key object for every seal and open (a raw Buffer makes a new one per call: a wave seals
  // thousands of copies and every copy read opens one).
  const k = createSecretKey(key);
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", k, iv);
      c.setAAD(Buffer.from(context));
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return `v1.${iv.toString("base64url")}.${body.toString("base64url")}.${c.getAuthTag().toString("base64url")}`;
    },
    open(sealed, context) {
      const [v, iv, body, tag] = sealed.split(".");
      if (v !== "v1" || !iv || body === undefined || !tag)
        throw new Error("sealed value has an unknown format");
      const d = createDecipheriv("aes-256-gcm", k, Buffer.from(iv, "base64url"));
      d.setAAD(Buffer.from(context));
      d.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([d.update(Buffer.from(body, "base64url")), d.final()]).toString("utf8");
    },
  };
}

export function parseMasterKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), text.includes("-") || text.includes("_") ? "base64url" : "base64");
  if (key.length !== 32) throw new Error("FOREWARN_MASTER_KEY must decode to 32 bytes");
  return key;
}
