// What a verified Stripe webhook does. Every change goes through payment.server.ts. Events may come
// twice, late or out of order: a payment is keyed by its PaymentIntent, refunds carry a running total,
// and an event about a PaymentIntent we have not recorded yet records it first from Stripe's own copy.
import type Stripe from "stripe";
import { logger } from "~/utils/logger.server";
import { stripe } from "~/utils/stripe.server";
import { DomainError } from "./errors.server";
import { handleBillingEvent, isBillingEvent } from "./billing-events.server";
import { applyPayment, applyProviderDispute, applyProviderRefund, type ApplyPaymentInput } from "./payment.server";

export type StripeEventResult = "processed" | "ignored";

type Ours = { invoiceId: string; businessId: string };
function ours(metadata: Stripe.Metadata | null | undefined): Ours | null {
  return metadata?.invoiceId && metadata?.businessId ? { invoiceId: metadata.invoiceId, businessId: metadata.businessId } : null;
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

/** Card brand and last four, or bank name and last four: the only payment-method details kept. */
function methodDetails(charge: Stripe.Charge | null): Pick<ApplyPaymentInput, "method" | "cardBrand" | "cardLast4"> | null {
  const details = charge?.payment_method_details;
  if (!details) return null;
  if (details.type === "us_bank_account") return { method: "ACH", cardBrand: details.us_bank_account?.bank_name ?? null, cardLast4: details.us_bank_account?.last4 ?? null };
  if (details.type === "card") return { method: "CARD", cardBrand: details.card?.brand ?? null, cardLast4: details.card?.last4 ?? null };
  return { method: "CARD", cardBrand: details.type, cardLast4: null };
}

async function retrievePaymentIntent(id: string) {
  return stripe().paymentIntents.retrieve(id, { expand: ["latest_charge"] });
}

const PI_STATUS: Partial<Record<Stripe.PaymentIntent.Status, ApplyPaymentInput["status"]>> = {
  succeeded: "SUCCEEDED",
  processing: "PENDING",
};

/** Records a PaymentIntent as Stripe has it now. Returns false when it is not one of ours. */
async function recordPaymentIntent(pi: Stripe.PaymentIntent, fallback?: { status: ApplyPaymentInput["status"]; failureReason?: string }) {
  const meta = ours(pi.metadata);
  if (!meta) return false;
  const status = fallback?.status ?? PI_STATUS[pi.status];
  if (!status) return false;
  const charge = typeof pi.latest_charge === "object" ? pi.latest_charge : null;
  await applyPayment({
    ...meta,
    amountCents: pi.amount,
    currency: pi.currency.toUpperCase(),
    provider: "stripe",
    providerPaymentId: pi.id,
    status,
    failureReason: fallback?.failureReason ?? null,
    ...(methodDetails(charge) ?? { method: "CARD" }),
  });
  return true;
}

async function handleCheckoutSession(session: Stripe.Checkout.Session, outcome: "completed" | "succeeded" | "failed"): Promise<StripeEventResult> {
  const meta = ours(session.metadata);
  const piId = idOf(session.payment_intent);
  if (!meta || session.mode !== "payment" || !piId || session.amount_total === null) return "ignored";
  const status: ApplyPaymentInput["status"] =
    outcome === "failed" ? "FAILED" : outcome === "succeeded" || session.payment_status === "paid" ? "SUCCEEDED" : session.payment_status === "unpaid" ? "PENDING" : undefined;
  if (!status) return "ignored";
  // The session does not say how the customer paid: ask Stripe. Money matters more than the card's
  // last four, so a failed lookup still records the payment.
  let details: ReturnType<typeof methodDetails> = null;
  try {
    details = methodDetails((await retrievePaymentIntent(piId)).latest_charge as Stripe.Charge | null);
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error), paymentIntent: piId }, "could not read payment method details");
  }
  await applyPayment({
    ...meta,
    amountCents: session.amount_total,
    currency: (session.currency ?? "").toUpperCase(),
    provider: "stripe",
    providerPaymentId: piId,
    status,
    failureReason: status === "FAILED" ? "The bank debit failed" : null,
    ...(details ?? { method: status === "SUCCEEDED" && outcome === "completed" ? "CARD" : "ACH" }),
  });
  return "processed";
}

/** Runs a change on a payment; when the payment is not recorded yet, records it from Stripe first. */
async function onPaymentIntent(piId: string | null, change: () => Promise<{ status: string }>): Promise<StripeEventResult> {
  if (!piId) return "ignored";
  const first = await change();
  if (first.status !== "unknown-payment") return "processed";
  const pi = await retrievePaymentIntent(piId);
  if (!(await recordPaymentIntent(pi))) return "ignored";
  await change();
  return "processed";
}

export async function handleStripeEvent(event: Stripe.Event): Promise<StripeEventResult> {
  // Invoice Link's own subscription (Stripe Billing on this account) has its own handler.
  if (isBillingEvent(event)) return (await handleBillingEvent(event)) === "processed" ? "processed" : "ignored";
  try {
    switch (event.type) {
      case "checkout.session.completed":
        return await handleCheckoutSession(event.data.object, "completed");
      case "checkout.session.async_payment_succeeded":
        return await handleCheckoutSession(event.data.object, "succeeded");
      case "checkout.session.async_payment_failed":
        return await handleCheckoutSession(event.data.object, "failed");
      case "charge.refunded": {
        const charge = event.data.object;
        return await onPaymentIntent(idOf(charge.payment_intent), () => applyProviderRefund("stripe", idOf(charge.payment_intent)!, charge.amount_refunded));
      }
      case "charge.dispute.created":
      case "charge.dispute.closed": {
        const dispute = event.data.object;
        const outcome = event.type === "charge.dispute.created" ? "opened" : dispute.status === "won" || dispute.status === "warning_closed" ? "won" : "lost";
        return await onPaymentIntent(idOf(dispute.payment_intent), () => applyProviderDispute("stripe", idOf(dispute.payment_intent)!, { id: dispute.id, outcome }));
      }
      default:
        return "ignored";
    }
  } catch (error) {
    // A rule said no (an unsent invoice, a currency mismatch): retrying will not change that. Keep a
    // record and acknowledge, so Stripe does not retry for three days.
    if (error instanceof DomainError || (error as { status?: number }).status === 404) {
      logger.error({ eventId: event.id, type: event.type, err: (error as Error).message }, "stripe event rejected by a payment rule");
      return "ignored";
    }
    throw error;
  }
}
