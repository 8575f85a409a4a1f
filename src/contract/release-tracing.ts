// The tracing capacity as the API shows it (plan preview and plan): what each wave's copies can trace.
import { z } from "zod";

const Points = z.object({
  visible: z
    .number()
    .describe("Points in wording that survives normalisation (phrases, spelling, punctuation, list order)"),
  invisible: z
    .number()
    .describe("Points in invisible characters between words (lost when a leaker strips them)"),
  files: z
    .number()
    .describe(
      "Points in code-aware variants of fenced code and of text files (YARA, Python, Sigma, shell, HTTP, IOC lists)",
    ),
  total: z.number(),
});

export const TracingOut = z
  .object({
    points: Points.describe("Points of the whole advisory (every section, every varying file)"),
    variedFiles: z.array(z.string()).describe("Text files each recipient gets in its own variant"),
    unvariedFiles: z
      .array(z.string())
      .describe(
        "Files every recipient gets unchanged: binary files (ZIP, pcap) and text in languages without a variant strategy",
      ),
    warnings: z.array(z.string()),
    waves: z.array(
      z.object({
        sections: z.array(z.string()),
        recipients: z.number().describe("Partners and their members who get a copy in this wave"),
        points: Points,
        singleLeakerPoints: z.number().describe("Observed points a single leaker's evidence needs"),
        singleLeakerPointsWithoutInvisible: z
          .number()
          .describe(
            "Observed points a single leaker's evidence needs from wording and file variants alone (bias 1/2 there, so fewer), once invisible marks are stripped",
          ),
        singleLeakerExcerptWords: z
          .number()
          .nullable()
          .describe(
            "Words of a leaked excerpt that carry enough points to name a single leaker (null: not even the whole copy)",
          ),
        singleLeakerExcerptWordsWithoutInvisible: z.number().nullable(),
        colludersWholeCopy: z.number().describe("Colluders whole copies can trace against any strategy"),
        colludersWholeCopyWithoutInvisible: z.number(),
        epsilon: z.number().describe("Bound on accusing one innocent recipient"),
        populationBound: z.number().describe("Bound on accusing any innocent recipient of the wave"),
        warnings: z.array(z.string()),
      }),
    ),
  })
  .describe(
    "Tracing capacity: each recipient's copy varies in the prose of its sections, fenced code and text files; titles, product lists and binary files do not vary",
  );
