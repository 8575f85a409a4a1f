// Every table, gathered for Drizzle and drizzle-kit. Modules own their tables; only the owning
// module's service queries them.
export * from "../../audit/schema.ts";
export * from "../../modules/accounts/schema.ts";
export * from "../../modules/advisories/schema.ts";
export * from "../../modules/canaries/schema.ts";
export * from "../../modules/cases/schema.ts";
export * from "../../modules/forensics/schema.ts";
export * from "../../modules/partners/schema.ts";
export * from "../../modules/releases/email-schema.ts";
export * from "../../modules/releases/schema.ts";
export * from "../keycheck/schema.ts";
export * from "../mail/schema.ts";
