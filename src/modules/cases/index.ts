// What other modules, the composition root and the server may use of cases.
export { caseRoutes } from "./routes.ts";
export { type Cases, makeCases } from "./service.ts";
