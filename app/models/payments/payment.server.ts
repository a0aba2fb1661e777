// The one place a payment is applied to an invoice: manual payments, Stripe and PayPal webhooks, and
// the PayPal capture on the customer's return all end here. In one transaction: lock the invoice row
// (SELECT ... FOR UPDATE), look the payment up by its unique (provider, providerAccountId, providerPaymentId) so a repeated
// event is a no-op, write the payment, recompute what the invoice has been paid from its payments,
// and queue the receipt (once per payment, by its dedupe key).
import type { Invoice, Payment, PaymentMethod, PaymentStatus, Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { addDays, dateOnly, DATE_MIN, todayIn } from "~/utils/dates";
import { invoiceLabel, recordActivity } from "~/models/activity.server";
import { DomainError } from "~/models/errors.server";
import { balanceCents, LOCKING_TRANSACTION, lockInvoice } from "~/models/invoice.server";
import { queueInvoicePaidNotice } from "~/models/contractor-notices.server";
import { MAX_PAID_CENTS, MAX_PAYMENT_DAYS_AHEAD, paymentDay } from "./payment-rules";
import { queueReceipt } from "./receipt.server";
import { settleRefundsInTx } from "./refund.server";
import { isUniqueViolation } from "~/models/user.server";

type Tx = Prisma.TransactionClient;
export type PaymentProvider = "manual" | "stripe" | "paypal";

export type ApplyPaymentInput = {
  businessId: string;
  invoiceId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  provider: PaymentProvider;
  /** The connected account or merchant the money landed in; "" (the default) for manual payments and single-account mode. */
  providerAccountId?: string;
  /** Unique per provider and account: the form's idempotency key for manual payments, the provider's id otherwise. */
  providerPaymentId: string;
  /** PENDING for a bank debit that is still processing (it does not count until it SUCCEEDS); FAILED when it bounced. */
  status?: Extract<PaymentStatus, "PENDING" | "SUCCEEDED" | "FAILED">;
  receivedAt?: Date;
  /** The day received (YYYY-MM-DD) as the contractor chose it; default: today in the business's time zone. */
  receivedOn?: string;
  /** A manual payment more than the invoice's total above its balance is refused unless this is true. */
  confirmOverpayment?: boolean;
  reference?: string | null;
  note?: string | null;
  recordedById?: string | null;
  cardBrand?: string | null;
  cardLast4?: string | null;
  failureReason?: string | null;
};

export type ApplyPaymentResult =
  | { status: "applied"; paymentId: string; overpaymentCents: number; invoiceStatus: string; receiptEmailId?: string | null }
  | { status: "duplicate"; paymentId: string };

function checkAmount(amountCents: number) {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw new DomainError("The amount must be above zero", "amount");
}

export { MAX_PAID_CENTS, MAX_PAYMENT_DAYS_AHEAD };

export { paymentDay };

/** The rules of a manual payment that need the locked invoice and the business's calendar. */
function checkManualPayment(input: ApplyPaymentInput, invoice: Invoice, today: string) {
  if (input.receivedOn && (input.receivedOn < DATE_MIN || input.receivedOn > addDays(today, MAX_PAYMENT_DAYS_AHEAD))) {
    throw new DomainError(`Pick a date between ${DATE_MIN} and ${MAX_PAYMENT_DAYS_AHEAD} days from today`, "receivedOn");
  }
  const overpayment = input.amountCents - balanceCents(invoice);
  if (overpayment > invoice.totalCents && !input.confirmOverpayment) {
    throw new DomainError(
      `This is ${formatMoney(overpayment, invoice.currency)} more than the balance due. Check the amount, or confirm that you received this much.`,
      "confirmOverpayment",
    );
  }
}

/** Runs `work` in the invoice-locking transaction (the receipt it queues commits with it). */
function inLockingTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, LOCKING_TRANSACTION);
}

export async function applyPayment(input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  checkAmount(input.amountCents);
  try {
    return await inLockingTransaction((tx) => applyPaymentInTx(tx, input));
  } catch (error) {
    // Two requests with the same key on different invoices, or a race the lock did not cover.
    if (isUniqueViolation(error)) {
      const existing = await findProviderPayment(prisma, input.provider, input.providerAccountId ?? "", input.providerPaymentId);
      if (existing) return { status: "duplicate", paymentId: existing.id };
    }
    throw error;
  }
}

function findProviderPayment(db: Tx | typeof prisma, provider: string, providerAccountId: string, providerPaymentId: string) {
  return db.payment.findUnique({ where: { provider_providerAccountId_providerPaymentId: { provider, providerAccountId, providerPaymentId } } });
}

// PENDING may settle either way; every other state only moves through refunds and disputes.
const NEXT_STATES: Record<PaymentStatus, PaymentStatus[]> = {
  PENDING: ["SUCCEEDED", "FAILED"],
  SUCCEEDED: [],
  FAILED: [],
  REFUNDED: [],
  DISPUTED: [],
};

/**
 * Card details to store: none for a closed account, whose payments are kept for the books only (a late
 * webhook still records the money). Asked only when there are details, so cash and checks cost nothing.
 */
async function cardDetails(tx: Tx, input: ApplyPaymentInput) {
  if (!input.cardBrand && !input.cardLast4) return { cardBrand: null, cardLast4: null };
  const closed = await tx.business.count({ where: { id: input.businessId, closedAt: { not: null } } });
  return closed ? { cardBrand: null, cardLast4: null } : { cardBrand: input.cardBrand ?? null, cardLast4: input.cardLast4 ?? null };
}

export async function applyPaymentInTx(tx: Tx, input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  checkAmount(input.amountCents);
  const invoice = await lockInvoice(tx, input.businessId, input.invoiceId);
  const status = input.status ?? "SUCCEEDED";
  const existing = await findProviderPayment(tx, input.provider, input.providerAccountId ?? "", input.providerPaymentId);
  if (existing) {
    if (existing.invoiceId !== invoice.id || !NEXT_STATES[existing.status].includes(status)) return { status: "duplicate", paymentId: existing.id };
    // An ACH debit settled (or bounced): the same row moves on; events arriving twice stop at the check above.
    return settlePendingPayment(tx, invoice, existing, status, input);
  }
  if (invoice.status === "VOID" && input.provider === "manual") throw new DomainError("This invoice is void; it cannot take payments.");
  if (invoice.status === "DRAFT" && input.provider !== "manual") throw new DomainError("This invoice has not been sent.");
  if (input.currency !== invoice.currency) throw new DomainError(`Payments for this invoice must be in ${invoice.currency}.`, "amount");
  if (status !== "FAILED" && invoice.amountPaidCents + input.amountCents > MAX_PAID_CENTS) {
    throw new DomainError(`This invoice cannot take more than ${formatMoney(MAX_PAID_CENTS, invoice.currency)} in payments.`, "amount");
  }
  const business = await tx.business.findUniqueOrThrow({ where: { id: input.businessId }, select: { timeZone: true } });
  const today = todayIn(business.timeZone);
  if (input.provider === "manual") checkManualPayment(input, invoice, today);

  // Money that actually arrived from a provider is always recorded, even on a voided invoice: it has
  // to be refunded by hand, and the activity feed says so.
  const payment = await tx.payment.create({
    data: {
      businessId: input.businessId,
      invoiceId: invoice.id,
      amountCents: input.amountCents,
      currency: input.currency,
      method: input.method,
      provider: input.provider,
      providerAccountId: input.providerAccountId ?? "",
      providerPaymentId: input.providerPaymentId,
      status,
      reference: input.reference ?? null,
      note: input.note ?? null,
      receivedAt: input.receivedAt ?? new Date(),
      receivedOn: dateOnly(input.receivedOn ?? today),
      recordedById: input.recordedById ?? null,
      ...(await cardDetails(tx, input)),
      failureReason: input.failureReason ?? null,
    },
  });
  if (status !== "SUCCEEDED") {
    const amount = formatMoney(input.amountCents, input.currency);
    await recordActivity(tx, {
      businessId: input.businessId,
      type: status === "PENDING" ? "payment.processing" : "payment.failed",
      message:
        status === "PENDING"
          ? `Bank payment of ${amount} on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} is processing`
          : `Payment of ${amount} on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} failed${input.failureReason ? `: ${input.failureReason}` : ""}`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "applied", paymentId: payment.id, overpaymentCents: 0, invoiceStatus: invoice.status };
  }
  return completePayment(tx, invoice, payment);
}

async function settlePendingPayment(tx: Tx, invoice: Invoice, payment: Payment, status: PaymentStatus, input: ApplyPaymentInput) {
  const incoming = await cardDetails(tx, input);
  const updated = await tx.payment.update({
    where: { id: payment.id },
    data: {
      status,
      failureReason: input.failureReason ?? null,
      cardBrand: payment.cardBrand ?? incoming.cardBrand,
      cardLast4: payment.cardLast4 ?? incoming.cardLast4,
    },
  });
  if (status === "SUCCEEDED") return completePayment(tx, invoice, updated);
  await recordActivity(tx, {
    businessId: invoice.businessId,
    type: "payment.failed",
    message: `Bank payment of ${formatMoney(payment.amountCents, payment.currency)} on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} failed${input.failureReason ? `: ${input.failureReason}` : ""}`,
    invoiceId: invoice.id,
    customerId: invoice.customerId,
  });
  return { status: "applied" as const, paymentId: payment.id, overpaymentCents: 0, invoiceStatus: invoice.status };
}

/** The payment's money counts from now: flag any overpayment, recompute the invoice, queue the receipt. */
async function completePayment(tx: Tx, invoice: Invoice, payment: Payment): Promise<ApplyPaymentResult> {
  const { status: invoiceStatus, amountPaidCents } = await recomputeInvoice(tx, invoice);
  // What was paid before this payment counted, so the part beyond the balance then is its overpayment.
  const before = amountPaidCents - payment.amountCents;
  const overpaymentCents = Math.max(0, payment.amountCents - Math.max(0, invoice.totalCents - before));
  if (overpaymentCents) await tx.payment.update({ where: { id: payment.id }, data: { overpaymentCents } });
  const amount = formatMoney(payment.amountCents, payment.currency);
  await recordActivity(tx, {
    businessId: invoice.businessId,
    type: overpaymentCents ? "payment.overpaid" : "payment.received",
    message: overpaymentCents
      ? `Payment of ${amount} on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} overpays it by ${formatMoney(overpaymentCents, payment.currency)}`
      : `Payment of ${amount} received on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)}${invoice.status === "VOID" ? " (the invoice is void: refund it)" : ""}`,
    invoiceId: invoice.id,
    customerId: invoice.customerId,
  });
  const receiptEmailId = await queueReceipt(tx, invoice.id, payment.id);
  return { status: "applied", paymentId: payment.id, overpaymentCents, invoiceStatus, receiptEmailId };
}

/** Money kept from succeeded payments, less refunds. */
async function paidCents(tx: Tx, invoiceId: string) {
  const sum = await tx.payment.aggregate({
    where: { invoiceId, status: "SUCCEEDED" },
    _sum: { amountCents: true, refundedCents: true },
  });
  return (sum._sum.amountCents ?? 0) - (sum._sum.refundedCents ?? 0);
}

/**
 * Recomputes the invoice's paid amount and status from its payments (called under the row lock).
 * Deriving it, rather than adding and subtracting, keeps it right whatever order events arrive in.
 */
async function recomputeInvoice(tx: Tx, invoice: Invoice) {
  const amountPaidCents = await paidCents(tx, invoice.id);
  const paid = amountPaidCents >= invoice.totalCents && invoice.totalCents > 0;
  const status =
    invoice.status === "VOID"
      ? "VOID"
      : paid
        ? "PAID"
        : amountPaidCents > 0
          ? "PARTIALLY_PAID"
          : invoice.viewedAt
            ? "VIEWED"
            : invoice.sentAt || invoice.status !== "DRAFT"
              ? "SENT"
              : "DRAFT";
  const paidAt = status === "PAID" ? (invoice.paidAt ?? new Date()) : invoice.status === "VOID" ? invoice.paidAt : null;
  await tx.invoice.update({
    where: { id: invoice.id },
    data: {
      amountPaidCents,
      overpaidCents: Math.max(0, amountPaidCents - invoice.totalCents),
      status,
      // paidAt is set once, by the payment that completes the invoice, and cleared if money goes back.
      paidAt,
      sentAt: invoice.sentAt ?? (status !== "DRAFT" ? new Date() : null),
    },
  });
  if (status === "PAID" && invoice.status !== "PAID") {
    await recordActivity(tx, { businessId: invoice.businessId, type: "invoice.paid", message: `Invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} paid in full`, invoiceId: invoice.id, customerId: invoice.customerId });
    await queueInvoicePaidNotice(tx, invoice, paidAt!);
  }
  return { status, amountPaidCents };
}

/**
 * "Mark paid": records the remaining balance as one manual payment. Idempotent twice over: the form's
 * key makes a repeated submission a no-op, and an invoice with no balance left gets no new payment.
 */
export async function markInvoicePaid(input: Omit<ApplyPaymentInput, "amountCents" | "currency">) {
  return inLockingTransaction(async (tx) => {
    const invoice = await lockInvoice(tx, input.businessId, input.invoiceId);
    const balance = balanceCents(invoice);
    if (balance === 0) {
      const existing = await findProviderPayment(tx, input.provider, input.providerAccountId ?? "", input.providerPaymentId);
      return existing ? ({ status: "duplicate", paymentId: existing.id } as const) : ({ status: "nothing-due" } as const);
    }
    return applyPaymentInTx(tx, { ...input, amountCents: balance, currency: invoice.currency });
  });
}

export async function listPayments(businessId: string, options: { invoiceId?: string; customerId?: string; take?: number } = {}) {
  return prisma.payment.findMany({
    where: { businessId, invoiceId: options.invoiceId, invoice: options.customerId ? { customerId: options.customerId } : undefined },
    orderBy: { receivedAt: "desc" },
    take: options.take ?? 100,
    include: { invoice: { select: { id: true, number: true, customer: { select: { id: true, name: true } } } } },
  });
}

/** Locks the invoice a provider payment belongs to, then re-reads the payment under that lock. */
async function lockProviderPayment(tx: Tx, provider: PaymentProvider, providerAccountId: string, providerPaymentId: string) {
  const found = await findProviderPayment(tx, provider, providerAccountId, providerPaymentId);
  if (!found) return null;
  const invoice = await lockInvoice(tx, found.businessId, found.invoiceId);
  const payment = await tx.payment.findUniqueOrThrow({ where: { id: found.id } });
  return { invoice, payment };
}

export type ProviderChangeResult = { status: "updated" | "unchanged" | "unknown-payment"; paymentId?: string };

/**
 * A provider says `refundedTotalCents` of a payment has been refunded so far (a running total, so a
 * repeated or late event can only move it forward). A full refund makes the payment REFUNDED.
 */
export async function applyProviderRefund(
  provider: PaymentProvider,
  providerPaymentId: string,
  refundedTotalCents: number,
  providerAccountId = "",
): Promise<ProviderChangeResult> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockProviderPayment(tx, provider, providerAccountId, providerPaymentId);
    if (!locked) return { status: "unknown-payment" };
    const { invoice, payment } = locked;
    const refundedCents = Math.min(payment.amountCents, Math.max(payment.refundedCents, refundedTotalCents));
    // Refunds asked for in the app that this total covers are no longer "on their way".
    await settleRefundsInTx(tx, payment.id, refundedCents);
    if (refundedCents === payment.refundedCents) return { status: "unchanged", paymentId: payment.id };
    const fully = refundedCents === payment.amountCents;
    await tx.payment.update({
      where: { id: payment.id },
      data: { refundedCents, status: fully && payment.status === "SUCCEEDED" ? "REFUNDED" : payment.status },
    });
    await recomputeInvoice(tx, invoice);
    await recordActivity(tx, {
      businessId: invoice.businessId,
      type: "payment.refunded",
      message: `${formatMoney(refundedCents - payment.refundedCents, payment.currency)} of a ${formatMoney(payment.amountCents, payment.currency)} payment on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} refunded`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "updated", paymentId: payment.id };
  }, LOCKING_TRANSACTION);
}

/**
 * A dispute (chargeback): while it is open, or once it is lost, the money is gone from the invoice; a
 * won dispute gives it back. Each dispute has the provider's id: a repeat, or a late retry of a dispute
 * already settled, changes nothing.
 */
export async function applyProviderDispute(
  provider: PaymentProvider,
  providerPaymentId: string,
  dispute: { id: string; outcome: "opened" | "won" | "lost" },
  providerAccountId = "",
): Promise<ProviderChangeResult> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockProviderPayment(tx, provider, providerAccountId, providerPaymentId);
    if (!locked) return { status: "unknown-payment" };
    const { invoice, payment } = locked;
    const next: PaymentStatus | null =
      dispute.outcome === "opened"
        ? payment.status === "SUCCEEDED" && payment.disputeId !== dispute.id
          ? "DISPUTED"
          : null
        : dispute.outcome === "won" && payment.status === "DISPUTED" && payment.disputeId === dispute.id
          ? "SUCCEEDED"
          : null;
    if (!next) return { status: "unchanged", paymentId: payment.id };
    await tx.payment.update({ where: { id: payment.id }, data: { status: next, disputeId: dispute.id, disputedAt: next === "DISPUTED" ? new Date() : payment.disputedAt } });
    await recomputeInvoice(tx, invoice);
    const amount = formatMoney(payment.amountCents, payment.currency);
    await recordActivity(tx, {
      businessId: invoice.businessId,
      type: next === "SUCCEEDED" ? "payment.dispute-won" : "payment.disputed",
      message:
        next === "SUCCEEDED"
          ? `Dispute won: the ${amount} payment on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} counts again`
          : `The customer disputed the ${amount} payment on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)}; respond in your ${provider === "stripe" ? "Stripe" : "PayPal"} dashboard`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "updated", paymentId: payment.id };
  }, LOCKING_TRANSACTION);
}

/**
 * Records that a manual payment was given back. Online payments are refunded at their provider
 * (requestRefund in refund.server.ts), whose webhook then calls applyProviderRefund. Idempotent.
 */
export async function refundPayment(businessId: string, paymentId: string) {
  return prisma.$transaction(async (tx) => {
    const found = await tx.payment.findFirst({ where: { id: paymentId, businessId }, select: { invoiceId: true } });
    if (!found) throw new DomainError("Payment not found");
    const invoice = await lockInvoice(tx, businessId, found.invoiceId);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
    if (payment.provider !== "manual") throw new DomainError(`Card and PayPal payments are refunded through ${payment.provider === "stripe" ? "Stripe" : "PayPal"}: use Refund with an amount and a reason.`);
    if (payment.status !== "SUCCEEDED") return { status: "unchanged" as const };
    await tx.payment.update({ where: { id: paymentId }, data: { status: "REFUNDED", refundedCents: payment.amountCents } });
    await recomputeInvoice(tx, invoice);
    await recordActivity(tx, {
      businessId,
      type: "payment.refunded",
      message: `Payment of ${formatMoney(payment.amountCents, payment.currency)} on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} refunded`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "refunded" as const };
  }, LOCKING_TRANSACTION);
}
