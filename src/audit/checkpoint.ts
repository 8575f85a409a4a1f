// Signed checkpoints of the audit chain's head. Whoever can rewrite the whole table and the head
// can forge a chain that verifies; a checkpoint kept elsewhere (a ticket, a mail, another system)
// pins an entry and its hash, so cutting the log back or rewriting it past that point is found.
// The Ed25519 key is derived from the master key (HKDF), so nothing more needs keeping secret.
import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject, sign, verify } from "node:crypto";
import { canonicalJson } from "./canonical.ts";

export const CHECKPOINT_PREFIX = "fwcp1.";

export type Checkpoint = {
  /** The entry the checkpoint pins and its hash (the chain head when it was made). */
  seq: number;
  hash: string;
  /** When it was made (ISO 8601). */
  at: string;
  /** The signing key's public half (base64url, raw 32 bytes), for checks without the master key. */
  publicKey: string;
  /** Ed25519 over the canonical JSON of { v: 1, seq, hash, at } (base64url). */
  signature: string;
};

export type CheckpointKeys = { privateKey: KeyObject; publicKey: KeyObject; publicRaw: string };

// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export function checkpointKeys(masterKey: Buffer): CheckpointKeys {
  const seed = Buffer.from(
    hkdfSync("sha256", masterKey, Buffer.alloc(0), "forewarn audit checkpoint v1", 32),
  );
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" }) as { x: string };
  return { privateKey, publicKey, publicRaw: jwk.x };
}

const signedBytes = (c: Pick<Checkpoint, "seq" | "hash" | "at">) =>
  Buffer.from(canonicalJson({ v: 1, seq: c.seq, hash: c.hash, at: c.at }));

export function signCheckpoint(
  keys: CheckpointKeys,
  head: { seq: number; hash: string },
  at: Date,
): Checkpoint {
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  return {
    ...body,
    publicKey: keys.publicRaw,
    signature: sign(null, signedBytes(body), keys.privateKey).toString("base64url"),
  };
}

/** One line to keep elsewhere: the prefix and the base64url of the checkpoint's JSON. */
export const encodeCheckpoint = (c: Checkpoint) =>
  `${CHECKPOINT_PREFIX}${Buffer.from(JSON.stringify(c)).toString("base64url")}`;

/** Reads a checkpoint line (or its JSON); throws an Error saying what is wrong with it. */
export function decodeCheckpoint(text: string): Checkpoint {
  const s = text.trim();
  let json: string;
  if (s.startsWith(CHECKPOINT_PREFIX))
    json = Buffer.from(s.slice(CHECKPOINT_PREFIX.length), "base64url").toString();
  else if (s.startsWith("{")) json = s;
  else throw new Error(`not a checkpoint: expected a line starting with ${CHECKPOINT_PREFIX}`);
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error("not a checkpoint: its content is not JSON");
  }
  const c = v as Record<string, unknown>;
  if (
    !c ||
    typeof c !== "object" ||
    !Number.isSafeInteger(c.seq) ||
    (c.seq as number) < 0 ||
    typeof c.hash !== "string" ||
    !/^[0-9a-f]{64}$/.test(c.hash) ||
    typeof c.at !== "string" ||
    typeof c.publicKey !== "string" ||
    typeof c.signature !== "string"
  ) {
    throw new Error("not a checkpoint: seq, hash, at, publicKey or signature is missing or malformed");
  }
  return {
    seq: c.seq as number,
    hash: c.hash,
    at: c.at,
    publicKey: c.publicKey,
    signature: c.signature,
  };
}

/** True when this instance's key signed the checkpoint (the publicKey field is not trusted). */
export function checkpointSignatureValid(keys: CheckpointKeys, c: Checkpoint): boolean {
  try {
    return verify(null, signedBytes(c), keys.publicKey, Buffer.from(c.signature, "base64url"));
  } catch {
    return false;
  }
}
