// The local half of `forewarn partners`: runs on the runtime (the CLI's own, or inside the server
// holding the data folder). Kept apart from partners.ts so tasks.ts can import it without a cycle.
import { type Actor, systemActor } from "../authz/authorize.ts";
import { actorForEmail } from "../modules/accounts/index.ts";
import { everyPage } from "../platform/db/page.ts";
import type { Runtime } from "../runtime.ts";
import type { Task } from "./tasks.ts";

export type Op = {
  sub: string;
  id?: string;
  tier?: string;
  reason?: string;
  filter?: Record<string, string>;
};

const line = (p: { id: string; name: string; country: string; status: string; tier: string }) =>
  `${p.id}  ${p.status.padEnd(12)} ${p.tier.padEnd(12)} ${p.country}  ${p.name}`;

type Show = {
  partner: Record<string, unknown> & {
    id: string;
    name: string;
    status: string;
    tier: string;
    country: string;
  };
  eligibility: {
    eligible: boolean;
    tier: string | null;
    leadTime: string | null;
    content: string[];
    reasons: { rule: string; effect: string; reference: string | null; message: string }[];
  };
  events: {
    at: string | Date;
    type: string;
    toStatus: string | null;
    actorEmail: string | null;
    reason: string | null;
  }[];
};

function printShow(s: Show, out: (l: string) => void) {
  const p = s.partner;
  out(`${p.name} (${p.id})`);
  out(
    `  status ${p.status}, tier ${p.tier}, headquarters ${p.country}, staff in ${(p.staffCountries as string[]).join(", ") || "-"}`,
  );
  const e = s.eligibility;
  out(
    e.eligible
      ? `  eligible: ${e.tier}, ${e.leadTime} before release, content ${e.content.join(", ")}`
      : "  NOT eligible: receives nothing",
  );
  for (const r of e.reasons) out(`    - ${r.message}${r.reference ? ` [${r.reference}]` : ""}`);
  out("  timeline:");
  for (const ev of s.events)
    out(
      `    ${new Date(ev.at).toISOString()}  ${ev.type}${ev.toStatus ? ` → ${ev.toStatus}` : ""}${ev.actorEmail ? ` by ${ev.actorEmail}` : ""}${ev.reason ? `: ${ev.reason}` : ""}`,
    );
}

export function render(op: Op, result: unknown, json: boolean, out: (l: string) => void) {
  if (json) return out(JSON.stringify(result, null, 2));
  switch (op.sub) {
    case "list": {
      const list = result as Parameters<typeof line>[0][];
      for (const p of list) out(line(p));
      if (list.length === 0) out("no partners match");
      return;
    }
    case "show":
      return printShow(result as Show, out);
    case "approve": {
      const r = result as { status: string; approvals: number; approvalsNeeded: number };
      return out(`approved (${r.approvals} of ${r.approvalsNeeded}); status ${r.status}`);
    }
    case "set-tier":
      return out(`tier ${(result as { tier: string }).tier}`);
    default:
      return out(`status ${(result as { status: string }).status}`);
  }
}

/** Runs one operation on the services (local data folder or inside the running server). */
async function runLocal(rt: Runtime, op: Op, actor: Actor) {
  const p = rt.services.partners;
  const id = op.id ?? "";
  switch (op.sub) {
    case "list":
      return everyPage((page) => p.list(actor, { ...op.filter, ...page }));
    case "show":
      return {
        partner: await p.get(actor, id),
        eligibility: await p.eligibility(actor, id),
        events: await p.timeline(actor, id),
      };
    case "approve":
      return p.approve(actor, id);
    case "suspend":
      return p.suspend(actor, id, op.reason ?? "");
    case "reinstate":
      return p.reinstate(actor, id, op.reason ?? "");
    case "set-tier":
      return p.setTier(actor, id, op.tier ?? "", op.reason);
  }
  throw new Error(`unknown operation ${op.sub}`);
}

export const PARTNER_TASKS: Record<string, Task> = {
  async partners(rt, args, io) {
    const op = args.op as Op;
    let actor: Actor = systemActor("cli");
    if (typeof args.as === "string") {
      const a = await actorForEmail(rt.database.db, args.as);
      if (!a) {
        io.err(`no enabled user with email ${args.as}`);
        return 1;
      }
      actor = a;
    }
    try {
      render(op, await runLocal(rt, op, actor), args.json === true, io.out);
      return 0;
    } catch (e) {
      io.err((e as Error).message);
      return 1;
    }
  },
};
