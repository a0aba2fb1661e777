// The invoice page's "Refund" of a card or PayPal payment (owner only): refund through requestRefund, and
// answer POST/redirect/GET on success or the form's `{ result }` (400 for the amount or reason, the
// provider's own answer in words with 502/504) for the page to re-render.
import type { Submission } from "@conform-to/zod/v4";
import type { z } from "zod";
import { DomainError } from "~/models/errors.server";
import { isRefundableOnline, RefundProviderError, remainingRefundableCents, requestRefund } from "~/models/payments/refund.server";
import type { refundFormSchema } from "~/models/payments/refund-form";
import { randomToken } from "~/utils/crypto.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply } from "~/web/forms.server";

type Owner = { businessId: string; user: { id: string; role: string } };

type PaymentWithRefunds = {
  id: string;
  provider: string | null;
  status: string;
  amountCents: number;
  refundedCents: number;
  refunds: { id: string; amountCents: number; status: string; reason: string; failureMessage: string | null; createdAt: Date }[];
};

const REFUND_STATUS: Record<string, string> = { PENDING: "waiting for the provider to confirm", COMPLETED: "refunded", FAILED: "not sent" };

/** "Refund of $45.00 (reason): refunded", as the payment's row lists it. */
function refundInWords(r: PaymentWithRefunds["refunds"][number], currency: string) {
  const failure = r.status === "FAILED" && r.failureMessage ? ` (${r.failureMessage})` : "";
  return `Refund of ${formatMoney(r.amountCents, currency)} (${r.reason}): ${REFUND_STATUS[r.status] ?? r.status}${failure}`;
}

/**
 * The loader's part, from the payments read with the invoice: per online payment what is left to refund
 * (paid, less what the provider refunded, less refunds still on their way) and the refunds asked for;
 * a fresh key per render.
 */
export function refundsView(auth: Owner, payments: PaymentWithRefunds[], currency: string) {
  const byPayment: Record<string, { refundableCents: number; refunds: { id: string; text: string }[] }> = {};
  for (const payment of payments) {
    const refundable = isRefundableOnline(payment);
    if (!refundable && !payment.refunds.length) continue;
    byPayment[payment.id] = {
      refundableCents: refundable ? remainingRefundableCents(payment, payment.refunds) : 0,
      refunds: payment.refunds.map((r) => ({ id: r.id, text: refundInWords(r, currency) })),
    };
  }
  return { canRefund: auth.user.role === "OWNER", refundKey: randomToken(16), byPayment };
}

/** Only the owner refunds; checked before the form is read, so anyone else gets a 403 whatever they sent. */
export function requireRefunder(auth: Owner) {
  if (auth.user.role !== "OWNER") throw new Response("Only the business owner can refund payments.", { status: 403, statusText: "Forbidden" });
}

type RefundSubmission = Submission<Record<string, unknown>, string[], unknown>;

export async function refundOnlinePayment(
  request: Request,
  auth: Owner,
  invoice: { id: string },
  submission: RefundSubmission,
  v: z.output<ReturnType<typeof refundFormSchema>>,
) {
  requireRefunder(auth);
  const back = `/invoices/${invoice.id}`;
  try {
    const result = await requestRefund({
      businessId: auth.businessId,
      paymentId: v.paymentId,
      invoiceId: invoice.id,
      amountCents: v.amount,
      reason: v.reason,
      idempotencyKey: v.key,
      requestedById: auth.user.id,
    });
    const amount = formatMoney(result.refund.amountCents, result.refund.currency);
    return redirectWithFlash(request, back, {
      kind: result.status === "requested" ? "success" : "info",
      message:
        result.status === "requested"
          ? `Refund of ${amount} sent. The payment shows it once the provider confirms.`
          : `That refund of ${amount} was already sent; nothing more was refunded.`,
    });
  } catch (error) {
    if (error instanceof RefundProviderError) return formReply(submission.reply({ formErrors: [error.message] }), { status: error.status });
    if (error instanceof DomainError) {
      const field = error.field === "amount" || error.field === "reason" ? error.field : null;
      return formReply(submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), {
        status: field ? 400 : 409,
      });
    }
    throw error;
  }
}
