// The partner programme's service: one object built from the use-case files around one context.
import { makeContext, type PartnerDeps } from "./context.ts";
import { makeMembers } from "./members.ts";
import { makeProgramme } from "./programme.ts";
import { makeRecords } from "./records.ts";
import { makePartnerLifecycle } from "./service.ts";
import { makeSuspensions } from "./suspensions.ts";

export function makePartners(d: PartnerDeps) {
  const c = makeContext(d);
  const life = makePartnerLifecycle(c);
  return {
    ...life,
    ...makeProgramme(c, life),
    ...makeMembers(c, life),
    ...makeRecords(c, life),
    ...makeSuspensions(c),
  };
}

export type Partners = ReturnType<typeof makePartners>;
/** The checks a webhook URL passes (https, no credentials, a public host): also for the canary SIEM hook. */
export { webhookUrlProblem } from "./members.ts";
export { partnerRoutes } from "./routes.ts";
