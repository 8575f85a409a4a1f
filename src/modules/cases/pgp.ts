// The programme's OpenPGP key for encrypted reports: made on first use, the private half sealed under
// the master key, the public half published at GET /api/public/pgp-key.
import { eq } from "drizzle-orm";
import * as openpgp from "openpgp";
import { systemActor } from "../../authz/authorize.ts";
import { badRequest } from "../../platform/errors.ts";
import { intakeKeys } from "./schema.ts";
import type { CasesDeps } from "./store.ts";

const KEY_ID = "programme";
const context = (id: string) => `intake_keys:${id}:private_key`;

export function makeIntakeKey(d: Pick<CasesDeps, "db" | "clock" | "ids" | "audit" | "sealer">) {
  async function current() {
    const [row] = await d.db.select().from(intakeKeys).where(eq(intakeKeys.id, KEY_ID));
    if (row) return row;
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: "ecc",
      curve: "curve25519Legacy",
      userIDs: [{ name: "Forewarn vulnerability reports" }],
      format: "armored",
    });
    const fingerprint = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
    await d.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(intakeKeys)
        .values({
          id: KEY_ID,
          fingerprint,
          publicKey,
          privateKeySealed: d.sealer.seal(privateKey, context(KEY_ID)),
          createdAt: d.clock.now(),
        })
        .onConflictDoNothing()
        .returning({ id: intakeKeys.id });
      if (inserted.length)
        await d.audit.record(tx, {
          type: "intake_key.created",
          actor: systemActor("intake"),
          subject: KEY_ID,
          data: { fingerprint },
        });
    });
    // Another request may have won the race: whichever row is stored is the key.
    const [stored] = await d.db.select().from(intakeKeys).where(eq(intakeKeys.id, KEY_ID));
    if (!stored) throw new Error("intake key missing after creation");
    return stored;
  }

  return {
    async publicKey(): Promise<{ fingerprint: string; armored: string }> {
      const k = await current();
      return { fingerprint: k.fingerprint, armored: k.publicKey };
    },

    /** Decrypts an ASCII-armored message to the programme key; a clear 400 when it cannot. */
    async decrypt(armoredMessage: string): Promise<string> {
      const k = await current();
      let message: openpgp.Message<string>;
      try {
        message = await openpgp.readMessage({ armoredMessage });
      } catch {
        throw badRequest("encryptedDescription is not an ASCII-armored OpenPGP message");
      }
      try {
        const privateKey = await openpgp.readPrivateKey({
          armoredKey: d.sealer.open(k.privateKeySealed, context(k.id)),
        });
        const { data } = await openpgp.decrypt({ message, decryptionKeys: privateKey, format: "utf8" });
        return String(data);
      } catch {
        throw badRequest(
          `encryptedDescription could not be decrypted: encrypt it to the programme key ${k.fingerprint} (GET /api/public/pgp-key)`,
        );
      }
    },
  };
}
