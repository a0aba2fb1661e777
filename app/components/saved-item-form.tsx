// The add/edit form of a saved item (Settings → Items): plain fields and one submit, so it works with
// JavaScript off; Conform validates in the browser with the same zod schema the action parses with.
import type { z } from "zod";
import { Form } from "@remix-run/react";
import { ITEM_DESCRIPTION_MAX, ITEM_NAME_MAX, type savedItemFormSchema } from "~/models/saved-item-form";
import { getFormProps, getInputProps, type FormResult, useServerForm } from "./server-form";
import { ErrorList, Field, SubmitButton } from "./forms";

type SavedItemSchema = ReturnType<typeof savedItemFormSchema>;

type SavedItemFormValues = { name?: string; description?: string; unitPrice?: string; taxable?: string };

export function SavedItemForm({
  id,
  currency,
  defaultValue,
  lastResult,
  submitLabel,
  pending,
}: {
  id: string;
  currency: string;
  defaultValue?: SavedItemFormValues;
  /** The action's `result` (app/web/action-reply.ts). */
  lastResult?: FormResult | null;
  submitLabel: string;
  pending?: boolean;
}) {
  // Validated on the server round trip: the schema (zod) stays out of the browser (issue 17).
  const [form, fields] = useServerForm<z.input<SavedItemSchema>>({
    id,
    lastResult,
    defaultValue,
  });
  const taxableProps = getInputProps(fields.taxable, { type: "checkbox" });
  return (
    <Form method="post" className="card stack" {...getFormProps(form)}>
      <ErrorList id={form.errorId} errors={form.errors} />
      <Field label="Name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), maxLength: ITEM_NAME_MAX }} errors={fields.name.errors} />
      <Field
        label="Description (optional)"
        hint="Goes on the line; leave empty to use the name"
        inputProps={{ ...getInputProps(fields.description, { type: "text" }), maxLength: ITEM_DESCRIPTION_MAX }}
        errors={fields.description.errors}
      />
      <Field
        label={`Unit price (${currency})`}
        inputProps={{ ...getInputProps(fields.unitPrice, { type: "text" }), inputMode: "decimal" }}
        errors={fields.unitPrice.errors}
      />
      <label className="checkbox-label">
        <input {...taxableProps} /> Taxable (unticked: the line gets 0 % with per-line tax)
      </label>
      <SubmitButton name="intent" value="save" pending={pending}>
        {submitLabel}
      </SubmitButton>
    </Form>
  );
}
