// Code-aware variation: detection rules and proofs of concept vary only where a language's own
// tools see no difference (see each planner). Unknown languages stay byte-for-byte.
import { planHttp } from "./http.ts";
import { isIocList, planIoc } from "./ioc.ts";
import { planPython } from "./python.ts";
import { planShell } from "./shell.ts";
import type { CodeEdit, Language } from "./types.ts";
import { planYaml } from "./yaml.ts";
import { planYara } from "./yara.ts";

export type { CodeEdit, Language } from "./types.ts";

const INFO: Record<string, Language> = {
  yara: "yara",
  yar: "yara",
  python: "python",
  py: "python",
  python3: "python",
  sigma: "yaml",
  yaml: "yaml",
  yml: "yaml",
  sh: "shell",
  bash: "shell",
  shell: "shell",
  console: "shell",
  http: "http",
  ioc: "ioc",
  iocs: "ioc",
};

/** Info strings of plain text blocks, planned as indicator lists when every line is one. */
const PLAIN_INFO = new Set(["", "text", "txt", "plaintext", "plain"]);

const EXTENSIONS: Record<string, Language> = {
  yar: "yara",
  yara: "yara",
  py: "python",
  yml: "yaml",
  yaml: "yaml",
  sh: "shell",
  bash: "shell",
  http: "http",
  req: "http",
};

/** The language of a fenced block's info string ("yara", "py", "sigma" …), or null. */
export function languageOfInfo(info: string): Language | null {
  const word = info
    .trim()
    .split(/[\s{,]/)[0]!
    .toLowerCase();
  return INFO[word] ?? null;
}

/** The language of an attached file, by extension and then by its first lines; null when unknown. */
export function languageOfFile(name: string, content: string): Language | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext && EXTENSIONS[ext]) return EXTENSIONS[ext];
  const head = content.slice(0, 400);
  if (/^#!.*\bpython/.test(head)) return "python";
  if (/^#!.*\b(?:ba)?sh\b/.test(head)) return "shell";
  if (/^(?:import\s+"[a-z]+"\s*\n)*\s*(?:private\s+|global\s+)*rule\s+\w+/m.test(head)) return "yara";
  if (/^(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ HTTP\/1\.[01]\r?\n/.test(head)) return "http";
  if (/^title:\s/m.test(head) && /^logsource:/m.test(content)) return "yaml";
  if ((ext === undefined || ext === "txt" || ext === "ioc" || ext === "csv") && isIocList(content))
    return "ioc";
  return null;
}

/** The planner of each language: variation sites of its code, offsets relative to `code`. */
const PLANNERS: Record<Language, (code: string, familyPrefix: string) => CodeEdit[]> = {
  yara: planYara,
  python: planPython,
  yaml: planYaml,
  shell: planShell,
  http: planHttp,
  ioc: planIoc,
};

/** Variation sites of code in one language, offsets relative to `code`. */
export function planCode(language: Language, code: string, familyPrefix: string = language): CodeEdit[] {
  return PLANNERS[language](code, familyPrefix);
}

/**
 * Sites in the fenced code blocks of a markdown text whose info string names a known language,
 * offsets relative to the text. A block with author alternatives ({{a|b}}) is left to the author:
 * its code cannot be checked until it is rendered.
 */
export function fencedCodeEdits(text: string): CodeEdit[] {
  const out: CodeEdit[] = [];
  const lines = text.split("\n");
  let offset = 0;
  let open: { fence: string; language: Language | null; start: number } | null = null;
  for (const line of lines) {
    const end = offset + line.length + 1;
    const m = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      // The same closing rule as protectSpans in plan.ts, so a block ends where its protection ends.
      if (m && m[1]![0] === open.fence[0] && m[1]!.length >= open.fence.length) {
        const code = text.slice(open.start, offset);
        if (open.language && !/\{\{[^{}\n]*\|[^{}\n]*\}\}|<!--\s*forewarn:/.test(code)) {
          for (const e of planCode(open.language, code, `${open.language}@${open.start}`))
            out.push({ ...e, start: e.start + open.start, end: e.end + open.start });
        }
        open = null;
      }
    } else if (m) {
      open = { fence: m[1]!, language: languageOfInfo(m[2]!), start: end };
      if (!open!.language && PLAIN_INFO.has(m[2]!.trim().toLowerCase())) {
        const close = text
          .slice(end)
          .search(new RegExp(`^\\s{0,3}${m[1]![0] === "`" ? "`" : "~"}{${m[1]!.length},}\\s*$`, "m"));
        if (close !== -1 && isIocList(text.slice(end, end + close))) open!.language = "ioc";
      }
    }
    offset = end;
  }
  return out;
}
