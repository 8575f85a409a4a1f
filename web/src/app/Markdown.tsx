// Markdown as React elements: CommonMark plus GitHub's tables, task lists and strikethrough
// (remark-gfm). Raw HTML in the text is dropped (`skipHtml`, no rehype-raw), and link and image
// addresses pass react-markdown's default filter, which keeps only http(s), mailto, irc(s) and xmpp
// and relative ones, so `javascript:` cannot reach an href. Links open in a new tab without an opener.
import { Anchor, Blockquote, Box, Code, List, Table, Text, Title } from "@mantine/core";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

/** A heading of the text, drawn under the page's own (h1 as a level-3 title, down to level 6). */
const heading =
  (order: 3 | 4 | 5 | 6): Components["h1"] =>
  ({ children }) => (
    <Title order={order} mt="sm" mb={4}>
      {children}
    </Title>
  );

const components: Components = {
  h1: heading(3),
  h2: heading(4),
  h3: heading(5),
  h4: heading(6),
  h5: heading(6),
  h6: heading(6),
  p: ({ children }) => (
    <Text size="sm" my={4}>
      {children}
    </Text>
  ),
  a: ({ href, children }) => (
    <Anchor href={href} target="_blank" rel="noopener noreferrer nofollow" underline="always">
      {children}
    </Anchor>
  ),
  ul: ({ children }) => (
    <List type="unordered" size="sm" my="xs">
      {children}
    </List>
  ),
  ol: ({ children }) => (
    <List type="ordered" size="sm" my="xs">
      {children}
    </List>
  ),
  li: ({ children }) => <List.Item>{children}</List.Item>,
  pre: ({ children }) => <>{children}</>,
  code: ({ className, children }) =>
    className?.startsWith("language-") || String(children).includes("\n") ? (
      <Code block my="xs">
        {String(children).replace(/\n$/, "")}
      </Code>
    ) : (
      <Code>{children}</Code>
    ),
  blockquote: ({ children }) => <Blockquote my="xs">{children}</Blockquote>,
  table: ({ children }) => (
    <Table withTableBorder withColumnBorders my="xs">
      {children}
    </Table>
  ),
  thead: ({ children }) => <Table.Thead>{children}</Table.Thead>,
  tbody: ({ children }) => <Table.Tbody>{children}</Table.Tbody>,
  tr: ({ children }) => <Table.Tr>{children}</Table.Tr>,
  th: ({ children }) => <Table.Th>{children}</Table.Th>,
  td: ({ children }) => <Table.Td>{children}</Table.Td>,
};

export function Markdown({ text, testId }: { text: string; testId?: string }) {
  return (
    <Box data-testid={testId}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </Box>
  );
}
