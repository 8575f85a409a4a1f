// `forewarn partners ...`: the partner directory and its sanctions for scripts, against a running
// server (--url with --token or FOREWARN_TOKEN) or the local data folder (through the runtime).
import type { Client } from "../contract/client.ts";
import { idPattern } from "../contract/ids.ts";
import { everyPage } from "../platform/db/page.ts";
import {
  type CliIo,
  DATA_FLAG,
  failureLine,
  JSON_FLAG,
  parseFlags,
  REMOTE_FLAGS,
  remoteApi,
  UsageError,
  withSubCommands,
} from "./command.ts";
import { type Op, render } from "./partners-task.ts";
import { cliConfig, runTask } from "./tasks.ts";

const help = `usage: forewarn partners <sub-command> [options]

sub-commands:
  list [--status S[,S]] [--country CC] [--tier T]   the directory (one partner a line)
  show ID                                           profile, eligibility and timeline
  approve ID                                        one of the two approvals an application needs
  suspend ID --reason TEXT                          stop delivery at once
  reinstate ID --reason TEXT                        resume a suspended partner
  set-tier ID TIER [--reason TEXT]                  move a partner to another tier

target (one of):
  --url URL [--token TOKEN]   a running server; the API token may come from FOREWARN_TOKEN
  --data DIR                  the local data folder (default ./.forewarn; DATABASE_URL is honoured);
                              runs inside the server when one holds the folder
options:
  --as EMAIL   local only: act as this staff user (required for approve: approvals are personal)
  --json       print the API's JSON instead of text

Exit 0 on success, 1 when the server refuses (its message is printed), 2 on a usage error.`;

async function runRemote(api: Client, op: Op, io: CliIo, json: boolean): Promise<number> {
  const params = { id: op.id ?? "" };
  try {
    let result: unknown;
    switch (op.sub) {
      case "list":
        result = await everyPage((p) => api.call("listPartners", { query: { ...op.filter, ...p } }));
        break;
      case "show":
        result = {
          partner: await api.call("getPartner", { params }),
          eligibility: await api.call("partnerEligibility", { params }),
          events: (await api.call("partnerTimeline", { params })).events,
        };
        break;
      case "approve":
        result = await api.call("approvePartner", { params });
        break;
      case "set-tier":
        result = await api.call("setPartnerTier", {
          params,
          body: { tier: op.tier ?? "", ...(op.reason ? { reason: op.reason } : {}) },
        });
        break;
      case "reject":
      case "suspend":
      case "reinstate":
      case "remove":
        result = await api.call(`${op.sub}Partner`, { params, body: { reason: op.reason ?? "" } });
        break;
      default:
        throw new UsageError(`unknown sub-command "${op.sub}"`);
    }
    render(op, result, json, io.out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.err(failureLine(e));
    return 1;
  }
}

const SUBS = ["list", "show", "approve", "suspend", "reinstate", "set-tier"];

/** Every sub-command takes the same options; they differ in their arguments and in what they call. */
async function runPartners(sub: string, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...REMOTE_FLAGS,
      ...DATA_FLAG,
      as: { type: "string" },
      reason: { type: "string" },
      status: { type: "string" },
      country: { type: "string" },
      tier: { type: "string" },
      ...JSON_FLAG,
    },
    true,
  );
  const [id, tier, ...extra] = positionals;
  const wantPositionals = sub === "list" ? 0 : sub === "set-tier" ? 2 : 1;
  if (positionals.length !== wantPositionals || extra.length)
    throw new UsageError(
      wantPositionals === 0
        ? "list takes no arguments"
        : `${sub} needs ${wantPositionals === 2 ? "ID and TIER" : "the partner ID"}`,
    );
  if (id && !idPattern("organisation").test(id))
    throw new UsageError(`"${id}" is not a partner ID (org_...)`);
  if ((sub === "suspend" || sub === "reinstate") && !values.reason?.trim())
    throw new UsageError(`${sub} needs --reason: it goes on the partner's timeline`);
  const filter: Record<string, string> = {};
  if (values.status) filter.status = values.status;
  if (values.country) filter.country = values.country.toUpperCase();
  if (values.tier) filter.tier = values.tier;
  const op: Op = {
    sub,
    ...(id ? { id } : {}),
    ...(tier ? { tier } : {}),
    ...(values.reason ? { reason: values.reason } : {}),
    filter,
  };
  const json = values.json === true;
  if (values.url) {
    if (values.as)
      throw new UsageError("--as is for the local data folder; with --url the token says who you are");
    return runRemote(remoteApi(values.url, values.token, io), op, io, json);
  }
  if (sub === "approve" && !values.as)
    throw new UsageError(
      "approve needs --as EMAIL locally (or --url with your token): each approval names its staff member",
    );
  return runTask(cliConfig(io, values.data), "partners", { op, as: values.as, json }, io);
}

export const partnersCommand = withSubCommands(
  { name: "partners", summary: "list, show, approve, suspend, reinstate partners and set their tier", help },
  Object.fromEntries(SUBS.map((sub) => [sub, (argv: string[], io: CliIo) => runPartners(sub, argv, io)])),
);
