// Tells the contractor what their customers did (issue 14): an estimate approved or declined, an invoice
// paid in full. Queued in the transaction that records the event, through the one email path, each with a
// dedupe key so a repeated event never emails twice. The address is the business's own email, or the
// owner's sign-in email when the business has none; a closed account gets nothing.
import type { Prisma } from "~/generated/prisma/client.ts";
import { estimateDecisionEmail, invoicePaidEmail } from "~/emails/contractor-notice.server";
import { queueEmail, type QueuedEmail } from "~/utils/email.server";
import { env } from "~/utils/env.server";
import { formatMoney } from "~/utils/money";
import { formatEstimateNumber, formatInvoiceNumber } from "./document-numbers";

type Tx = Prisma.TransactionClient;

async function contractorAddress(tx: Tx, businessId: string) {
  const business = await tx.business.findUnique({
    where: { id: businessId },
    select: {
      email: true,
      closedAt: true,
      invoicePrefix: true,
      estimatePrefix: true,
      users: { where: { role: "OWNER" }, orderBy: { createdAt: "asc" }, take: 1, select: { email: true } },
    },
  });
  if (!business || business.closedAt) return null;
  const to = business.email || business.users[0]?.email;
  return to ? { to, business } : null;
}

export async function queueEstimateDecisionNotice(
  tx: Tx,
  estimate: {
    id: string;
    businessId: string;
    number: number;
    currency: string;
    totalCents: number;
    customerName: string;
    decidedAt: Date;
    signedBy: string | null;
  },
  decision: "approved" | "declined",
) {
  const address = await contractorAddress(tx, estimate.businessId);
  if (!address) return null;
  return queueEmail(tx, {
    businessId: estimate.businessId,
    to: address.to,
    template: decision === "approved" ? "estimate-approved" : "estimate-declined",
    // A declined estimate can be edited, sent and declined again: each decision is its own message.
    dedupeKey: `estimate-${decision}:${estimate.id}:${estimate.decidedAt.getTime()}`,
    estimateId: estimate.id,
    ...estimateDecisionEmail({
      decision,
      customerName: estimate.customerName,
      estimateNumber: formatEstimateNumber(address.business.estimatePrefix, estimate.number),
      total: formatMoney(estimate.totalCents, estimate.currency),
      signedBy: estimate.signedBy,
      url: `${env().APP_URL}/estimates/${encodeURIComponent(estimate.id)}`,
    }),
  });
}

/** Called when an invoice becomes PAID; paidAt keys it, so paid → refunded → paid again is told again. */
export async function queueInvoicePaidNotice(
  tx: Tx,
  invoice: { id: string; businessId: string; number: number; currency: string; totalCents: number; customerId: string },
  paidAt: Date,
) {
  const address = await contractorAddress(tx, invoice.businessId);
  if (!address) return null;
  const customer = await tx.customer.findUnique({ where: { id: invoice.customerId }, select: { name: true } });
  return queueEmail(
    tx,
    invoicePaidMessage({ invoice, to: address.to, invoicePrefix: address.business.invoicePrefix, customerName: customer?.name ?? null, paidAt }),
  );
}

/**
 * The "invoice paid" notice, from facts the caller read (the payment-received job reads them with the
 * payment): `to` is the business's email, else its owner's; null when there is none or the account is closed.
 */
export function invoicePaidNoticeTo(business: { email: string | null; closedAt: Date | null }, ownerEmail: string | null) {
  return business.closedAt ? null : business.email || ownerEmail || null;
}

export function invoicePaidMessage(facts: {
  invoice: { id: string; businessId: string; number: number; currency: string; totalCents: number };
  to: string;
  invoicePrefix: string;
  customerName: string | null;
  paidAt: Date;
}): QueuedEmail {
  const { invoice } = facts;
  return {
    businessId: invoice.businessId,
    to: facts.to,
    template: "invoice-paid",
    dedupeKey: `invoice-paid:${invoice.id}:${facts.paidAt.getTime()}`,
    invoiceId: invoice.id,
    ...invoicePaidEmail({
      customerName: facts.customerName ?? "Your customer",
      invoiceNumber: formatInvoiceNumber(facts.invoicePrefix, invoice.number),
      total: formatMoney(invoice.totalCents, invoice.currency),
      url: `${env().APP_URL}/invoices/${encodeURIComponent(invoice.id)}`,
    }),
  };
}
