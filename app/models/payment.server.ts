// The one place a payment is applied to an invoice: manual payments now, Stripe and PayPal later.
// In one transaction: lock the invoice row (SELECT ... FOR UPDATE), re-read what is paid, insert the
// payment under a unique (provider, providerPaymentId) so a repeat is a no-op, then update the status.
import type { PaymentMethod, Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { recordActivity } from "./activity.server";
import { DomainError } from "./errors.server";
import { balanceCents, LOCKING_TRANSACTION, lockInvoice } from "./invoice.server";
import { isUniqueViolation } from "./user.server";

export type ApplyPaymentInput = {
  businessId: string;
  invoiceId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  provider: "manual" | "stripe" | "paypal";
  /** Unique per provider: the form's idempotency key for manual payments, the provider's id otherwise. */
  providerPaymentId: string;
  receivedAt?: Date;
  reference?: string | null;
  note?: string | null;
  recordedById?: string | null;
};

export type ApplyPaymentResult =
  | { status: "applied"; paymentId: string; overpaymentCents: number; invoiceStatus: string }
  | { status: "duplicate"; paymentId: string };

export async function applyPayment(input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) throw new DomainError("The amount must be above zero", "amount");
  try {
    return await prisma.$transaction(async (tx) => applyPaymentInTx(tx, input), LOCKING_TRANSACTION);
  } catch (error) {
    // Two requests with the same key on different invoices, or a race the lock did not cover.
    if (isUniqueViolation(error)) {
      const existing = await prisma.payment.findUnique({
        where: { provider_providerPaymentId: { provider: input.provider, providerPaymentId: input.providerPaymentId } },
        select: { id: true },
      });
      if (existing) return { status: "duplicate", paymentId: existing.id };
    }
    throw error;
  }
}

export async function applyPaymentInTx(tx: Prisma.TransactionClient, input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  const invoice = await lockInvoice(tx, input.businessId, input.invoiceId);
  const existing = await tx.payment.findUnique({
    where: { provider_providerPaymentId: { provider: input.provider, providerPaymentId: input.providerPaymentId } },
    select: { id: true },
  });
  if (existing) return { status: "duplicate", paymentId: existing.id };
  if (invoice.status === "VOID") throw new DomainError("This invoice is void; it cannot take payments.");
  if (invoice.status === "DRAFT" && input.provider !== "manual") throw new DomainError("This invoice has not been sent.");
  if (input.currency !== invoice.currency) throw new DomainError(`Payments for this invoice must be in ${invoice.currency}.`, "amount");

  const balance = balanceCents(invoice);
  const overpaymentCents = Math.max(0, input.amountCents - balance);
  const payment = await tx.payment.create({
    data: {
      businessId: input.businessId,
      invoiceId: invoice.id,
      amountCents: input.amountCents,
      currency: input.currency,
      method: input.method,
      provider: input.provider,
      providerPaymentId: input.providerPaymentId,
      status: "SUCCEEDED",
      overpaymentCents,
      reference: input.reference ?? null,
      note: input.note ?? null,
      receivedAt: input.receivedAt ?? new Date(),
      recordedById: input.recordedById ?? null,
    },
    select: { id: true },
  });
  const amountPaidCents = invoice.amountPaidCents + input.amountCents;
  const paid = amountPaidCents >= invoice.totalCents;
  const status = paid ? "PAID" : "PARTIALLY_PAID";
  await tx.invoice.update({
    where: { id: invoice.id },
    data: {
      amountPaidCents,
      overpaidCents: Math.max(0, amountPaidCents - invoice.totalCents),
      status,
      // paidAt is set once, by the payment that completes the invoice.
      paidAt: paid ? (invoice.paidAt ?? new Date()) : invoice.paidAt,
      sentAt: invoice.sentAt ?? (invoice.status === "DRAFT" ? new Date() : null),
    },
  });
  const amount = formatMoney(input.amountCents, input.currency);
  await recordActivity(tx, {
    businessId: input.businessId,
    type: overpaymentCents ? "payment.overpaid" : "payment.received",
    message: overpaymentCents
      ? `Payment of ${amount} on invoice #${invoice.number} overpays it by ${formatMoney(overpaymentCents, input.currency)}`
      : `Payment of ${amount} received on invoice #${invoice.number}`,
    invoiceId: invoice.id,
    customerId: invoice.customerId,
  });
  return { status: "applied", paymentId: payment.id, overpaymentCents, invoiceStatus: status };
}

/**
 * "Mark paid": records the remaining balance as one manual payment. Idempotent twice over: the form's
 * key makes a repeated submission a no-op, and an invoice with no balance left gets no new payment.
 */
export async function markInvoicePaid(input: Omit<ApplyPaymentInput, "amountCents" | "currency">) {
  return prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, input.businessId, input.invoiceId);
    const balance = balanceCents(invoice);
    if (balance === 0) {
      const existing = await tx.payment.findUnique({
        where: { provider_providerPaymentId: { provider: input.provider, providerPaymentId: input.providerPaymentId } },
        select: { id: true },
      });
      return existing ? ({ status: "duplicate", paymentId: existing.id } as const) : ({ status: "nothing-due" } as const);
    }
    return applyPaymentInTx(tx, { ...input, amountCents: balance, currency: invoice.currency });
  }, LOCKING_TRANSACTION);
}

export async function listPayments(businessId: string, options: { invoiceId?: string; customerId?: string; take?: number } = {}) {
  return prisma.payment.findMany({
    where: { businessId, invoiceId: options.invoiceId, invoice: options.customerId ? { customerId: options.customerId } : undefined },
    orderBy: { receivedAt: "desc" },
    take: options.take ?? 100,
    include: { invoice: { select: { id: true, number: true, customer: { select: { id: true, name: true } } } } },
  });
}

/**
 * Records that a payment was given back (a manual refund; provider refunds arrive by webhook later).
 * The invoice's paid amount and status are recomputed under the invoice row lock. Idempotent.
 */
export async function refundPayment(businessId: string, paymentId: string) {
  return prisma.$transaction(async (tx) => {
    const found = await tx.payment.findFirst({ where: { id: paymentId, businessId }, select: { invoiceId: true } });
    if (!found) throw new DomainError("Payment not found");
    const invoice = await lockInvoice(tx, businessId, found.invoiceId);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
    if (payment.status !== "SUCCEEDED") return { status: "unchanged" as const };
    await tx.payment.update({ where: { id: paymentId }, data: { status: "REFUNDED" } });
    const amountPaidCents = invoice.amountPaidCents - payment.amountCents;
    const status =
      invoice.status === "VOID"
        ? "VOID"
        : amountPaidCents >= invoice.totalCents && invoice.totalCents > 0
          ? "PAID"
          : amountPaidCents > 0
            ? "PARTIALLY_PAID"
            : invoice.viewedAt
              ? "VIEWED"
              : invoice.sentAt
                ? "SENT"
                : "DRAFT";
    await tx.invoice.update({
      where: { id: invoice.id },
      data: {
        amountPaidCents,
        overpaidCents: Math.max(0, amountPaidCents - invoice.totalCents),
        status,
        paidAt: status === "PAID" ? invoice.paidAt : null,
      },
    });
    await recordActivity(tx, {
      businessId,
      type: "payment.refunded",
      message: `Payment of ${formatMoney(payment.amountCents, payment.currency)} on invoice #${invoice.number} refunded`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "refunded" as const };
  }, LOCKING_TRANSACTION);
}
