// What every domain service is built with: the database, the clock, the ID generator and the audit
// log it records its changes in (each module's deps add what is particular to it).
import type { Audit } from "../audit/service.ts";
import type { Clock } from "./clock.ts";
import type { Db } from "./db/client.ts";
import type { IdGen } from "./ids.ts";

export type ServiceDeps = {
  db: Db;
  clock: Clock;
  ids: IdGen;
  audit: Pick<Audit, "record">;
};
