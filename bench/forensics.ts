// Forensics benchmark: 1,000 delivered advisories in the shingle index, one of them delivered to
// 10,000 recipients (500 partners × the partner and 19 members); a leaked member's copy is added as
// evidence to an investigation that names no advisory, and the investigation is read: the advisory is
// found among 1,000 and the member accused among 10,000. Baseline: the tracing library alone reading
// and accusing the same evidence in memory (no database, no sealed codewords, no index).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { systemActor } from "../src/authz/authorize.ts";
import { makePasswordHasher } from "../src/modules/accounts/passwords.ts";
import { organisations } from "../src/modules/accounts/schema.ts";
import { systemClock } from "../src/platform/clock.ts";
import { makeSealer } from "../src/platform/crypto.ts";
import { type DbKind, openDatabase } from "../src/platform/db/client.ts";
import { makeServices } from "../src/runtime.ts";
import { stripFormat } from "../src/tracing/attacks/index.ts";
import { codewords } from "../src/tracing/code.ts";
import { readKeyEvidence } from "../src/tracing/keyfile.ts";
import { accuseLayers } from "../src/tracing/layers.ts";
import { deliverTraced, fakeId, type TracedRecipient } from "../test/forensics-fixture.ts";

const ADVISORIES = 1000;
const PARTNERS = 500;
const MEMBERS = 19;
const LIMIT_MS = 5000;
const SYS = systemActor("bench");

/** A short advisory-like text of its own words for each decoy (so it shares no 5-word run with the target). */
function decoy(i: number, vocabulary: string[]): string {
  let x = i * 2654435761;
  const next = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return vocabulary[x % vocabulary.length] as string;
  };
  const sentence = () => `${Array.from({ length: 12 }, next).join(" ")}.`;
  return `# Decoy advisory ${i}\n\n## Summary\n\nAn attacker {{may|might}} ${sentence()} ${sentence()}\n\n## Details\n\n${Array.from({ length: 10 }, sentence).join(" ")}\n`;
}

export async function forensicsBenchmark(engine: DbKind = "pglite", url?: string): Promise<string> {
  const database = await openDatabase(url ? { url } : { inMemory: true });
  await database.migrate();
  const masterKey = randomBytes(32);
  const s = makeServices({
    database,
    clock: systemClock,
    masterKey,
    passwords: makePasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
    sessionHours: 12,
  });
  const sealer = makeSealer(masterKey);
  const db = database.db;
  const target = readFileSync("test/fixtures/advisories/fw-2025-0142-gateway-auth-bypass.md", "utf8");
  const vocabulary = [
    ...new Set(
      readFileSync("test/fixtures/advisories/csaf-cisco-sa-20180328-smi2.md", "utf8")
        .toLowerCase()
        .match(/[a-z]{3,}/g) ?? [],
    ),
  ];
  const setup0 = performance.now();
  const partnerIds: string[] = [];
  const now = new Date();
  const orgs = Array.from({ length: PARTNERS }, (_, i) => ({
    id: fakeId("org"),
    name: `Bench partner ${i}`,
    kind: "partner",
    createdAt: now,
  }));
  for (let i = 0; i < orgs.length; i += 250) await db.insert(organisations).values(orgs.slice(i, i + 250));
  partnerIds.push(...orgs.map((o) => o.id));
  const recipients: TracedRecipient[] = [];
  for (const pid of partnerIds) {
    recipients.push({ partnerId: pid, kind: "organisation", id: pid });
    for (let m = 0; m < MEMBERS; m++) recipients.push({ partnerId: pid, kind: "user", id: fakeId("usr") });
  }
  const at = new Date(now.getTime() - 5 * 86_400_000);
  const publicAt = new Date(now.getTime() + 86_400_000);
  const traced = await deliverTraced(db, sealer, {
    markdown: target,
    recipients,
    keySeed: "bench-target",
    at,
    publicAt,
  });
  for (let i = 1; i < ADVISORIES; i++)
    await deliverTraced(db, sealer, {
      markdown: decoy(i, vocabulary),
      recipients: recipients.slice(0, 1),
      keySeed: `bench-decoy-${i}`,
      at,
      publicAt,
    });
  const indexed0 = performance.now();
  await s.forensics.refreshIndex();
  const indexMs = performance.now() - indexed0;
  const setupMs = performance.now() - setup0;

  const leaker = recipients[4321] as TracedRecipient;
  const evidence = stripFormat(traced.copy(leaker.id)).split(/\s+/).slice(30, 530).join(" ");
  const inv = await s.forensics.open(SYS, { title: "Bench leak" });
  await s.forensics.addEvidence(SYS, inv.id, async () => ({
    kind: "text",
    name: "leak.txt",
    text: evidence,
  }));

  // Baseline: the library alone, codewords derived in memory from the key.
  const b0 = performance.now();
  const k = traced.loaded;
  const ids = recipients.map((r) => r.id);
  const words = codewords(k.key, ids, k.biases);
  const reading = readKeyEvidence(k, evidence);
  const base = accuseLayers(
    ids,
    words,
    k.biases,
    reading.symbols,
    k.file.plan.points.map((p) => p.layer),
    {
      bounds: false,
    },
  );
  const baselineMs = performance.now() - b0;

  const t0 = performance.now();
  const got = await s.forensics.get(SYS, inv.id);
  const ms = performance.now() - t0;
  await database.close();
  const f = got.findings;
  const ok =
    f.advisoryIds.length === 1 &&
    f.advisoryIds[0] === traced.advisoryId &&
    f.accused.length === 1 &&
    f.accused[0]?.recipientId === leaker.id;
  const row = `| ${engine}: find the advisory among ${ADVISORIES.toLocaleString("en")} and accuse among ${recipients.length.toLocaleString("en")} recipients (500-word excerpt, format characters stripped) | ${baselineMs.toFixed(0)} ms: the library alone, in memory (accused ${base.accused.length === 1 && base.accused[0] === leaker.id ? "the leaker" : base.accused.join(", ") || "nobody"}) | ${ms.toFixed(0)} ms: GET /api/investigations/:id's service call (shingle index lookup, recipients loaded, codewords derived from the sealed key, read, accuse, audit) | ${ok ? "right advisory and the leaker alone accused" : `WRONG: ${JSON.stringify({ advisoryIds: f.advisoryIds, accused: f.accused.map((a) => a.recipientId) })}`}; ${ms < LIMIT_MS ? "under" : "OVER"} the 5 s target; setup ${(setupMs / 1000).toFixed(0)} s, of which indexing ${ADVISORIES.toLocaleString("en")} revisions ${(indexMs / 1000).toFixed(1)} s |`;
  return row;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await forensicsBenchmark());
