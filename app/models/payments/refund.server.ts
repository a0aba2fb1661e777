// Refunds of online payments asked for in the app (the invoice page and POST /api/v1/payments/:id/refund),
// sent to the provider the money went through: a Stripe refund on the connected account (or the
// platform's own in single-account mode), a PayPal capture refund on the merchant's behalf. The one place
// this happens; see docs/decisions/012-paypal-partner-and-refunds.md.
//
// Each request carries an idempotency key. Under the invoice's row lock a Refund row is written for it
// (unique per business and key), so 20 taps of the same form find that row and reach the provider once;
// the row's id is the provider's own idempotency key, so a retry after a timeout cannot refund twice.
// The payment and invoice still change only from the provider's webhook (applyProviderRefund), which
// marks the refunds it covers COMPLETED (settleRefundsInTx).
import type { Prisma, Refund } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { centsToInput, formatMoney } from "~/utils/money";
import { PayPalError, paypalConfigured, refundPayPalCapture } from "~/models/payments/paypal-client.server";
import { stripe, stripeConfigured } from "~/models/payments/stripe-client.server";
import { DomainError, notFound, requirePlausibleId } from "~/models/errors.server";
import { LOCKING_TRANSACTION, lockInvoice } from "~/models/invoice.server";

type Tx = Prisma.TransactionClient;

const REFUND_REASON_MAX = 500;

/** The provider refused or did not answer. `message` says what it answered, in words the owner can act on. */
export class RefundProviderError extends Error {
  constructor(
    message: string,
    public status: number,
  ) {
    super(message);
    this.name = "RefundProviderError";
  }
}

export type RefundRequest = {
  businessId: string;
  paymentId: string;
  /** The invoice page names its invoice: a payment of another invoice is not found. */
  invoiceId?: string;
  /** Omitted: everything that is still refundable. */
  amountCents?: number | null;
  reason: string;
  idempotencyKey: string;
  requestedById?: string | null;
};

type RefundResult = { status: "requested" | "duplicate"; refund: Refund };

const providerName = (provider: string) => (provider === "stripe" ? "Stripe" : "PayPal");

/** Card and PayPal payments that have gone through are refunded from the app, at their provider. */
export function isRefundableOnline(payment: { provider: string | null; status: string }) {
  return (payment.provider === "stripe" || payment.provider === "paypal") && payment.status === "SUCCEEDED";
}

/** What is left to refund: paid, less what the provider has refunded, less refunds still on their way. */
export function remainingRefundableCents(payment: { amountCents: number; refundedCents: number }, refunds: { amountCents: number; status: string }[]) {
  const pending = refunds.reduce((sum, r) => (r.status === "PENDING" ? sum + r.amountCents : sum), 0);
  return Math.max(0, payment.amountCents - payment.refundedCents - pending);
}

async function refundableCents(tx: Tx, payment: { id: string; amountCents: number; refundedCents: number }) {
  const pending = await tx.refund.findMany({ where: { paymentId: payment.id, status: "PENDING" }, select: { amountCents: true, status: true } });
  return remainingRefundableCents(payment, pending);
}

/**
 * Step one, under the invoice lock: find the key's refund (a repeat), or check the amount and write a
 * PENDING row. A FAILED row with the same key is taken again, so the owner can simply retry.
 */
async function reserveRefund(input: RefundRequest): Promise<{ repeat: boolean; refund: Refund }> {
  return prisma.$transaction(async (tx) => {
    const found = await tx.payment.findFirst({
      where: { id: input.paymentId, businessId: input.businessId, invoiceId: input.invoiceId },
      select: { invoiceId: true },
    });
    if (!found) notFound("Payment not found");
    await lockInvoice(tx, input.businessId, found.invoiceId);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: input.paymentId } });
    const existing = await tx.refund.findUnique({
      where: { businessId_idempotencyKey: { businessId: input.businessId, idempotencyKey: input.idempotencyKey } },
    });
    if (existing) {
      if (existing.paymentId !== payment.id) throw new DomainError("This key was already used for another refund. Reload the page and try again.");
      if (existing.status !== "FAILED") return { repeat: true, refund: existing };
    }
    if (payment.provider !== "stripe" && payment.provider !== "paypal")
      throw new DomainError("Only card and PayPal payments are refunded through the provider.");
    if (payment.status !== "SUCCEEDED") {
      const why =
        { PENDING: "is still processing", FAILED: "failed", REFUNDED: "was already refunded in full", DISPUTED: "is disputed" }[payment.status as string] ??
        "cannot be refunded";
      throw new DomainError(`This payment ${why}; it cannot be refunded now.`);
    }
    if (payment.provider === "stripe" && !stripeConfigured()) throw new DomainError("Stripe is not set up on this server, so the refund cannot be sent.");
    if (payment.provider === "paypal" && !paypalConfigured()) throw new DomainError("PayPal is not set up on this server, so the refund cannot be sent.");
    const remaining = await refundableCents(tx, payment);
    const amountCents = input.amountCents ?? remaining;
    if (remaining <= 0) throw new DomainError("Nothing is left to refund on this payment.", "amount");
    if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw new DomainError("Enter an amount above zero.", "amount");
    if (amountCents > remaining) {
      throw new DomainError(`At most ${formatMoney(remaining, payment.currency)} of this payment can still be refunded.`, "amount");
    }
    const reason = input.reason.trim().slice(0, REFUND_REASON_MAX);
    if (existing) {
      // A retry of a refund the provider refused or did not answer: same row, same provider key.
      const retried = await tx.refund.update({ where: { id: existing.id }, data: { status: "PENDING", failureMessage: null, amountCents, reason } });
      return { repeat: false, refund: retried };
    }
    const refund = await tx.refund.create({
      data: {
        businessId: input.businessId,
        paymentId: payment.id,
        amountCents,
        currency: payment.currency,
        reason,
        idempotencyKey: input.idempotencyKey,
        requestedById: input.requestedById ?? null,
      },
    });
    return { repeat: false, refund };
  }, LOCKING_TRANSACTION);
}

/** Step two: ask the provider. Its idempotency key is the row's id, the same on every retry of this refund. */
async function sendToProvider(refund: Refund) {
  const payment = await prisma.payment.findUniqueOrThrow({ where: { id: refund.paymentId } });
  if (payment.provider === "stripe") {
    const created = await stripe().refunds.create(
      {
        payment_intent: payment.providerPaymentId,
        amount: refund.amountCents,
        reason: "requested_by_customer",
        metadata: { refundId: refund.id, invoiceId: payment.invoiceId, businessId: payment.businessId, reason: refund.reason.slice(0, 500) },
      },
      // Direct charges live on the connected account; "" is the deployment's own (single-account mode).
      { idempotencyKey: `refund-${refund.id}`, ...(payment.providerAccountId ? { stripeAccount: payment.providerAccountId } : {}) },
    );
    if (created.status === "failed" || created.status === "canceled") throw new RefundProviderError(`Stripe did not refund it (${created.status}).`, 502);
    return created.id;
  }
  const created = await refundPayPalCapture({
    captureId: payment.providerPaymentId,
    merchantId: payment.providerAccountId,
    requestId: `refund-${refund.id}`,
    currency: payment.currency,
    value: centsToInput(refund.amountCents, payment.currency),
    note: refund.reason,
    invoiceId: payment.invoiceId,
  });
  if (created.status === "FAILED" || created.status === "CANCELLED") throw new RefundProviderError(`PayPal did not refund it (${created.status}).`, 502);
  return created.id;
}

/** A provider failure in plain words: what it answered, never a stack trace. */
function describeFailure(provider: string, error: unknown): RefundProviderError | null {
  if (error instanceof RefundProviderError) return error;
  const name = providerName(provider);
  if (error instanceof PayPalError) {
    if (error.status === 504)
      return new RefundProviderError(`${name} did not answer in time. Nothing was refunded here; try again (it will not refund twice).`, 504);
    if (error.status === 502 && !error.issue)
      return new RefundProviderError(`${name} could not be reached or sent an answer we could not read. Try again in a few minutes.`, 502);
    if (error.status >= 500) return new RefundProviderError(`${name} had a problem (${error.status}). Nothing was refunded; try again in a few minutes.`, 502);
    return new RefundProviderError(`${name} refused the refund (${error.status}${error.issue ? ` ${error.issue}` : ""}).`, 409);
  }
  const stripeError = error as { type?: string; statusCode?: number; message?: string; code?: string };
  if (typeof stripeError?.type === "string" && stripeError.type.startsWith("Stripe")) {
    if (stripeError.type === "StripeConnectionError")
      return new RefundProviderError(
        `${name} did not answer in time or could not be reached. Nothing was refunded here; try again (it will not refund twice).`,
        504,
      );
    const status = stripeError.statusCode ?? 502;
    const said = (stripeError.message ?? "").split("\n")[0].slice(0, 200);
    if (status >= 500)
      return new RefundProviderError(`${name} had a problem (${status}${said ? `: ${said}` : ""}). Nothing was refunded; try again in a few minutes.`, 502);
    return new RefundProviderError(`${name} refused the refund (${status}${said ? `: ${said}` : ""}).`, 409);
  }
  return null;
}

/**
 * Refunds (part of) an online payment at its provider. A repeated key returns the first refund without
 * calling the provider again. Too much, or a payment that cannot be refunded: DomainError, nothing
 * written. The provider failing: the row is marked FAILED (payment and invoice untouched) and a
 * RefundProviderError says what the provider answered; the same key may then retry.
 */
export async function requestRefund(input: RefundRequest): Promise<RefundResult> {
  requirePlausibleId(input.paymentId, "Payment");
  if (!input.reason.trim()) throw new DomainError("Say why you are refunding.", "reason");
  const { repeat, refund } = await reserveRefund(input);
  if (repeat) return { status: "duplicate", refund };
  const payment = await prisma.payment.findUniqueOrThrow({ where: { id: refund.paymentId }, select: { provider: true } });
  try {
    const providerRefundId = await sendToProvider(refund);
    // Status stays as it is: the provider's webhook may already have marked it COMPLETED.
    const updated = await prisma.refund.update({ where: { id: refund.id }, data: { providerRefundId } });
    return { status: "requested", refund: updated };
  } catch (error) {
    const failure = describeFailure(payment.provider, error);
    if (!failure) throw error;
    logger.warn({ refundId: refund.id, paymentId: refund.paymentId, provider: payment.provider, err: (error as Error).message }, "refund not sent");
    await prisma.refund.update({ where: { id: refund.id }, data: { status: "FAILED", failureMessage: failure.message } });
    throw failure;
  }
}

/**
 * Called by applyProviderRefund under the invoice lock with the provider's running refund total: the
 * oldest PENDING refunds that total covers become COMPLETED, so they stop counting as "on their way".
 */
export async function settleRefundsInTx(tx: Tx, paymentId: string, refundedTotalCents: number) {
  // One read under the lock (a transaction's statements run one after another on its connection).
  const refunds = await tx.refund.findMany({
    where: { paymentId, status: { in: ["COMPLETED", "PENDING"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, amountCents: true, status: true },
  });
  const pending = refunds.filter((r) => r.status === "PENDING");
  const completedCents = refunds.reduce((sum, r) => (r.status === "COMPLETED" ? sum + r.amountCents : sum), 0);
  let budget = refundedTotalCents - completedCents;
  const settled: string[] = [];
  for (const refund of pending) {
    if (refund.amountCents > budget) break;
    budget -= refund.amountCents;
    settled.push(refund.id);
  }
  if (settled.length) await tx.refund.updateMany({ where: { id: { in: settled } }, data: { status: "COMPLETED" } });
}
