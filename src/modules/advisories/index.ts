// What other modules, the composition root, the server and the CLI may use of advisories: the
// service, the pure content rules the release engine renders copies with, and the export helpers
// the public feeds and the CLI name files and links with.
export {
  type AdvisoryContent,
  NEUTRAL_CANARY,
  neutralCanaries,
  type Product,
  restrictToSections,
  SECTION_TITLES,
} from "./content.ts";
export { CVE_ID_MISSING } from "./export/cve.ts";
export { cweWithName } from "./export/cwe.ts";
export { csafFilename, type Publisher, publicAdvisoryUrl } from "./export/input.ts";
export { advisoryRoutes } from "./routes.ts";
export {
  type Advisories,
  AlreadyPublicError,
  type CopyIdentifiers,
  EXPORT_FORMATS,
  type ExportFormat,
  makeAdvisories,
} from "./service.ts";
