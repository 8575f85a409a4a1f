// The advisory editor: content by section, a preview per content level, the revision diff, review
// and approval (ReviewCard), files (AdvisoryFiles), release and exports.
import { Anchor, Badge, Button, Group, Skeleton, Stack, Tabs, Text, TextInput } from "@mantine/core";
import { useEffect } from "react";
import { Link, useParams } from "react-router";
import { z } from "zod";
import { ErrorAlert, PageHeader, SectionCard } from "../../app/components.tsx";
import { useApiQuery } from "../../app/query.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";
import { AdvisoryFiles } from "./AdvisoryFiles.tsx";
import { AdvisoryPreview, Revisions } from "./AdvisoryPreview.tsx";
import { CONTENT_FIELDS, ContentFields, ContentSchema, type ContentValues } from "./ContentFields.tsx";
import { type Advisory, productsToText, STATE_COLORS, textToProducts } from "./model.ts";
import { ReviewCard } from "./ReviewCard.tsx";

export function AdvisoryEditor() {
  const { id = "" } = useParams();
  const q = useApiQuery("getAdvisory", { params: { id } });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Skeleton h={400} />;
  return <Editor a={q.data} />;
}

type RevisionValues = ContentValues & { changeNote: string };

const valuesOf = (a: Advisory): RevisionValues => ({
  title: a.revision.title,
  products: productsToText(a.revision.products),
  sections: a.revision.sections,
  changeNote: "",
});

function Editor({ a }: { a: Advisory }) {
  const form = useSchemaForm<RevisionValues>(
    ContentSchema.extend({ changeNote: z.string().max(1000) }),
    valuesOf(a),
  );
  const { setValues, resetDirty } = form;
  // A saved revision (or another person's) refills the form from what the server now holds.
  useEffect(() => {
    setValues(valuesOf(a));
    resetDirty(valuesOf(a));
  }, [a, setValues, resetDirty]);
  const save = useApiMutation({
    fn: (v: RevisionValues, api) =>
      api.call("reviseAdvisory", {
        params: { id: a.id },
        body: {
          revision: a.currentRevision,
          title: v.title,
          products: textToProducts(v.products),
          sections: v.sections,
          ...(v.changeNote ? { changeNote: v.changeNote } : {}),
        },
      }),
    invalidates: [`/api/advisories/${a.id}`, "/api/advisories"],
    success: "Saved as a new revision",
    form,
    fields: [...CONTENT_FIELDS, "changeNote"],
  });
  return (
    <>
      <PageHeader
        title={`${a.trackingId}: ${a.revision.title}`}
        description={
          <>
            Revision {a.currentRevision} · case{" "}
            <Anchor component={Link} to={`/cases/${a.caseId}`}>
              {a.caseId}
            </Anchor>
          </>
        }
        back={{ to: "/advisories", label: "all advisories" }}
        actions={
          <Group gap="xs">
            <Badge size="lg" color={STATE_COLORS[a.state]} data-testid="advisory-state">
              {a.state.replace("_", " ")}
            </Badge>
            {a.publishedAt ? (
              <Badge size="lg" color="teal">
                public
              </Badge>
            ) : (
              <Badge size="lg" color="orange" variant="light">
                embargoed
              </Badge>
            )}
          </Group>
        }
      />
      <Tabs defaultValue="edit" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="edit">Edit</Tabs.Tab>
          <Tabs.Tab value="preview">Preview by content level</Tabs.Tab>
          <Tabs.Tab value="revisions">Revisions and diff</Tabs.Tab>
          <Tabs.Tab value="review">Review, release and export</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="edit">
          <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
            <Stack maw={900}>
              <ContentFields form={form} />
              <TextInput
                label="What changed (optional)"
                maxLength={1000}
                {...form.getInputProps("changeNote")}
              />
              <Group>
                <Button type="submit" loading={save.isPending}>
                  Save as revision {a.currentRevision + 1}
                </Button>
                {a.state === "approved" && (
                  <Text size="sm" c="dimmed">
                    Saving returns the advisory to draft: it needs a new approval.
                  </Text>
                )}
              </Group>
            </Stack>
          </form>
        </Tabs.Panel>
        <Tabs.Panel value="preview">
          <AdvisoryPreview a={a} />
        </Tabs.Panel>
        <Tabs.Panel value="revisions">
          <Revisions a={a} />
        </Tabs.Panel>
        <Tabs.Panel value="review">
          <Stack maw={900}>
            <ReviewCard a={a} />
            <AdvisoryFiles a={a} />
            <SectionCard title="Export">
              <Text size="sm" c="dimmed" mb="xs">
                {a.publishedAt
                  ? "Public: TLP:CLEAR (WHITE in CSAF 2.0)."
                  : "Embargoed: TLP:AMBER, every section. Each export is audited."}
              </Text>
              <Group gap="sm">
                {(["csaf", "cve", "osv"] as const).map((f) => (
                  <Anchor key={f} href={`/api/advisories/${a.id}/export?format=${f}`} target="_blank">
                    {f === "csaf" ? "CSAF 2.0" : f === "cve" ? "CVE JSON 5" : "OSV"}
                  </Anchor>
                ))}
              </Group>
            </SectionCard>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
