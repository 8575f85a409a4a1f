// The shingle index over every delivered revision, kept up to date lazily: before a match, every
// tracing key with deliveries that is not indexed yet is indexed (its plain text's keyed shingles).
import { count, inArray, sql } from "drizzle-orm";
import { KEY_FORMAT, type KeyFile } from "../../tracing/keyfile.ts";
import type { ForensicsContext } from "./context.ts";
import type { TracingKeyRef } from "./delivered.ts";
import { forensicIndexedKeys, forensicShingles } from "./schema.ts";
import { isMatch, keyPlainText, shingleHashes } from "./shingles.ts";

const CHUNK = 5000;

export function makeAdvisoryMatch(c: ForensicsContext) {
  const { db } = c;

  async function indexKey(ref: TracingKeyRef) {
    // The plain text is all the index needs: no readers are compiled (loadKey is for reading evidence).
    const file = (await c.delivered.keyFile(ref.id)) as KeyFile;
    if (file?.format !== KEY_FORMAT || !Array.isArray(file.plan?.segments))
      throw new Error(`tracing key ${ref.id} is not a Forewarn tracing key file`);
    const hashes = shingleHashes(keyPlainText(file), c.shingleKey);
    await db.transaction(async (tx) => {
      for (let i = 0; i < hashes.length; i += CHUNK)
        await tx
          .insert(forensicShingles)
          .values(hashes.slice(i, i + CHUNK).map((hash) => ({ hash, tracingKeyId: ref.id })))
          .onConflictDoNothing();
      await tx
        .insert(forensicIndexedKeys)
        .values({
          tracingKeyId: ref.id,
          advisoryId: ref.advisoryId,
          revision: ref.revision,
          shingles: hashes.length,
          indexedAt: c.clock.now(),
        })
        .onConflictDoNothing();
    });
  }

  return {
    /** Indexes every delivered key not yet in the index; returns how many were added. */
    async refreshIndex(): Promise<number> {
      const keys = await c.delivered.allKeys();
      const done = new Set(
        (await db.select({ id: forensicIndexedKeys.tracingKeyId }).from(forensicIndexedKeys)).map(
          (r) => r.id,
        ),
      );
      let added = 0;
      for (const ref of keys)
        if (!done.has(ref.id)) {
          await indexKey(ref);
          added++;
        }
      return added;
    },

    /**
     * The delivered revisions the text comes from (best first), with the distinct shingles they share.
     * @example await match(leakedText) // { keys: [{ id, advisoryId, revision }], shared }
     */
    async match(text: string): Promise<{ keys: TracingKeyRef[]; shared: Map<string, number> }> {
      await this.refreshIndex();
      const hashes = shingleHashes(text, c.shingleKey);
      const shared = new Map<string, number>();
      for (let i = 0; i < hashes.length; i += CHUNK) {
        const rows = await db
          .select({ id: forensicShingles.tracingKeyId, n: count() })
          .from(forensicShingles)
          .where(inArray(forensicShingles.hash, hashes.slice(i, i + CHUNK)))
          .groupBy(forensicShingles.tracingKeyId);
        for (const r of rows) shared.set(r.id, (shared.get(r.id) ?? 0) + Number(r.n));
      }
      if (shared.size === 0) return { keys: [], shared };
      const indexed = await db
        .select()
        .from(forensicIndexedKeys)
        .where(inArray(forensicIndexedKeys.tracingKeyId, [...shared.keys()]));
      const keys = indexed
        .filter((k) => isMatch(shared.get(k.tracingKeyId) ?? 0, hashes.length, k.shingles))
        .sort((a, b) => (shared.get(b.tracingKeyId) ?? 0) - (shared.get(a.tracingKeyId) ?? 0))
        .map((k) => ({ id: k.tracingKeyId, advisoryId: k.advisoryId, revision: k.revision }));
      return { keys, shared };
    },

    async indexedCount(): Promise<number> {
      const [r] = await db.select({ n: sql<number>`count(*)` }).from(forensicIndexedKeys);
      return Number(r?.n ?? 0);
    },
  };
}
