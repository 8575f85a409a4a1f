// Beside a partner's copy: when the embargo ends and the advisory's identifiers.
import { Code, Paper, SimpleGrid, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { Output } from "../../../../src/contract/index.ts";
import { formatLocal, formatUtc } from "../../app/format.ts";

export type CopyIdentifiers = Output<"getPartnerAdvisory">["identifiers"];

/**
 * What a partner needs beside the text of its copy: when the embargo ends (T0 in UTC and in the
 * reader's zone, while it lasts) and the CVE IDs, CVSS and CWE as they are now.
 */
export function CopyFacts({
  publicAt,
  identifiers,
}: {
  publicAt: string | null;
  identifiers: CopyIdentifiers;
}) {
  return (
    <Paper withBorder p="md" data-testid="copy-facts">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <Fact label="Embargo ends (T0)">
          {publicAt ? (
            <>
              <Text size="sm" fw={600}>
                {formatUtc(publicAt)}
              </Text>
              <Text size="xs" c="dimmed">
                your time: {formatLocal(publicAt)}
              </Text>
            </>
          ) : (
            <Text size="sm">public: the embargo is over</Text>
          )}
        </Fact>
        <Fact label="CVE">
          <Text size="sm" fw={600}>
            {identifiers.cveIds.length ? identifiers.cveIds.join(", ") : "not assigned yet"}
          </Text>
        </Fact>
        <Fact label="CVSS">
          {identifiers.cvss ? (
            <>
              <Text size="sm" fw={600}>
                {identifiers.cvss.score} {identifiers.cvss.severity}
              </Text>
              <Code style={{ wordBreak: "break-all" }}>{identifiers.cvss.vector}</Code>
            </>
          ) : (
            <Text size="sm">not scored yet</Text>
          )}
        </Fact>
        <Fact label="CWE">
          <Text size="sm" fw={600}>
            {identifiers.cwe ? `${identifiers.cwe.id} ${identifiers.cwe.name}` : "none given"}
          </Text>
        </Fact>
      </SimpleGrid>
    </Paper>
  );
}

/** One fact: its name small and dimmed above its value. */
function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {children}
    </div>
  );
}
