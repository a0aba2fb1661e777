// The expense form (new and edit): one multipart form with an optional receipt photo. "Read receipt"
// (only when the AI assistant reads images on this server) fills vendor, date and amount in from the photo
// for the contractor to check; "Save expense" is the only button that saves. Works without JavaScript.
// The form's one schema (used by __expense-editor.server.ts and here) is a union on the button's intent.
import { Form, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useServerForm } from "~/components/server-form";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { CATEGORY_LABELS, EXPENSE_CATEGORIES, EXPENSE_LIMITS, RECEIPT_MIME_TYPES } from "~/models/expense-categories";
import { expenseFormSchema } from "~/models/expense-form";
import type { ActionReply } from "~/web/action-reply";

/**
 * - "save" (also Enter, and a POST without an intent): the expense, checked field by field;
 * - "read-receipt": nothing of the expense is checked, the server reads the photo and fills the form in.
 */
export function expenseEditorSchema(currency: string) {
  return z.discriminatedUnion("intent", [
    expenseFormSchema(currency).extend({ intent: z.literal("save").optional() }),
    z.object({ intent: z.literal("read-receipt"), receiptId: z.string().optional() }),
  ]);
}

/**
 * The expense form's `display` (app/web/action-reply.ts): after "Read receipt", what was read and the
 * filled-in values the form starts again from (the reply resets the form).
 */
export type ExpenseDisplay = { notice?: string; defaultValue?: ExpenseFormValues };
export type ExpenseReply = ActionReply<ExpenseDisplay>;

export type ExpenseFormValues = {
  vendor?: string;
  amount?: string;
  spentOn?: string;
  category?: string;
  notes?: string;
  customerId?: string;
  invoiceId?: string;
  receiptId?: string;
};

export function ExpenseForm({
  id,
  currency,
  customers,
  invoices,
  defaultValue,
  reply,
  aiReceipts,
  savedReceipt,
  submitLabel,
}: {
  id: string;
  currency: string;
  customers: { id: string; name: string }[];
  invoices: { id: string; label: string }[];
  defaultValue: ExpenseFormValues;
  /** The action's answer (`useActionData`). */
  reply?: ExpenseReply | null;
  /** Whether "Read receipt" is available (an AI model that reads images is set up). */
  aiReceipts: boolean;
  /** The photo already saved with this expense. */
  savedReceipt: { url: string; mimeType: string; sizeLabel: string } | null;
  submitLabel: string;
}) {
  const navigation = useNavigation();
  const display = reply?.display;
  const [form, fields] = useServerForm({
    id,
    lastResult: reply?.result,
    // Where a reset starts from: the values read from a receipt, else the page's.
    defaultValue: display?.defaultValue ?? defaultValue,
  });
  const pending = navigation.state === "submitting" ? (navigation.formData?.get("intent") ?? "save") : null;
  const receiptErrors = form.allErrors.receipt;
  const draftReceipt = Boolean(fields.receiptId.value);
  return (
    <Form method="post" encType="multipart/form-data" className="stack" {...getFormProps(form)}>
      {form.errors?.length ? (
        <div className="form-errors" role="alert">
          <ErrorList id={form.errorId} errors={form.errors} />
        </div>
      ) : null}
      {display?.notice ? (
        <p className="flash flash-success" role="status">
          {display.notice}
        </p>
      ) : null}
      <input {...getInputProps(fields.receiptId, { type: "hidden" })} />
      {/* The form's default button (Enter in a field) is its first submit button: make it Save, not Read receipt. */}
      <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1} aria-hidden="true">
        {submitLabel}
      </button>

      <fieldset className="card stack">
        <legend>Receipt photo</legend>
        {savedReceipt ? (
          <p>
            <a href={savedReceipt.url} target="_blank" rel="noreferrer">
              {/* A height attribute, not a style: the CSP (style-src 'self') drops inline styles. */}
              <img src={savedReceipt.url} alt="Saved receipt" height={160} className="receipt-preview" />
            </a>
            <br />
            <span className="muted">Saved photo ({savedReceipt.sizeLabel}). Choosing a new one replaces it.</span>
          </p>
        ) : null}
        {draftReceipt ? (
          <p className="muted" data-testid="draft-receipt">
            The photo that was read is attached and will be saved with the expense.
          </p>
        ) : null}
        <div>
          <label htmlFor={`${id}-receipt`}>{savedReceipt || draftReceipt ? "Replace the photo (optional)" : "Photo (optional)"}</label>
          <input
            // A photo read just now is kept on the server (receiptId): empty the picker so it is not sent twice.
            key={typeof fields.receiptId.value === "string" ? fields.receiptId.value : "none"}
            id={`${id}-receipt`}
            name="receipt"
            type="file"
            accept={RECEIPT_MIME_TYPES.join(",")}
            aria-invalid={receiptErrors?.length ? true : undefined}
            aria-describedby={`${id}-receipt-hint${receiptErrors?.length ? ` ${id}-receipt-error` : ""}`}
          />
          <p className="hint" id={`${id}-receipt-hint`}>
            JPEG, PNG or WebP, up to 5 MB. Only you can see it.
          </p>
          <ErrorList id={`${id}-receipt-error`} errors={receiptErrors} />
        </div>
        {aiReceipts ? (
          <div className="actions">
            <SubmitButton name="intent" value="read-receipt" formNoValidate className="button-secondary" pending={pending === "read-receipt"}>
              Read receipt
            </SubmitButton>
            <span className="hint">
              Sends only the photo to the AI assistant and fills in vendor, date and amount for you to check. Nothing is saved until you save.
            </span>
          </div>
        ) : null}
      </fieldset>

      <fieldset className="card stack">
        <legend>Expense</legend>
        <Field
          label="Vendor"
          inputProps={{ ...getInputProps(fields.vendor, { type: "text" }), maxLength: EXPENSE_LIMITS.vendor, autoComplete: "off" }}
          errors={fields.vendor.errors}
          hint="Who you paid, such as the supply store."
        />
        <div className="grid-2">
          <Field
            label={`Amount (${currency})`}
            inputProps={{ ...getInputProps(fields.amount, { type: "text" }), inputMode: "decimal", maxLength: 20 }}
            errors={fields.amount.errors}
          />
          <Field label="Date" inputProps={getInputProps(fields.spentOn, { type: "date" })} errors={fields.spentOn.errors} />
        </div>
        <div>
          <label htmlFor={fields.category.id}>Category</label>
          <select {...getSelectProps(fields.category)} aria-invalid={fields.category.errors ? true : undefined}>
            <option value="">Choose a category…</option>
            {EXPENSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
          <ErrorList id={fields.category.errorId} errors={fields.category.errors} />
        </div>
        <div className="grid-2">
          <div>
            <label htmlFor={fields.customerId.id}>
              Customer <span className="muted">(optional)</span>
            </label>
            <select {...getSelectProps(fields.customerId)} aria-invalid={fields.customerId.errors ? true : undefined}>
              <option value="">No customer</option>
              {customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <ErrorList id={fields.customerId.errorId} errors={fields.customerId.errors} />
          </div>
          <div>
            <label htmlFor={fields.invoiceId.id}>
              Invoice <span className="muted">(optional)</span>
            </label>
            <select {...getSelectProps(fields.invoiceId)} aria-invalid={fields.invoiceId.errors ? true : undefined}>
              <option value="">No invoice</option>
              {invoices.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.label}
                </option>
              ))}
            </select>
            <ErrorList id={fields.invoiceId.errorId} errors={fields.invoiceId.errors} />
          </div>
        </div>
        <div>
          <label htmlFor={fields.notes.id}>
            Notes <span className="muted">(optional)</span>
          </label>
          <textarea {...getTextareaProps(fields.notes)} maxLength={EXPENSE_LIMITS.notes} rows={3} />
          <ErrorList id={fields.notes.errorId} errors={fields.notes.errors} />
        </div>
      </fieldset>
      <div className="actions">
        <SubmitButton name="intent" value="save" pending={pending === "save"}>
          {submitLabel}
        </SubmitButton>
      </div>
    </Form>
  );
}
