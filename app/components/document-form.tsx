// The invoice / estimate editor. Line items are added and removed with Conform's list intents:
// with JavaScript they change instantly; without it the same buttons submit the form with an
// intent, the server re-renders it with one line more or less, and nothing is saved.
// The other buttons ("Add lines from text", the pickers) are intents of the one editor schema
// (app/web/document-editor-form.ts); when the server fills the form in, its reply resets the form and
// `display.defaultValue` is where it starts again.
// Enter (a phone's "Go" key) submits the form's FIRST submit button, so a hidden "save" button comes
// first: Enter saves and never removes or adds a line. The running total uses computeTotals (through totalsWithChoices), the
// same cents rounding the saved document gets.
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { DocumentKind } from "~/models/document-input";
import { totalsWithChoices } from "~/models/estimate-options";
import { QUICK_TEXT_EXAMPLE, QUICK_TEXT_MAX } from "~/models/document-limits";
import { currencyDigits, formatMoney, parseDecimal, parsePercent, parseQuantity } from "~/utils/money";
import type { ActionReply } from "~/web/action-reply";
import type { DocumentEditorFields, DocumentFormValues, EditorDisplay } from "~/web/document-editor-form";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps } from "./server-form";
import { useLiveForm } from "./live-form";
import { CustomerPicker, ItemPicker } from "./editor-pickers";
import { ErrorList, Field, SubmitButton } from "./forms";
import { OptionalLineToggle } from "./optional-line-toggle";

type EditorReply = ActionReply<EditorDisplay>;

export const EMPTY_LINE = { description: "", quantity: "1", unitPrice: "", taxRate: "" };

const text = (v: unknown) => (typeof v === "string" ? v : "");

/**
 * The totals of what the form holds right now, with the saved document's rounding (computeTotals).
 * A field that does not parse yet counts as zero; the server's validation reports it on save.
 */
export function runningTotals(value: DocumentFormValues | undefined, currency: string) {
  const digits = currencyDigits(currency);
  const taxMode = value?.taxMode === "PER_LINE" ? "PER_LINE" : "INVOICE";
  const discountType = value?.discountType === "AMOUNT" || value?.discountType === "PERCENT" ? value.discountType : "NONE";
  const lines = (Array.isArray(value?.lines) ? value.lines : []).map((l) => ({
    quantityMilli: Math.max(0, Math.min(parseQuantity(text(l?.quantity)) ?? 0, 100_000_000)),
    unitPriceCents: Math.max(0, Math.min(parseDecimal(text(l?.unitPrice), digits) ?? 0, 100_000_000)),
    taxRate: taxMode === "PER_LINE" ? Math.max(0, Math.min(parsePercent(text(l?.taxRate)) ?? 0, 50_000)) : 0,
    // An estimate's optional line is outside the total until the customer chooses it (as when saved).
    optional: text(l?.optional) !== "",
  }));
  const discountValue =
    discountType === "PERCENT"
      ? Math.min(parsePercent(text(value?.discountValue)) ?? 0, 100_000)
      : discountType === "AMOUNT"
        ? (parseDecimal(text(value?.discountValue), digits) ?? 0)
        : 0;
  const taxRate = taxMode === "INVOICE" ? Math.max(0, Math.min(parsePercent(text(value?.taxRate)) ?? 0, 50_000)) : 0;
  try {
    return totalsWithChoices({ lines, taxMode, taxRate, discountType, discountValue: Math.max(0, discountValue) });
  } catch {
    return null; // beyond the safe range: the server's validation says so on save
  }
}

function RunningTotals({ value, currency, kind }: { value: DocumentFormValues | undefined; currency: string; kind: DocumentKind }) {
  const totals = runningTotals(value, currency);
  if (!totals) return null;
  const money = (cents: number) => formatMoney(cents, currency);
  return (
    <section className="card running-totals" aria-labelledby="running-totals-heading">
      <h2 id="running-totals-heading">Total of this {kind}</h2>
      {/* Read out once the user stops typing, not on every key. */}
      <dl className="totals" aria-live="polite" aria-atomic="true" data-testid="running-totals">
        <dt>Subtotal</dt>
        <dd data-testid="running-subtotal">{money(totals.subtotalCents)}</dd>
        <dt>Discount</dt>
        <dd data-testid="running-discount">−{money(totals.discountCents)}</dd>
        <dt>Tax</dt>
        <dd data-testid="running-tax">{money(totals.taxCents)}</dd>
        <dt>Total</dt>
        <dd>
          <strong data-testid="running-total">{money(totals.totalCents)}</strong>
        </dd>
      </dl>
    </section>
  );
}

export function DocumentForm({
  kind,
  currency,
  customers,
  defaultValue,
  reply,
  submitLabel,
  aiLines = false,
}: {
  kind: DocumentKind;
  currency: string;
  customers: { id: string; name: string }[];
  defaultValue: DocumentFormValues;
  /** The action's answer (`useActionData`). */
  reply?: EditorReply | null;
  submitLabel: string;
  /** Whether the AI assistant is set up (shows "Add lines with AI"). */
  aiLines?: boolean;
}) {
  const navigation = useNavigation();
  const display = reply?.display;
  // Validated on the server round trip: the editor's schema (zod) stays out of the browser (issue 17); the
  // list buttons (add or remove a line) act in place (app/components/live-form.ts).
  const [form, fields] = useLiveForm<DocumentEditorFields>({
    id: `${kind}-form`,
    lastResult: reply?.result,
    // Where a reset starts from: the values the server filled in, else the page's.
    defaultValue: display?.defaultValue ?? defaultValue,
  });
  const lines = fields.lines.getFieldList();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  // "Add line item" with JavaScript: move focus to the new line's description.
  const lineCount = useRef(lines.length);
  useEffect(() => {
    if (lines.length > lineCount.current) {
      const last = lines[lines.length - 1];
      document.getElementById(last.getFieldset().description.id)?.focus();
    }
    lineCount.current = lines.length;
  }, [lines]);
  const value = form.value as DocumentFormValues | undefined;
  const perLineTax = value?.taxMode === "PER_LINE";
  // The quick-lines box is remounted with each answer: emptied after lines were added, kept on an error.
  const [quickKey, setQuickKey] = useState(0);
  useEffect(() => setQuickKey((k) => k + 1), [reply]);
  // What the picker boxes and the text box held: the filled-in values after a reset, else the form as submitted.
  const submitted = (display?.defaultValue ?? reply?.result.initialValue ?? undefined) as Record<string, unknown> | undefined;
  const quickText = submitted?.quickText;
  const quickErrors = form.allErrors.quickText;
  const quickPending = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  // A customer just chosen or added by a picker button is an option at once (the page's list may lag or be capped).
  const chosen = display?.chosenCustomer;
  const customerOptions = chosen && !customers.some((c) => c.id === chosen.id) ? [...customers, chosen] : customers;
  // An invoice is due on a date; an estimate is valid until one (if the contractor says so).
  const endDate = kind === "invoice" ? { field: fields.dueDate, label: "Due date" } : { field: fields.validUntil, label: "Valid until (optional)" };
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      {/* The default button (first in the form): Enter saves. Hidden from sight, tab order and screen readers. */}
      <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" data-testid="enter-saves">
        {submitLabel}
      </button>
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
            {customerOptions.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <ErrorList id={fields.customerId.errorId} errors={fields.customerId.errors} />
        </div>
        <CustomerPicker
          key={`customers-${quickKey}`}
          formId={form.id}
          submitted={submitted}
          search={display?.customerSearch}
          pendingIntent={quickPending}
          errors={form.allErrors.newCustomer}
        />
        <div className="grid-2">
          <Field label="Issue date" inputProps={getInputProps(fields.issueDate, { type: "date" })} errors={fields.issueDate.errors} />
          <Field label={endDate.label} inputProps={getInputProps(endDate.field, { type: "date" })} errors={endDate.field.errors} />
        </div>
      </div>

      <fieldset className="card stack">
        <legend>Line items</legend>
        {display?.notice ? (
          <p className="flash flash-success" role="status">
            {display.notice}
          </p>
        ) : null}
        <ErrorList id={fields.lines.errorId} errors={fields.lines.errors} />
        {lines.map((line, index) => {
          const item = line.getFieldset();
          return (
            <div key={line.key} className="line-item" data-testid="line-item" id={`line-${index + 1}`}>
              {/* Above the fields: an error appearing under a field (on blur, when the tap lands here) cannot move it away from the finger. */}
              {lines.length > 1 ? (
                <div className="line-item-remove">
                  <button className="button-small button-secondary" {...form.remove.getButtonProps({ name: fields.lines.name, index })}>
                    Remove line {index + 1}
                  </button>
                </div>
              ) : null}
              <Field
                label={`Description (line ${index + 1})`}
                inputProps={getInputProps(item.description, { type: "text" })}
                errors={item.description.errors}
              />
              <div className="grid-3">
                <Field
                  label={`Quantity (line ${index + 1})`}
                  inputProps={{ ...getInputProps(item.quantity, { type: "text" }), inputMode: "decimal" }}
                  errors={item.quantity.errors}
                />
                <Field
                  label={`Unit price (${currency}) (line ${index + 1})`}
                  inputProps={{ ...getInputProps(item.unitPrice, { type: "text" }), inputMode: "decimal" }}
                  errors={item.unitPrice.errors}
                />
                <Field
                  label={`Tax % (line ${index + 1})`}
                  hint={perLineTax ? "Tax is worked out after any discount" : "Used with per-line tax"}
                  inputProps={{ ...getInputProps(item.taxRate, { type: "text" }), inputMode: "decimal" }}
                  errors={item.taxRate.errors}
                />
              </div>
              {kind === "estimate" ? <OptionalLineToggle field={item.optional} index={index} /> : null}
              <button type="submit" name="intent" value={`save-line:${index}`} formNoValidate className="button-small button-secondary">
                Save line {index + 1} as an item
              </button>
            </div>
          );
        })}
        {/* Without JavaScript the re-rendered page lands on the new line (the fragment); with it, focus moves there. */}
        <button
          className="button-secondary"
          {...form.insert.getButtonProps({ name: fields.lines.name, defaultValue: EMPTY_LINE })}
          formAction={`#line-${lines.length + 1}`}
        >
          Add line item
        </button>
        <ItemPicker
          key={`items-${quickKey}`}
          formId={form.id}
          currency={currency}
          submitted={submitted}
          search={display?.itemSearch}
          pendingIntent={quickPending}
        />
        <div className="quick-lines stack">
          <label htmlFor={`${form.id}-quick-text`}>Quick line items from text</label>
          <textarea
            key={quickKey}
            id={`${form.id}-quick-text`}
            name="quickText"
            rows={2}
            maxLength={QUICK_TEXT_MAX}
            defaultValue={typeof quickText === "string" ? quickText : ""}
            placeholder={QUICK_TEXT_EXAMPLE}
            aria-invalid={quickErrors?.length ? true : undefined}
            aria-describedby={`${form.id}-quick-hint${quickErrors?.length ? ` ${form.id}-quick-error` : ""}`}
          />
          <p className="hint" id={`${form.id}-quick-hint`}>
            Type the work and parts, such as “3 hours labor @ $45/hr, 2x p-trap $12”: they are added as lines above for you to check.
            {aiLines ? " “Add lines with AI” sends only this text to the AI assistant." : null}
          </p>
          <ErrorList id={`${form.id}-quick-error`} errors={quickErrors} />
          <div className="actions">
            <SubmitButton name="intent" value="quick-lines" formNoValidate className="button-secondary" pending={quickPending === "quick-lines"}>
              Add lines from text
            </SubmitButton>
            {aiLines ? (
              <SubmitButton name="intent" value="quick-lines-ai" formNoValidate className="button-secondary" pending={quickPending === "quick-lines-ai"}>
                Add lines with AI
              </SubmitButton>
            ) : null}
          </div>
        </div>
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
          {/* Hidden in per-line mode; without JavaScript a switch of mode is only seen on the next round trip, so the hint says it is ignored then. */}
          <div hidden={perLineTax}>
            <Field
              label="Tax %"
              hint={`Used with one rate for the whole ${kind}; ignored when each line has its own rate`}
              inputProps={{ ...getInputProps(fields.taxRate, { type: "text" }), inputMode: "decimal" }}
              errors={fields.taxRate.errors}
            />
          </div>
        </div>
        {perLineTax && value?.discountType && value.discountType !== "NONE" ? (
          <p className="hint">Tax is calculated after the discount: each line is taxed on its share of the discounted amount.</p>
        ) : null}
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
      <RunningTotals value={value} currency={currency} kind={kind} />
      {hydrated ? null : (
        // Without JavaScript: re-render the form with fresh totals, saving nothing (a validate intent).
        <button className="button-secondary" {...form.validate.getButtonProps({ name: fields.taxMode.name })} formAction="#running-totals-heading">
          Update totals
        </button>
      )}
      <SubmitButton
        pending={navigation.state === "submitting" && navigation.formData?.get("__intent__") === null && navigation.formData?.get("intent") === null}
      >
        {submitLabel}
      </SubmitButton>
    </Form>
  );
}
