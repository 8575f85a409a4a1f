// What other modules, the composition root, the server and the CLI may use of accounts.
export { actorForEmail, makePartnerUsers, type PartnerUsers } from "./partner-users.ts";
export { makePasswordHasher, type PasswordHasher } from "./passwords.ts";
export { accountRoutes } from "./routes.ts";
export { type Accounts, makeAccounts } from "./service.ts";
