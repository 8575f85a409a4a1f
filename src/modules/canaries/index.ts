// What other modules, the composition root, the server and the job definitions may use of canaries.
export { CANARY_WEBHOOK, type CanaryDeps, type StoredHit } from "./context.ts";
export { type CanaryDnsServer, type CanaryZone, startCanaryDns } from "./dns-server.ts";
export type { HitInput, HitOutcome } from "./hits.ts";
export { makeCanaryReads } from "./reads.ts";
export { canaryRoutes } from "./routes.ts";
export type { CanaryKind } from "./schema.ts";
export { type Canaries, makeCanaries } from "./service.ts";
export {
  CANARY_TOKEN_PATTERN,
  hashCanaryToken,
  newCanaryToken,
  storePlacedTokens,
} from "./tokens.ts";
