// Typed, prefixed, time-sortable IDs: `usr_01JD...`. 10 Crockford base32 characters of milliseconds
// then 16 of randomness (80 bits), like a ULID, so IDs sort by creation and cannot be guessed.
import { randomBytes } from "node:crypto";
import { ID_PREFIXES, type Id, type IdKind, idPattern } from "../contract/ids.ts";
import type { Clock } from "./clock.ts";

export type { OrganisationId, UserId } from "../contract/ids.ts";
export { ID_PREFIXES, type Id, type IdKind, idPattern };

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
