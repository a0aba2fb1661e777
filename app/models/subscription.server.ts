// Invoice Link's own subscription (Stripe Billing on the platform account; docs/decisions/014). Plans come
// from the environment: with no Price ids the deployment is free (self-hosted) and nothing is blocked.
// Otherwise a new business gets a trial of TRIAL_DAYS from its creation, then needs a subscription. The
// state is what the webhooks last reported (billing-events.server.ts); this module derives what it allows,
// guards the domain's creating and sending entry points (`assertCanWrite`), and starts the Stripe flows
// the settings page offers (Checkout, the Customer Portal, cancel at period end, resume, cancel now).
import type Stripe from "stripe";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { stripe, stripeConfigured } from "~/models/payments/stripe-client.server";
import { DomainError, ReadOnlyAccountError } from "./errors.server";

type Tx = Prisma.TransactionClient;
const DAY_MS = 86_400_000;

type PlanId = "monthly" | "yearly";
type Plan = { id: PlanId; priceId: string; label: string };

/** The plans this deployment sells; empty = free self-hosted mode. */
export function plans(): Plan[] {
  const { STRIPE_PRICE_MONTHLY, STRIPE_PRICE_YEARLY } = env();
  return [
    ...(STRIPE_PRICE_MONTHLY ? [{ id: "monthly" as const, priceId: STRIPE_PRICE_MONTHLY, label: "Monthly" }] : []),
    ...(STRIPE_PRICE_YEARLY ? [{ id: "yearly" as const, priceId: STRIPE_PRICE_YEARLY, label: "Yearly" }] : []),
  ];
}

function billingEnabled() {
  return plans().length > 0;
}

/** Stripe statuses under which a subscription still exists to manage (portal, cancel, resume). */
const LIVE = new Set(["trialing", "active", "past_due", "unpaid", "paused", "incomplete"]);

export type Access = "free" | "trial" | "active" | "past_due" | "read_only";
type ReadOnlyReason = ReadOnlyAccountError["reason"];

type SubscriptionRow = {
  status: string | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  priceId: string | null;
  interval: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  endedAt: Date | null;
  stripeTrialEnd: Date | null;
  lastPaymentFailedAt: Date | null;
};

type BillingState = {
  access: Access;
  readOnlyReason: ReadOnlyReason | null;
  /** Stripe's status of the current subscription, if any. */
  status: string | null;
  /** The app's own trial (no card), from the business's creation. */
  trialEndsAt: Date | null;
  trialDaysLeft: number | null;
  plan: PlanId | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  stripeTrialEnd: Date | null;
  /** A subscription exists at Stripe that can be managed, cancelled or resumed. */
  hasLiveSubscription: boolean;
  hasCustomer: boolean;
};

/** When the app's trial of a business ends. */
function trialEndOf(createdAt: Date, trialDays = env().TRIAL_DAYS) {
  return new Date(createdAt.getTime() + trialDays * DAY_MS);
}

/** What a subscription state allows (pure: the state, the trial, the clock). */
export function deriveBillingState(input: {
  enabled: boolean;
  businessCreatedAt: Date;
  trialDays: number;
  sub: SubscriptionRow | null;
  prices?: Plan[];
  now?: Date;
}): BillingState {
  const now = input.now ?? new Date();
  const sub = input.sub;
  const status = sub?.status ?? null;
  const trialEndsAt = trialEndOf(input.businessCreatedAt, input.trialDays);
  const base = {
    status,
    trialEndsAt: input.enabled ? trialEndsAt : null,
    trialDaysLeft: input.enabled ? Math.max(0, Math.ceil((trialEndsAt.getTime() - now.getTime()) / DAY_MS)) : null,
    plan:
      (input.prices ?? []).find((p) => p.priceId === sub?.priceId)?.id ?? (sub?.interval === "year" ? "yearly" : sub?.interval === "month" ? "monthly" : null),
    currentPeriodEnd: sub?.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false,
    cancelAt: sub?.cancelAt ?? null,
    stripeTrialEnd: sub?.stripeTrialEnd ?? null,
    hasLiveSubscription: Boolean(sub?.stripeSubscriptionId && status && LIVE.has(status)),
    hasCustomer: Boolean(sub?.stripeCustomerId),
  };
  if (!input.enabled) return { ...base, access: "free", readOnlyReason: null };
  if (status === "active" || status === "trialing") return { ...base, access: "active", readOnlyReason: null };
  if (status === "past_due") return { ...base, access: "past_due", readOnlyReason: null };
  if (status === "unpaid" || status === "paused") return { ...base, access: "read_only", readOnlyReason: "unpaid" };
  // No subscription, or one that never started (incomplete) or ended: the app's trial decides.
  if (now < trialEndsAt) return { ...base, access: "trial", readOnlyReason: null };
  return { ...base, access: "read_only", readOnlyReason: status === "canceled" ? "canceled" : "trial_ended" };
}

const SUBSCRIPTION_SELECT = {
  status: true,
  stripeCustomerId: true,
  stripeSubscriptionId: true,
  priceId: true,
  interval: true,
  currentPeriodEnd: true,
  cancelAtPeriodEnd: true,
  cancelAt: true,
  endedAt: true,
  stripeTrialEnd: true,
  lastPaymentFailedAt: true,
} satisfies Prisma.SubscriptionSelect;

/** The billing state of one business (its own row only). */
export async function getBillingState(businessId: string, options: { tx?: Tx; now?: Date } = {}): Promise<BillingState> {
  const db = options.tx ?? prisma;
  const business = await db.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { createdAt: true, subscription: { select: SUBSCRIPTION_SELECT } },
  });
  return deriveBillingState({
    enabled: billingEnabled(),
    businessCreatedAt: business.createdAt,
    trialDays: env().TRIAL_DAYS,
    sub: business.subscription,
    prices: plans(),
    now: options.now,
  });
}

/**
 * The one guard of the domain's creating and sending entry points (invoices, estimates, conversion,
 * recurring runs, reminders, sends): throws ReadOnlyAccountError when the subscription does not allow
 * it. Reading, paying existing links, exporting and closing the account never call this.
 */
export async function assertCanWrite(businessId: string, options: { tx?: Tx; now?: Date } = {}) {
  if (!billingEnabled()) return;
  const state = await getBillingState(businessId, options);
  if (state.access === "read_only") throw new ReadOnlyAccountError(state.readOnlyReason ?? "trial_ended");
}

/** Of these businesses, the ones that may not create or send now (the scheduled jobs skip them). */
export async function readOnlyBusinessIds(businessIds: string[], now = new Date()): Promise<Set<string>> {
  if (!billingEnabled() || !businessIds.length) return new Set();
  const rows = await prisma.business.findMany({
    where: { id: { in: [...new Set(businessIds)] } },
    select: { id: true, createdAt: true, subscription: { select: SUBSCRIPTION_SELECT } },
  });
  const prices = plans();
  return new Set(
    rows
      .filter(
        (b) =>
          deriveBillingState({ enabled: true, businessCreatedAt: b.createdAt, trialDays: env().TRIAL_DAYS, sub: b.subscription, prices, now }).access ===
          "read_only",
      )
      .map((b) => b.id),
  );
}

const settingsUrl = (query = "") => `${env().APP_URL}/settings/subscription${query}`;
/** Our page that opens the Customer Portal (emails link here; portal sessions expire, this does not). */
export const portalLinkUrl = () => `${env().APP_URL}/settings/subscription/portal`;

function requireBilling() {
  if (!billingEnabled()) throw new DomainError("This deployment of Invoice Link is free: there is nothing to subscribe to.");
}

/**
 * The business's Stripe customer on the platform account, created on first use. The idempotency key
 * makes a double click (or two tabs) create one customer; the unique column keeps one per business.
 */
async function ensureCustomer(businessId: string): Promise<string> {
  const existing = await prisma.subscription.findUnique({ where: { businessId }, select: { stripeCustomerId: true } });
  if (existing?.stripeCustomerId) return existing.stripeCustomerId;
  const business = await prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { name: true, users: { where: { role: "OWNER" }, orderBy: { createdAt: "asc" }, take: 1, select: { email: true } } },
  });
  const customer = await stripe().customers.create(
    { name: business.name, email: business.users[0]?.email, metadata: { businessId } },
    { idempotencyKey: `invoice-link-customer:${businessId}` },
  );
  await prisma.subscription.upsert({
    where: { businessId },
    create: { businessId, stripeCustomerId: customer.id },
    update: { stripeCustomerId: customer.id },
  });
  return customer.id;
}

/** Checkout can only start a trial that ends at least this far ahead (Stripe's minimum is 48 hours). */
const MIN_STRIPE_TRIAL_MS = 49 * 3600_000;

/**
 * A Checkout Session in subscription mode for a plan; returns Stripe's hosted page URL. The days left of
 * the app's trial carry over as Stripe's trial_end, so subscribing early does not cost trial days. The
 * business travels as client_reference_id and metadata, but the webhook trusts only the customer id,
 * which this app created for the business.
 */
export async function startSubscriptionCheckout(businessId: string, planId: string): Promise<string> {
  requireBilling();
  const plan = plans().find((p) => p.id === planId);
  if (!plan) throw new DomainError("Choose one of the plans", "plan");
  const state = await getBillingState(businessId);
  if (state.hasLiveSubscription) throw new DomainError("You already have a subscription. Use Manage billing to change it.");
  const customer = await ensureCustomer(businessId);
  const trialEnd =
    state.access === "trial" && state.trialEndsAt && state.trialEndsAt.getTime() - Date.now() > MIN_STRIPE_TRIAL_MS
      ? Math.floor(state.trialEndsAt.getTime() / 1000)
      : undefined;
  const session = await stripe().checkout.sessions.create(
    {
      mode: "subscription",
      customer,
      client_reference_id: businessId,
      line_items: [{ price: plan.priceId, quantity: 1 }],
      metadata: { businessId, purpose: "invoice-link-subscription" },
      subscription_data: { metadata: { businessId }, ...(trialEnd ? { trial_end: trialEnd } : {}) },
      success_url: settingsUrl("?checkout=success"),
      cancel_url: settingsUrl("?checkout=cancelled"),
    },
    // A double click (or a retry) within the minute gets the same session, not a second one.
    { idempotencyKey: `invoice-link-checkout:${businessId}:${plan.id}:${trialEnd ?? 0}:${Math.floor(Date.now() / 60_000)}` },
  );
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  return session.url;
}

/** A Customer Portal session (card changes, billing history, invoices); returns its URL. */
export async function openBillingPortal(businessId: string): Promise<string> {
  requireBilling();
  const row = await prisma.subscription.findUnique({ where: { businessId }, select: { stripeCustomerId: true } });
  if (!row?.stripeCustomerId) throw new DomainError("There is no billing account yet: choose a plan first.");
  const session = await stripe().billingPortal.sessions.create({ customer: row.stripeCustomerId, return_url: settingsUrl() });
  return session.url;
}

/**
 * Cancel at the end of the period (true) or resume before it ends (false), through the Stripe API.
 * The page shows the change when Stripe's customer.subscription.updated arrives, not before.
 */
export async function setCancelAtPeriodEnd(businessId: string, cancel: boolean) {
  requireBilling();
  const state = await getBillingState(businessId);
  const row = await prisma.subscription.findUnique({ where: { businessId }, select: { stripeSubscriptionId: true } });
  if (!state.hasLiveSubscription || !row?.stripeSubscriptionId) throw new DomainError("There is no subscription to change.");
  if (!cancel && state.status === "canceled") throw new DomainError("The subscription has ended; subscribe again instead.");
  await stripe().subscriptions.update(
    row.stripeSubscriptionId,
    { cancel_at_period_end: cancel },
    { idempotencyKey: `invoice-link-cancel:${row.stripeSubscriptionId}:${cancel}:${Math.floor(Date.now() / 60_000)}` },
  );
}

/**
 * Closing the account: the subscription ends now (no further charges), before any data goes. A
 * subscription Stripe no longer knows is already gone. Other failures throw, so the closure stops and
 * the owner can retry rather than keep paying for a deleted account.
 */
export async function cancelSubscriptionNow(businessId: string) {
  const row = await prisma.subscription.findUnique({ where: { businessId }, select: { stripeSubscriptionId: true, status: true } });
  if (!row?.stripeSubscriptionId || !row.status || !LIVE.has(row.status) || !stripeConfigured()) return false;
  try {
    await stripe().subscriptions.cancel(row.stripeSubscriptionId, { invoice_now: false, prorate: false });
  } catch (error) {
    if ((error as Stripe.errors.StripeError).statusCode === 404) return false;
    throw error;
  }
  logger.info({ businessId }, "subscription cancelled at once for an account closure");
  return true;
}

/** The trial-ending email: businesses whose app trial ends within `days` and that have no live subscription. */
export async function businessesWithTrialEnding(now: Date, days = 3) {
  if (!billingEnabled()) return [];
  const trialMs = env().TRIAL_DAYS * DAY_MS;
  // createdAt + trial in (now, now + days]  <=>  createdAt in (now - trial, now - trial + days].
  const rows = await prisma.business.findMany({
    where: {
      closedAt: null,
      createdAt: { gt: new Date(now.getTime() - trialMs), lte: new Date(now.getTime() - trialMs + days * DAY_MS) },
      OR: [{ subscription: null }, { subscription: { OR: [{ status: null }, { status: { notIn: [...LIVE] } }] } }],
    },
    select: {
      id: true,
      name: true,
      createdAt: true,
      users: { where: { role: "OWNER" }, orderBy: { createdAt: "asc" }, take: 1, select: { email: true, name: true } },
    },
    take: 1000,
  });
  return rows.flatMap((b) => (b.users[0] ? [{ businessId: b.id, businessName: b.name, trialEndsAt: trialEndOf(b.createdAt), owner: b.users[0] }] : []));
}

export { settingsUrl as subscriptionSettingsUrl };

type BillingBanner = { kind: "past_due" | "read_only" | "trial_ending"; message: string };

/** The line every signed-in page shows while the plan needs attention (root.tsx), or null. */
export async function billingBanner(businessId: string): Promise<BillingBanner | null> {
  if (!billingEnabled()) return null;
  const state = await getBillingState(businessId);
  if (state.access === "past_due")
    return { kind: "past_due", message: "Your last Invoice Link payment failed. Stripe is retrying your card; update it to keep your account active." };
  if (state.access === "read_only") return { kind: "read_only", message: new ReadOnlyAccountError(state.readOnlyReason ?? "trial_ended").message };
  if (state.access === "trial" && state.trialDaysLeft !== null && state.trialDaysLeft <= 3) {
    return {
      kind: "trial_ending",
      message: `Your free trial ends in ${state.trialDaysLeft} day${state.trialDaysLeft === 1 ? "" : "s"}. Choose a plan to keep creating and sending.`,
    };
  }
  return null;
}
