// The invoice / estimate editor. Line items are added and removed with Conform's list intents:
// with JavaScript they change instantly; without it the same buttons submit the form with an
// intent, the server re-renders it with one line more or less, and nothing is saved.
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { documentFormSchema, type DocumentKind } from "~/models/document-form";
import { ErrorList, Field, SubmitButton } from "./forms";

export type DocumentFormValues = {
  customerId?: string;
  issueDate?: string;
  dueDate?: string;
  taxMode?: "INVOICE" | "PER_LINE";
  taxRate?: string;
  discountType?: "NONE" | "AMOUNT" | "PERCENT";
  discountValue?: string;
  deposit?: string;
  notes?: string;
  terms?: string;
  lines?: { description?: string; quantity?: string; unitPrice?: string; taxRate?: string }[];
};

export const EMPTY_LINE = { description: "", quantity: "1", unitPrice: "", taxRate: "" };

export function DocumentForm({
  kind,
  currency,
  customers,
  defaultValue,
  lastResult,
  submitLabel,
}: {
  kind: DocumentKind;
  currency: string;
  customers: { id: string; name: string }[];
  defaultValue: DocumentFormValues;
  lastResult?: SubmissionResult<string[]> | null;
  submitLabel: string;
}) {
  const navigation = useNavigation();
  const schema = documentFormSchema(currency, kind);
  const [form, fields] = useForm({
    id: `${kind}-form`,
    lastResult,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const lines = fields.lines.getFieldList();
  const dueLabel = kind === "invoice" ? "Due date" : "Valid until (optional)";
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      {form.errors?.length ? (
        <div className="form-errors" role="alert">
          <ErrorList id={form.errorId} errors={form.errors} />
        </div>
      ) : null}
      <div className="card stack">
        <div>
          <label htmlFor={fields.customerId.id}>Customer</label>
          <select {...getSelectProps(fields.customerId)} aria-invalid={fields.customerId.errors ? true : undefined}>
            <option value="">Choose a customer…</option>
            {customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <ErrorList id={fields.customerId.errorId} errors={fields.customerId.errors} />
        </div>
        <div className="grid-2">
          <Field label="Issue date" inputProps={getInputProps(fields.issueDate, { type: "date" })} errors={fields.issueDate.errors} />
          <Field label={dueLabel} inputProps={getInputProps(fields.dueDate, { type: "date" })} errors={fields.dueDate.errors} />
        </div>
      </div>

      <fieldset className="card stack">
        <legend>Line items</legend>
        <ErrorList id={fields.lines.errorId} errors={fields.lines.errors} />
        {lines.map((line, index) => {
          const item = line.getFieldset();
          return (
            <div key={line.key} className="line-item" data-testid="line-item">
              <Field
                label={`Description (line ${index + 1})`}
                inputProps={getInputProps(item.description, { type: "text" })}
                errors={item.description.errors}
              />
              <div className="grid-3">
                <Field label={`Quantity (line ${index + 1})`} inputProps={{ ...getInputProps(item.quantity, { type: "text" }), inputMode: "decimal" }} errors={item.quantity.errors} />
                <Field
                  label={`Unit price (${currency}) (line ${index + 1})`}
                  inputProps={{ ...getInputProps(item.unitPrice, { type: "text" }), inputMode: "decimal" }}
                  errors={item.unitPrice.errors}
                />
                <Field
                  label={`Tax % (line ${index + 1})`}
                  hint="Used with per-line tax"
                  inputProps={{ ...getInputProps(item.taxRate, { type: "text" }), inputMode: "decimal" }}
                  errors={item.taxRate.errors}
                />
              </div>
              {lines.length > 1 ? (
                <button className="button-small button-secondary" {...form.remove.getButtonProps({ name: fields.lines.name, index })}>
                  Remove line {index + 1}
                </button>
              ) : null}
            </div>
          );
        })}
        <button className="button-secondary" {...form.insert.getButtonProps({ name: fields.lines.name, defaultValue: EMPTY_LINE })}>
          Add line item
        </button>
      </fieldset>

      <div className="card stack">
        <div className="grid-2">
          <div>
            <label htmlFor={fields.taxMode.id}>Tax</label>
            <select {...getSelectProps(fields.taxMode)}>
              <option value="INVOICE">One rate for the whole {kind}</option>
              <option value="PER_LINE">A rate on each line</option>
            </select>
          </div>
          <Field
            label="Tax %"
            hint={`Used with one rate for the whole ${kind}`}
            inputProps={{ ...getInputProps(fields.taxRate, { type: "text" }), inputMode: "decimal" }}
            errors={fields.taxRate.errors}
          />
        </div>
        <div className="grid-2">
          <div>
            <label htmlFor={fields.discountType.id}>Discount</label>
            <select {...getSelectProps(fields.discountType)}>
              <option value="NONE">No discount</option>
              <option value="AMOUNT">Amount ({currency})</option>
              <option value="PERCENT">Percent</option>
            </select>
          </div>
          <Field
            label="Discount value"
            inputProps={{ ...getInputProps(fields.discountValue, { type: "text" }), inputMode: "decimal" }}
            errors={fields.discountValue.errors}
          />
        </div>
        {kind === "invoice" ? (
          <Field
            label={`Deposit due now (${currency}, optional)`}
            hint="Leave empty to ask for the whole amount"
            inputProps={{ ...getInputProps(fields.deposit, { type: "text" }), inputMode: "decimal" }}
            errors={fields.deposit.errors}
          />
        ) : null}
        <div>
          <label htmlFor={fields.notes.id}>Notes for the customer</label>
          <textarea {...getTextareaProps(fields.notes)} rows={3} />
          <ErrorList id={fields.notes.errorId} errors={fields.notes.errors} />
        </div>
        <div>
          <label htmlFor={fields.terms.id}>Terms</label>
          <textarea {...getTextareaProps(fields.terms)} rows={3} />
          <ErrorList id={fields.terms.errorId} errors={fields.terms.errors} />
        </div>
      </div>
      <SubmitButton pending={navigation.state === "submitting" && navigation.formData?.get("__intent__") === null}>{submitLabel}</SubmitButton>
    </Form>
  );
}
