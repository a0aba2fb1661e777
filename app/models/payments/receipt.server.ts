// Receipts: one per payment, queued in the transaction that records the payment. The dedupe key
// "receipt:<paymentId>" makes a second attempt (a repeated webhook, a retried job) a no-op.
import type { Prisma } from "~/generated/prisma/client.ts";
import { receiptEmail } from "~/emails/receipt.server";
import { paymentMethodLabel } from "~/models/labels";
import { queueEmail, type QueuedEmail } from "~/utils/email.server";
import { formatMoney } from "~/utils/money";
import type { Brand } from "~/models/branding.server";
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
  if (invoice.id !== invoiceId || !invoice.customer.email || invoice.business.closedAt) return null;
  const message = receiptMessage({
    payment: { ...payment, paidOn: paymentDay(payment, invoice.business.timeZone) },
    invoice,
    customer: invoice.customer,
    business: invoice.business,
    brand: await loadEmailBrand(payment.businessId, tx),
  });
  return message && queueEmail(tx, message);
}

/** What a receipt is made from (read by queueReceipt, or by the payment-received job's one query). */
export type ReceiptFacts = {
  payment: {
    id: string;
    businessId: string;
    amountCents: number;
    currency: string;
    method: string;
    cardBrand: string | null;
    cardLast4: string | null;
    paidOn: string;
  };
  invoice: { id: string; number: number; totalCents: number; amountPaidCents: number };
  customer: { name: string; email: string | null };
  business: { name: string; invoicePrefix: string; closedAt: Date | null };
  brand: Brand;
};

/** The receipt to queue for a succeeded payment; null when the customer has no email address or the account is closed. */
export function receiptMessage({ payment, invoice, customer, business, brand }: ReceiptFacts): QueuedEmail | null {
  // A late payment on a closed account is recorded for the books, but nobody is emailed about it.
  if (!customer.email || business.closedAt) return null;
  const balance = Math.max(0, invoice.totalCents - invoice.amountPaidCents);
  return {
    businessId: payment.businessId,
    to: customer.email,
    template: "receipt",
    dedupeKey: `receipt:${payment.id}`,
    invoiceId: invoice.id,
    paymentId: payment.id,
    ...receiptEmail({
      businessName: business.name,
      customerName: customer.name,
      invoiceNumber: formatInvoiceNumber(business.invoicePrefix, invoice.number),
      amount: formatMoney(payment.amountCents, payment.currency),
      paidWith: describePaymentMethod(payment),
      paidOn: payment.paidOn,
      balance: balance ? formatMoney(balance, payment.currency) : null,
      url: signedUrl("pay", invoice.id),
      brand,
    }),
  };
}
