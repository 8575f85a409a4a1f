// Creating an account with an initial password; partner and researcher roles need an organisation,
// which can be added on the spot. The server's refusals land on the field at fault.
import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { z } from "zod";
import { STAFF_ROLES } from "../../../../src/contract/enums.ts";
import { isOneOf } from "../../app/choices.ts";
import { ModalActions } from "../../app/components.tsx";
import { type Organisation, ROLE_LABELS, ROLES, type Role, type User } from "../../app/types.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";

const ROLE_HELP: Record<Role, string> = {
  admin: "runs the instance, users and configuration",
  coordinator: "cases, advisories, release plans and partners",
  investigator: "leak investigations, canary alerts, telemetry",
  auditor: "reads and verifies the audit log",
  partner_admin: "manages a partner organisation",
  partner_analyst: "receives and acknowledges advisories",
  researcher: "submits reports and follows their case",
};

/** Staff belong to the programme's own organisation; everyone else to a partner or researcher organisation. */
const isStaff = (role: Role) => isOneOf(STAFF_ROLES, role);

const CreateUserForm = z
  .object({
    email: z.string().trim().min(1, "give the person's email address"),
    name: z.string().trim().min(1, "give the person's name").max(200, "at most 200 characters"),
    role: z.enum(ROLES),
    password: z.string().min(1, "give an initial password"),
    organisationId: z.string().nullable(),
  })
  .refine((v) => isStaff(v.role) || v.organisationId, {
    path: ["organisationId"],
    message: "choose the organisation this person belongs to",
  });
type CreateUserValues = z.infer<typeof CreateUserForm>;

const EMPTY: CreateUserValues = {
  email: "",
  name: "",
  role: "coordinator",
  password: "",
  organisationId: null,
};

export function CreateUserModal({
  organisations,
  opened,
  onClose,
  onCreated,
}: {
  organisations: Organisation[];
  opened: boolean;
  onClose(): void;
  onCreated(u: User): void;
}) {
  const form = useSchemaForm<CreateUserValues>(CreateUserForm, EMPTY);
  const [newOrg, setNewOrg] = useState("");
  const v = form.values;
  const needsOrganisation = !isStaff(v.role);
  const external = organisations.filter((o) => o.kind !== "programme");

  const addOrganisation = useApiMutation({
    fn: (name: string, api) => api.call("createOrganisation", { body: { name } }),
    invalidates: ["/api/organisations"],
    onSuccess: ({ organisation }) => {
      setNewOrg("");
      form.setFieldValue("organisationId", organisation.id);
    },
  });
  const create = useApiMutation({
    fn: (values: CreateUserValues, api) =>
      api.call("createUser", {
        body: {
          email: values.email.trim(),
          name: values.name.trim(),
          role: values.role,
          password: values.password,
          ...(!isStaff(values.role) && values.organisationId
            ? { organisationId: values.organisationId }
            : {}),
        },
      }),
    invalidates: ["/api/users"],
    success: ({ user: u }) =>
      u.pending
        ? `${u.name} (${u.email}) can sign in once another administrator or coordinator confirms the role.`
        : `${u.name} (${u.email}) can now sign in.`,
    form,
    fields: ["email", "name", "role", "password", "organisationId"],
    onSuccess: ({ user }) => {
      form.reset();
      onCreated(user);
    },
  });

  return (
    <Modal opened={opened} onClose={onClose} title="Create a user" centered size="md">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack>
          <TextInput
            label="Email"
            type="email"
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps("email")}
          />
          <TextInput label="Name" required maxLength={200} {...form.getInputProps("name")} />
          <Select
            label="Role"
            required
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            {...form.getInputProps("role")}
            description={ROLE_HELP[v.role]}
          />
          {needsOrganisation && (
            <Stack gap={6}>
              <Select
                label="Organisation"
                description="The partner or researcher organisation this person belongs to."
                required
                searchable
                data={external.map((o) => ({ value: o.id, label: o.name }))}
                {...form.getInputProps("organisationId")}
                nothingFoundMessage="No such organisation yet: add it below"
              />
              <Group gap="xs" align="flex-end">
                <TextInput
                  aria-label="New organisation name"
                  placeholder="or add an organisation, e.g. Example Security Ltd"
                  size="xs"
                  style={{ flex: 1 }}
                  value={newOrg}
                  onChange={(e) => setNewOrg(e.currentTarget.value)}
                />
                <Button
                  size="xs"
                  variant="light"
                  disabled={!newOrg.trim()}
                  loading={addOrganisation.isPending}
                  onClick={() => addOrganisation.mutate(newOrg.trim())}
                >
                  Add organisation
                </Button>
              </Group>
            </Stack>
          )}
          <PasswordInput
            label="Initial password"
            description="Share it with the person over a separate channel; they can then turn on two-factor authentication."
            required
            autoComplete="new-password"
            {...form.getInputProps("password")}
          />
          <ModalActions onCancel={onClose}>
            <Button
              type="submit"
              loading={create.isPending}
              disabled={
                !v.email.trim() || !v.name.trim() || !v.password || (needsOrganisation && !v.organisationId)
              }
            >
              Create user
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
