// The invoice page's "Refund" for one card or PayPal payment: a disclosure with amount and reason that
// posts to the invoice page (a plain form; without JavaScript the page re-renders with errors kept open).
// The money goes back through Stripe or PayPal; the payment shows it once the provider confirms.
import type { z } from "zod";
import { Form, useNavigation } from "@remix-run/react";
import { type refundFormSchema, REFUND_INTENT } from "~/models/payments/refund-form";
import { centsToInput, formatMoney } from "~/utils/money";
import { getFormProps, getInputProps, useServerForm, type FormResult } from "./server-form";
import { ErrorList, Field, SubmitButton } from "./forms";

// Validated on the server round trip (issue 17: no zod in the browser); the type keeps the fields typed.
type RefundSchema = ReturnType<typeof refundFormSchema>;

/** Each refund asked for, in words (built by the page's loader). */
type RefundView = { refundableCents: number; refunds: { id: string; text: string }[] };

export function RefundPaymentForm({
  paymentId,
  provider,
  currency,
  refundKey,
  view,
  result: lastResult,
}: {
  paymentId: string;
  provider: string;
  currency: string;
  refundKey: string;
  view: RefundView;
  /** The invoice action's `result` when it answers this payment's form. */
  result?: FormResult;
}) {
  const navigation = useNavigation();
  const [form, fields] = useServerForm<z.input<RefundSchema>>({
    id: `refund-${paymentId}`,
    lastResult,
    defaultValue: { amount: centsToInput(view.refundableCents, currency) },
  });
  const money = (cents: number) => formatMoney(cents, currency);
  const providerName = provider === "stripe" ? "Stripe" : "PayPal";
  // After a failure the same key goes back, so a retry of a refund the provider may have done is not a second one.
  const key = typeof lastResult?.initialValue?.key === "string" ? lastResult.initialValue.key : refundKey;
  const pending =
    navigation.state === "submitting" && navigation.formData?.get("paymentId") === paymentId && navigation.formData?.get("intent") === REFUND_INTENT;
  return (
    <div className="stack" data-testid="refund-panel">
      {view.refunds.length ? (
        <ul className="muted">
          {view.refunds.map((r) => (
            <li key={r.id} data-testid="refund-row">
              {r.text}
            </li>
          ))}
        </ul>
      ) : null}
      {view.refundableCents > 0 ? (
        <details open={Boolean(lastResult)}>
          <summary>Refund</summary>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <ErrorList id={form.errorId} errors={form.errors} />
            <input type="hidden" name="intent" value={REFUND_INTENT} />
            <input type="hidden" name="paymentId" value={paymentId} />
            <input type="hidden" name="key" value={key} />
            <ErrorList id={fields.key.errorId} errors={fields.key.errors} />
            <Field
              label={`Amount to refund (${currency})`}
              hint={`Up to ${money(view.refundableCents)}. Leave it as is to refund everything left.`}
              inputProps={{ ...getInputProps(fields.amount, { type: "text" }), inputMode: "decimal" }}
              errors={fields.amount.errors}
            />
            <Field label="Reason" inputProps={{ ...getInputProps(fields.reason, { type: "text" }), maxLength: 500 }} errors={fields.reason.errors} />
            <SubmitButton className="button-secondary" pending={pending}>
              {`Refund through ${providerName}`}
            </SubmitButton>
          </Form>
        </details>
      ) : null}
    </div>
  );
}
