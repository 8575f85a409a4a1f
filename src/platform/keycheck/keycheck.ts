// Every server on one database must hold the same master key: secrets sealed by one must open on the
// others. The first start stores a known text sealed under the key; each later start opens it, and a
// server whose key does not open it refuses to start, naming FOREWARN_MASTER_KEY and what to do.
import { hkdfSync } from "node:crypto";
import { eq } from "drizzle-orm";
import { makeSealer } from "../crypto.ts";
import type { Db } from "../db/client.ts";
import { instanceKeyCheck } from "./schema.ts";

const KNOWN = "forewarn master key check v1";
const CONTEXT = "instance_key_check:1:sealed";

/** A short, one-way name for a key (HKDF with its own label: it reveals nothing usable about the key). */
export function keyFingerprint(key: Buffer): string {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "forewarn key fingerprint v1", 8)).toString(
    "hex",
  );
}

export class MasterKeyMismatch extends Error {}

export function mismatchMessage(stored: string, ours: string): string {
  return [
    `FOREWARN_MASTER_KEY does not match this database: it was first started with the master key ${stored}, this server has ${ours}.`,
    "Every server on one database needs the same master key, or it cannot open the secrets the others sealed (and every release job would fail).",
    "Set FOREWARN_MASTER_KEY on this server to the key the others use (the content of their DATA_DIR/master.key, or their FOREWARN_MASTER_KEY) and start it again. Nothing was changed.",
  ].join("\n");
}

/** The fingerprint stored by the first start, or null on a database that has none yet. */
export async function storedKeyFingerprint(db: Db): Promise<string | null> {
  const [row] = await db.select().from(instanceKeyCheck).where(eq(instanceKeyCheck.id, 1));
  return row?.fingerprint ?? null;
}

/**
 * Records the key on a database that has no check yet (the first start wins when several start at
 * once), then checks that `key` opens the stored value; throws MasterKeyMismatch when it does not.
 */
export async function checkMasterKey(db: Db, key: Buffer, now: Date): Promise<void> {
  const sealer = makeSealer(key);
  await db
    .insert(instanceKeyCheck)
    .values({ id: 1, sealed: sealer.seal(KNOWN, CONTEXT), fingerprint: keyFingerprint(key), createdAt: now })
    .onConflictDoNothing();
  const [row] = await db.select().from(instanceKeyCheck).where(eq(instanceKeyCheck.id, 1));
  if (!row) throw new Error("the key check could not be stored");
  let opened: string | null = null;
  try {
    opened = sealer.open(row.sealed, CONTEXT);
  } catch {
    opened = null;
  }
  if (opened !== KNOWN) throw new MasterKeyMismatch(mismatchMessage(row.fingerprint, keyFingerprint(key)));
}
