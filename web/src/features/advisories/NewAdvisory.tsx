// Writing a new advisory for a case: its first revision.
import { Button, Group, Select, Stack } from "@mantine/core";
import { useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { PageHeader } from "../../app/components.tsx";
import { useApiList } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import {
  CONTENT_FIELDS,
  ContentFields,
  ContentSchema,
  type ContentValues,
  emptySections,
} from "./ContentFields.tsx";
import { textToProducts } from "./model.ts";

const NewAdvisoryForm = ContentSchema.extend({
  caseId: z.string("choose the case this advisory is for").min(1, "choose the case this advisory is for"),
});
type NewAdvisoryValues = ContentValues & { caseId: string | null };

export function NewAdvisory() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const cases = useApiList("listCases");
  const form = useSchemaForm<NewAdvisoryValues>(NewAdvisoryForm, {
    caseId: params.get("case"),
    title: "",
    products: "",
    sections: emptySections(),
  });
  const create = useApiMutation({
    fn: (v: NewAdvisoryValues, api) =>
      api.call("createAdvisory", {
        body: {
          caseId: v.caseId ?? "",
          title: v.title,
          products: textToProducts(v.products),
          sections: v.sections,
        },
      }),
    invalidates: ["/api/advisories"],
    form,
    fields: ["caseId", ...CONTENT_FIELDS],
    onSuccess: (r) => navigate(`/advisories/${r.id}`),
  });
  return (
    <>
      <PageHeader title="New advisory" />
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack maw={900}>
          <Select
            label="Case"
            required
            searchable
            data={(cases.data ?? []).map((c) => ({ value: c.id, label: `${c.title} (${c.id})` }))}
            {...form.getInputProps("caseId")}
          />
          <ContentFields form={form} />
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create revision 1
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}
