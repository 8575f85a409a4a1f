// A small, safe markdown renderer for advisories: headings, paragraphs, lists, fenced code and inline
// code, emphasis and links (http/https only). It builds React elements, never HTML strings.
import { Anchor, Code, List, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*)|(\[[^\]]+\]\((https?:\/\/[^)\s]+)\))/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let i = 0;
  // biome-ignore lint/suspicious/noAssignInExpressions: the usual exec loop
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const k = `${key}-${i++}`;
    if (m[1]) out.push(<Code key={k}>{m[1].slice(1, -1)}</Code>);
    else if (m[2]) out.push(<strong key={k}>{m[2].slice(2, -2)}</strong>);
    else if (m[3]) out.push(<em key={k}>{m[3].slice(1, -1)}</em>);
    else if (m[4] && m[5])
      out.push(
        <Anchor key={k} href={m[5]} target="_blank" rel="noopener noreferrer">
          {m[4].slice(1, m[4].indexOf("]"))}
        </Anchor>,
      );
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ text }: { text: string }) {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const blocks: ReactNode[] = [];
  let i = 0;
  let n = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const key = `b${n++}`;
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s{0,3}(```|~~~)/.test(lines[i] ?? "")) body.push(lines[i++] ?? "");
      i++;
      blocks.push(
        <Code key={key} block my="xs">
          {body.join("\n")}
        </Code>,
      );
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      const level = Math.min(6, (h[1]?.length ?? 1) + 2) as 3 | 4 | 5 | 6;
      blocks.push(
        <Title key={key} order={level} mt="sm" mb={4}>
          {inline(h[2] ?? "", key)}
        </Title>,
      );
      i++;
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: string[] = [];
      while (i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i] ?? ""))
        items.push((lines[i++] ?? "").replace(/^\s*([-*]|\d+\.)\s+/, ""));
      blocks.push(
        <List key={key} type={ordered ? "ordered" : "unordered"} size="sm" my="xs">
          {items.map((it, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: list items have no identity but position
            <List.Item key={j}>{inline(it, `${key}-${j}`)}</List.Item>
          ))}
        </List>,
      );
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      (lines[i] ?? "").trim() &&
      !/^(#{1,6}\s|\s{0,3}(```|~~~)|\s*([-*]|\d+\.)\s+)/.test(lines[i] ?? "")
    )
      para.push(lines[i++] ?? "");
    blocks.push(
      <Text key={key} size="sm" my={4}>
        {inline(para.join(" "), key)}
      </Text>,
    );
  }
  return <div>{blocks}</div>;
}
