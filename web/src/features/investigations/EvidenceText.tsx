// The evidence's text, every piece read (each read is audited on the server) and joined as the
// findings read them, with the passages the findings located marked.
import { Text } from "@mantine/core";
import { useQueries } from "@tanstack/react-query";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { callQuery } from "../../app/query.ts";
import { type Detail, WORD } from "./model.ts";

export function EvidenceText({ detail: d }: { detail: Detail }) {
  const api = useApi();
  const reads = useQueries({
    queries: d.evidence.map((e) =>
      callQuery(api, "readInvestigationEvidence", { params: { id: d.id, evidenceId: e.id } }),
    ),
  });
  const failed = reads.find((r) => r.error);
  if (failed) return <ErrorAlert error={failed.error} />;
  if (reads.some((r) => !r.data)) return null;
  const text = reads.map((r) => r.data?.text ?? "").join("\n\n");
  return <Highlighted text={text} spans={d.findings.located} />;
}

/** The text with the word runs `spans` covers (word indices as the tracing reader counts) marked. */
function Highlighted({ text, spans }: { text: string; spans: { startWord: number; endWord: number }[] }) {
  const parts: { s: string; mark: boolean }[] = [];
  let last = 0;
  let w = 0;
  const inSpan = (k: number) => spans.some((s) => k >= s.startWord && k < s.endWord);
  for (const m of text.matchAll(WORD)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ s: text.slice(last, at), mark: inSpan(w) && inSpan(w - 1) });
    parts.push({ s: m[0], mark: inSpan(w) });
    last = at + m[0].length;
    w++;
  }
  if (last < text.length) parts.push({ s: text.slice(last), mark: false });
  return (
    <Text component="pre" size="xs" style={{ whiteSpace: "pre-wrap", maxHeight: 400, overflow: "auto" }}>
      {parts.map((p, i) =>
        p.mark ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never move
          <mark key={i}>{p.s}</mark>
        ) : (
          p.s
        ),
      )}
    </Text>
  );
}
