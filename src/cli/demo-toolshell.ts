// `forewarn demo toolshell`: the 2025 SharePoint "ToolShell" timeline replayed through the real
// services on a stepped clock, from the report to the investigation: synthetic partners in three
// tiers, an advisory with a proof of concept and a rule file, a release plan approved by two
// people and fired by the release engine at T-14, T-5 and T-1 days, members reading their
// fingerprinted copies, one partner's member leaking the proof of concept merged with a
// colleague's copy and stripped of invisible marks, exploitation observed the day before T0, and
// the investigation that names whose copies the leak came from, with the exposure, the
// coincidence analysis and the report. The dates come from data/incidents/toolshell.json.
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Actor, systemActor } from "../authz/authorize.ts";
import { loadConfig } from "../config.ts";
import type { PartnerKind, Section } from "../contract/enums.ts";
import { makePasswordHasher } from "../modules/accounts/index.ts";
import { fixedClock } from "../platform/clock.ts";
import { openRuntime, type Services } from "../runtime.ts";
import { stripFormat } from "../tracing/attacks/index.ts";
import { Prng } from "../tracing/code.ts";
import { type CliIo, DATA_FLAG, JSON_FLAG, parseFlags, UsageError, wantsHelp } from "./command.ts";
import { enrolPartner, publishDemoNda } from "./demo-partner.ts";
import {
  TOOLSHELL_POC,
  TOOLSHELL_PRODUCTS,
  TOOLSHELL_RULE,
  TOOLSHELL_SECTIONS,
  TOOLSHELL_TITLE,
} from "./toolshell-content.ts";

export const toolshellHelp = `usage: forewarn demo toolshell [--seed S] [--partners N] [--data DIR] [--json]

Replays the 2025 SharePoint "ToolShell" timeline (data/incidents/toolshell.json) through the real
services on a clock that jumps from event to event: synthetic partners in three tiers receive
fingerprinted copies in waves at T-14, T-5 and T-1 days; one partner's member leaks the proof of
concept, merged with a colleague's copy and stripped of invisible marks; exploitation is observed
the day before T0. An investigation then reads the leak against every delivered recipient. Prints
the exposure by the day of first exploitation, the coincidence probability with its model, and the
accused recipients with their bounds, and writes the report (HTML and PDF) into the data folder.

Always runs on the embedded database (PGlite) in its own data folder, never on DATABASE_URL.

options:
  --seed S       the scenario's seed: partner tiers, members, reads, who leaks and how the copies
                 are merged (default "toolshell"); keys, IDs and scores are fresh each run
  --partners N   synthetic partners, 6 to 60 (default 30)
  --data DIR     a new or empty folder for the database, the leaked files and the report
                 (default: a fresh temporary folder)
  --json         print the outcome as JSON; progress goes to standard error`;

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Patch Tuesday's hour: 10:00 in Redmond in July is 17:00 UTC. The file gives calendar days only. */
const RELEASE_HOUR_UTC = 17;

type IncidentEvent = { date: string; kind: string; what: string; confidence: string; source: string };
export type Incident = { id: string; title: string; events: IncidentEvent[] };

/** The ToolShell entry shipped with the repository (see data/incidents/README.md). */
export function loadToolshellIncident(): Incident {
  const file = join(import.meta.dirname, "..", "..", "data", "incidents", "toolshell.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { incident: Incident }).incident;
}

export type ReplayTimeline = {
  reported: Date;
  /** The partner waves, earliest first, with their lead time in whole days before T0. */
  waves: { at: Date; leadDays: number; what: string }[];
  /** First exploitation: the start of the day the file gives. */
  observedAt: Date;
  publicAt: Date;
  investigationAt: Date;
};

const day = (events: IncidentEvent[], kind: string) => {
  const e = events.find((x) => x.kind === kind);
  if (!e || !/^\d{4}-\d{2}-\d{2}$/.test(e.date))
    throw new Error(`the incident file has no ${kind} event with a date (YYYY-MM-DD)`);
  return new Date(`${e.date}T00:00:00Z`);
};

/**
 * Maps the incident's calendar days to instants: the public release and each partner wave at
 * 17:00 UTC of their day (so the waves are whole days before T0), first exploitation at the start
 * of its day, the report and the investigation at 09:00 UTC.
 */
export function replayTimeline(incident: Incident): ReplayTimeline {
  const publicAt = new Date(day(incident.events, "public-release").getTime() + RELEASE_HOUR_UTC * HOUR);
  const waves = incident.events
    .filter((e) => e.kind === "partner-wave")
    .map((e) => {
      const at = new Date(new Date(`${e.date}T00:00:00Z`).getTime() + RELEASE_HOUR_UTC * HOUR);
      return { at, leadDays: Math.round((publicAt.getTime() - at.getTime()) / DAY), what: e.what };
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  if (waves.length === 0 || waves.some((w) => w.leadDays <= 0))
    throw new Error("the incident file's partner waves must all come before the public release");
  return {
    reported: new Date(day(incident.events, "reported").getTime() + 9 * HOUR),
    waves,
    observedAt: day(incident.events, "exploitation-first-seen"),
    publicAt,
    investigationAt: new Date(day(incident.events, "investigation").getTime() + 9 * HOUR),
  };
}

const PARTNER_NAMES = [
  "Aegis Labs",
  "Bastion Security",
  "Citadel Defense",
  "Driftwood Networks",
  "Ember Shield",
  "Fathom Detect",
  "Granite CERT",
  "Harbor Sentinel",
  "Ironbark Systems",
  "Juniper Watch",
  "Kestrel Intelligence",
  "Lattice Guard",
  "Meridian EDR",
  "Northlight Security",
  "Obsidian Response",
  "Pinecrest Labs",
  "Quarry Defense",
  "Redwood Protect",
  "Saltmarsh Networks",
  "Tidewater Security",
  "Umbra Analytics",
  "Vantage Detect",
  "Willow Cyber",
  "Xylem Secure",
  "Yarrow Systems",
  "Zephyr Defense",
  "Alder Response",
  "Birch Intelligence",
  "Cobalt Sentinel",
  "Dunmore Labs",
  "Elmstead Security",
  "Foxglove Networks",
  "Gannet Protect",
  "Heron Watch",
  "Inkwell Detect",
  "Jasper CERT",
  "Kelp Analytics",
  "Lumen Guard",
  "Marlin Security",
  "Nettle Systems",
  "Osprey Defense",
  "Plover Labs",
  "Quill Response",
  "Rook Intelligence",
  "Sable Shield",
  "Tern Networks",
  "Upland Secure",
  "Vireo Cyber",
  "Wren Detect",
  "Yew Security",
  "Zinnia Labs",
  "Auklet Systems",
  "Bramble Guard",
  "Corvid Watch",
  "Dipper Defense",
  "Egret Response",
  "Finch Analytics",
  "Grebe Protect",
  "Hawthorn CERT",
  "Ibis Networks",
];
const FIRST = [
  "Ana",
  "Ben",
  "Chloé",
  "Dev",
  "Elif",
  "Femi",
  "Greta",
  "Hiro",
  "Ines",
  "Jonas",
  "Kaia",
  "Luca",
];
const LAST = [
  "Adler",
  "Brandt",
  "Costa",
  "Dubois",
  "Eriksen",
  "Fischer",
  "Garcia",
  "Haddad",
  "Ito",
  "Jensen",
];
const KINDS: PartnerKind[] = ["antivirus", "edr", "ids_ips", "managed_security", "cert"];
const COUNTRIES = ["DE", "US", "FR", "GB", "JP", "NL", "SE", "CA", "IL", "AU", "FI", "ES"];

/** The three tiers the replay adds (lead times from the incident file's waves, PoC to the first two). */
function replayTiers(waves: ReplayTimeline["waves"]) {
  const names = ["inner-circle", "vetted-plus", "standard"];
  const full: Section[] = ["summary", "details", "detection", "poc", "indicators"];
  const detection: Section[] = ["summary", "details", "detection", "indicators"];
  return waves.map((w, i) => ({
    name: names[i] ?? `wave-${i + 1}`,
    leadTime: `P${w.leadDays}D`,
    content: i < waves.length - 1 ? full : detection,
  }));
}

/** A synthetic partner as the seed draws it: its people are the applicant contact and two analysts. */
export type ScenarioPartner = {
  name: string;
  slug: string;
  /** Index into the replay's tiers: 0 gets the first wave. */
  tierIndex: number;
  country: string;
  kind: PartnerKind;
  customers: number;
  people: { name: string; email: string }[];
  /** Hours after its wave each person first reads their copy; null: never. */
  readAfterHours: (number | null)[];
  ackAfterHours: number;
};

export type Scenario = {
  partners: ScenarioPartner[];
  /** Which partner leaks (in the second wave), which analyst, and the colleague whose copy is merged in. */
  leak: { partner: number; leaker: number; colleague: number; share: number };
};

/**
 * Everything the seed decides, before any service runs: the partners with their tier, country,
 * kind and people, when each person reads, who leaks and how the two copies are merged.
 * @example planScenario("toolshell", 30).partners.length // 30
 */
export function planScenario(seed: string, count: number): Scenario {
  const rng = new Prng(
    createHash("sha256").update(`forewarn/demo/toolshell/${seed}`).digest().subarray(0, 16),
  );
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)] as T;
  const inner = Math.max(1, Math.round(count * 0.1));
  const vetted = Math.max(2, Math.round(count * 0.3));
  const names = PARTNER_NAMES.slice(0, count);
  for (let i = names.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [names[i], names[j]] = [names[j] as string, names[i] as string];
  }
  const partners = names.map((name, i): ScenarioPartner => {
    const slug = name.toLowerCase().replace(/\W+/g, "-");
    const people = [0, 1, 2].map((k) => {
      const person = `${pick(FIRST)} ${pick(LAST)}`;
      const local = person
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z ]/g, "")
        .replace(" ", ".");
      return { name: person, email: `${local}.${k + 1}@${slug}.example` };
    });
    return {
      name,
      slug,
      tierIndex: i < inner ? 0 : i < inner + vetted ? 1 : 2,
      country: pick(COUNTRIES),
      kind: pick(KINDS),
      customers: 10_000 + rng.int(490_000),
      people,
      // Some members never open their copy; the others within a day and a half.
      readAfterHours: people.map(() => (rng.next() < 0.15 ? null : 1 + rng.int(30) + rng.int(60) / 60)),
      ackAfterHours: 6 + rng.int(12),
    };
  });
  const partner = inner + rng.int(vetted);
  const leaker = 1 + rng.int(2);
  const lp = partners[partner] as ScenarioPartner;
  // The leaker reads two hours after the wave, the colleague three hours later.
  lp.readAfterHours[leaker] = 2;
  lp.readAfterHours[leaker === 1 ? 2 : 1] = 5;
  return {
    partners,
    leak: { partner, leaker, colleague: leaker === 1 ? 2 : 1, share: 0.35 + rng.next() * 0.3 },
  };
}

type Member = { id: string; name: string; email: string; role: "partner_admin" | "partner_analyst" };
type SynthPartner = { id: string; name: string; tier: string; members: Member[]; plan: ScenarioPartner };
type Scheduled = { at: Date; order: number; run: () => Promise<void> };

const iso = (d: Date) => d.toISOString().replace(":00.000Z", "Z").replace("T", " ");
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const sci = (x: number) => (x === 0 ? "0" : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
function rel(at: Date, t0: Date): string {
  const h = Math.round((at.getTime() - t0.getTime()) / HOUR);
  if (h === 0) return "T0";
  const abs = Math.abs(h);
  const d = Math.floor(abs / 24);
  const rest = abs % 24;
  return `T${h < 0 ? "-" : "+"}${d ? `${d}d` : ""}${rest ? `${rest}h` : ""}`;
}

/** Takes lines [0, cut) of a and [cut, …) of b: a naive merge of two copies of the same text. */
function mergeLines(a: string, b: string, share: number): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  const cut = Math.round(la.length * share);
  return [...la.slice(0, cut), ...lb.slice(cut)].join("\n");
}

/** What a leaker who knows about invisible marks does: drop them and normalise the letters. */
const strip = (text: string) => stripFormat(text).normalize("NFKC");

function checkDataDir(dir: string | undefined): string {
  if (!dir) return mkdtempSync(join(tmpdir(), "forewarn-toolshell-"));
  const abs = resolve(dir);
  if (existsSync(abs) && !statSync(abs).isDirectory())
    throw new UsageError(`--data ${dir} is a file: give a new or empty folder`);
  if (existsSync(abs) && readdirSync(abs).length > 0)
    throw new UsageError(
      `--data ${dir} is not empty: the replay writes a whole programme there, so give a new or empty folder`,
    );
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  return abs;
}

export async function runToolshell(argv: string[], io: CliIo): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(toolshellHelp);
    return 0;
  }
  const { values } = parseFlags(argv, {
    seed: { type: "string" },
    partners: { type: "string" },
    ...DATA_FLAG,
    ...JSON_FLAG,
  });
  const count = Number(values.partners ?? 30);
  if (!(Number.isInteger(count) && count >= 6 && count <= PARTNER_NAMES.length))
    throw new UsageError(`--partners must be a whole number from 6 to ${PARTNER_NAMES.length}`);
  const seed = values.seed ?? "toolshell";
  const json = values.json === true;
  const say = json ? io.err : io.out;
  const dataDir = checkDataDir(values.data);
  const started = Date.now();

  const incident = loadToolshellIncident();
  const tl = replayTimeline(incident);
  const clock = fixedClock(tl.reported);
  say(`Opening a fresh embedded database in ${dataDir} ...`);
  const rt = await openRuntime(loadConfig({ FOREWARN_DATA_DIR: dataDir }), {
    clock,
    // Nobody signs in to the replay: the cheapest argon2 parameters keep setting up quick.
    passwords: makePasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  });
  try {
    const s: Services = rt.services;
    const sys = systemActor("demo");
    const password = randomBytes(18).toString("base64url");
    const staff = async (role: "coordinator" | "investigator", name: string): Promise<Actor> => {
      const email = `${name.toLowerCase().replace(/\W+/g, ".")}@vendor.example`;
      const u = await s.accounts.createUser(sys, { email, name, role, password });
      return {
        kind: "user",
        userId: u.id as `usr_${string}`,
        email,
        role,
        organisationId: u.organisationId as `org_${string}`,
        via: "session",
      };
    };
    const asMember = (m: Member, partnerId: string): Actor => ({
      kind: "user",
      userId: m.id as `usr_${string}`,
      email: m.email,
      role: m.role,
      organisationId: partnerId as `org_${string}`,
      via: "session",
    });

    say(`Replaying ${incident.title}`);
    say(`  from ${isoDay(tl.reported)} to ${isoDay(tl.investigationAt)}, seed "${seed}"`);

    // --- The programme as it stood before the report: staff, NDA, tiers, partners and members.
    const c1 = await staff("coordinator", "Carla Coordinator");
    const c2 = await staff("coordinator", "Dan Coordinator");
    const investigator = await staff("investigator", "Ines Investigator");
    const nda = await publishDemoNda(s, sys);
    const tiers = replayTiers(tl.waves);
    const existing = (await s.partners.listTiers(sys)).filter((t) => !tiers.some((n) => n.name === t.name));
    await s.partners.replaceTiers(sys, [
      ...tiers,
      ...existing.map((t) => ({ name: t.name, leadTime: t.leadTime, content: t.content as Section[] })),
    ]);
    const scenario = planScenario(seed, count);
    const partners: SynthPartner[] = [];
    const who = new Map<string, string>();
    for (const sp of scenario.partners) {
      const tier = (tiers[sp.tierIndex] ?? tiers[tiers.length - 1])?.name as string;
      const contact = sp.people[0] as { name: string; email: string };
      // The applicant's contact becomes the partner's admin (the application makes the account).
      const partnerId = await enrolPartner(s, { system: sys, approvers: [c1, c2] }, { ...sp, contact, tier });
      const p: SynthPartner = { id: partnerId, name: sp.name, tier, members: [], plan: sp };
      const adminId = (await s.partners.listMembers(sys, partnerId)).find(
        (m) => m.email === contact.email,
      )?.id;
      if (!adminId) throw new Error(`the application of ${sp.name} made no account for its contact`);
      p.members.push({ id: adminId, ...contact, role: "partner_admin" });
      for (const person of sp.people.slice(1)) {
        const u = await s.accounts.createUser(sys, {
          ...person,
          role: "partner_analyst",
          password,
          organisationId: partnerId,
        });
        p.members.push({ id: u.id, ...person, role: "partner_analyst" });
      }
      for (const m of p.members) who.set(m.id, m.name);
      who.set(partnerId, sp.name);
      const admin = p.members[0] as Member;
      await s.partners.signNda(
        asMember(admin, partnerId),
        partnerId,
        { version: nda, name: admin.name, title: "CISO" },
        null,
      );
      partners.push(p);
    }
    say(
      `  programme: ${partners.length} partners (${tiers.map((t) => `${partners.filter((p) => p.tier === t.name).length} ${t.name}`).join(", ")}), ${partners.length * 3} members`,
    );

    // --- The report, the advisory and the release plan.
    const reported = incident.events.find((e) => e.kind === "reported");
    const { caseId } = await s.cases.submit(null, {
      product: "SharePoint Server",
      version: "Subscription Edition, 2019",
      title: "Authentication bypass and code injection in ToolPane.aspx",
      description: reported?.what ?? "Exploit chain reported.",
    });
    say(`${iso(tl.reported)}  reported: ${reported?.what ?? "the chain"}`);
    clock.set(new Date((tl.waves[0]?.at ?? tl.publicAt).getTime() - 4 * DAY - 8 * HOUR));
    const adv = await s.advisories.create(c1, {
      caseId,
      title: TOOLSHELL_TITLE,
      products: TOOLSHELL_PRODUCTS,
      sections: TOOLSHELL_SECTIONS,
    });
    await s.advisories.addFiles(c1, adv.id, "detection", async () => [
      { filename: "toolshell.yar", bytes: Buffer.from(TOOLSHELL_RULE) },
    ]);
    await s.advisories.addFiles(c1, adv.id, "poc", async () => [
      { filename: "toolpane_check.py", bytes: Buffer.from(TOOLSHELL_POC) },
    ]);
    await s.advisories.submit(c1, adv.id);
    await s.advisories.approve(c2, adv.id);
    const plan = await s.releases.createPlan(c1, adv.id, { publicAt: tl.publicAt, timeZone: "UTC" });
    await s.releases.approve(c2, adv.id);
    await s.releases.arm(c1, adv.id);
    say(
      `${iso(clock.now())}  ${adv.trackingId} written by one coordinator, approved by another; release plan armed:`,
    );
    for (const w of plan.waves)
      say(
        `    ${rel(w.at, tl.publicAt).padEnd(6)} ${iso(w.at)}  ${(w.tier ?? "extra").padEnd(12)} ${String(w.partnerIds.length).padStart(2)} partners <- ${w.content.join(", ")}`,
      );
    say(`    T0     ${iso(tl.publicAt)}  public`);

    // --- The schedule: the engine's sweep every six hours and at each wave, members' reads, the leak.
    const events: Scheduled[] = [];
    let order = 0;
    const at = (when: Date, run: () => Promise<void>) => events.push({ at: when, order: order++, run });
    const waveOf = new Map<string, (typeof plan.waves)[number]>();
    for (const w of plan.waves) for (const pid of w.partnerIds) waveOf.set(pid, w);
    const sweep = async () => {
      const before = (await s.releases.getPlan(sys, adv.id)).waves.filter((w) => w.firedAt).length;
      const r = await s.releases.sweep();
      if (r.waves > 0) {
        const after = (await s.releases.getPlan(sys, adv.id)).waves;
        for (const w of after.filter((x) => x.firedAt).slice(before))
          say(
            `${iso(clock.now())}  ${rel(clock.now(), tl.publicAt)}: wave ${w.tier ?? "extra"} fired, ${w.delivered} partners and their members got fingerprinted copies (${w.content.join(", ")})`,
          );
      }
      if (r.published > 0) say(`${iso(clock.now())}  T0: ${adv.trackingId} is public`);
    };
    for (let t = clock.now().getTime(); t <= tl.publicAt.getTime() + HOUR; t += 6 * HOUR)
      at(new Date(t), sweep);
    for (const w of plan.waves) at(w.at, sweep);
    at(tl.publicAt, sweep);

    // The leak: an analyst of a partner in the second wave (PoC, four days before exploitation).
    const second = plan.waves[1] ?? plan.waves[0];
    const leakPartner = partners[scenario.leak.partner] as SynthPartner;
    const leaker = leakPartner.members[scenario.leak.leaker] as Member;
    const colleague = leakPartner.members[scenario.leak.colleague] as Member;
    const share = scenario.leak.share;
    const copies = new Map<string, { writeUp: string; script: string }>();
    const readCopy = async (p: SynthPartner, m: Member) => {
      const r = await s.releases.copy(asMember(m, p.id), adv.id);
      const script = r.copy.files.find((f) => f.filename === "toolpane_check.py")?.text ?? "";
      // What an exploiter wants: how the chain works and the proof of concept, with its script.
      const writeUp = [r.copy.sections.details, r.copy.sections.poc].filter(Boolean).join("\n\n");
      copies.set(m.id, { writeUp, script });
    };
    let reads = 0;
    for (const p of partners) {
      const w = waveOf.get(p.id);
      if (!w) continue;
      p.members.forEach((m, k) => {
        const hours = p.plan.readAfterHours[k];
        if (hours === null || hours === undefined) return;
        at(new Date(w.at.getTime() + Math.round(hours * 60) * 60_000), async () => {
          await readCopy(p, m);
          reads++;
        });
      });
      const admin = p.members[0] as Member;
      at(new Date(w.at.getTime() + p.plan.ackAfterHours * HOUR), async () => {
        await s.releases.acknowledge(asMember(admin, p.id), adv.id, { status: "received" });
      });
    }
    const leakAt = new Date((second?.at.getTime() ?? tl.observedAt.getTime()) + 30 * HOUR);
    const leakDir = join(dataDir, "leak");
    const leaked = { writeUp: "", script: "" };
    at(leakAt, async () => {
      const a = copies.get(leaker.id);
      const b = copies.get(colleague.id);
      if (!a || !b) throw new Error("the leaker's and the colleague's copies were not read");
      leaked.writeUp = strip(mergeLines(a.writeUp, b.writeUp, share));
      leaked.script = strip(mergeLines(a.script, b.script, share));
      mkdirSync(leakDir, { recursive: true });
      writeFileSync(join(leakDir, "ToolShell-PoC.txt"), leaked.writeUp);
      writeFileSync(join(leakDir, "toolpane_check.py"), leaked.script);
      say(
        `${iso(clock.now())}  leak: ${leaker.name} (analyst at ${leakPartner.name}, ${leakPartner.tier}) merges the details and proof of concept of their copy, with its script, with ${colleague.name}'s (${Math.round(share * 100)}% / ${Math.round((1 - share) * 100)}% of the lines), strips invisible marks and normalises the letters`,
      );
    });
    const observed = incident.events.find((e) => e.kind === "exploitation-first-seen");
    at(tl.observedAt, async () => {
      say(
        `${iso(clock.now())}  ${rel(clock.now(), tl.publicAt)}: ${observed?.what ?? "first exploitation observed"}`,
      );
    });

    events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
    for (const e of events) {
      if (e.at.getTime() > clock.now().getTime()) clock.set(e.at);
      await e.run();
    }
    say(`  ${reads} copy reads by members, every one audited`);

    // --- The investigation.
    clock.set(tl.investigationAt);
    const investigation = incident.events.find((e) => e.kind === "investigation");
    say(`${iso(clock.now())}  ${investigation?.what ?? "investigation opened"}`);
    const f = s.forensics;
    const { id } = await f.open(investigator, {
      title: "ToolShell: exploitation seen the day before the patch",
      observedAt: tl.observedAt,
    });
    for (const [filename, text] of [
      ["ToolShell-PoC.txt", leaked.writeUp],
      ["toolpane_check.py", leaked.script],
    ] as const) {
      say(`  adding evidence ${filename} (${Buffer.byteLength(text)} bytes)`);
      await f.addEvidence(investigator, id, async () => ({
        kind: "file",
        filename,
        bytes: Buffer.from(text, "utf8"),
        source: "exploit shared in a private channel",
        foundAt: tl.observedAt,
      }));
    }
    say("  reading the evidence against every delivered recipient");
    const { findings } = await f.get(investigator, id);
    const exposure = await f.exposure(investigator, id);
    const html = await f.report(investigator, id, "html");
    const pdf = await f.report(investigator, id, "pdf");
    const reportHtml = join(dataDir, "toolshell-report.html");
    const reportPdf = join(dataDir, "toolshell-report.pdf");
    writeFileSync(reportHtml, html);
    writeFileSync(reportPdf, pdf);

    const accused = findings.accused.map((a) => ({
      recipientId: a.recipientId,
      kind: a.kind,
      name: who.get(a.recipientId) ?? a.recipientId,
      partnerId: a.partnerId,
      partnerName: a.partnerName,
      score: a.score,
      threshold: a.threshold,
      bound: a.bound,
    }));
    const pocHolders = exposure.recipients.filter(
      (r) => r.recipientKind === "organisation" && r.beforeObserved && r.sections.includes("poc"),
    );
    const seconds = (Date.now() - started) / 1000;
    const spanDays = (tl.investigationAt.getTime() - tl.reported.getTime()) / DAY;
    const outcome = {
      incident: incident.id,
      seed,
      dataDir,
      advisory: { id: adv.id, trackingId: adv.trackingId },
      investigationId: id,
      timeline: {
        reported: tl.reported,
        waves: exposure.waves.map((w) => ({ ...w, offset: rel(w.at, tl.publicAt) })),
        observedAt: tl.observedAt,
        publicAt: tl.publicAt,
        investigationAt: tl.investigationAt,
      },
      exposure: {
        byObserved: exposure.byObserved,
        pocHolders: pocHolders.map((r) => ({
          partnerId: r.partnerId,
          partnerName: r.partnerName,
          deliveredAt: r.deliveredAt,
          members: exposure.recipients.filter(
            (x) => x.partnerId === r.partnerId && x.recipientKind === "user",
          ).length,
          membersRead: exposure.recipients.filter(
            (x) =>
              x.partnerId === r.partnerId &&
              x.recipientKind === "user" &&
              x.firstReadAt &&
              x.firstReadAt <= tl.observedAt,
          ).length,
        })),
      },
      coincidence: {
        probability: exposure.coincidence.probability,
        model: exposure.coincidence.model,
        assumptions: exposure.coincidence.assumptions,
        windows: exposure.coincidence.windows,
        summary: exposure.coincidence.summary,
      },
      leak: {
        partnerId: leakPartner.id,
        partnerName: leakPartner.name,
        leaker: { id: leaker.id, name: leaker.name },
        colleague: { id: colleague.id, name: colleague.name },
        share,
      },
      findings: {
        verdict: findings.verdict,
        advisoryIds: findings.advisoryIds,
        observedPoints: findings.observedPoints,
        recipientCount: findings.recipientCount,
        epsilon: findings.epsilon,
        warnings: findings.warnings,
      },
      accused,
      report: { html: reportHtml, pdf: reportPdf },
      seconds,
    };

    // --- The answer.
    say("");
    say(`Exposure by ${iso(tl.observedAt)} (first exploitation; the file gives the day only):`);
    for (const w of exposure.waves)
      say(
        `  ${rel(w.at, tl.publicAt).padEnd(6)} ${iso(w.at)}  ${(w.tier ?? "extra").padEnd(12)} ${String(w.partners).padStart(2)} partners  ${w.content.join(", ")}${w.at.getTime() > tl.observedAt.getTime() ? "  (after the observed exploitation)" : ""}`,
      );
    const b = exposure.byObserved;
    say(
      `  by then ${b.partners} partners and ${b.members} of their members held the advisory; ${b.sections.poc ?? 0} partners held the proof of concept:`,
    );
    for (const h of outcome.exposure.pocHolders)
      say(
        `    ${h.partnerName.padEnd(22)} delivered ${iso(h.deliveredAt)}, ${h.membersRead} of ${h.members} members had read it`,
      );
    const co = exposure.coincidence;
    say("");
    say(`Coincidence: ${co.summary}`);
    say(`  model: ${co.model}`);
    for (const a of co.assumptions) say(`  assumption: ${a}`);
    for (const w of co.windows)
      say(
        `  wave ${w.tier ?? "extra"}: ${w.days.toFixed(1)} days before the exploitation, P = ${sci(w.probability)}`,
      );
    say("");
    say(
      `Findings: ${findings.verdict}; ${
        findings.advisoryIds.length
          ? `advisory ${findings.advisoryIds.map((x) => (x === adv.id ? `${adv.trackingId} (${x})` : x)).join(", ")} found from the evidence alone`
          : "no advisory matched the evidence"
      }; ${findings.observedPoints} points read, ${findings.recipientCount} delivered recipients scored`,
    );
    for (const a of accused)
      say(
        `Accused: ${a.name} (${a.kind === "user" ? `member of ${a.partnerName}` : "the partner's own copy"}, ${a.recipientId}): score ${a.score.toFixed(1)} ≥ threshold ${a.threshold.toFixed(1)}, bound ${sci(a.bound)} ≤ ε₁ = ${sci(findings.epsilon)}`,
      );
    if (accused.length === 0) say("Accused: nobody");
    for (const w of findings.warnings) say(`  warning: ${w}`);
    say(
      `  (the leak came from ${leaker.name} and ${colleague.name} of ${leakPartner.name}: the findings name whose copies the marks come from)`,
    );
    say("");
    say(`Report: ${reportHtml}`);
    say(`        ${reportPdf}`);
    say(
      `Replayed ${Math.round(spanDays)} days in ${seconds.toFixed(1)} s. To browse it, create two administrators with forewarn admin create --data ${dataDir} (see README), then run forewarn serve --data ${dataDir}`,
    );
    if (json) io.out(JSON.stringify(outcome, null, 2));
    return 0;
  } finally {
    await rt.close();
  }
}
