// Receipts: one per payment, queued in the transaction that records the payment. The dedupe key
// "receipt:<paymentId>" makes a second attempt (a repeated webhook, a retried job) a no-op.
import type { Prisma } from "~/generated/prisma/client.ts";
import { receiptEmail } from "~/emails/receipt.server";
import { paymentMethodLabel } from "~/models/labels";
import { queueEmail } from "~/utils/email.server";
import { formatMoney } from "~/utils/money";
import { loadEmailBrand } from "~/models/branding.server";
import { formatInvoiceNumber } from "~/models/document-numbers";
import { signedUrl } from "~/models/signed-link.server";
import { paymentDay } from "./payment-rules";

export function describePaymentMethod(payment: { method: string; cardBrand: string | null; cardLast4: string | null }) {
  const label = paymentMethodLabel(payment.method);
  if (!payment.cardLast4) return label;
  const brand = payment.cardBrand ? payment.cardBrand.replace(/^\w/, (c) => c.toUpperCase()) : label;
  return `${brand} ending in ${payment.cardLast4}`;
}

/** Queues the receipt for a succeeded payment; null when the customer has no email address or the account is closed. */
export async function queueReceipt(tx: Prisma.TransactionClient, invoiceId: string, paymentId: string) {
  const payment = await tx.payment.findUniqueOrThrow({
    where: { id: paymentId },
    include: {
      invoice: {
        select: {
          id: true,
          number: true,
          totalCents: true,
          amountPaidCents: true,
          customer: { select: { name: true, email: true } },
          business: { select: { name: true, invoicePrefix: true, timeZone: true, closedAt: true } },
        },
      },
    },
  });
  const { invoice } = payment;
  // A late payment on a closed account is recorded for the books, but nobody is emailed about it.
  if (!invoice.customer.email || invoice.id !== invoiceId || invoice.business.closedAt) return null;
  const balance = Math.max(0, invoice.totalCents - invoice.amountPaidCents);
  return queueEmail(tx, {
    businessId: payment.businessId,
    to: invoice.customer.email,
    template: "receipt",
    dedupeKey: `receipt:${payment.id}`,
    invoiceId: invoice.id,
    paymentId: payment.id,
    ...receiptEmail({
      businessName: invoice.business.name,
      customerName: invoice.customer.name,
      invoiceNumber: formatInvoiceNumber(invoice.business.invoicePrefix, invoice.number),
      amount: formatMoney(payment.amountCents, payment.currency),
      paidWith: describePaymentMethod(payment),
      paidOn: paymentDay(payment, invoice.business.timeZone),
      balance: balance ? formatMoney(balance, payment.currency) : null,
      url: signedUrl("pay", invoice.id),
      brand: await loadEmailBrand(payment.businessId, tx),
    }),
  });
}
