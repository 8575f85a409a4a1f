// Writing for tracing: the editor's meter (what the text traces as written) and the wordings an
// author may accept as alternatives. Computed from the text the author sends, stored nowhere and
// read from nowhere, so it reveals nothing embargoed and is not audited.
import { type Actor, authorize } from "../../authz/authorize.ts";
import { badRequest } from "../../platform/errors.ts";
import {
  type AuthorMeter,
  type AuthorProposal,
  authorMeter,
  proposeAlternatives,
} from "../../tracing/author.ts";
import { PlanError } from "../../tracing/plan.ts";
import { SECTIONS, type Section } from "./content.ts";

export type TracingMeter = AuthorMeter & { proposals: (AuthorProposal & { section: Section })[] };

/**
 * The meter over every section together (as a release plans them) and the proposals per section,
 * with offsets into that section's text.
 */
export function tracingMeter(actor: Actor, sections: Partial<Record<Section, string>>): TracingMeter {
  authorize(actor, "advisories:write");
  const texts = SECTIONS.map((s) => [s, (sections[s] ?? "").replace(/\r\n?/g, "\n")] as const);
  let meter: AuthorMeter;
  try {
    meter = authorMeter(
      texts
        .filter(([, t]) => t.trim() !== "")
        .map(([, t]) => t)
        .join("\n\n"),
    );
  } catch (e) {
    if (e instanceof PlanError) throw badRequest(`the text cannot be traced: ${e.message}`);
    throw e;
  }
  const proposals = texts.flatMap(([section, t]) => proposeAlternatives(t).map((p) => ({ section, ...p })));
  return { ...meter, proposals };
}
