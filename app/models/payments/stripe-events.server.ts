// What a verified Stripe webhook does, for the platform endpoint (single-account mode: events about this
// deployment's own account) and the Connect endpoint (events from connected accounts, carrying `account`).
// Every change goes through payment.server.ts. Events may come twice, late or out of order: a payment is
// keyed by (account, PaymentIntent), refunds carry a running total, and an event about a PaymentIntent we
// have not recorded yet records it first from Stripe's own copy (read from the same account).
// A completed checkout is recorded from the event alone: the card's brand and last four, which the
// session does not carry, are read from Stripe by the payment-follow-ups job, which then sends the receipt.
// A connected account's event is only believed about an invoice of the business that owns that account:
// anything else is acknowledged and writes nothing (docs/decisions/011-connected-accounts.md).
import type Stripe from "stripe";
import { logger } from "~/utils/logger.server";
import { onAccount, stripe } from "~/models/payments/stripe-client.server";
import { DomainError, NotFoundError } from "~/models/errors.server";
import { handleBillingEvent, isBillingEvent } from "~/models/billing-events.server";
import {
  applyPayment,
  applyProviderDispute,
  applyProviderRefund,
  completePaymentFollowUp,
  readPaymentFollowUp,
  type ApplyPaymentInput,
  type PaymentReceivedJob,
} from "./payment.server";
import { deauthorizeStripeAccount, isBusinessStripeAccount, syncStripeAccount } from "./stripe-connect.server";

/** Which endpoint an event came through: the platform's own (account "") or Connect (the connected account's id). */
type StripeEventSource = { endpoint: "platform" } | { endpoint: "connect"; account: string };
const accountOf = (source: StripeEventSource) => (source.endpoint === "connect" ? source.account : "");

type StripeEventResult = "processed" | "ignored";

type Ours = { invoiceId: string; businessId: string };
function ours(metadata: Stripe.Metadata | null | undefined): Ours | null {
  return metadata?.invoiceId && metadata?.businessId ? { invoiceId: metadata.invoiceId, businessId: metadata.businessId } : null;
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

/** Card brand and last four, or bank name and last four: the only payment-method details kept. */
function methodDetails(charge: Stripe.Charge | null): Pick<ApplyPaymentInput, "method" | "cardBrand" | "cardLast4"> | null {
  const details = charge?.payment_method_details;
  if (!details) return null;
  if (details.type === "us_bank_account")
    return { method: "ACH", cardBrand: details.us_bank_account?.bank_name ?? null, cardLast4: details.us_bank_account?.last4 ?? null };
  if (details.type === "card") return { method: "CARD", cardBrand: details.card?.brand ?? null, cardLast4: details.card?.last4 ?? null };
  return { method: "CARD", cardBrand: details.type, cardLast4: null };
}

/** Stripe's copy of a PaymentIntent, from the account it lives on (a direct charge lives on the connected account). */
async function retrievePaymentIntent(id: string, account: string) {
  return stripe().paymentIntents.retrieve(id, { expand: ["latest_charge"] }, onAccount(account));
}

/**
 * The metadata's invoice and business, when this event may speak about them: always on the platform
 * endpoint (the metadata is ours, signed by our secret), and on Connect only when the event's account is
 * the account of the business the metadata names. applyPayment then finds the invoice only within that business.
 */
async function trusted(metadata: Stripe.Metadata | null | undefined, account: string): Promise<Ours | null> {
  const meta = ours(metadata);
  if (!meta) return null;
  if (account && !(await isBusinessStripeAccount(meta.businessId, account))) {
    logger.warn({ account, businessId: meta.businessId, invoiceId: meta.invoiceId }, "stripe connect event for another business's invoice ignored");
    return null;
  }
  return meta;
}

const PI_STATUS: Partial<Record<Stripe.PaymentIntent.Status, ApplyPaymentInput["status"]>> = {
  succeeded: "SUCCEEDED",
  processing: "PENDING",
};

/** Records a PaymentIntent as Stripe has it now. Returns false when it is not one of ours. */
async function recordPaymentIntent(pi: Stripe.PaymentIntent, account: string, fallback?: { status: ApplyPaymentInput["status"]; failureReason?: string }) {
  const meta = await trusted(pi.metadata, account);
  if (!meta) return false;
  const status = fallback?.status ?? PI_STATUS[pi.status];
  if (!status) return false;
  const charge = typeof pi.latest_charge === "object" ? pi.latest_charge : null;
  await applyPayment({
    ...meta,
    amountCents: pi.amount,
    currency: pi.currency.toUpperCase(),
    provider: "stripe",
    providerAccountId: account,
    providerPaymentId: pi.id,
    status,
    failureReason: fallback?.failureReason ?? null,
    ...(methodDetails(charge) ?? { method: "CARD" }),
  });
  return true;
}

async function handleCheckoutSession(
  session: Stripe.Checkout.Session,
  outcome: "completed" | "succeeded" | "failed",
  account: string,
): Promise<StripeEventResult> {
  const piId = idOf(session.payment_intent);
  if (session.mode !== "payment" || !piId || session.amount_total === null) return "ignored";
  const meta = await trusted(session.metadata, account);
  if (!meta) return "ignored";
  const status: ApplyPaymentInput["status"] =
    outcome === "failed"
      ? "FAILED"
      : outcome === "succeeded" || session.payment_status === "paid"
        ? "SUCCEEDED"
        : session.payment_status === "unpaid"
          ? "PENDING"
          : undefined;
  if (!status) return "ignored";
  // The session names its PaymentIntent by id, so how the customer paid is read by the payment's
  // follow-up after the answer (a session with its PaymentIntent and charge expanded says it here).
  const details = methodDetails(expandedCharge(session.payment_intent));
  await applyPayment({
    ...meta,
    amountCents: session.amount_total,
    currency: (session.currency ?? "").toUpperCase(),
    provider: "stripe",
    providerAccountId: account,
    providerPaymentId: piId,
    status,
    failureReason: status === "FAILED" ? "The bank debit failed" : null,
    ...(details ?? { method: status === "SUCCEEDED" && outcome === "completed" ? "CARD" : "ACH" }),
    followUpInJob: true,
  });
  return "processed";
}

function expandedCharge(pi: string | Stripe.PaymentIntent | null): Stripe.Charge | null {
  return pi && typeof pi === "object" && pi.latest_charge && typeof pi.latest_charge === "object" ? pi.latest_charge : null;
}

const isMissing = (error: unknown) =>
  (error as { statusCode?: number }).statusCode === 404 ||
  (error as { status?: number }).status === 404 ||
  (error as { code?: string }).code === "resource_missing";

/**
 * A webhook payment's follow-up (payment-follow-ups, or a payment-received job queued before it): a Stripe payment recorded without its card's details gets them from Stripe's
 * PaymentIntent (on the account the money landed in), then its receipt. Money matters more than the
 * card's last four: a PaymentIntent Stripe does not have, or a lookup still failing on the last attempt,
 * sends the receipt without them; an earlier failure is retried.
 */
export async function completeStripePayment(job: PaymentReceivedJob, attempt: { last: boolean; lease?: Date }): Promise<boolean> {
  // One read: the payment with its invoice, customer and business, everything the receipt and notice need.
  const payment = await readPaymentFollowUp(job);
  if (!payment) return false;
  let details: ReturnType<typeof methodDetails> = null;
  if (payment.provider === "stripe" && !payment.cardBrand && !payment.cardLast4) {
    try {
      details = methodDetails((await retrievePaymentIntent(payment.providerPaymentId, payment.providerAccountId)).latest_charge as Stripe.Charge | null);
    } catch (error) {
      if (!isMissing(error) && !attempt.last) throw error;
      logger.warn(
        { err: error instanceof Error ? error.message : String(error), paymentIntent: payment.providerPaymentId },
        "could not read payment method details",
      );
    }
  }
  return completePaymentFollowUp(
    job,
    payment,
    details && { ...details, cardBrand: details.cardBrand ?? null, cardLast4: details.cardLast4 ?? null },
    attempt.lease,
  );
}

/** Runs a change on a payment; when the payment is not recorded yet, records it from Stripe first. */
async function onPaymentIntent(piId: string | null, account: string, change: () => Promise<{ status: string }>): Promise<StripeEventResult> {
  if (!piId) return "ignored";
  const first = await change();
  if (first.status !== "unknown-payment") return "processed";
  const pi = await retrievePaymentIntent(piId, account);
  if (!(await recordPaymentIntent(pi, account))) return "ignored";
  await change();
  return "processed";
}

export async function handleStripeEvent(event: Stripe.Event, source: StripeEventSource = { endpoint: "platform" }): Promise<StripeEventResult> {
  // Invoice Link's own subscription (Stripe Billing on the platform account) has its own handler.
  if (source.endpoint === "platform" && isBillingEvent(event)) return (await handleBillingEvent(event)) === "processed" ? "processed" : "ignored";
  const account = accountOf(source);
  try {
    switch (event.type) {
      case "checkout.session.completed":
        return await handleCheckoutSession(event.data.object, "completed", account);
      case "checkout.session.async_payment_succeeded":
        return await handleCheckoutSession(event.data.object, "succeeded", account);
      case "checkout.session.async_payment_failed":
        return await handleCheckoutSession(event.data.object, "failed", account);
      case "charge.refunded": {
        // Refunds and disputes find the payment by (account, PaymentIntent): an event from account X
        // can only ever touch a payment that landed in account X.
        const charge = event.data.object;
        return await onPaymentIntent(idOf(charge.payment_intent), account, () =>
          applyProviderRefund("stripe", idOf(charge.payment_intent)!, charge.amount_refunded, account),
        );
      }
      case "charge.dispute.created":
      case "charge.dispute.closed": {
        const dispute = event.data.object;
        const outcome = event.type === "charge.dispute.created" ? "opened" : dispute.status === "won" || dispute.status === "warning_closed" ? "won" : "lost";
        return await onPaymentIntent(idOf(dispute.payment_intent), account, () =>
          applyProviderDispute("stripe", idOf(dispute.payment_intent)!, { id: dispute.id, outcome }, account),
        );
      }
      case "account.updated": {
        // Only the account the event came from: the object's id must be the event's account.
        const object = event.data.object;
        if (source.endpoint !== "connect" || object.id !== account) return "ignored";
        return (await syncStripeAccount(object)) ? "processed" : "ignored";
      }
      case "account.application.deauthorized":
        if (source.endpoint !== "connect") return "ignored";
        return (await deauthorizeStripeAccount(account)) ? "processed" : "ignored";
      default:
        return "ignored";
    }
  } catch (error) {
    // A rule said no (an unsent invoice, a currency mismatch): retrying will not change that. Keep a
    // record and acknowledge, so Stripe does not retry for three days.
    // Stripe saying the PaymentIntent does not exist on this account (an event about another account's
    // payment) will not change on a retry either.
    if (
      error instanceof DomainError ||
      error instanceof NotFoundError ||
      (error as { status?: number }).status === 404 ||
      (error as { code?: string }).code === "resource_missing"
    ) {
      logger.error({ eventId: event.id, type: event.type, err: (error as Error).message }, "stripe event rejected by a payment rule");
      return "ignored";
    }
    throw error;
  }
}
