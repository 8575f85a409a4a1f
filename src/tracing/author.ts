// The author layer made easy: what an advisory's text traces as the author writes it (a meter against
// the points one, two or three leakers need), and wordings the automatic tables must never swap on
// their own but that an author can accept sentence by sentence, as `{{original|alternative}}`.
// Accepted alternatives are points like any other; they never reach a public rendering
// (resolveAuthorMarkup shows the first wording, as renderPlain does).
import { DECODER_WEIGHTS } from "./accuse.ts";
import { colludersTraced, singleLeakerNeeds, tardosPoints, twoColludersAtHalf } from "./capacity.ts";
import { DEFAULT_EPSILON } from "./layers.ts";
import { type Layer, PlanError, planAdvisory, plannedSpans, VISIBLE_LAYERS } from "./plan.ts";
import { renderPlain } from "./render.ts";

/**
 * Wordings that keep the meaning in most advisory sentences but not in all, so the automatic phrase
 * table leaves them alone (several are in REMOVED_AFTER_REVIEW there): the author reads the sentence,
 * and the caution says what to check. Matched in lowercase prose only, both ways.
 */
export const REVIEW_GROUPS: readonly { wordings: readonly [string, string]; caution: string }[] = [
  {
    wordings: ["includes", "contains"],
    caution:
      "Only where it lists parts of something: “this includes changing …” is not “this contains changing …”.",
  },
  {
    wordings: ["such as", "including"],
    caution: "Only where what follows are examples of what comes before.",
  },
  {
    wordings: ["shows", "displays"],
    caution: "Only for something shown on a screen or in output, not “this shows that …”.",
  },
  {
    wordings: ["attacker", "adversary"],
    caution: "Keep “attacker” where readers search for it (a CVE description quoted verbatim).",
  },
  {
    wordings: ["could exploit", "could abuse"],
    caution: "Only where “exploit” is the verb of the attack described.",
  },
  {
    wordings: ["to exploit", "to abuse"],
    caution: "Only where “exploit” is the verb of the attack described.",
  },
  {
    wordings: ["specific", "particular"],
    caution: "Only as “a certain one”, never where “specific” means “specified” (a specific version number).",
  },
  {
    wordings: ["sensitive information", "sensitive data"],
    caution: "Not where “information” names a field, a log or a product feature.",
  },
  {
    wordings: ["identified", "found"],
    caution: "Not where “identified” means “named” or “authenticated”.",
  },
  {
    wordings: ["update to version", "upgrade to version"],
    caution: "Only where the version is a newer release of the same product.",
  },
  {
    wordings: ["vulnerability", "flaw"],
    caution: "Keep “vulnerability” in a quoted CVE description, a title or a product’s own wording.",
  },
  {
    wordings: ["execute", "run"],
    caution: "Only for code or commands, never for executing a document or a contract.",
  },
  {
    wordings: ["released", "published"],
    caution: "Only for updates and documents, never “released” memory, locks or handles.",
  },
  {
    wordings: ["additional", "further"],
    caution: "Only where it means “more”, not “in addition to what was just listed” in a count.",
  },
  {
    wordings: ["multiple", "several"],
    caution: "Only where the exact number does not matter to the reader.",
  },
];

export type AuthorProposal = {
  /** Offsets of `text` in the markdown (CRLF folded to LF). */
  start: number;
  end: number;
  text: string;
  alternative: string;
  /** What accepting writes in place of `text`. */
  markup: string;
  caution: string;
  /** The sentence around it, for the author to judge. */
  context: string;
};

const MAX_PROPOSALS = 60;
/** Planning a line twice per candidate is the cost: at most this many candidates, on lines this long. */
const MAX_CHECKED = 240;
const MAX_LINE = 4_000;

/** Where a wording may be proposed: prose the planner leaves free (no code, name, URL or existing point). */
function freeRanges(markdown: string): { text: string; free: (start: number, end: number) => boolean } {
  const { text, mask, spans } = plannedSpans(markdown, { invisible: "off" });
  return {
    text,
    free: (start, end) => {
      for (let i = start; i < end; i++) if (mask[i]) return false;
      return !spans.some((s) => s.start < end && start < s.end);
    },
  };
}

const visiblePoints = (text: string) =>
  planAdvisory(text, { invisible: "off" }).points.filter((p) => p.layer !== "invisible").length;

/**
 * Whether accepting adds exactly one point to its line: a rule elsewhere in the line may read the
 * wording as context (a serial comma after "including …", "that" before "contains"), and accepting
 * must never cost a point. Lines are planned alone; the planner's rules do not cross lines.
 */
function gains(
  text: string,
  start: number,
  end: number,
  markup: string,
  before: Map<number, number>,
): boolean {
  const from = text.lastIndexOf("\n", start - 1) + 1;
  const stop = text.indexOf("\n", end);
  const to = stop === -1 ? text.length : stop;
  const line = text.slice(from, to);
  try {
    let had = before.get(from);
    if (had === undefined) {
      had = visiblePoints(line);
      before.set(from, had);
    }
    return visiblePoints(line.slice(0, start - from) + markup + line.slice(end - from)) === had + 1;
  } catch (e) {
    if (e instanceof PlanError) return false;
    throw e;
  }
}

function lineLength(text: string, start: number, end: number): number {
  const stop = text.indexOf("\n", end);
  return (stop === -1 ? text.length : stop) - (text.lastIndexOf("\n", start - 1) + 1);
}

function sentenceAround(text: string, start: number, end: number): string {
  const line = { from: text.lastIndexOf("\n", start - 1) + 1, to: text.indexOf("\n", end) };
  if (line.to === -1) line.to = text.length;
  let from = line.from;
  for (const m of text.slice(line.from, start).matchAll(/[.!?]\s+/g))
    from = line.from + (m.index ?? 0) + m[0].length;
  const after = /[.!?](?=\s|$)/.exec(text.slice(end, line.to));
  const to = after ? end + after.index + 1 : line.to;
  return text.slice(Math.max(from, start - 200), Math.min(to, end + 200)).trim();
}

/**
 * Wordings of one markdown text an author could accept as alternatives, first to last, at most 60
 * (of at most 240 candidates checked; lines over 4,000 characters are not proposed in). Empty when
 * the text cannot be planned (empty, too large).
 * @example proposeAlternatives("An attacker could exploit this.")[0]?.markup // "{{attacker|adversary}}"
 */
export function proposeAlternatives(markdown: string): AuthorProposal[] {
  if (markdown.trim() === "") return [];
  let view: ReturnType<typeof freeRanges>;
  try {
    view = freeRanges(markdown);
  } catch (e) {
    if (e instanceof PlanError) return [];
    throw e;
  }
  const { text, free } = view;
  const out: AuthorProposal[] = [];
  const taken = new Uint8Array(text.length);
  const lines = new Map<number, number>();
  let checked = 0;
  for (const g of REVIEW_GROUPS) {
    for (const [from, to] of [g.wordings, [g.wordings[1], g.wordings[0]] as const]) {
      const re = new RegExp(`(?<![\\p{L}\\p{N}_-])${from.replace(/ /g, "[ ]")}(?![\\p{L}\\p{N}_-])`, "gu");
      for (const m of text.matchAll(re)) {
        const start = m.index ?? 0;
        const end = start + m[0].length;
        if (!free(start, end) || taken.subarray(start, end).some((v) => v === 1)) continue;
        if (out.length >= MAX_PROPOSALS || checked >= MAX_CHECKED) break;
        if (lineLength(text, start, end) > MAX_LINE) continue;
        checked++;
        const markup = `{{${m[0]}|${to}}}`;
        if (!gains(text, start, end, markup, lines)) continue;
        taken.fill(1, start, end);
        out.push({
          start,
          end,
          text: m[0],
          alternative: to,
          markup,
          caution: g.caution,
          context: sentenceAround(text, start, end),
        });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The text a reader who is not a recipient sees: author alternatives resolved to their first wording
 * and forewarn directives removed, exactly as the plain rendering of the tracing plan.
 * @example resolveAuthorMarkup("It {{may|might}} crash.") // "It may crash."
 */
export function resolveAuthorMarkup(markdown: string): string {
  if (!markdown.includes("{{") && !markdown.includes("forewarn:")) return markdown;
  try {
    return renderPlain(planAdvisory(markdown, { invisible: "off" }));
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    // Not plannable (it would not be released either): never show both wordings.
    return markdown
      .replace(/<!--\s*forewarn:[a-z-]+[\s\S]*?-->[ \t]*\n?/g, "")
      .replace(/\{\{([^{}\n|]*)\|[^{}\n]*\}\}/g, "$1");
  }
}

export type AuthorMeter = {
  words: number;
  points: { total: number; visible: number; invisible: number; author: number };
  /**
   * Points whole copies need to name 1, 2 or 3 leakers at ε₁ against any strategy, with every mark
   * (`points`) and from the wording alone once every invisible mark is stripped
   * (`pointsWithoutInvisible`, null where no number of wording points is enough), and whether the
   * text has them. See colludersTraced in capacity.ts.
   */
  needed: {
    leakers: number;
    points: number;
    pointsWithoutInvisible: number | null;
    met: boolean;
    metWithoutInvisible: boolean;
  }[];
  epsilon: number;
};

/**
 * What a text traces as written, for the editor's meter.
 * @example authorMeter("It may crash.").needed[0]?.leakers // 1
 */
export function authorMeter(markdown: string, epsilon = DEFAULT_EPSILON): AuthorMeter {
  const counts = { total: 0, visible: 0, invisible: 0, author: 0 };
  let words = 0;
  if (markdown.trim() !== "") {
    const plan = planAdvisory(markdown);
    words = (renderPlain(plan).match(/[\p{L}\p{N}][\p{L}\p{N}'.-]*/gu) ?? []).length;
    for (const p of plan.points) {
      counts.total++;
      if ((VISIBLE_LAYERS as readonly Layer[]).includes(p.layer)) counts.visible++;
      else counts.invisible++;
      if (p.layer === "author") counts.author++;
    }
  }
  const [single, singleVisible] = singleLeakerNeeds(epsilon);
  const traced = colludersTraced(counts.visible, counts.invisible, epsilon, [single, singleVisible]);
  const wording = colludersTraced(counts.visible, 0, epsilon, [single, singleVisible]);
  const needed = [1, 2, 3].map((c) => {
    return {
      leakers: c,
      points: c === 1 ? single : tardosPoints(c, epsilon * DECODER_WEIGHTS.tardos),
      pointsWithoutInvisible: c === 1 ? singleVisible : c === 2 ? twoColludersAtHalf(epsilon) : null,
      met: traced >= c,
      metWithoutInvisible: wording >= c,
    };
  });
  return { words, points: counts, needed, epsilon };
}
