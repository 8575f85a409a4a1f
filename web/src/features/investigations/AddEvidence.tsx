// Adding evidence: files dropped on the zone or chosen (uploaded one by one as multipart), or text
// pasted under a name.
import { Button, Textarea, TextInput } from "@mantine/core";
import { type DragEvent, useState } from "react";
import { z } from "zod";
import { ApiError } from "../../app/api.ts";
import { useApiMutation } from "../../app/useApiMutation.ts";
import { useSchemaForm } from "../../app/useSchemaForm.ts";

const PasteForm = z.object({
  name: z.string().trim().min(1, "name the pasted text"),
  text: z.string().trim().min(1, "paste the text"),
});
type PasteValues = z.infer<typeof PasteForm>;

export function AddEvidence({ investigationId }: { investigationId: string }) {
  const [dragging, setDragging] = useState(false);
  const upload = useApiMutation({
    fn: async (files: File[], api) => {
      for (const f of files) {
        const fd = new FormData();
        fd.append("file", f, f.name);
        try {
          await api.call("addInvestigationEvidence", { params: { id: investigationId }, body: fd });
        } catch (e) {
          // Say which file was refused; the ones before it are kept.
          if (e instanceof ApiError)
            throw new ApiError(
              e.status,
              e.code,
              `${f.name}: ${e.message}`,
              e.requestId,
              e.retryAfterSeconds,
              e.details,
            );
          throw e;
        }
      }
    },
    invalidates: [`/api/investigations/${investigationId}`],
    success: (_, files) => `${files.length} file(s) added`,
  });
  const form = useSchemaForm<PasteValues>(PasteForm, { name: "", text: "" });
  const paste = useApiMutation({
    fn: (v: PasteValues, api) =>
      api.call("addInvestigationEvidence", { params: { id: investigationId }, body: { kind: "text", ...v } }),
    invalidates: [`/api/investigations/${investigationId}`],
    success: "Evidence added",
    form,
    fields: ["name", "text"],
    onSuccess: () => form.reset(),
  });
  const addFiles = (files: File[]) => {
    if (files.length > 0) upload.mutate(files);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    addFiles([...e.dataTransfer.files]);
  };
  return (
    <>
      <label
        htmlFor="evidence-files"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        style={{
          display: "block",
          border: "2px dashed",
          borderRadius: 8,
          padding: 16,
          textAlign: "center",
          background: dragging ? "var(--mantine-color-blue-light)" : undefined,
          cursor: "pointer",
        }}
      >
        Drop evidence files here, or choose files (text, HTML, PDF, rule files, scripts, request logs, or a
        ZIP of these)
        <input
          id="evidence-files"
          type="file"
          multiple
          disabled={upload.isPending}
          style={{ display: "block", margin: "8px auto 0" }}
          onChange={(e) => addFiles([...(e.currentTarget.files ?? [])])}
        />
      </label>
      <form onSubmit={form.onSubmit((v) => paste.mutate(v))} noValidate>
        <TextInput label="Name of pasted text" {...form.getInputProps("name")} />
        <Textarea
          label="Pasted text"
          autosize
          minRows={3}
          maxRows={10}
          mt="xs"
          {...form.getInputProps("text")}
        />
        <Button
          type="submit"
          mt="xs"
          disabled={!form.values.name.trim() || !form.values.text.trim()}
          loading={paste.isPending}
        >
          Add text
        </Button>
      </form>
    </>
  );
}
