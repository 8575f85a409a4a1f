// Sigma/YAML, shell and raw HTTP variants, each checked by a real parser or tool.
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planFile } from "../plan.ts";
import { fencedCodeEdits } from "./index.ts";
import { isIocList } from "./ioc.ts";
import { planShell } from "./shell.ts";
import { requireTool, run, variants } from "./tools.test-helpers.ts";
import { planYaml } from "./yaml.ts";

const SIGMA = `title: Harbor Sync upload of a plugin script
id: 4f1c2a4e-9a51-4d63-9e0b-2f4f4cf1b0a7
status: experimental
description: Detects the upload handler writing a script into the plugins folder
author: Forewarn analysts
date: 2025-06-02
logsource:
  product: linux
  category: file_event
detection:
  selection:
    TargetFilename|contains:
      - '/opt/harbor/agent/plugins/'
      - '/opt/harbor/relay/plugins/'
      - '/var/lib/harbor/stage/'
    TargetFilename|endswith:
      - '.sh'
      - '.py'
      - '.pl'
      - '.so'
  filter:
    Image: '/usr/bin/dpkg'
    User: root
  condition: selection and not filter
falsepositives:
  - Plugin updates installed by hand
  - Package upgrades
level: high
tags:
  - attack.persistence
  - attack.t1505
`;

/** A Sigma rule as data: mappings are unordered, and a detection field's values are a set. */
function canonical(v: unknown, inDetection = false, key = ""): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, inDetection));
    const scalars = items.every((x) => typeof x !== "object" || x === null);
    return inDetection && scalars && key !== "condition" ? [...items].map(String).sort() : items;
  }
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x, inDetection || k === "detection", k)]),
    );
  return v;
}

describe("Sigma and YAML variants", () => {
  it("swap mapping keys and detection values only, and parse to the same data", () => {
    const plan = planFile("rule.yml", SIGMA);
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect(plan.points.length).toBeGreaterThanOrEqual(8);
    // Lists outside detection keep their order (falsepositives, tags).
    for (const e of planYaml(SIGMA)) expect(e.alts[0]).not.toMatch(/attack\.|Plugin updates/);
    const want = JSON.stringify(canonical(parse(SIGMA)));
    for (const { text } of variants(plan, 20)) expect(JSON.stringify(canonical(parse(text)))).toBe(want);
    // The comparison is not vacuous: list order outside detection counts.
    expect(
      JSON.stringify(
        canonical(
          parse(
            SIGMA.replace(
              "  - attack.persistence\n  - attack.t1505",
              "  - attack.t1505\n  - attack.persistence",
            ),
          ),
        ),
      ),
    ).not.toBe(want);
  });

  it("reorder only mapping keys in plain YAML, and parse to the same data", () => {
    const doc = `# deployment override for the agent
version: "3.9"
services:
  agent:
    image: harbor/agent:4.2.7
    restart: unless-stopped
    ports:
      - "7443:7443"
      - "9100:9100"
    environment:
      HS_STAGE_DIR: /var/lib/harbor/stage
      HS_PLUGIN_DIR: /opt/harbor/agent/plugins
      "HS_LOG_LEVEL": info
    command: >
      agent --config /etc/harbor/agent.yml
      --no-preview
  relay:
    image: harbor/relay:4.2.7
    depends_on: [agent]
`;
    const plan = planFile("compose.yml", doc);
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect(plan.points.length).toBeGreaterThanOrEqual(3);
    const want = JSON.stringify(canonical(parse(doc)));
    for (const { text } of variants(plan, 12)) {
      expect(JSON.stringify(canonical(parse(text)))).toBe(want);
      expect(text).toContain('      - "7443:7443"\n      - "9100:9100"'); // list order kept
    }
  });

  it("leave block scalars, anchors and plain YAML lists alone", () => {
    expect(planYaml("a: &x 1\nb: *x\n")).toEqual([]);
    const block = planYaml("k: |\n  one: 1\n  two: 2\nz: 3\n");
    expect(block.every((e) => !e.alts[0].includes("one"))).toBe(true);
    expect(planYaml("items:\n  - a\n  - b\n")).toEqual([]);
  });
});

describe("shell variants", () => {
  beforeAll(() => {
    requireTool("bash");
    requireTool("grep");
  });

  const SCRIPT = `# find the marker in staged uploads
grep -E -i "hs_pwn_marker|harbor-sync-stage" /var/lib/harbor/stage/*.bin
find /opt/harbor/agent/plugins -name '*.sh' -newer "/opt/harbor/agent/VERSION"
echo "checked" 'done' "it's" "$HOME" 'a b'
`;

  it("swap quotes only around words the shell does not expand", () => {
    const alts = planShell(SCRIPT).map((e) => e.alts[0]);
    expect(alts).toEqual(
      expect.arrayContaining(['"/opt/harbor/agent/VERSION"', '"checked"', "'done'", "'a b'", "-E -i"]),
    );
    expect(alts).not.toContain('"$HOME"');
    expect(alts).not.toContain(`"it's"`);
    expect(alts).not.toContain("'*.sh'");
    expect(alts).not.toContain('"hs_pwn_marker|harbor-sync-stage"');
    expect(planShell("printf $'tab' $\"msg\"\n")).toEqual([]);
  });

  it("expand every quoted word to the same text, and grep gives the same lines with its options swapped", () => {
    for (const e of planShell(SCRIPT)) {
      if (e.alts[0].startsWith("-")) continue;
      const words = e.alts.map((a) => run("bash", ["-c", `printf '%s\\n' ${a}`]));
      expect(words[1]).toBe(words[0]);
    }
    const input = "Harbor-Sync-Stage here\nnothing\nHS_PWN_MARKER there\n";
    const a = run("grep", ["-E", "-i", "hs_pwn_marker|harbor-sync-stage"], input);
    const b = run("grep", ["-i", "-E", "hs_pwn_marker|harbor-sync-stage"], input);
    expect(a).toBe(b);
    expect(a.split("\n").filter(Boolean).length).toBe(2);
    const plan = planFile("check.sh", SCRIPT);
    for (const { text } of variants(plan ?? { version: 1, segments: [], sites: [], points: [] }, 10))
      expect(() => run("bash", ["-n"], text)).not.toThrow();
  });
});

describe("raw HTTP variants", () => {
  const REQUEST = [
    "POST /api/v1/agent/upload?stage=1 HTTP/1.1",
    "Host: 127.0.0.1",
    "User-Agent: harbor-sync/4.2.6",
    "Accept: */*",
    "X-Harbor-Chunk: 1/1",
    "Content-Type: application/octet-stream",
    "Content-Length: 11",
    "Connection: close",
    "",
    "hello world",
  ].join("\r\n");

  async function parsed(raw: string): Promise<unknown> {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const got = new Promise<unknown>((resolve) => {
      server.once("request", (req: IncomingMessage, res) => {
        let body = "";
        req.on("data", (c) => {
          body += c;
        });
        req.on("end", () => {
          res.end("ok");
          resolve({ method: req.method, url: req.url, headers: req.headers, body });
        });
      });
    });
    const sock = connect(port, "127.0.0.1", () => sock.write(raw));
    sock.on("data", () => sock.end());
    const out = await got;
    sock.destroy();
    server.close();
    return out;
  }

  it("swap header lines in pairs, keep the request line and Host, and parse to the same request", async () => {
    const plan = planFile("exploit.http", REQUEST);
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect(plan.points.length).toBe(3);
    const want = await parsed(REQUEST);
    for (const { text } of variants(plan, 6)) {
      expect(text.startsWith("POST /api/v1/agent/upload?stage=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n")).toBe(true);
      expect(await parsed(text)).toEqual(want);
    }
  });

  it("leave a request with a repeated field alone", () => {
    expect(
      planFile("r.http", "GET / HTTP/1.1\nHost: a\nCookie: a=1\nCookie: b=2\nAccept: */*\n\n")?.points,
    ).toEqual([]);
  });
});

describe("indicator lists", () => {
  const IOCS = [
    "44d88612fea8a8f36de82e1278abb02f",
    "3395856ce81f2b7382dee72602f798b642f14140",
    "203.0.113[.]7",
    "evil-update[.]example",
    "hxxps://evil-update[.]example/stage/a.sh",
  ].join("\n");

  it("reorders a plain block of indicators as a set, and nothing else", () => {
    const plan = planFile("iocs.txt", `${IOCS}\n`);
    expect(plan?.points.length).toBe(2);
    if (!plan) return;
    const want = IOCS.split("\n").sort();
    for (const { text } of variants(plan, 6)) expect(text.trim().split("\n").sort()).toEqual(want);
    expect(isIocList("44d88612fea8a8f36de82e1278abb02f\nrun this first\n")).toBe(false);
    expect(planFile("notes.txt", "first line\nsecond line\n")).toBeNull();
  });

  it("varies an indicator block inside an advisory only when the block has no language or is plain text", () => {
    expect(fencedCodeEdits(`Indicators:\n\n\`\`\`\n${IOCS}\n\`\`\`\n`).length).toBe(2);
    expect(fencedCodeEdits(`Indicators:\n\n\`\`\`text\n${IOCS}\n\`\`\`\n`).length).toBe(2);
    expect(fencedCodeEdits(`Steps:\n\n\`\`\`\nfirst\nsecond\n\`\`\`\n`)).toEqual([]);
    expect(fencedCodeEdits(`SQL:\n\n\`\`\`sql\n${IOCS}\n\`\`\`\n`)).toEqual([]);
  });
});
