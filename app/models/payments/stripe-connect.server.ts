// Stripe Connect for a business (docs/decisions/011-connected-accounts.md): creating its Standard connected
// account, the hosted-onboarding round trip with single-use states bound to the signed-in session, the
// account's live state for Settings → Payments, and disconnecting. Webhooks (account.updated,
// account.application.deauthorized) and account closure change the stored state through here too.
// Only the account id and a cached copy of its state are stored: never a key of the contractor's.
import Stripe from "stripe";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { applicationFeeBps, stripe, stripeMode } from "~/models/payments/stripe-client.server";
import { DomainError } from "~/models/errors.server";
import { checkConnectState, ConnectStateError, consumeConnectState, newConnectState } from "./connect-state.server";
import { formatBps, requirementLabels, type StripeSettings } from "./stripe-connect";

/** How long an onboarding round trip may take before its state is refused. */
export const CONNECT_STATE_TTL_MS = 30 * 60 * 1000;

/** Where the contractor manages a Standard account: their own full Stripe dashboard (they sign in themselves). */
const STRIPE_DASHBOARD_URL = "https://dashboard.stripe.com/";

/** Every stored trace of a connected account: disconnecting, deauthorization and closing the account clear them all. */
export const STRIPE_ACCOUNT_CLEARED = {
  stripeAccountId: null,
  stripeAccountType: null,
  stripeChargesEnabled: false,
  stripePayoutsEnabled: false,
  stripeDetailsSubmitted: false,
  stripeRequirementsDue: [],
  stripeBankLast4: null,
  stripeAccountSyncedAt: null,
  stripeConnectedAt: null,
} satisfies Prisma.BusinessUpdateInput;

type StripeStatePurpose = "refresh" | "return";

/** A state for the URL, and the hash stored for it (the value itself is never stored). */
function newStates(businessId: string, sessionId: string) {
  const state = (purpose: StripeStatePurpose) => newConnectState({ businessId, sessionId, provider: "stripe", purpose, ttlMs: CONNECT_STATE_TTL_MS });
  return { refresh: state("refresh"), return: state("return") };
}

/** A plain sentence for a Stripe failure the contractor can retry; null when the error is not Stripe's. */
function stripeProblem(error: unknown): string | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  if (error instanceof Stripe.errors.StripeConnectionError) return "Stripe did not answer in time. Nothing was changed; please try again in a minute.";
  const status = error.statusCode ? ` (HTTP ${error.statusCode})` : "";
  const said = error.message ? `: “${error.message}”` : "";
  if ((error.statusCode ?? 500) >= 500) return `Stripe had a problem${status}${said}. Nothing was changed; please try again in a minute.`;
  return `Stripe refused the request${status}${said}. Nothing was changed.`;
}

function stripeUrls(states: Record<StripeStatePurpose, { value: string }>) {
  const base = `${env().APP_URL}/settings/payments/stripe`;
  return { refresh_url: `${base}/refresh?state=${states.refresh.value}`, return_url: `${base}/return?state=${states.return.value}` };
}

function stateRows(states: ReturnType<typeof newStates>) {
  return [states.refresh.row, states.return.row];
}

function requireConnectMode() {
  if (stripeMode() !== "connect") throw new DomainError("Connecting a Stripe account is not available on this deployment.");
}

/** The cached copy of an account's state, as Stripe has it now. */
function snapshotOf(account: Stripe.Account) {
  const banks = (account.external_accounts?.data ?? []).filter((e): e is Stripe.BankAccount => e.object === "bank_account");
  const bank = banks.find((b) => b.default_for_currency) ?? banks[0];
  return {
    stripeChargesEnabled: account.charges_enabled ?? false,
    stripePayoutsEnabled: account.payouts_enabled ?? false,
    stripeDetailsSubmitted: account.details_submitted ?? false,
    stripeRequirementsDue: account.requirements?.currently_due ?? [],
    stripeBankLast4: bank?.last4 ?? null,
    stripeAccountSyncedAt: new Date(),
  } satisfies Prisma.BusinessUpdateInput;
}

type OnboardingResult = { ok: true; url: string } | { ok: false; message: string };

/**
 * "Connect Stripe" and "Continue setup": creates the business's connected account if it has none, then an
 * Account Link to Stripe's hosted onboarding whose return and refresh URLs carry fresh single-use states.
 * Both Stripe calls happen before anything is written, so a Stripe failure changes no row; the account's
 * idempotency key makes a retry (or a double click) find the same account instead of a second one.
 */
export async function startStripeOnboarding(businessId: string, sessionId: string): Promise<OnboardingResult> {
  requireConnectMode();
  const business = await prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { name: true, email: true, website: true, stripeAccountId: true },
  });
  const states = newStates(businessId, sessionId);
  let accountId = business.stripeAccountId;
  let url: string;
  try {
    if (!accountId) {
      const account = await stripe().accounts.create(
        {
          // Standard: the contractor's own Stripe account and dashboard; Stripe collects the requirements
          // and carries the negative-balance risk; the contractor pays Stripe's fees (decision 011).
          controller: { stripe_dashboard: { type: "full" }, requirement_collection: "stripe", losses: { payments: "stripe" }, fees: { payer: "account" } },
          ...(business.email ? { email: business.email } : {}),
          business_profile: {
            name: business.name.slice(0, 100),
            ...(business.website && /^https?:\/\//.test(business.website) ? { url: business.website } : {}),
          },
          metadata: { businessId },
        },
        { idempotencyKey: `connect-account:${businessId}` },
      );
      accountId = account.id;
    }
    const link = await stripe().accountLinks.create({ account: accountId, type: "account_onboarding", ...stripeUrls(states) });
    url = link.url;
  } catch (error) {
    const problem = stripeProblem(error);
    if (!problem) throw error;
    logger.warn({ businessId, err: (error as Error).message }, "stripe onboarding could not start");
    return { ok: false, message: problem };
  }
  const created = accountId;
  await prisma.$transaction(async (tx) => {
    if (!business.stripeAccountId) {
      const claimed = await tx.business.updateMany({
        where: { id: businessId, stripeAccountId: null },
        data: { stripeAccountId: created, stripeAccountType: "standard", stripeConnectedAt: new Date() },
      });
      if (!claimed.count) {
        // A second click saved first; with the same idempotency key it is the same account.
        const now = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { stripeAccountId: true } });
        if (now.stripeAccountId !== created) throw new DomainError("Stripe was connected from another tab at the same moment. Reload the page.");
      }
    }
    await tx.connectState.createMany({ data: stateRows(states) });
  });
  return { ok: true, url };
}

/** A state that is forged, expired, used, or another session's or business's: the route answers 400. */
export class InvalidConnectState extends ConnectStateError {
  constructor() {
    super("This Stripe link is not valid for you any more. Start again from Settings → Payments.");
    this.name = "InvalidConnectState";
  }
}

const invalid = () => new InvalidConnectState();
const expectedState = (purpose: StripeStatePurpose, businessId: string, sessionId: string) => ({ businessId, sessionId, provider: "stripe" as const, purpose });

/**
 * Stripe sent the owner back to refresh_url (the Account Link expired or was used): a new link with new
 * states. Checked first, then Stripe, then the old state is spent and the new ones stored together, so a
 * Stripe failure leaves the old state usable for a retry.
 */
export async function refreshStripeOnboarding(state: string | null, businessId: string, sessionId: string): Promise<OnboardingResult> {
  requireConnectMode();
  await checkConnectState(state, expectedState("refresh", businessId, sessionId), invalid);
  const business = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { stripeAccountId: true } });
  if (!business.stripeAccountId) throw new InvalidConnectState();
  const states = newStates(businessId, sessionId);
  let url: string;
  try {
    url = (await stripe().accountLinks.create({ account: business.stripeAccountId, type: "account_onboarding", ...stripeUrls(states) })).url;
  } catch (error) {
    const problem = stripeProblem(error);
    if (!problem) throw error;
    return { ok: false, message: problem };
  }
  await prisma.$transaction(async (tx) => {
    await consumeConnectState(tx, state, expectedState("refresh", businessId, sessionId), { spendSiblings: true, error: invalid });
    await tx.connectState.createMany({ data: stateRows(states) });
  });
  return { ok: true, url };
}

type ReturnResult = { ok: true; chargesEnabled: boolean } | { ok: false; message: string };

/**
 * The owner came back from onboarding: read the account from Stripe (the return itself proves nothing),
 * then spend the state and store what Stripe said, together. A Stripe failure spends nothing: reloading
 * the return URL tries again.
 */
export async function completeStripeOnboarding(state: string | null, businessId: string, sessionId: string): Promise<ReturnResult> {
  requireConnectMode();
  await checkConnectState(state, expectedState("return", businessId, sessionId), invalid);
  const business = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { stripeAccountId: true } });
  if (!business.stripeAccountId) throw new InvalidConnectState();
  let account: Stripe.Account;
  try {
    account = await stripe().accounts.retrieve(business.stripeAccountId);
  } catch (error) {
    const problem = stripeProblem(error);
    if (!problem) throw error;
    return { ok: false, message: problem };
  }
  const snapshot = snapshotOf(account);
  await prisma.$transaction(async (tx) => {
    await consumeConnectState(tx, state, expectedState("return", businessId, sessionId), { spendSiblings: true, error: invalid });
    await tx.business.updateMany({ where: { id: businessId, stripeAccountId: account.id }, data: snapshot });
  });
  return { ok: true, chargesEnabled: snapshot.stripeChargesEnabled };
}

const ACCOUNT_FIELDS = {
  stripeAccountId: true,
  stripeChargesEnabled: true,
  stripePayoutsEnabled: true,
  stripeDetailsSubmitted: true,
  stripeRequirementsDue: true,
  stripeBankLast4: true,
  stripeAccountSyncedAt: true,
} satisfies Prisma.BusinessSelect;

/**
 * Settings → Payments: the account's live state from Stripe (and the cache refreshed with it). When
 * Stripe fails, the cached state and what Stripe answered; no row changes then.
 */
export async function stripeSettings(businessId: string): Promise<StripeSettings> {
  const mode = stripeMode();
  const feeBps = applicationFeeBps();
  const base = { mode, feeBps, feeText: formatBps(feeBps), dashboardUrl: STRIPE_DASHBOARD_URL };
  if (mode !== "connect") return { ...base, account: null };
  const cached = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: ACCOUNT_FIELDS });
  if (!cached.stripeAccountId) return { ...base, account: null };
  let view = cached;
  let problem: string | null = null;
  try {
    const account = await stripe().accounts.retrieve(cached.stripeAccountId);
    const snapshot = snapshotOf(account);
    // Only while it is still this business's account: a disconnect in between wins.
    await prisma.business.updateMany({ where: { id: businessId, stripeAccountId: account.id }, data: snapshot });
    view = { ...cached, ...snapshot };
  } catch (error) {
    problem = stripeProblem(error);
    if (!problem) throw error;
    logger.warn({ businessId, err: (error as Error).message }, "stripe account could not be read");
  }
  return {
    ...base,
    account: {
      id: cached.stripeAccountId,
      chargesEnabled: view.stripeChargesEnabled,
      payoutsEnabled: view.stripePayoutsEnabled,
      detailsSubmitted: view.stripeDetailsSubmitted,
      requirementsDue: requirementLabels(view.stripeRequirementsDue),
      bankLast4: view.stripeBankLast4,
      syncedAt: view.stripeAccountSyncedAt?.toISOString() ?? null,
      live: problem === null,
      problem,
    },
  };
}

/**
 * "Disconnect": Stripe stops being offered on this business's pay pages at once. The Standard account
 * stays the contractor's (with its money and history); payments already taken keep their account id, so
 * their refunds and disputes still land on the right payment. Returns false when nothing was connected.
 */
export async function disconnectStripe(businessId: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const cleared = await tx.business.updateMany({ where: { id: businessId, stripeAccountId: { not: null } }, data: STRIPE_ACCOUNT_CLEARED });
    await tx.connectState.deleteMany({ where: { businessId, provider: "stripe", usedAt: null } });
    return cleared.count > 0;
  });
}

/** account.updated on the Connect endpoint: the cached state of whichever business owns the account. */
export async function syncStripeAccount(account: Stripe.Account): Promise<boolean> {
  const updated = await prisma.business.updateMany({ where: { stripeAccountId: account.id }, data: snapshotOf(account) });
  return updated.count > 0;
}

/** account.application.deauthorized: the contractor revoked our access from their dashboard. */
export async function deauthorizeStripeAccount(accountId: string): Promise<boolean> {
  const cleared = await prisma.business.updateMany({ where: { stripeAccountId: accountId }, data: STRIPE_ACCOUNT_CLEARED });
  if (cleared.count) logger.info({ account: accountId }, "stripe account deauthorized our platform");
  return cleared.count > 0;
}

/** The connected account a business's checkout runs on, when it can take charges (connect mode). */
export function chargeableStripeAccount(business: { stripeAccountId: string | null; stripeChargesEnabled: boolean }): string | null {
  return stripeMode() === "connect" && business.stripeAccountId && business.stripeChargesEnabled ? business.stripeAccountId : null;
}

/** True when `accountId` is the connected account of `businessId` right now: the Connect webhook's ownership check. */
export async function isBusinessStripeAccount(businessId: string, accountId: string): Promise<boolean> {
  return (await prisma.business.count({ where: { id: businessId, stripeAccountId: accountId } })) === 1;
}
