// `forewarn trace embed --attach`: per-recipient copies of attached rules and PoCs, whose points
// the key file carries, so a leaked file alone names its source.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../cli/command.ts";
import { traceCommand } from "../cli/trace.ts";
import { createKeyFile, fileCopyFor, loadKey, traceEvidence } from "./keyfile.ts";

const MD = readFileSync("test/fixtures/advisories/fw-2025-0171-harbor-sync-rce.md", "utf8");
const RULE = /```yara\n([\s\S]*?)```/.exec(MD)?.[1] ?? "";
const POC = /```python\n([\s\S]*?)```/.exec(MD)?.[1] ?? "";

function io(): { io: CliIo; out: string[] } {
  const out: string[] = [];
  return { io: { out: (l) => out.push(l), err: () => {}, readStdin: async () => "", env: {} }, out };
}

describe("trace embed with attachments", () => {
  it("writes a varied copy of each text attachment per recipient, copies binaries as they are, and keeps the file plans in the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-embed-"));
    writeFileSync(join(dir, "detect.yar"), RULE);
    writeFileSync(join(dir, "poc.py"), POC);
    writeFileSync(join(dir, "sample.bin"), Buffer.from([0, 1, 2, 255]));
    const out = join(dir, "out");
    const cli = io();
    const code = await traceCommand.run(
      [
        "embed",
        "--advisory",
        // An advisory without the rule and PoC inline: the attached files are their only copies.
        "test/fixtures/advisories/csaf-rhsa-2019_1862.md",
        "--attach",
        join(dir, "detect.yar"),
        "--attach",
        join(dir, "poc.py"),
        "--attach",
        join(dir, "sample.bin"),
        "--recipients",
        "40",
        "--out",
        out,
        "--key-seed",
        "embed-test",
      ],
      cli.io,
    );
    expect(code).toBe(0);
    expect(cli.out.join("\n")).toMatch(/detect\.yar: \d+ points/);
    expect(cli.out.join("\n")).toContain("sample.bin: copied unchanged (binary)");
    const key = JSON.parse(readFileSync(join(out, "key.json"), "utf8"));
    expect(key.files.map((f: { name: string }) => f.name)).toEqual(["detect.yar", "poc.py"]);
    const loaded = loadKey(key);
    expect(readFileSync(join(out, "copies", "r0007", "sample.bin"))).toEqual(Buffer.from([0, 1, 2, 255]));
    const rules = new Set<string>();
    for (let k = 1; k <= 40; k++) {
      const id = `r${String(k).padStart(4, "0")}`;
      const rule = readFileSync(join(out, "copies", id, "detect.yar"), "utf8");
      expect(rule).toBe(fileCopyFor(loaded, id, "detect.yar"));
      rules.add(rule);
    }
    expect(rules.size).toBe(40);
    // The leaked rule alone: the file's points are read and scored.
    const leaked = readFileSync(join(out, "copies", "r0013", "detect.yar"), "utf8");
    const result = traceEvidence(loaded, leaked);
    const filePoints = key.files[0].plan.points.length;
    expect(result.reading.observedPoints).toBeGreaterThanOrEqual(filePoints);
    expect(result.recipients[0]!.id).toBe("r0013");
    // Rule and PoC together carry enough points to accuse, with the rigorous bound.
    const both = leaked + readFileSync(join(out, "copies", "r0013", "poc.py"), "utf8");
    expect(traceEvidence(loaded, both).accused).toEqual(["r0013"]);
  });

  it("places file points after the advisory's and refuses a corrupt attachment map", () => {
    const ids = ["a1", "a2"];
    const plain = createKeyFile(MD, { recipients: ids, keySeed: "same" });
    const withFiles = createKeyFile(MD, {
      recipients: ids,
      keySeed: "same",
      attachments: [{ name: "detect.yar", content: RULE }],
    });
    expect(plain.files).toBeUndefined();
    expect(plain.biases.length).toBe(plain.plan.points.length);
    expect(withFiles.biases.length).toBe(
      plain.biases.length + (withFiles.files?.[0]?.plan.points.length ?? 0),
    );
    expect(loadKey(withFiles).biases.length).toBe(withFiles.biases.length);
    expect(withFiles.files?.[0]?.offset).toBe(plain.plan.points.length);
    expect(() => loadKey({ ...withFiles, files: [{ ...withFiles.files?.[0], offset: 3 }] })).toThrow(
      /corrupt/,
    );
  });
});
