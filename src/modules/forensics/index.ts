// What other modules, the composition root and the routes may use of the forensics module.
export type { CanaryHit, CanaryHitsPort, DeliveredSource } from "./delivered.ts";
export { makeDeliveredSource } from "./delivered.ts";
export { forensicsRoutes } from "./routes.ts";
export { type Forensics, makeForensics } from "./service.ts";
