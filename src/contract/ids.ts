// Typed, prefixed IDs (`usr_01JD...`, made by platform/ids.ts): the prefixes, the one pattern every
// ID matches, and the Zod schema of each kind for route parameters and bodies.
import { z } from "zod";

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
  suspensionRequest: "psr",
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

/** The prefix, then 26 Crockford base32 characters (10 of time, 16 of randomness). */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`);
}

/** An ID of the kind; `what` names it, with its article, in the 400 answer ("not a partner ID (org_...)"). */
export const idSchema = (kind: IdKind, what: string) =>
  z.string().regex(idPattern(kind), `not ${what} ID (${ID_PREFIXES[kind]}_...)`);
