// The invoice page's refund intent (owner only): parse the one form schema, refund through
// requestRefund, and answer POST/redirect/GET on success or the form's errors (400 for the amount or
// reason, the provider's own answer in words with 502/504) for the page to re-render.
import { json } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { DomainError } from "~/models/errors.server";
import { refundablePayments, listRefunds, RefundProviderError, requestRefund } from "~/models/payments/refund.server";
import { refundFormSchema } from "~/models/payments/refund-form";
import { formatMoney } from "./money";
import { randomToken } from "./crypto.server";
import { redirectWithFlash } from "./session.server";

type Owner = { businessId: string; user: { id: string; role: string } };

/** The loader's part: per online payment what is left to refund and the refunds asked for; a fresh key per render. */
export async function refundsView(auth: Owner, invoiceId: string, paymentIds: string[]) {
  const [refundable, refunds] = await Promise.all([refundablePayments(auth.businessId, invoiceId), listRefunds(auth.businessId, paymentIds)]);
  const byPayment: Record<string, { refundableCents: number; refunds: { id: string; amountCents: number; status: string; reason: string; failureMessage: string | null; createdAt: string }[] }> = {};
  for (const id of paymentIds) {
    const own = refunds.filter((r) => r.paymentId === id);
    if (!refundable.has(id) && !own.length) continue;
    byPayment[id] = {
      refundableCents: refundable.get(id) ?? 0,
      refunds: own.map((r) => ({ id: r.id, amountCents: r.amountCents, status: r.status, reason: r.reason, failureMessage: r.failureMessage, createdAt: r.createdAt.toISOString() })),
    };
  }
  return { canRefund: auth.user.role === "OWNER", refundKey: randomToken(16), byPayment };
}

export async function refundOnlinePayment(request: Request, auth: Owner, invoice: { id: string; currency: string }, formData: FormData) {
  if (auth.user.role !== "OWNER") throw new Response("Only the business owner can refund payments.", { status: 403, statusText: "Forbidden" });
  const submission = parseWithZod(formData, { schema: refundFormSchema(invoice.currency) });
  const paymentId = String(formData.get("paymentId") ?? "");
  const reply = (result: ReturnType<typeof submission.reply>, status: number) => json({ refund: { paymentId, result } }, { status });
  if (submission.status !== "success") return reply(submission.reply(), 400);
  const v = submission.value;
  const back = `/invoices/${invoice.id}`;
  try {
    const result = await requestRefund({ businessId: auth.businessId, paymentId: v.paymentId, invoiceId: invoice.id, amountCents: v.amount, reason: v.reason, idempotencyKey: v.key, requestedById: auth.user.id });
    const amount = formatMoney(result.refund.amountCents, result.refund.currency);
    return redirectWithFlash(request, back, {
      kind: result.status === "requested" ? "success" : "info",
      message:
        result.status === "requested"
          ? `Refund of ${amount} sent. The payment shows it once the provider confirms.`
          : `That refund of ${amount} was already sent; nothing more was refunded.`,
    });
  } catch (error) {
    if (error instanceof RefundProviderError) return reply(submission.reply({ formErrors: [error.message] }), error.status);
    if (error instanceof DomainError) {
      const field = error.field === "amount" || error.field === "reason" ? error.field : null;
      return reply(submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }), field ? 400 : 409);
    }
    throw error;
  }
}
