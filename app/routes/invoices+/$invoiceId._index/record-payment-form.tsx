// The invoice page's "Record payment" form (cash, check, bank transfer...): one part of the page, kept beside it.
import type { z } from "zod";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, getSelectProps, useServerForm } from "~/components/server-form";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { paymentMethodLabel } from "~/models/labels";
import { MANUAL_PAYMENT_METHODS as MANUAL_METHODS } from "~/models/payment-methods";
import type { recordPaymentSchema } from "./forms";
import { replyFor } from "./reply-for";
import type { action } from "./route";

// Validated on the server round trip (issue 17: no zod in the browser); the type keeps the fields typed.
type RecordPaymentSchema = ReturnType<typeof recordPaymentSchema>;
/** `balance` prefills the amount for the first payment only: after one is recorded the amount starts empty, so a stray second tap asks for an amount instead of recording one. */
export function RecordPaymentForm({ currency, paymentKey, today, balance }: { currency: string; paymentKey: string; today: string; balance: string }) {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useServerForm<z.input<RecordPaymentSchema>>({
    id: "record-payment",
    lastResult: replyFor(actionData?.result, "record-payment"),
    defaultValue: { amount: balance, method: "CASH", receivedOn: today },
  });
  return (
    <Form method="post" className="card stack" {...getFormProps(form)}>
      <h2>Record a payment</h2>
      <ErrorList id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="record-payment" />
      <input type="hidden" name="key" value={paymentKey} />
      <ErrorList id={fields.key.errorId} errors={fields.key.errors} />
      <div className="grid-3">
        <Field
          label={`Amount (${currency})`}
          inputProps={{ ...getInputProps(fields.amount, { type: "text" }), inputMode: "decimal" }}
          errors={fields.amount.errors}
        />
        <div>
          <label htmlFor={fields.method.id}>Method</label>
          <select {...getSelectProps(fields.method)}>
            {MANUAL_METHODS.map((m) => (
              <option key={m} value={m}>
                {paymentMethodLabel(m)}
              </option>
            ))}
          </select>
          <ErrorList id={fields.method.errorId} errors={fields.method.errors} />
        </div>
        <Field label="Received on" inputProps={getInputProps(fields.receivedOn, { type: "date" })} errors={fields.receivedOn.errors} />
      </div>
      <Field label="Reference (check number, note)" inputProps={getInputProps(fields.reference, { type: "text" })} errors={fields.reference.errors} />
      {fields.confirmOverpayment.errors ? (
        <div>
          <label>
            <input {...getInputProps(fields.confirmOverpayment, { type: "checkbox" })} /> Yes, I received this much: record the overpayment
          </label>
          <ErrorList id={fields.confirmOverpayment.errorId} errors={fields.confirmOverpayment.errors} />
        </div>
      ) : null}
      <SubmitButton pending={navigation.state === "submitting" && navigation.formData?.get("intent") === "record-payment"}>Record payment</SubmitButton>
    </Form>
  );
}

/** The forms that show their own errors; the others' errors go to the top of the page. */
