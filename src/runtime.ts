// The composition root: opens the database, derives the master key and builds every service with
// its narrow dependencies. `forewarn serve`, the CLI and the tests all start here.

import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeAudit } from "./audit/service.ts";
import { type Config, configuredPublicUrl } from "./config.ts";
import {
  makeAccounts,
  makePartnerUsers,
  makePasswordHasher,
  type PasswordHasher,
} from "./modules/accounts/index.ts";
import { makeAdvisories, type Publisher } from "./modules/advisories/index.ts";
import { makeCanaries, makeCanaryReads } from "./modules/canaries/index.ts";
import { makeCases } from "./modules/cases/index.ts";
import { makeDeliveredSource, makeForensics } from "./modules/forensics/index.ts";
import { makePartners } from "./modules/partners/index.ts";
import {
  DELIVERY_BATCH,
  httpTransport,
  makeReleaseReads,
  makeReleases,
  type Transport,
} from "./modules/releases/index.ts";
import { type Clock, systemClock } from "./platform/clock.ts";
import { makeSealer, parseMasterKey } from "./platform/crypto.ts";
import { type Database, openDatabase } from "./platform/db/client.ts";
import { makeIds } from "./platform/ids.ts";
import { makeJobQueue } from "./platform/jobs/queue.ts";
import { checkMasterKey, MasterKeyMismatch, storedKeyFingerprint } from "./platform/keycheck/keycheck.ts";
import { makeOutbox } from "./platform/mail/outbox.ts";
import { type MailTransport, mailTransport } from "./platform/mail/transport.ts";
import { VERSION } from "./version.ts";

export type ServiceDeps = {
  database: Database;
  clock: Clock;
  masterKey: Buffer;
  passwords: PasswordHasher;
  sessionHours: number;
  /** Days from a report's receipt to its remediation deadline (default 90). */
  remediationDays?: number;
  /** Accept partner webhook URLs on loopback and private networks (FOREWARN_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivateWebhooks?: boolean;
  /** Who publishes the advisories (names, public URL, CNA identity); defaults suit tests. */
  publisher?: Publisher;
  /** Tests only: the transport that reaches webhook endpoints (e.g. trusting a test certificate). */
  webhookTransport?: Transport;
  /** Release mail: SMTP (FOREWARN_SMTP_URL) and the From: address; none keeps notices in the outbox. */
  mail?: { transport: MailTransport; from: string };
  /** Canary hits: stored per token per minute, and the programme's SIEM webhook. */
  canaries?: {
    hitsPerMinute?: number | undefined;
    webhook?: { url: string; secret: string } | undefined;
    /** Tests only: the transport that reaches the SIEM webhook. */
    transport?: Transport | undefined;
  };
  /** FOREWARN_CANARY_DOMAIN: the domain of DNS canary tokens in copies. */
  canaryDomain?: string | undefined;
  /** Benchmarks only: the unfingerprinted baseline (see ReleaseDeps.plainCopiesForBenchmark). */
  plainCopiesForBenchmark?: boolean;
};

export const DEFAULT_PUBLISHER: Publisher = {
  name: "Forewarn programme",
  publicUrl: "http://127.0.0.1:8080",
  cnaOrgId: "00000000-0000-4000-8000-000000000000",
  cnaShortName: "forewarn",
};

export function makeServices(d: ServiceDeps) {
  const ids = makeIds(d.clock);
  const db = d.database.db;
  const audit = makeAudit({ db, clock: d.clock, ids, masterKey: d.masterKey });
  const sealer = makeSealer(d.masterKey);
  const accounts = makeAccounts({
    db,
    clock: d.clock,
    ids,
    audit,
    passwords: d.passwords,
    sealer,
    sessionHours: d.sessionHours,
  });
  const outbox = makeOutbox({ db, clock: d.clock, ids, sealer, audit, mail: d.mail });
  const cases = makeCases({
    db,
    clock: d.clock,
    ids,
    audit,
    sealer,
    accounts,
    remediationDays: d.remediationDays ?? 90,
    mailer: outbox.mailer,
  });
  // What advisories and partners read of the release engine, which is built after them (it reads
  // both): readers over the release tables alone, built first. Likewise the canary hits forensics
  // reads, so forensics exists before canaries tells it of a hit. No port is filled in afterwards.
  const releaseReads = makeReleaseReads({ db });
  const canaryReads = makeCanaryReads({ db });
  const advisories = makeAdvisories({
    releasePlans: releaseReads,
    db,
    clock: d.clock,
    ids,
    audit,
    sealer,
    cases,
    accounts,
    publisher: d.publisher ?? DEFAULT_PUBLISHER,
    version: VERSION,
  });
  const partners = makePartners({
    releaseFigures: releaseReads,
    db,
    clock: d.clock,
    ids,
    audit,
    sealer,
    mailer: outbox.mailer,
    publicUrl: (d.publisher ?? DEFAULT_PUBLISHER).publicUrl,
    allowPrivateWebhooks: d.allowPrivateWebhooks ?? false,
    partnerUsers: makePartnerUsers({ clock: d.clock, ids, audit, passwords: d.passwords }),
  });
  // pg-boss starts after the services (its handlers call them): the services that send jobs get this
  // handle now, and whoever starts the jobs connects the queue to it (services.jobQueue.connect).
  const jobQueue = makeJobQueue(d.clock);
  const releases = makeReleases({
    queue: jobQueue,
    db,
    clock: d.clock,
    ids,
    audit,
    sealer,
    advisories,
    partners,
    mailer: outbox.mailer,
    publicUrl: (d.publisher ?? DEFAULT_PUBLISHER).publicUrl,
    transport: d.webhookTransport ?? httpTransport({ blockPrivate: !(d.allowPrivateWebhooks ?? false) }),
    exclusive: d.database.exclusive,
    mail: d.mail,
    canaryDomain: d.canaryDomain,
    plainCopiesForBenchmark: d.plainCopiesForBenchmark,
    deliveryBatch: DELIVERY_BATCH[d.database.kind],
  });
  const forensics = makeForensics({
    db,
    clock: d.clock,
    ids,
    audit,
    sealer,
    delivered: makeDeliveredSource(db, sealer),
    canaries: { hits: canaryReads.hitsOf },
    partners,
    shingleKey: createHmac("sha256", d.masterKey).update("forewarn/forensics/shingles/v1").digest(),
  });
  const canaries = makeCanaries({
    db,
    clock: d.clock,
    ids,
    audit,
    mailer: outbox.mailer,
    accounts,
    publicUrl: (d.publisher ?? DEFAULT_PUBLISHER).publicUrl,
    hitsPerMinute: d.canaries?.hitsPerMinute,
    webhook: d.canaries?.webhook,
    transport: d.canaries?.transport ?? httpTransport({ blockPrivate: !(d.allowPrivateWebhooks ?? false) }),
    queue: jobQueue,
    // A stored hit joins the open investigation of its advisory, or opens one.
    onHit: (hit) => forensics.recordCanaryHit(hit),
  });
  return { audit, accounts, cases, advisories, partners, outbox, releases, forensics, canaries, jobQueue };
}

export type Services = ReturnType<typeof makeServices>;

/** The master key from FOREWARN_MASTER_KEY, or DATA_DIR/master.key (created owner-only on first use). */
export function loadMasterKey(config: Pick<Config, "FOREWARN_MASTER_KEY" | "FOREWARN_DATA_DIR">): Buffer {
  if (config.FOREWARN_MASTER_KEY) return parseMasterKey(config.FOREWARN_MASTER_KEY);
  const file = join(config.FOREWARN_DATA_DIR, "master.key");
  if (existsSync(file)) return parseMasterKey(readFileSync(file, "utf8"));
  mkdirSync(config.FOREWARN_DATA_DIR, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

/**
 * The master key for a runtime on `database`. On a PostgreSQL database that another server already
 * started (a key check is stored), a server with neither FOREWARN_MASTER_KEY nor DATA_DIR/master.key
 * refuses to start rather than generate a key of its own that could not open the others' secrets.
 */
async function sharedMasterKey(
  database: Database,
  config: Pick<Config, "FOREWARN_MASTER_KEY" | "FOREWARN_DATA_DIR" | "DATABASE_URL">,
): Promise<Buffer> {
  const file = join(config.FOREWARN_DATA_DIR, "master.key");
  if (database.kind === "postgresql" && !config.FOREWARN_MASTER_KEY && !existsSync(file)) {
    const stored = await storedKeyFingerprint(database.db);
    if (stored)
      throw new MasterKeyMismatch(
        [
          `FOREWARN_MASTER_KEY is not set and ${file} does not exist, but this database (DATABASE_URL) was first started with the master key ${stored}.`,
          "Every server on one database needs the same master key, or it cannot open the secrets the others sealed (and every release job would fail).",
          "Set FOREWARN_MASTER_KEY on this server to the key the others use (the content of their DATA_DIR/master.key, or their FOREWARN_MASTER_KEY) and start it again. No key was generated.",
        ].join("\n"),
      );
  }
  return loadMasterKey(config);
}

export type Runtime = { database: Database; services: Services; close(): Promise<void> };

export async function openRuntime(
  config: Config,
  opts: {
    clock?: Clock;
    passwords?: PasswordHasher;
    migrate?: boolean;
    /** The server passes the address it listens on when FOREWARN_PUBLIC_URL is unset. */
    publicUrl?: string;
  } = {},
): Promise<Runtime> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.FOREWARN_DATA_DIR });
  try {
    if (opts.migrate ?? true) await database.migrate();
    const clock = opts.clock ?? systemClock;
    const masterKey = await sharedMasterKey(database, config);
    await checkMasterKey(database.db, masterKey, clock.now());
    const services = makeServices({
      database,
      clock,
      masterKey,
      passwords: opts.passwords ?? makePasswordHasher(),
      sessionHours: config.FOREWARN_SESSION_HOURS,
      remediationDays: config.FOREWARN_REMEDIATION_DAYS,
      allowPrivateWebhooks: config.FOREWARN_WEBHOOKS_ALLOW_PRIVATE,
      publisher: {
        name: config.FOREWARN_PUBLISHER_NAME,
        publicUrl: opts.publicUrl ?? configuredPublicUrl(config),
        cnaOrgId: config.FOREWARN_CNA_ORG_ID,
        cnaShortName: config.FOREWARN_CNA_SHORT_NAME,
      },
      mail: { transport: mailTransport(config.FOREWARN_SMTP_URL), from: config.FOREWARN_MAIL_FROM },
      canaries: {
        hitsPerMinute: config.FOREWARN_CANARY_HITS_PER_MINUTE,
        webhook:
          config.FOREWARN_CANARY_WEBHOOK_URL && config.FOREWARN_CANARY_WEBHOOK_SECRET
            ? { url: config.FOREWARN_CANARY_WEBHOOK_URL, secret: config.FOREWARN_CANARY_WEBHOOK_SECRET }
            : undefined,
      },
      canaryDomain: config.FOREWARN_CANARY_DOMAIN,
    });
    return { database, services, close: () => database.close() };
  } catch (e) {
    await database.close();
    throw e;
  }
}
