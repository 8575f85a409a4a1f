// Typed, prefixed, time-sortable IDs: `usr_01JD...`. 10 Crockford base32 characters of milliseconds
// then 16 of randomness (80 bits), like a ULID, so IDs sort by creation and cannot be guessed.
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.ts";

export const ID_PREFIXES = {
  user: "usr",
  organisation: "org",
  session: "ses",
  token: "tok",
  audit: "aud",
  case: "cas",
  caseEvent: "cev",
  message: "msg",
  attachment: "att",
  credit: "crd",
  notification: "ntf",
  advisory: "adv",
  revision: "rev",
  review: "rvw",
  advisoryFile: "afl",
  intakeKey: "pgk",
  partnerEvent: "pev",
  invite: "inv",
  policyRule: "rul",
  ndaSignature: "sig",
  evidence: "evd",
  incident: "inc",
  memberKey: "key",
  webhook: "whk",
  outbox: "obx",
  releasePlan: "rpl",
  wave: "wav",
  releaseExclusion: "rex",
  delivery: "dlv",
  ack: "ack",
  webhookMessage: "whm",
  webhookAttempt: "wha",
  canaryToken: "cnt",
  canaryHit: "cnh",
  investigation: "ivg",
  investigationEvent: "ive",
  investigationEvidence: "ivd",
  tracingKey: "trk",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type Id<K extends IdKind> = `${(typeof ID_PREFIXES)[K]}_${string}`;
export type UserId = Id<"user">;
export type OrganisationId = Id<"organisation">;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  let out = "";
  for (let i = 0; i < 16; i++) out += CROCKFORD[(bytes[i] ?? 0) % 32];
  return out;
}

export type IdGen = <K extends IdKind>(kind: K) => Id<K>;

export function makeIds(clock: Clock, random: (n: number) => Buffer = randomBytes): IdGen {
  return (kind) => `${ID_PREFIXES[kind]}_${encodeTime(clock.now().getTime())}${encodeRandom(random(16))}`;
}

export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`);
}
