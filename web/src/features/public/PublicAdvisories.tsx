// The public advisory list and page: only what has been released, at the public content level.
import { Anchor, Badge, Card, Container, Group, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";
import { ErrorAlert, Timestamp } from "../../app/components.tsx";
import { Markdown } from "../../app/Markdown.tsx";
import { usePublicList, usePublicQuery } from "./publicApi.ts";

export function PublicAdvisoryList() {
  const { data, error } = usePublicList("listPublicAdvisories");
  return (
    <Container size="md" py="xl">
      <Group justify="space-between" mb="md">
        <Title order={2}>Security advisories</Title>
        <Group gap="sm">
          <Anchor href="/feeds/advisories.atom" size="sm">
            Atom feed
          </Anchor>
          <Anchor href="/.well-known/csaf/provider-metadata.json" size="sm">
            CSAF
          </Anchor>
          <Anchor component={Link} to="/report" size="sm">
            Report a vulnerability
          </Anchor>
        </Group>
      </Group>
      <ErrorAlert error={error} />
      {!data && !error && <Skeleton h={200} />}
      {data?.length === 0 && <Text c="dimmed">No advisories have been published yet.</Text>}
      <Stack>
        {data?.map((a) => (
          <Card key={a.trackingId} withBorder>
            <Anchor component={Link} to={`/security/advisories/${a.trackingId}`} fw={600}>
              {a.trackingId}: {a.title}
            </Anchor>
            <Text size="sm" c="dimmed" lineClamp={2}>
              {a.summary}
            </Text>
            <Timestamp iso={a.publishedAt} />
          </Card>
        ))}
      </Stack>
    </Container>
  );
}

export function PublicAdvisoryPage() {
  const { trackingId = "" } = useParams();
  const { data: a, error } = usePublicQuery("getPublicAdvisory", { params: { trackingId } });
  return (
    <Container size="md" py="xl">
      <Anchor component={Link} to="/security/advisories" size="sm">
        ← All advisories
      </Anchor>
      <ErrorAlert error={error} />
      {!a && !error && <Skeleton h={300} />}
      {a && (
        <Stack mt="md">
          <Text c="dimmed" size="sm">
            {a.trackingId} · published <Timestamp iso={a.publishedAt} />
          </Text>
          <Title order={1}>{a.title}</Title>
          <Group gap="xs">
            {a.cvss && (
              <Badge
                color={
                  a.cvss.score >= 9
                    ? "red"
                    : a.cvss.score >= 7
                      ? "orange"
                      : a.cvss.score >= 4
                        ? "yellow"
                        : "gray"
                }
                size="lg"
              >
                CVSS {a.cvss.version} {a.cvss.score.toFixed(1)} {a.cvss.severity}
              </Badge>
            )}
            {a.cveId && <Badge variant="outline">{a.cveId}</Badge>}
            {a.cwe && <Badge variant="outline">{a.cwe}</Badge>}
          </Group>
          <Title order={3}>Summary</Title>
          <Markdown text={a.summary} />
          <Title order={3}>Affected products</Title>
          <Table aria-label="Affected products">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Product</Table.Th>
                <Table.Th>Affected</Table.Th>
                <Table.Th>Fixed in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {a.products.map((p) => (
                <Table.Tr key={`${p.vendor}/${p.product}`}>
                  <Table.Td>
                    {p.vendor} {p.product}
                  </Table.Td>
                  <Table.Td>{p.affected.join(", ")}</Table.Td>
                  <Table.Td>{p.fixed.join(", ") || "no fix yet"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {a.details && (
            <>
              <Title order={3}>Technical details</Title>
              <Markdown text={a.details} />
            </>
          )}
          {a.credits.length > 0 && (
            <>
              <Title order={3}>Acknowledgements</Title>
              {a.credits.map((c) => (
                <Text key={c.name} size="sm">
                  {c.name} ({c.type.replaceAll("_", " ")})
                </Text>
              ))}
            </>
          )}
          <Group gap="sm">
            {(["csaf", "cve", "osv"] as const).map((f) => (
              <Anchor key={f} href={`/api/public/advisories/${a.trackingId}/export?format=${f}`} size="sm">
                {f.toUpperCase()} JSON
              </Anchor>
            ))}
          </Group>
        </Stack>
      )}
    </Container>
  );
}
