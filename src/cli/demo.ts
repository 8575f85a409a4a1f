// `forewarn demo`: a whole tiered release on an accelerated clock, in memory, so a newcomer can watch
// a five-day release happen in a couple of minutes: the plan, each wave going out to its partners
// with their content, a suspended partner withheld, and the public release at T0.
import { randomBytes } from "node:crypto";
import { type Actor, systemActor } from "../authz/authorize.ts";
import { jobDefinitions } from "../jobs.ts";
import { makePasswordHasher } from "../modules/accounts/index.ts";
import type { Clock } from "../platform/clock.ts";
import { openDatabase } from "../platform/db/client.ts";
import { startJobs } from "../platform/jobs/jobs.ts";
import { makeServices } from "../runtime.ts";
import { type Command, parseFlags, UsageError } from "./command.ts";
import { enrolPartner, publishDemoNda } from "./demo-partner.ts";
import { runToolshell } from "./demo-toolshell.ts";

const help = `usage: forewarn demo [--days 5] [--minutes 2]
       forewarn demo toolshell [--seed S] [--partners N] [--data DIR] [--json]

Runs a release plan end to end on an accelerated clock, in an in-memory database (nothing is kept):
four partners in three tiers (one suspended after arming), an approved advisory with T0 DAYS away,
and the durable jobs firing each wave at its time. Prints each wave as it goes out.

options:
  --days N      days from arming to T0 (default 5)
  --minutes M   real minutes the release takes (default 2)

\`forewarn demo toolshell\` replays the 2025 SharePoint leak, from the release to the copies it came from
(forewarn demo toolshell --help).`;

/** A clock running `rate` times faster than real time from now on; the engine reads `rate`. */
export function acceleratedClock(rate: number, start = new Date()): Clock & { rate: number } {
  const real0 = Date.now();
  const t0 = start.getTime();
  return { rate, now: () => new Date(t0 + (Date.now() - real0) * rate) };
}

const PARTNERS = [
  { key: "Gold Shield", tier: "vetted-plus" },
  { key: "Silver Sentinel", tier: "standard" },
  { key: "Bronze Guard", tier: "restricted" },
  { key: "Lapsed Labs", tier: "standard" },
] as const;

function offset(at: Date, t0: Date): string {
  const s = Math.round((at.getTime() - t0.getTime()) / 1000);
  if (s === 0) return "T0";
  const abs = Math.abs(s);
  const d = Math.floor(abs / 86_400);
  const h = Math.floor((abs % 86_400) / 3600);
  const m = Math.floor((abs % 3600) / 60);
  return `T${s < 0 ? "-" : "+"}${d ? `${d}d ` : ""}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

export const demoCommand: Command = {
  name: "demo",
  summary:
    "watch a tiered release on an accelerated clock (in memory); `demo toolshell`: the 2025 leak replayed",
  help,
  async run(argv, io) {
    if (argv[0] === "toolshell") return runToolshell(argv.slice(1), io);
    const { values } = parseFlags(argv, { days: { type: "string" }, minutes: { type: "string" } });
    const days = Number(values.days ?? 5);
    const minutes = Number(values.minutes ?? 2);
    if (!(days > 0 && days <= 60)) throw new UsageError("--days must be a number between 0 and 60");
    if (!(minutes > 0 && minutes <= 60)) throw new UsageError("--minutes must be a number between 0 and 60");
    const rate = (days * 86_400) / (minutes * 60);
    const clock = acceleratedClock(rate);
    const database = await openDatabase({ inMemory: true });
    await database.migrate();
    const s = makeServices({
      database,
      clock,
      masterKey: randomBytes(32),
      passwords: makePasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      sessionHours: 12,
    });
    const sys = systemActor("demo");
    const password = randomBytes(18).toString("base64url");
    const person = async (role: "coordinator" | "partner_admin", email: string, organisationId?: string) => {
      const u = await s.accounts.createUser(sys, {
        email,
        name: email.split("@")[0] ?? email,
        role,
        password,
        organisationId,
      });
      return {
        kind: "user",
        userId: u.id,
        email: u.email,
        role,
        organisationId: u.organisationId,
        via: "session",
      } as Actor;
    };
    const jobs = await startJobs(database, jobDefinitions(s), { pollingIntervalSeconds: 0.5 });
    s.jobQueue.connect(jobs.queue);
    try {
      io.out(
        `Clock: ${days} days in ${minutes} min (x${Math.round(rate)}). Setting up partners and an advisory ...`,
      );
      const c1 = await person("coordinator", "alice@programme.example");
      const c2 = await person("coordinator", "bob@programme.example");
      const nda = await publishDemoNda(
        s,
        sys,
        " (the wording of its text, fenced code, and text rules and proofs of concept; canary tokens where placed; not titles, product lists or binary files)",
      );
      const names = new Map<string, string>();
      const ids: string[] = [];
      for (const p of PARTNERS) {
        const slug = p.key.toLowerCase().replace(/\W+/g, "");
        const partnerId = await enrolPartner(
          s,
          { system: sys, approvers: [c1, c2] },
          {
            name: p.key,
            slug,
            country: "DE",
            kind: "antivirus",
            customers: 50_000,
            contact: { name: `${p.key} security`, email: `security@${slug}.example` },
            tier: p.tier,
          },
        );
        const admin = await person("partner_admin", `admin@${slug}.example`, partnerId);
        await s.partners.signNda(admin, partnerId, { version: nda, name: "Admin", title: "CISO" }, null);
        names.set(partnerId, `${p.key} (${p.tier})`);
        ids.push(partnerId);
      }
      const { caseId } = await s.cases.submit(null, {
        product: "Acme Gateway",
        version: "4.2.1",
        title: "Admin console authentication bypass",
        description: "The admin console trusts X-Forwarded-User from any client.",
      });
      const adv = await s.advisories.create(c1, {
        caseId,
        title: "Acme Gateway: authentication bypass in the admin console",
        products: [{ vendor: "Acme", product: "Gateway", affected: ["4.2.1"], fixed: ["4.2.2"] }],
        sections: {
          summary: "A remote attacker can act as an administrator of Acme Gateway 4.2.1.",
          details: "The console trusts the X-Forwarded-User header from any client.",
          detection: "Alert on X-Forwarded-User in requests to /admin from outside the proxy.",
          poc: "curl -H 'X-Forwarded-User: admin' https://gateway/admin",
          indicators: "- 203.0.113.7",
        },
      });
      await s.advisories.submit(c2, adv.id);
      await s.advisories.approve(c2, adv.id);
      const publicAt = new Date(clock.now().getTime() + days * 86_400_000);
      // Fewer days than a tier's lead time: that tier's wave goes at once (the demo accepts it and says so).
      const plan = await s.releases.createPlan(c1, adv.id, { publicAt, compressLeadTimes: true });
      for (const w of plan.warnings) io.out(`  note: ${w}`);
      io.out(`\nRelease plan for ${adv.trackingId}, T0 ${publicAt.toISOString()}:`);
      for (const w of plan.waves)
        io.out(
          `  ${offset(w.at, publicAt).padEnd(12)} ${w.tier ?? "extra"}: ${w.partnerIds.map((i) => names.get(i)).join(", ")} <- ${w.content.join(", ")}`,
        );
      await s.releases.approve(c2, adv.id);
      await s.releases.arm(c1, adv.id);
      const lapsed = ids[3] as string;
      await s.partners.suspend(sys, lapsed, "demo: suspended after the plan was armed");
      io.out(`  armed; then ${names.get(lapsed)} was suspended: it must get nothing.\n`);

      const seen = new Set<string>();
      const deadline = Date.now() + (minutes * 60 + 90) * 1000;
      let state = "armed";
      while (state !== "fired" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        const rows = await s.releases.deliveriesOf(adv.id);
        const byPartner = new Map<string, typeof rows>();
        for (const r of rows) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          byPartner.set(r.partnerId, [...(byPartner.get(r.partnerId) ?? []), r]);
        }
        for (const [pid, rs] of byPartner)
          io.out(
            `${offset(rs[0]?.deliveredAt ?? clock.now(), publicAt).padEnd(12)} delivered to ${names.get(pid)}: ${rs.length} copies (${rs[0]?.sections.join(", ")})`,
          );
        const plan = await s.releases.getPlan(sys, adv.id);
        for (const x of plan.exclusions) {
          const key = `withheld:${x.partnerId}:${x.waveId}`;
          if (x.kind !== "withheld" || seen.has(key)) continue;
          seen.add(key);
          io.out(
            `${offset(x.createdAt, publicAt).padEnd(12)} withheld from ${names.get(x.partnerId)}: ${x.reason}`,
          );
        }
        state = plan.state;
      }
      const final = await s.releases.getPlan(sys, adv.id);
      if (final.state !== "fired") {
        io.err(`the release did not finish in time (state ${final.state})`);
        return 1;
      }
      io.out(
        `${offset(final.publishedAt ?? publicAt, publicAt).padEnd(12)} public: ${adv.trackingId} is published.`,
      );
      io.out(
        `\nDone: ${final.waves.reduce((n, w) => n + w.delivered, 0)} partners reached, ${final.waves.reduce((n, w) => n + w.withheld, 0)} withheld. Nothing was kept.`,
      );
      return 0;
    } finally {
      await jobs.stop();
      await database.close();
    }
  },
};
