// A partner's profile and its editor: the partner admin edits website and customers; staff also
// edit what decides tier and policy (staff countries, affiliations).
import {
  Anchor,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { z } from "zod";
import { Timestamp } from "../../app/components.tsx";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { COUNTRY_OPTIONS, type PartnerDetail } from "./model.ts";

const ProfileForm = z.object({
  website: z.string().trim().min(1, "give the partner's website"),
  customers: z.number("give a number").int("a whole number").min(0, "zero or more"),
  affiliations: z.string(),
  staffCountries: z.array(z.string()),
});
type ProfileValues = z.infer<typeof ProfileForm>;

function ProfileEditor({ p, staff }: { p: PartnerDetail; staff: boolean }) {
  const [open, setOpen] = useState(false);
  const form = useSchemaForm<ProfileValues>(ProfileForm, {
    website: p.website,
    customers: p.customers,
    affiliations: p.affiliations.join(", "),
    staffCountries: p.staffCountries,
  });
  const save = useApiMutation({
    fn: (v: ProfileValues, api) =>
      api.call("updatePartner", {
        params: { id: p.id },
        body: {
          website: v.website,
          customers: v.customers,
          ...(staff
            ? {
                staffCountries: v.staffCountries,
                affiliations: v.affiliations
                  .split(",")
                  .map((a) => a.trim())
                  .filter(Boolean),
              }
            : {}),
        },
      }),
    invalidates: [`/api/partners/${p.id}`],
    success: "Profile saved",
    form,
    // The server's /affiliations/2 lands on the one text field that holds them all.
    fields: ["website", "customers", "affiliations", "staffCountries"],
    onSuccess: () => setOpen(false),
  });
  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)}>
        Edit profile
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Edit ${p.name}`}>
        <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
          <Stack>
            <TextInput label="Website" {...form.getInputProps("website")} />
            <NumberInput label="Protected customers" min={0} {...form.getInputProps("customers")} />
            {staff && (
              <TextInput
                label="Affiliations"
                description="Comma-separated, e.g. membership of a government vulnerability database"
                {...form.getInputProps("affiliations")}
              />
            )}
            {staff && (
              <MultiSelect
                label="Countries where staff work"
                searchable
                data={COUNTRY_OPTIONS}
                {...form.getInputProps("staffCountries")}
              />
            )}
            {!staff && (
              <Text size="xs" c="dimmed">
                Headquarters, staff countries, kind and affiliations decide the partner's tier and policy: ask
                your coordinator to change them.
              </Text>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

export function ProfileCard({ p, canEdit, staff }: { p: PartnerDetail; canEdit: boolean; staff: boolean }) {
  return (
    <Card withBorder radius="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Profile</Title>
        {canEdit && <ProfileEditor key={p.updatedAt} p={p} staff={staff} />}
      </Group>
      <Stack gap={4}>
        <Text size="sm">
          Website:{" "}
          <Anchor href={p.website} target="_blank" rel="noreferrer noopener">
            {p.website}
          </Anchor>
        </Text>
        <Text size="sm">Protected customers: {p.customers.toLocaleString("en")}</Text>
        <Text size="sm">Contacts: {p.contacts.map((c) => `${c.name} <${c.email}>`).join(", ")}</Text>
        <Text size="sm">Affiliations: {p.affiliations.join(", ") || "none declared"}</Text>
        <Text size="sm">
          Attested <Timestamp iso={p.attestedAt} />, renew by <Timestamp iso={p.attestationExpiresAt} />
        </Text>
        <Text size="sm">
          Approvals: {p.approvals.length} of {p.approvalsNeeded}
        </Text>
      </Stack>
    </Card>
  );
}
