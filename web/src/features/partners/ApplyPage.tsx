// The public application form (no login): organisation, contact, attestations. The contact gets an
// invitation link by mail to become the organisation's first partner admin.
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Container,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { useApi } from "../../app/auth.tsx";
import { ErrorAlert } from "../../app/components.tsx";
import { ATTESTATION_LABELS, type Attestations, COUNTRY_OPTIONS, KIND_LABELS, KINDS } from "./model.ts";

export function ApplyPage() {
  const api = useApi();
  const [org, setOrg] = useState({
    name: "",
    legalName: "",
    website: "https://",
    kind: "antivirus" as string | null,
  });
  const [country, setCountry] = useState<string | null>(null);
  const [staff, setStaff] = useState<string[]>([]);
  const [customers, setCustomers] = useState<number | string>(0);
  const [contact, setContact] = useState({ name: "", email: "" });
  const [attest, setAttest] = useState<Attestations>({
    securityVendor: false,
    noOffensiveTools: false,
    publishAtRelease: false,
    reportLeaks: false,
  });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.post<{ partnerId: string }>("/api/partner-applications", {
        organisation: { ...org, country, staffCountries: staff, customers: Number(customers) },
        contact,
        attestations: attest,
      });
      setDone(r.partnerId);
    } catch (err) {
      setError(err);
    }
  }

  if (done)
    return (
      <Container size="sm" py="xl">
        <Alert color="green" title="Application received" data-testid="application-done">
          <Text size="sm">
            Thank you. We sent {contact.email} a link to set a password and follow the application. Two
            members of our team review every application. Your reference: <b>{done}</b>.
          </Text>
        </Alert>
      </Container>
    );

  return (
    <Container size="md" py="xl">
      <Title order={2}>Apply to the early-alert programme</Title>
      <Text c="dimmed" mb="lg">
        Security vendors that ship protections to customers receive vulnerability details before public
        release, under NDA.
      </Text>
      <Paper withBorder radius="md" p="lg" component="form" onSubmit={submit}>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Organisation name"
              required
              value={org.name}
              onChange={(e) => setOrg({ ...org, name: e.currentTarget.value })}
            />
            <TextInput
              label="Legal name"
              required
              value={org.legalName}
              onChange={(e) => setOrg({ ...org, legalName: e.currentTarget.value })}
            />
            <Select
              label="Headquarters country"
              required
              searchable
              data={COUNTRY_OPTIONS}
              value={country}
              onChange={setCountry}
            />
            <MultiSelect
              label="Countries where staff work"
              searchable
              data={COUNTRY_OPTIONS}
              value={staff}
              onChange={setStaff}
            />
            <TextInput
              label="Website"
              required
              value={org.website}
              onChange={(e) => setOrg({ ...org, website: e.currentTarget.value })}
            />
            <Select
              label="Kind"
              required
              data={KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] ?? k }))}
              value={org.kind}
              onChange={(v) => setOrg({ ...org, kind: v })}
            />
            <NumberInput
              label="Protected customers"
              min={0}
              value={customers}
              onChange={setCustomers}
              thousandSeparator=","
            />
          </SimpleGrid>
          <Title order={5}>Contact (becomes your first partner admin)</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Name"
              required
              value={contact.name}
              onChange={(e) => setContact({ ...contact, name: e.currentTarget.value })}
            />
            <TextInput
              label="Email"
              type="email"
              required
              value={contact.email}
              onChange={(e) => setContact({ ...contact, email: e.currentTarget.value })}
            />
          </SimpleGrid>
          <Title order={5}>Attestations</Title>
          {(Object.keys(ATTESTATION_LABELS) as (keyof Attestations)[]).map((k) => (
            <Checkbox
              key={k}
              label={ATTESTATION_LABELS[k]}
              checked={attest[k]}
              onChange={(e) => setAttest({ ...attest, [k]: e.currentTarget.checked })}
            />
          ))}
          <Text size="sm" data-testid="fingerprint-notice">
            Every copy a member of your organisation receives is fingerprinted for that member: the wording of
            its text sections, fenced code, and attached YARA, Sigma, Python, shell, raw HTTP and IOC files
            vary per recipient, and canary host names or links appear where the author placed them. Titles,
            product lists and binary files (such as ZIP or pcap) are the same for everyone.
          </Text>
          <ErrorAlert error={error} />
          <Button type="submit">Submit application</Button>
          <Text size="sm" c="dimmed">
            Already a member?{" "}
            <Anchor component={Link} to="/login">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </Container>
  );
}
