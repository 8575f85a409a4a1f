// The release engine, composed from its use cases: plans (derived from tiers and each partner's
// eligibility, approved, armed, moved, cancelled: plans.ts), the embargo break (embargo-break.ts), the
// waves firing on time and never early, exactly once per recipient, and the public release at T0
// (engine.ts), signed webhooks (webhook-delivery.ts), the partner's inbox, copies and
// acknowledgements (partner-copy.ts), the live wave view (status.ts) and what the modules built
// before it read of it (reads.ts: a plan's publishing state, a partner's scorecard figures). What they share (deps, rows,
// adapters over the other modules, the queue) is in context.ts.
import { makeReleaseContext, type ReleaseDeps, SWEEP } from "./context.ts";
import { makeEmbargoBreak } from "./embargo-break.ts";
import { makeEngine } from "./engine.ts";
import { makePartnerCopy } from "./partner-copy.ts";
import { makePlans } from "./plans.ts";
import { makeReleaseReads } from "./reads.ts";
import { makeStatus } from "./status.ts";
import { deliveredTracing } from "./tracing.ts";
import { makeWebhookDelivery } from "./webhook-delivery.ts";

export type { Queue } from "../../platform/jobs/queue.ts";
export {
  ACK_REMINDER_AFTER_MS,
  ACK_STATUSES,
  type AckStatus,
  FIRE_WAVE,
  type PlanInput,
  PUBLISH,
  type ReleaseDeps,
  SEND_WEBHOOK,
  SWEEP,
} from "./context.ts";

export function makeReleases(d: ReleaseDeps) {
  const c = makeReleaseContext(d);
  // A (re)started server catches up at once what came due while it was down, such as the rest of
  // a wave it was killed in, instead of at the next minute's sweep (the sweep is idempotent).
  c.queue.onConnect((q) => {
    q.send(SWEEP, {}, { retryLimit: 3 }).catch(() => {});
  });
  const webhooks = makeWebhookDelivery(c);
  const engine = makeEngine(c, webhooks);
  const plans = makePlans(c, engine);
  const embargo = makeEmbargoBreak(c, engine);
  const partner = makePartnerCopy(c, engine);
  const status = makeStatus(c);
  const reads = makeReleaseReads(d);

  return {
    /** Release mail: its job handler and sweep (src/jobs.ts). */
    email: c.email,
    fireWave: engine.fireWave,
    publish: engine.publish,
    sweep: engine.sweep,
    sendWebhook: webhooks.sendWebhook,
    onFireJob: engine.onFireJob,
    onPublishJob: engine.onPublishJob,
    onWebhookJob: engine.onWebhookJob,

    preview: plans.preview,
    createPlan: plans.createPlan,
    getPlan: plans.getPlan,
    listPlans: plans.listPlans,
    approve: plans.approve,
    arm: plans.arm,
    move: plans.move,
    cancel: plans.cancel,
    breakEmbargo: embargo.breakEmbargo,
    confirmBreak: embargo.confirmBreak,

    liveState: reads.liveState,
    countReleases: status.countReleases,
    nextRelease: status.nextRelease,
    status: status.status,

    inbox: partner.inbox,
    copy: partner.copy,
    copyFile: partner.copyFile,
    acknowledge: partner.acknowledge,
    scorecardFigures: reads.scorecardFigures,
    deliveriesOf: reads.deliveriesOf,

    /** Every tracing key of an advisory with its deliveries and codewords (forensics; server-internal). */
    deliveredTracing: (advisoryId: string) => deliveredTracing({ db: d.db, sealer: d.sealer }, advisoryId),

    redeliverWebhook: webhooks.redeliverWebhook,
    webhookLog: webhooks.webhookLog,
  };
}

export type Releases = ReturnType<typeof makeReleases>;
