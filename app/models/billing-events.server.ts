// Stripe Billing webhooks (Invoice Link's own subscription, on the platform account): the ONLY writer of a
// business's plan state. Events arrive through the verified /webhooks/stripe endpoint, may come twice, late
// or out of order (docs/decisions/014-subscription-billing.md):
// - idempotent by event id: ProcessedBillingEvent is written in the same transaction as the change;
// - a business is found by the Stripe customer id the app created for it, never by metadata or the browser;
// - ordered: a state is kept with its key (subscription.created, event.created); an event with a smaller
//   key is older than what is stored and changes nothing, and a canceled subscription never comes back.
// Invoice events carry no subscription status, so they read the subscription from Stripe and apply that.
import type Stripe from "stripe";
import { paymentFailedEmail, subscriptionCanceledEmail, trialEndingEmail } from "~/emails/subscription.server";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { queueEmail } from "~/utils/email.server";
import { logger } from "~/utils/logger.server";
import { formatMoney } from "~/utils/money";
import { stripe } from "~/models/payments/stripe-client.server";
import { businessesWithTrialEnding, portalLinkUrl, subscriptionSettingsUrl } from "./subscription.server";

type Tx = Prisma.TransactionClient;
type BillingEventResult = "processed" | "ignored" | "duplicate";

const BILLING_EVENTS = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
]);

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

/** The subscription an invoice belongs to (API 2025-03-31+: invoice.parent.subscription_details). */
function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription as string | Stripe.Subscription | undefined);
}

/** Whether an event is about Invoice Link's own billing (the payment handler takes the rest). */
export function isBillingEvent(event: Stripe.Event): boolean {
  if (!BILLING_EVENTS.has(event.type)) return false;
  const object = event.data.object as { object?: string; mode?: string };
  if (event.type === "checkout.session.completed") return object.mode === "subscription";
  if (event.type.startsWith("invoice.")) return invoiceSubscriptionId(event.data.object as Stripe.Invoice) !== null;
  return true;
}

async function businessOfCustomer(customerId: string | null) {
  if (!customerId) return null;
  return prisma.subscription.findUnique({ where: { stripeCustomerId: customerId }, select: { businessId: true } });
}

/** Period end: on the subscription items since API 2025-03-31 (all items share it for one price). */
function periodEnd(sub: Stripe.Subscription): number | null {
  const ends = sub.items?.data?.map((i) => i.current_period_end).filter((n): n is number => typeof n === "number") ?? [];
  return ends.length ? Math.min(...ends) : null;
}

const at = (seconds: number | null | undefined) => (typeof seconds === "number" ? new Date(seconds * 1000) : null);

type Applied = { applied: boolean; previousStatus: string | null };

/**
 * Stores the subscription's state if it is newer than the stored one. Runs in the event's transaction
 * with the business's row locked, so two deliveries at once are applied one after the other.
 */
async function applySubscription(tx: Tx, businessId: string, sub: Stripe.Subscription, event: Stripe.Event): Promise<Applied> {
  await tx.$executeRaw`INSERT INTO "Subscription" ("businessId", "updatedAt") VALUES (${businessId}, now()) ON CONFLICT DO NOTHING`;
  const [row] = await tx.$queryRaw<
    { stripeSubscriptionId: string | null; status: string | null; stateSubscriptionCreated: number; stateEventCreated: number }[]
  >`
    SELECT "stripeSubscriptionId", status, "stateSubscriptionCreated", "stateEventCreated" FROM "Subscription" WHERE "businessId" = ${businessId} FOR UPDATE`;
  const key = [sub.created, event.created] as const;
  const stored = [row.stateSubscriptionCreated, row.stateEventCreated] as const;
  const older = key[0] < stored[0] || (key[0] === stored[0] && key[1] < stored[1]);
  // A canceled subscription is final at Stripe: a late "active" of the same subscription is stale
  // whatever its timestamp says (same-second events cannot be told apart by `created`).
  const reopened = row.stripeSubscriptionId === sub.id && row.status === "canceled" && sub.status !== "canceled";
  if (older || reopened) {
    logger.info({ eventId: event.id, businessId, subscription: sub.id, status: sub.status, stored: row.status }, "older billing event ignored");
    return { applied: false, previousStatus: row.status };
  }
  const price = sub.items?.data?.[0]?.price;
  await tx.subscription.update({
    where: { businessId },
    data: {
      stripeSubscriptionId: sub.id,
      status: sub.status,
      priceId: price?.id ?? null,
      interval: price?.recurring?.interval ?? null,
      currentPeriodEnd: at(periodEnd(sub)),
      cancelAtPeriodEnd: sub.cancel_at_period_end,
      cancelAt: at(sub.cancel_at),
      endedAt: at(sub.ended_at),
      stripeTrialEnd: at(sub.trial_end),
      stateSubscriptionCreated: key[0],
      stateEventCreated: key[1],
      stateEventId: event.id,
      ...(sub.status === "active" || sub.status === "trialing" ? { lastPaymentFailedAt: null, lastPaymentFailedInvoiceId: null } : {}),
    },
  });
  return { applied: true, previousStatus: row.status };
}

async function owner(tx: Tx, businessId: string) {
  return tx.user.findFirst({
    where: { businessId, role: "OWNER", business: { closedAt: null } },
    orderBy: { createdAt: "asc" },
    select: { email: true, name: true, business: { select: { name: true } } },
  });
}

async function queueCanceledEmail(tx: Tx, businessId: string, subscriptionId: string) {
  const to = await owner(tx, businessId);
  if (!to) return;
  await queueEmail(tx, {
    businessId,
    to: to.email,
    template: "subscription-canceled",
    dedupeKey: `billing:canceled:${subscriptionId}`,
    ...subscriptionCanceledEmail({ ownerName: to.name, businessName: to.business.name, url: subscriptionSettingsUrl() }),
  });
}

/** Marks the event processed; false when it was processed before (a redelivery). */
async function claimEvent(tx: Tx, event: Stripe.Event) {
  const inserted = await tx.$executeRaw`INSERT INTO "ProcessedBillingEvent" (id, type) VALUES (${event.id}, ${event.type}) ON CONFLICT DO NOTHING`;
  return inserted > 0;
}

/** Handles one billing event; the caller has checked `isBillingEvent`. */
export async function handleBillingEvent(event: Stripe.Event): Promise<BillingEventResult> {
  if (await prisma.processedBillingEvent.findUnique({ where: { id: event.id }, select: { id: true } })) return "duplicate";

  // Find the business and, for events that do not carry the subscription, read it from Stripe (outside
  // the transaction: no network call while rows are locked).
  let customerId: string | null;
  let subscription: Stripe.Subscription | null = null;
  let invoice: Stripe.Invoice | null = null;
  switch (event.type) {
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      subscription = event.data.object;
      customerId = idOf(subscription.customer);
      break;
    case "checkout.session.completed": {
      const session = event.data.object;
      customerId = idOf(session.customer);
      const subId = idOf(session.subscription);
      subscription = subId ? await stripe().subscriptions.retrieve(subId) : null;
      // client_reference_id must agree with the customer's business; the customer id decides.
      const match = await businessOfCustomer(customerId);
      if (match && session.client_reference_id && session.client_reference_id !== match.businessId) {
        logger.error({ eventId: event.id }, "subscription checkout names another business than its customer; ignored");
        return "ignored";
      }
      break;
    }
    case "invoice.paid":
    case "invoice.payment_failed": {
      invoice = event.data.object;
      customerId = idOf(invoice.customer);
      const subId = invoiceSubscriptionId(invoice);
      subscription = subId ? await stripe().subscriptions.retrieve(subId) : null;
      break;
    }
    default:
      return "ignored";
  }
  const business = await businessOfCustomer(customerId);
  if (!business) {
    logger.warn({ eventId: event.id, type: event.type }, "billing event for a customer that is not ours; ignored");
    return "ignored";
  }
  const { businessId } = business;
  if (subscription && idOf(subscription.customer) !== customerId) return "ignored";

  return prisma.$transaction(async (tx) => {
    if (!(await claimEvent(tx, event))) return "duplicate" as const;
    const result = subscription ? await applySubscription(tx, businessId, subscription, event) : null;
    if (event.type === "customer.subscription.deleted" && result?.applied && result.previousStatus !== "canceled") {
      await queueCanceledEmail(tx, businessId, subscription!.id);
    }
    if (event.type === "invoice.payment_failed" && invoice) {
      await tx.subscription.update({ where: { businessId }, data: { lastPaymentFailedAt: at(event.created), lastPaymentFailedInvoiceId: invoice.id } });
      const to = await owner(tx, businessId);
      if (to) {
        await queueEmail(tx, {
          businessId,
          to: to.email,
          template: "billing-payment-failed",
          // One email per failed attempt of an invoice, however often the event is delivered.
          dedupeKey: `billing:payment-failed:${invoice.id}:${invoice.attempt_count}`,
          ...paymentFailedEmail({
            ownerName: to.name,
            businessName: to.business.name,
            amount: formatMoney(invoice.amount_due, invoice.currency.toUpperCase()),
            nextAttempt: invoice.next_payment_attempt ? new Date(invoice.next_payment_attempt * 1000).toISOString().slice(0, 10) : null,
            url: portalLinkUrl(),
          }),
        });
      }
    }
    return "processed" as const;
  });
}

/** The trial-ending job: one email per business whose trial ends within 3 days and that has no plan. */
export async function sendTrialEndingEmails(options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const due = await businessesWithTrialEnding(now, 3);
  let queued = 0;
  for (const b of due) {
    const daysLeft = Math.max(1, Math.ceil((b.trialEndsAt.getTime() - now.getTime()) / 86_400_000));
    const id = await prisma.$transaction((tx) =>
      queueEmail(tx, {
        businessId: b.businessId,
        to: b.owner.email,
        template: "trial-ending",
        dedupeKey: `billing:trial-ending:${b.businessId}`,
        ...trialEndingEmail({
          ownerName: b.owner.name,
          businessName: b.businessName,
          trialEndsOn: b.trialEndsAt.toISOString().slice(0, 10),
          daysLeft,
          url: subscriptionSettingsUrl(),
        }),
      }),
    );
    if (id) queued++;
  }
  return { scanned: due.length, queued };
}

/** Stripe redelivers an event for 3 days at most; a month of processed ids is plenty (the nightly cleanup). */
export async function pruneProcessedBillingEvents(now = new Date()) {
  const { count } = await prisma.processedBillingEvent.deleteMany({ where: { processedAt: { lt: new Date(now.getTime() - 30 * 86_400_000) } } });
  return count;
}
