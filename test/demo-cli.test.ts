// `forewarn demo toolshell` end to end through the CLI entry: the replay on its own PGlite data
// folder with 12 synthetic partners, then checks of what it printed (the waves in the exposure, the
// coincidence probability with its model, the accused with the bound), that the accused copies
// are those of the two members who leaked, that `forewarn investigate` on the leaked files it wrote
// names the same copies, and that the PDF report names the accused when read back with pdftotext.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadToolshellIncident, planScenario, replayTimeline } from "../src/cli/demo-toolshell.ts";
import { allCommands } from "../src/cli/index.ts";
import { registerCommands, runCli } from "../src/main.ts";
import { fakeIo } from "./harness.ts";

registerCommands(allCommands);

type Outcome = {
  advisory: { id: string; trackingId: string };
  exposure: { byObserved: { partners: number; members: number; sections: Record<string, number> } };
  coincidence: { probability: number; model: string; assumptions: string[] };
  leak: {
    partnerName: string;
    leaker: { id: string; name: string };
    colleague: { id: string; name: string };
  };
  findings: { verdict: string; advisoryIds: string[]; epsilon: number };
  accused: { recipientId: string; name: string; partnerName: string; bound: number }[];
  report: { html: string; pdf: string };
};

const EPSILON_1 = 1e-6;

describe("forewarn demo toolshell", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "fw-demo-")), "replay");
  let out: Outcome;
  let progress = "";
  let colluders: string[] = [];

  beforeAll(async () => {
    const h = fakeIo();
    const code = await runCli(
      ["demo", "toolshell", "--partners", "12", "--seed", "test", "--data", dir, "--json"],
      h.io,
    );
    expect(code, h.errors()).toBe(0);
    out = JSON.parse(h.text()) as Outcome;
    progress = h.errors();
    colluders = [out.leak.leaker.id, out.leak.colleague.id];
  }, 300_000);

  it("maps the incident file's calendar days to the replay's instants", () => {
    const tl = replayTimeline(loadToolshellIncident());
    expect(tl.waves.map((w) => [w.at.toISOString(), w.leadDays])).toEqual([
      ["2025-06-24T17:00:00.000Z", 14],
      ["2025-07-03T17:00:00.000Z", 5],
      ["2025-07-07T17:00:00.000Z", 1],
    ]);
    expect(tl.publicAt.toISOString()).toBe("2025-07-08T17:00:00.000Z");
    expect(tl.observedAt.toISOString()).toBe("2025-07-07T00:00:00.000Z");
    expect(tl.reported.toISOString()).toBe("2025-05-16T09:00:00.000Z");
    expect(tl.investigationAt.toISOString()).toBe("2025-07-25T09:00:00.000Z");
  });

  it("draws the same scenario from the same seed, another from another; the leaker is an analyst of the second wave", () => {
    const a = planScenario("x", 30);
    expect(planScenario("x", 30)).toEqual(a);
    expect(planScenario("y", 30)).not.toEqual(a);
    expect([0, 1, 2].map((t) => a.partners.filter((p) => p.tierIndex === t).length)).toEqual([3, 9, 18]);
    expect(a.partners[a.leak.partner]?.tierIndex).toBe(1);
    expect([1, 2]).toContain(a.leak.leaker);
    expect(a.leak.colleague).not.toBe(a.leak.leaker);
    expect(new Set(a.partners.map((p) => p.name)).size).toBe(30);
  });

  it("accuses only the two members whose copies were merged, each with a bound at most ε₁", () => {
    expect(out.findings.verdict).toBe("accused");
    // The advisory was found from the evidence alone (the investigation named none).
    expect(out.findings.advisoryIds).toEqual([out.advisory.id]);
    expect(progress).toContain(
      `advisory ${out.advisory.trackingId} (${out.advisory.id}) found from the evidence alone`,
    );
    expect(out.accused.length).toBeGreaterThan(0);
    for (const a of out.accused) {
      expect(colluders).toContain(a.recipientId);
      expect(a.partnerName).toBe(out.leak.partnerName);
      expect(a.bound).toBeLessThanOrEqual(EPSILON_1);
    }
    const first = out.accused[0] as Outcome["accused"][number];
    expect(progress).toContain(
      `Accused: ${first.name} (member of ${out.leak.partnerName}, ${first.recipientId})`,
    );
    expect(progress).toMatch(/Accused: .* bound [0-9.e+-]+ ≤ ε₁ = 1\.0e-6/);
  });

  it("wrote the leak stripped of invisible marks, and forewarn investigate on it names the same copies", async () => {
    const files = ["ToolShell-PoC.txt", "toolpane_check.py"].map((f) => join(dir, "leak", f));
    for (const f of files) expect(readFileSync(f, "utf8")).not.toMatch(/[\u200b-\u200d\u2060\u00ad]/);
    const h = fakeIo();
    const args = files.flatMap((f) => ["--evidence", f]);
    expect(await runCli(["investigate", ...args, "--data", dir, "--json"], h.io), h.errors()).toBe(0);
    const again = JSON.parse(h.text()).findings as { accused: { recipientId: string }[] };
    expect(again.accused.length).toBeGreaterThan(0);
    for (const a of again.accused) expect(colluders).toContain(a.recipientId);
  }, 120_000);

  it("prints the exposure by the day of first exploitation, with the three waves", () => {
    expect(progress).toContain("Exposure by 2025-07-07 00:00Z");
    expect(progress).toMatch(
      /T-14d +2025-06-24 17:00Z +inner-circle +1 partners +summary, details, detection, poc/,
    );
    expect(progress).toMatch(
      /T-5d +2025-07-03 17:00Z +vetted-plus +4 partners +summary, details, detection, poc/,
    );
    expect(progress).toMatch(
      /T-1d +2025-07-07 17:00Z +standard +7 partners +summary, details, detection, indicators +\(after the observed exploitation\)/,
    );
    // 12 partners: 1 in the first wave and 4 in the second had it (each with three members) by then.
    expect(out.exposure.byObserved).toMatchObject({ partners: 5, members: 15 });
    expect(out.exposure.byObserved.sections.poc).toBe(5);
    expect(progress).toContain("by then 5 partners and 15 of their members held the advisory");
  });

  it("prints the coincidence probability with its model and assumptions", () => {
    const days = (Date.parse("2025-07-07T00:00:00Z") - Date.parse("2025-06-24T17:00:00Z")) / 86_400_000;
    const p = 1 - Math.exp(-days / 365);
    expect(out.coincidence.probability).toBeCloseTo(p, 12);
    expect(progress).toContain(`probability ${p.toPrecision(2)} under this model`);
    expect(progress).toContain("model: Independent discovery and exploitation start as a Poisson process");
    expect(progress).toContain("assumption: λ = 1 per year (a prior, not measured for this bug)");
  });

  it("writes the report; pdftotext reads the accused and their partner from the PDF", () => {
    expect(out.report).toEqual({
      html: join(dir, "toolshell-report.html"),
      pdf: join(dir, "toolshell-report.pdf"),
    });
    expect(progress).toContain(`Report: ${out.report.html}`);
    const pdf = readFileSync(out.report.pdf);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = execFileSync("pdftotext", ["-layout", out.report.pdf, "-"], { encoding: "utf8" });
    const first = out.accused[0] as Outcome["accused"][number];
    expect(text).toContain(`${first.recipientId} (user of ${out.leak.partnerName}`);
    expect(text).toContain("Coincidence analysis");
    expect(readFileSync(out.report.html, "utf8")).toContain(first.recipientId);
  });

  it("refuses a folder that is not empty, and bad numbers, with exit 2 and the reason", async () => {
    const full = mkdtempSync(join(tmpdir(), "fw-demo-full-"));
    mkdirSync(join(full, "pgdata"));
    writeFileSync(join(full, "master.key"), "x");
    for (const [argv, reason] of [
      [["--data", full], "is not empty"],
      [["--data", join(full, "master.key")], "is a file"],
      [["--partners", "3"], "--partners must be a whole number from 6 to"],
      [["--partners", "many"], "--partners must be a whole number from 6 to"],
      [["--colour"], "Unknown option"],
    ] as const) {
      const h = fakeIo();
      expect(await runCli(["demo", "toolshell", ...argv], h.io), argv.join(" ")).toBe(2);
      expect(h.errors()).toContain(reason);
    }
    expect(existsSync(join(full, "leak"))).toBe(false);
    const help = fakeIo();
    expect(await runCli(["demo", "toolshell", "--help"], help.io)).toBe(0);
    expect(help.text()).toMatch(/^usage: forewarn demo toolshell/);
  });
});
