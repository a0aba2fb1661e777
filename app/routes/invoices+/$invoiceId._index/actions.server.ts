// The invoice page's action: every form on the page posts here with its `intent`. One parse with the
// page's schema (forms.ts), one handler per intent, and one reply shape: POST/redirect/GET
// with a flash on success, `{ result }` (Conform's SubmissionResult, 400) when a form is refused.
// A DomainError from a button without fields (send, void, …) comes back as an error flash on the page.
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { DomainError } from "~/models/errors.server";
import { type getInvoice, markInvoiceSent, sendInvoice, voidInvoice } from "~/models/invoice.server";
import { applyPayment, markInvoicePaid, refundPayment } from "~/models/payments/payment.server";
import { createSchedule, describeSchedule } from "~/models/recurring.server";
import { REFUND_INTENT } from "~/models/payments/refund-form";
import { sendReminderNow } from "~/models/reminders.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply } from "~/web/forms.server";
import type { recordPaymentSchema } from "./forms";
import { invoicePageSchema, UNKNOWN_ACTION } from "./forms";
import { refundOnlinePayment, requireRefunder } from "./refunds.server";

type Invoice = Awaited<ReturnType<typeof getInvoice>>;
type Auth = { businessId: string; user: { id: string; role: string } };
type Context = { request: Request; auth: Auth; invoice: Invoice; back: string; submission: ReturnType<typeof parse> };

function parse(formData: FormData, currency: string) {
  return parseWithZod(formData, { schema: invoicePageSchema(currency) });
}

export async function invoicePageAction(request: Request, auth: Auth, invoice: Invoice) {
  const formData = await request.formData();
  if (formData.get("intent") === REFUND_INTENT) requireRefunder(auth);
  const submission = parse(formData, invoice.currency);
  if (submission.status !== "success") {
    return formReply(submission.error?.intent ? submission.reply({ formErrors: [UNKNOWN_ACTION] }) : submission.reply());
  }
  const context: Context = { request, auth, invoice, back: `/invoices/${invoice.id}`, submission };
  const { businessId } = auth;
  const value = submission.value;
  try {
    switch (value.intent) {
      case "record-payment":
        return await recordPayment(context, value);
      case "mark-paid":
        return await markPaid(context, value.key);
      case "refund-payment":
        return await markPaymentRefunded(context, value.paymentId);
      case REFUND_INTENT:
        return await refundOnlinePayment(request, auth, invoice, submission, value);
      case "make-recurring":
        return await makeRecurring(context, value.schedule);
      case "send-email":
        await sendInvoice(businessId, invoice.id);
        return redirectWithFlash(request, context.back, { kind: "success", message: `Invoice emailed to ${invoice.customer.email}.` });
      case "mark-sent":
        await markInvoiceSent(businessId, invoice.id);
        return redirectWithFlash(request, context.back, { kind: "success", message: "Invoice marked as sent." });
      case "send-reminder": {
        const sent = await sendReminderNow(businessId, invoice.id);
        return redirectWithFlash(
          request,
          context.back,
          sent.status === "queued"
            ? { kind: "success", message: `Reminder emailed to ${sent.to}.` }
            : { kind: "success", message: "A reminder already went out today." },
        );
      }
      case "void":
        await voidInvoice(businessId, invoice.id);
        return redirectWithFlash(request, context.back, { kind: "success", message: "Invoice voided." });
    }
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, context.back, { kind: "error", message: error.message });
    throw error;
  }
}

async function recordPayment({ request, auth, invoice, back, submission }: Context, v: z.output<ReturnType<typeof recordPaymentSchema>>) {
  const { businessId, user } = auth;
  let result: Awaited<ReturnType<typeof applyPayment>>;
  try {
    result = await applyPayment({
      businessId,
      invoiceId: invoice.id,
      amountCents: v.amount,
      currency: invoice.currency,
      method: v.method,
      provider: "manual",
      providerPaymentId: `${businessId}:${v.key}`,
      receivedAt: new Date(`${v.receivedOn}T12:00:00Z`),
      receivedOn: v.receivedOn,
      confirmOverpayment: v.confirmOverpayment ?? false,
      reference: v.reference || null,
      recordedById: user.id,
    });
  } catch (error) {
    // A rule of the payment (far above the balance, a date too far ahead) is a field error: the form comes back with its values.
    if (error instanceof DomainError && error.field) return formReply(submission.reply({ fieldErrors: { [error.field]: [error.message] } }));
    throw error;
  }
  const message =
    result.status === "duplicate"
      ? "That payment was already recorded."
      : result.overpaymentCents
        ? `Payment recorded. It overpays the invoice by ${formatMoney(result.overpaymentCents, invoice.currency)}.`
        : "Payment recorded.";
  return redirectWithFlash(request, back, { kind: result.status === "applied" && !result.overpaymentCents ? "success" : "info", message });
}

async function markPaid({ request, auth, invoice, back }: Context, key: string) {
  const result = await markInvoicePaid({
    businessId: auth.businessId,
    invoiceId: invoice.id,
    method: "OTHER",
    provider: "manual",
    providerPaymentId: `${auth.businessId}:${key}`,
    recordedById: auth.user.id,
    note: "Marked paid",
  });
  const message = result.status === "applied" ? "Invoice marked paid." : "This invoice was already paid; nothing was recorded.";
  return redirectWithFlash(request, back, { kind: result.status === "applied" ? "success" : "info", message });
}

/** A manual payment given back outside Invoice Link: recorded as refunded. */
async function markPaymentRefunded({ request, auth, invoice, back, submission }: Context, paymentId: string) {
  if (!invoice.payments.some((p) => p.id === paymentId)) return formReply(submission.reply({ formErrors: ["Choose a payment of this invoice"] }));
  const result = await refundPayment(auth.businessId, paymentId);
  return redirectWithFlash(request, back, {
    kind: result.status === "refunded" ? "success" : "info",
    message: result.status === "refunded" ? "Payment marked as refunded." : "That payment was already refunded.",
  });
}

async function makeRecurring({ request, auth, invoice }: Context, schedule: Parameters<typeof createSchedule>[2]) {
  const created = await createSchedule(auth.businessId, invoice.id, schedule);
  return redirectWithFlash(request, "/recurring", {
    kind: "success",
    message: `This invoice now repeats ${describeSchedule(created)}, first on ${schedule.startOn}.`,
  });
}
