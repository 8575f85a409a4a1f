// Per-recipient tracing of delivered copies (src/tracing wired into renderCopy's fingerprint seam).
//
// One tracing key per plan and pinned revision (release_tracing_keys), made when the plan is
// approved (or, for a plan approved before tracing existed, by the first delivery). The key is planned
// on the "tracing text": every non-empty section of the revision in the copy's order, each after a
// protected marker line, plus every text file as an attachment. A recipient's copy renders that whole
// text with the recipient's codeword and keeps the sections its content level allows: a copy with
// fewer sections carries fewer points, never other ones, so one key serves every content level.
// Titles, product lists, headings and the copy's header lines are not varied.
import { createHash } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { SECTIONS, type Section } from "../../contract/enums.ts";
import type { Sealer } from "../../platform/crypto.ts";
import type { Db, DbOrTx } from "../../platform/db/client.ts";
import type { IdGen } from "../../platform/ids.ts";
import { colludersTraced, singleLeakerNeeds } from "../../tracing/capacity.ts";
import { codeword } from "../../tracing/code.ts";
import { createKeyFile, type KeyFile, KeyFileError } from "../../tracing/keyfile.ts";
import { DEFAULT_EPSILON, layerGroup } from "../../tracing/layers.ts";
import { type Plan, PlanError } from "../../tracing/plan.ts";
import { render } from "../../tracing/render.ts";
import {
  CANARY_PLACEHOLDERS,
  type CanaryConfig,
  canarySubstituter,
  type MintedCanary,
} from "./canary-placeholders.ts";
import { type Copy, type CopyFile, copyMarkdown, type Recipient, type RenderSource } from "./render.ts";
import { releaseDeliveries, releaseTracingKeys } from "./schema.ts";

const MARKER = (s: Section) => `<!-- forewarn-section:${s} -->`;
const MARKER_LINE = /^<!-- forewarn-section:([a-z]+) -->$/gm;

/** The text a key is planned on: every non-empty section after its marker line. */
export function tracingText(source: RenderSource): string {
  return SECTIONS.filter((s) => source.content.sections[s]?.trim())
    .map((s) => `${MARKER(s)}\n\n${source.content.sections[s].trim()}\n`)
    .join("\n");
}

/** A rendered tracing text split back into its sections (trimmed). */
export function splitSections(text: string): Map<Section, string> {
  const out = new Map<Section, string>();
  const marks = [...text.matchAll(MARKER_LINE)];
  marks.forEach((m, k) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = k + 1 < marks.length ? (marks[k + 1]?.index ?? text.length) : text.length;
    out.set(m[1] as Section, text.slice(start, end).trim());
  });
  return out;
}

/** The attachment name of a file in the key: unique (the file's ID) and ending in its own name (language). */
const attachmentName = (f: { id: string; filename: string }) => `${f.id}/${f.filename}`;

/** Plans a fresh key over the source, or null when nothing in it can vary (no prose, no code-aware file). */
export function planTracingKey(
  source: RenderSource,
  recipients: readonly string[],
  /** Deterministic key (tests only). */
  keySeed?: string,
): KeyFile | null {
  const text = tracingText(source);
  const attachments = source.files
    .filter((f) => typeof f.text === "string")
    .map((f) => ({ name: attachmentName(f), content: f.text as string }));
  if (!text.trim()) return null;
  try {
    // The key file's recipient list must pass the library's ID check; the deliveries are the truth.
    const file = createKeyFile(text, {
      recipients: ["deliveries"],
      attachments,
      protect: CANARY_PLACEHOLDERS,
      ...(keySeed === undefined ? {} : { keySeed }),
    });
    return { ...file, recipients: recipients.length ? [...recipients] : ["deliveries"] };
  } catch (e) {
    if (e instanceof KeyFileError || e instanceof PlanError) return null;
    throw e;
  }
}

/** What a key renders with: compiled once per key, shared by every copy of a wave. */
export type TracingRuntime = {
  keyId: string;
  key: Buffer;
  biases: Float64Array;
  plan: Plan;
  /** Varying files by file ID: where their points sit in the codeword. */
  files: Map<string, { offset: number; plan: Plan }>;
};

export function tracingRuntime(keyId: string, file: KeyFile): TracingRuntime {
  const files = new Map<string, { offset: number; plan: Plan }>();
  for (const a of file.files ?? [])
    files.set(a.name.slice(0, a.name.indexOf("/")), { offset: a.offset, plan: a.plan });
  return {
    keyId,
    key: Buffer.from(file.key, "hex"),
    biases: Float64Array.from(file.biases),
    plan: file.plan,
    files,
  };
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export type Fingerprinted = { copy: Copy; codeword: Uint8Array | null; canaries: MintedCanary[] };

/**
 * The recipient's copy: the sections it receives from the recipient's rendering of the tracing
 * text, each varying text file in the recipient's variant (with its own size and SHA-256), canary
 * placeholders replaced by fresh tokens (after the variation, which therefore never touches a
 * token), and the markdown assembled again from these parts.
 */
export function fingerprintCopy(
  rt: TracingRuntime | null,
  canary: CanaryConfig,
  copy: Copy,
  recipient: Recipient,
): Fingerprinted {
  const x = rt ? codeword(rt.key, recipient.id, rt.biases) : null;
  const varied = rt && x ? splitSections(render(rt.plan, x.subarray(0, rt.plan.points.length))) : null;
  const { substitute, minted } = canarySubstituter(canary);
  const sections: Partial<Record<Section, string>> = {};
  for (const s of SECTIONS) {
    const text = copy.sections[s];
    if (text === undefined) continue;
    sections[s] = substitute(varied?.get(s) ?? text);
  }
  const files: CopyFile[] = copy.files.map((f) => {
    if (f.text === null) return f;
    const v = rt && x ? rt.files.get(f.id) : undefined;
    const text = substitute(
      v && x ? render(v.plan, x.subarray(v.offset, v.offset + v.plan.points.length)) : f.text,
    );
    if (text === f.text) return f;
    return { ...f, text, size: Buffer.byteLength(text, "utf8"), sha256: sha256(text) };
  });
  const out: Copy = { ...copy, sections, files };
  out.markdown = copyMarkdown(out, recipient.partnerName);
  return { copy: out, codeword: x, canaries: minted };
}

// ---- capacity ----

export type WaveCapacity = {
  /** The wave's content level (sections) and its recipients (partners and their members). */
  sections: Section[];
  recipients: number;
  points: { visible: number; invisible: number; files: number; total: number };
  /** Observed points a single leaker's evidence needs at ε₁ (90% detection). */
  singleLeakerPoints: number;
  /** The same from wording and file variants alone (bias 1/2, so fewer), once invisible marks are stripped. */
  singleLeakerPointsWithoutInvisible: number;
  /** Words of an excerpt of the text that carry that many points (null: not even the whole text). */
  singleLeakerExcerptWords: number | null;
  /** The same once every invisible mark is stripped. */
  singleLeakerExcerptWordsWithoutInvisible: number | null;
  /** Colluders whole copies trace against any strategy, with and without the invisible layer. */
  colludersWholeCopy: number;
  colludersWholeCopyWithoutInvisible: number;
  epsilon: number;
  /** ε₁ times the recipients: the bound on accusing any innocent recipient of the wave. */
  populationBound: number;
  warnings: string[];
};

export type TracingCapacity = {
  /** Points of the whole key by layer group (every section, every varying file). */
  points: { visible: number; invisible: number; files: number; total: number };
  /** Text files that vary (code-aware variants) and those sent unchanged (binary files are never varied). */
  variedFiles: string[];
  unvariedFiles: string[];
  waves: WaveCapacity[];
  warnings: string[];
};

/** The section of every site of the key's text plan (from the marker lines in its fixed text). */
function siteSections(plan: Plan): Section[] {
  const out: Section[] = new Array(plan.sites.length);
  let current: Section = "summary";
  for (const seg of plan.segments) {
    if (typeof seg === "number") out[seg] = current;
    else for (const m of seg.matchAll(MARKER_LINE)) current = m[1] as Section;
  }
  return out;
}

const groupOf = (layer: string) => {
  const g = layerGroup(layer);
  return g === "invisible" ? "invisible" : g === "code" ? "files" : "visible";
};

/**
 * What a key (or, before approval, a plan of the same source) can trace, per wave: the points its
 * content level receives and the leak sizes they trace for the wave's number of recipients.
 */
export function tracingCapacity(
  source: RenderSource,
  file: KeyFile | null,
  waves: readonly { sections: readonly Section[]; recipients: number }[],
): TracingCapacity {
  const textFiles = source.files.filter((f) => typeof f.text === "string");
  const varied = new Set((file?.files ?? []).map((a) => a.name.slice(0, a.name.indexOf("/"))));
  const count = (sections: readonly Section[] | null) => {
    const pts = { visible: 0, invisible: 0, files: 0, total: 0 };
    if (!file) return { pts, words: 0 };
    const where = siteSections(file.plan);
    for (const p of file.plan.points)
      if (
        !sections ||
        p.sites.some((s) => {
          const at = where[s];
          return at !== undefined && sections.includes(at);
        })
      )
        pts[groupOf(p.layer)]++;
    for (const a of file.files ?? []) {
      const id = a.name.slice(0, a.name.indexOf("/"));
      const f = source.files.find((x) => x.id === id);
      if (!sections || (f && sections.includes(f.section as Section))) pts.files += a.plan.points.length;
    }
    pts.total = pts.visible + pts.invisible + pts.files;
    const words = SECTIONS.filter((s) => !sections || sections.includes(s))
      .map((s) => (source.content.sections[s]?.match(/[\p{L}\p{N}]+/gu) ?? []).length)
      .reduce((a, b) => a + b, 0);
    return { pts, words };
  };
  const [single, singleVisible] = singleLeakerNeeds(DEFAULT_EPSILON);
  const excerpt = (points: number, words: number, need = single) =>
    points >= need && words > 0 ? Math.ceil((need * words) / points) : null;
  const all = count(null).pts;
  return {
    points: all,
    variedFiles: textFiles.filter((f) => varied.has(f.id)).map((f) => f.filename),
    unvariedFiles: source.files.filter((f) => !varied.has(f.id)).map((f) => f.filename),
    warnings: file
      ? []
      : ["nothing in this advisory can be fingerprinted (no prose and no rule or PoC file)"],
    waves: waves.map((w) => {
      const { pts, words } = count(w.sections);
      const stripped = pts.visible + pts.files;
      const warnings: string[] = [];
      if (pts.total < single)
        warnings.push(
          `low tracing capacity: copies of this wave carry ${pts.total} points, a single leaker's whole copy needs about ${single}`,
        );
      else if (stripped < singleVisible)
        warnings.push(
          `low tracing capacity: once invisible marks are stripped, copies of this wave carry ${stripped} points, a single leaker needs about ${singleVisible}`,
        );
      return {
        sections: [...w.sections],
        recipients: w.recipients,
        points: pts,
        singleLeakerPoints: single,
        singleLeakerPointsWithoutInvisible: singleVisible,
        singleLeakerExcerptWords: excerpt(pts.total, words),
        singleLeakerExcerptWordsWithoutInvisible: excerpt(stripped, words, singleVisible),
        colludersWholeCopy: colludersTraced(stripped, pts.invisible, DEFAULT_EPSILON),
        colludersWholeCopyWithoutInvisible: colludersTraced(stripped, 0, DEFAULT_EPSILON),
        epsilon: DEFAULT_EPSILON,
        populationBound: DEFAULT_EPSILON * w.recipients,
        warnings,
      };
    }),
  };
}

// ---- keys and what forensics reads ----

export type DeliveredTracing = {
  keyId: string;
  planId: string;
  revision: number;
  createdAt: Date;
  /** The opened key file (secret): key, text plan, file plans, biases. */
  key: KeyFile;
  capacity: unknown;
  deliveries: {
    deliveryId: string;
    recipientKind: "organisation" | "user";
    recipientId: string;
    partnerId: string;
    /** One symbol per point of the key (text points, then each file's). */
    codeword: Uint8Array;
    deliveredAt: Date;
    /** The sections the copy carried: points outside them were never sent to this recipient. */
    sections: Section[];
  }[];
};

export const openTracingKey = (sealer: Sealer, row: { id: string; keySealed: string }): KeyFile =>
  JSON.parse(sealer.open(row.keySealed, `release_tracing_keys.key:${row.id}`)) as KeyFile;

/**
 * Every tracing key of an advisory with the deliveries made under it and their codewords, for
 * forensics (server-internal: no actor; the caller authorises and audits).
 */
export async function deliveredTracing(
  deps: { db: Db; sealer: Sealer },
  advisoryId: string,
): Promise<DeliveredTracing[]> {
  const keys = await deps.db
    .select()
    .from(releaseTracingKeys)
    .where(eq(releaseTracingKeys.advisoryId, advisoryId))
    .orderBy(asc(releaseTracingKeys.createdAt));
  const out: DeliveredTracing[] = [];
  for (const k of keys) {
    const rows = await deps.db
      .select()
      .from(releaseDeliveries)
      .where(and(eq(releaseDeliveries.advisoryId, advisoryId), eq(releaseDeliveries.tracingKeyId, k.id)))
      .orderBy(asc(releaseDeliveries.deliveredAt), asc(releaseDeliveries.id));
    out.push({
      keyId: k.id,
      planId: k.planId,
      revision: k.revision,
      createdAt: k.createdAt,
      key: openTracingKey(deps.sealer, k),
      capacity: k.capacity,
      deliveries: rows
        .filter((r) => r.codewordSealed)
        .map((r) => ({
          deliveryId: r.id,
          recipientKind: r.recipientKind as "organisation" | "user",
          recipientId: r.recipientId,
          partnerId: r.partnerId,
          codeword: new Uint8Array(
            Buffer.from(
              deps.sealer.open(r.codewordSealed as string, `release_deliveries.codeword:${r.id}`),
              "base64",
            ),
          ),
          deliveredAt: r.deliveredAt,
          sections: r.sections as Section[],
        })),
    });
  }
  return out;
}

/** Keys of plans: made at approval, found (or made, for plans approved before tracing) at delivery. */
export function makeTracingKeys(deps: { db: Db; sealer: Sealer; ids: IdGen; clock: { now(): Date } }) {
  const cache = new Map<string, TracingRuntime | null>();

  /** The key row of (plan, revision), made now from the source when there is none. */
  async function ensureKey(
    tx: DbOrTx,
    plan: { id: string; advisoryId: string },
    source: RenderSource,
    recipients: readonly string[],
    capacity?: (file: KeyFile | null) => unknown,
  ): Promise<{ id: string; file: KeyFile } | null> {
    const find = async () => {
      const [row] = await tx
        .select()
        .from(releaseTracingKeys)
        .where(and(eq(releaseTracingKeys.planId, plan.id), eq(releaseTracingKeys.revision, source.revision)));
      return row;
    };
    const existing = await find();
    if (existing) {
      const file = openTracingKey(deps.sealer, existing);
      // Approved again (T0 moved, waves changed): the same key, its capacity for the waves as they are now.
      if (capacity)
        await tx
          .update(releaseTracingKeys)
          .set({ capacity: capacity(file) })
          .where(eq(releaseTracingKeys.id, existing.id));
      return { id: existing.id, file };
    }
    const file = planTracingKey(source, recipients);
    if (!file) return null;
    const id = deps.ids("tracingKey");
    await tx
      .insert(releaseTracingKeys)
      .values({
        id,
        planId: plan.id,
        advisoryId: plan.advisoryId,
        revision: source.revision,
        keySealed: deps.sealer.seal(JSON.stringify(file), `release_tracing_keys.key:${id}`),
        capacity: capacity ? capacity(file) : tracingCapacity(source, file, []),
        createdAt: deps.clock.now(),
      })
      .onConflictDoNothing();
    const row = await find();
    return row ? { id: row.id, file: row.id === id ? file : openTracingKey(deps.sealer, row) } : null;
  }

  /** The runtime of a plan's key for a revision: opened and compiled once, then shared by every copy. */
  async function runtimeFor(plan: { id: string; advisoryId: string }, source: RenderSource) {
    const k = `${plan.id}:${source.revision}`;
    if (cache.has(k)) return cache.get(k) ?? null;
    const key = await ensureKey(deps.db, plan, source, []);
    const rt = key ? tracingRuntime(key.id, key.file) : null;
    if (cache.size > 32) cache.delete(cache.keys().next().value as string);
    cache.set(k, rt);
    return rt;
  }

  return { ensureKey, runtimeFor };
}
