// Every API area of the contract, one line each: a new area is one export line here (index.ts
// merges them and refuses two routes with one operationId).
export { accountsApi } from "./accounts.ts";
export { advisoriesApi } from "./advisories.ts";
export { auditApi } from "./audit.ts";
export { canariesApi } from "./canaries.ts";
export { casesApi } from "./cases.ts";
export { forensicsApi } from "./forensics.ts";
export { partnersApi } from "./partners.ts";
export { publicApi } from "./public.ts";
export { releasesApi } from "./releases.ts";
export { systemApi } from "./system.ts";
