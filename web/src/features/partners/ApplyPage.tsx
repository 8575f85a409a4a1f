// The public application form (no login): organisation, contact, attestations. The contact gets an
// invitation link by mail to become the organisation's first partner admin. The form's values have
// the request's shape, so each field the server refuses is marked where it was typed.
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
import { useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { ATTESTATION_LABELS, type Attestations, COUNTRY_OPTIONS, KIND_LABELS, KINDS } from "./model.ts";

const required = (what: string) => z.string(`give ${what}`).trim().min(1, `give ${what}`);

/** What the applicant can put right before sending; the server checks the rest and says which field. */
const ApplicationForm = z.object({
  organisation: z.object({
    name: required("the organisation's name"),
    legalName: required("the legal name"),
    website: required("the website"),
    kind: required("the kind of organisation"),
    country: required("the headquarters country"),
    staffCountries: z.array(z.string()),
    customers: z.number("give a number").min(0, "zero or more"),
  }),
  contact: z.object({ name: required("the contact's name"), email: required("the contact's email") }),
  attestations: z.record(z.string(), z.boolean()),
});

type ApplicationValues = {
  organisation: {
    name: string;
    legalName: string;
    website: string;
    kind: string | null;
    country: string | null;
    staffCountries: string[];
    customers: number | string;
  };
  contact: { name: string; email: string };
  attestations: Attestations;
};

export function ApplyPage() {
  const form = useSchemaForm<ApplicationValues>(ApplicationForm, {
    organisation: {
      name: "",
      legalName: "",
      website: "https://",
      kind: "antivirus",
      country: null,
      staffCountries: [],
      customers: 0,
    },
    contact: { name: "", email: "" },
    attestations: {
      securityVendor: false,
      noOffensiveTools: false,
      publishAtRelease: false,
      reportLeaks: false,
    },
  });
  const [done, setDone] = useState<string | null>(null);
  const apply = useApiMutation({
    fn: (v: ApplicationValues, api) =>
      api.call("applyAsPartner", {
        body: {
          ...v,
          organisation: { ...v.organisation, customers: Number(v.organisation.customers) },
        },
      }),
    form,
    onSuccess: (r) => setDone(r.partnerId),
  });

  if (done)
    return (
      <Container size="sm" py="xl">
        <Alert color="green" title="Application received" data-testid="application-done">
          <Text size="sm">
            Thank you. We sent {form.values.contact.email} a link to set a password and follow the
            application. Two members of our team review every application. Your reference: <b>{done}</b>.
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
      <Paper
        withBorder
        radius="md"
        p="lg"
        component="form"
        onSubmit={form.onSubmit((v) => apply.mutate(v))}
        noValidate
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Organisation name" required {...form.getInputProps("organisation.name")} />
            <TextInput label="Legal name" required {...form.getInputProps("organisation.legalName")} />
            <Select
              label="Headquarters country"
              required
              searchable
              data={COUNTRY_OPTIONS}
              {...form.getInputProps("organisation.country")}
            />
            <MultiSelect
              label="Countries where staff work"
              searchable
              data={COUNTRY_OPTIONS}
              {...form.getInputProps("organisation.staffCountries")}
            />
            <TextInput label="Website" required {...form.getInputProps("organisation.website")} />
            <Select
              label="Kind"
              required
              data={KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] ?? k }))}
              {...form.getInputProps("organisation.kind")}
            />
            <NumberInput
              label="Protected customers"
              min={0}
              {...form.getInputProps("organisation.customers")}
              thousandSeparator=","
            />
          </SimpleGrid>
          <Title order={5}>Contact (becomes your first partner admin)</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" required {...form.getInputProps("contact.name")} />
            <TextInput label="Email" type="email" required {...form.getInputProps("contact.email")} />
          </SimpleGrid>
          <Title order={5}>Attestations</Title>
          {(Object.keys(ATTESTATION_LABELS) as (keyof Attestations)[]).map((k) => (
            <Checkbox
              key={k}
              label={ATTESTATION_LABELS[k]}
              {...form.getInputProps(`attestations.${k}`, { type: "checkbox" })}
            />
          ))}
          <Text size="sm" data-testid="fingerprint-notice">
            Every copy a member of your organisation receives is fingerprinted for that member: the wording of
            its text sections, fenced code, and attached YARA, Sigma, Python, shell, raw HTTP and IOC files
            vary per recipient, and canary host names or links appear where the author placed them. Titles,
            product lists and binary files (such as ZIP or pcap) are the same for everyone.
          </Text>
          <Button type="submit" loading={apply.isPending}>
            Submit application
          </Button>
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
