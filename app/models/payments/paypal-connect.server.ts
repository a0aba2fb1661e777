// PayPal per business (partner mode, docs/decisions/012-paypal-partner-and-refunds.md): the owner connects
// their own PayPal business account through PayPal's Partner Referrals onboarding, and customers' PayPal
// payments go straight to it (the business is the payee of every order). We keep only the merchant id
// PayPal gives us and what PayPal says about the account; never a credential of the contractor.
//
// The merchant id arrives twice: on the owner's return (merchantIdInPayPal, checked against PayPal's
// merchant-integrations and against our single-use state) and in the MERCHANT.ONBOARDING.COMPLETED
// webhook (matched by our tracking id). MERCHANT.PARTNER-CONSENT.REVOKED, Disconnect and closing the
// account forget it, and the pay page stops offering PayPal at once.
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import {
  createPartnerReferral,
  getMerchantIntegration,
  paypalConfigured,
  paypalPartnerMode,
  type MerchantIntegration,
} from "~/models/payments/paypal-client.server";
import { randomToken } from "~/utils/crypto.server";
import { DomainError } from "~/models/errors.server";
import { isUniqueViolation } from "~/models/user.server";
import { checkConnectState, ConnectStateError, consumeConnectState, newConnectState } from "./connect-state.server";

type Tx = Prisma.TransactionClient;

export type PayPalPayee = {
  paypalMerchantId: string | null;
  paypalPaymentsReceivable: boolean;
  paypalEmailConfirmed: boolean;
};

/** Whether the pay page offers PayPal for this business: always in single-account mode; in partner mode only to a merchant that can be paid. */
export function paypalAvailableFor(business: PayPalPayee) {
  if (!paypalConfigured()) return false;
  if (!paypalPartnerMode()) return true;
  return Boolean(business.paypalMerchantId && business.paypalPaymentsReceivable && business.paypalEmailConfirmed);
}

/** The merchant a new order pays: the business's own account in partner mode, the deployment's otherwise. */
export function paypalPayeeFor(business: PayPalPayee): string | undefined {
  if (!paypalPartnerMode()) return undefined;
  if (!paypalAvailableFor(business)) throw new DomainError("PayPal is not available for this invoice.");
  return business.paypalMerchantId!;
}

/**
 * The provider account a PayPal capture is recorded under (Payment.providerAccountId): the payee merchant
 * in partner mode, which must be the invoice's business's connected merchant (null: not ours, write
 * nothing); "" in single-account mode, where the deployment's own account is the payee.
 */
export async function paypalAccountFor(businessId: string, payeeMerchantId: string | undefined): Promise<string | null> {
  if (!paypalPartnerMode()) return "";
  const business = await prisma.business.findUnique({ where: { id: businessId }, select: { paypalMerchantId: true } });
  if (!business?.paypalMerchantId || payeeMerchantId !== business.paypalMerchantId) return null;
  return payeeMerchantId;
}

const statusFields = (merchant: MerchantIntegration) => ({
  paypalPaymentsReceivable: merchant.payments_receivable,
  paypalEmailConfirmed: merchant.primary_email_confirmed,
  paypalAccountSyncedAt: new Date(),
});

const CLEARED = {
  paypalMerchantId: null,
  paypalTrackingId: null,
  paypalPaymentsReceivable: false,
  paypalEmailConfirmed: false,
  paypalAccountSyncedAt: null,
  paypalConnectedAt: null,
} as const;

/**
 * "Connect PayPal": a partner referral for this business; returns PayPal's sign-up URL to redirect to.
 * The state and tracking id are written only once PayPal answered, so a PayPal failure changes nothing.
 */
export async function startPayPalConnect(input: { businessId: string; sessionId: string; email?: string | null }) {
  if (!paypalPartnerMode()) throw new DomainError("PayPal partner mode is not set up on this server.");
  const state = newConnectState({ businessId: input.businessId, sessionId: input.sessionId, provider: "paypal", purpose: "return" });
  const trackingId = `il-${randomToken(12)}`;
  const returnUrl = `${env().APP_URL}/settings/payments/paypal/return?${new URLSearchParams({ state: state.value })}`;
  const { actionUrl } = await createPartnerReferral({ trackingId, returnUrl, email: input.email });
  await prisma.$transaction([
    prisma.connectState.create({ data: state.row }),
    prisma.business.update({ where: { id: input.businessId }, data: { paypalTrackingId: trackingId } }),
  ]);
  return actionUrl;
}

const MERCHANT_ID = /^[A-Z0-9]{6,20}$/;

/**
 * The owner is back from PayPal. The state must be this session's and business's, unexpired and unused;
 * merchantId must be the tracking id we sent; PayPal must confirm the merchant is ours. Only then, in one
 * transaction, is the state used up and the merchant stored. A PayPal failure leaves everything as it
 * was (the same return URL can be opened again).
 */
export async function finishPayPalConnect(input: { businessId: string; sessionId: string; state: unknown; trackingId: unknown; merchantIdInPayPal: unknown }) {
  const expected = { businessId: input.businessId, sessionId: input.sessionId, provider: "paypal" as const, purpose: "return" as const };
  await checkConnectState(input.state, expected);
  const business = await prisma.business.findUniqueOrThrow({ where: { id: input.businessId }, select: { paypalTrackingId: true } });
  if (typeof input.trackingId !== "string" || !business.paypalTrackingId || input.trackingId !== business.paypalTrackingId) {
    throw new ConnectStateError("This PayPal sign-up was not started from this account. Start connecting again from Settings → Payments.");
  }
  if (typeof input.merchantIdInPayPal !== "string" || !MERCHANT_ID.test(input.merchantIdInPayPal)) {
    throw new ConnectStateError("PayPal did not say which account was connected. Start connecting again from Settings → Payments.");
  }
  const merchant = await getMerchantIntegration(input.merchantIdInPayPal);
  if (merchant.merchant_id !== input.merchantIdInPayPal || (merchant.tracking_id && merchant.tracking_id !== business.paypalTrackingId)) {
    throw new ConnectStateError("PayPal does not know this account as one you connected. Start connecting again from Settings → Payments.");
  }
  try {
    await prisma.$transaction(async (tx) => {
      await consumeConnectState(tx, input.state, expected);
      await tx.business.update({
        where: { id: input.businessId },
        data: { paypalMerchantId: merchant.merchant_id, ...statusFields(merchant), paypalConnectedAt: new Date() },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("This PayPal account is already connected to another Invoice Link business.");
    throw error;
  }
  return merchant;
}

/** Settings → Payments → Disconnect: PayPal stops being offered on pay pages at once. */
export async function disconnectPayPal(businessId: string) {
  await disconnectPayPalInTx(prisma, businessId);
}

/** Also run by closing the account, in its transaction. */
export function disconnectPayPalInTx(tx: Tx | typeof prisma, businessId: string) {
  return tx.business.update({ where: { id: businessId }, data: CLEARED });
}

/** Re-reads a connected merchant's state from PayPal (the settings page); a PayPal failure keeps the stored state. */
export async function refreshPayPalMerchant(businessId: string) {
  const business = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { paypalMerchantId: true } });
  if (!business.paypalMerchantId || !paypalPartnerMode()) return { ok: true as const };
  try {
    const merchant = await getMerchantIntegration(business.paypalMerchantId);
    await prisma.business.updateMany({ where: { id: businessId, paypalMerchantId: business.paypalMerchantId }, data: statusFields(merchant) });
    return { ok: true as const };
  } catch (error) {
    logger.warn({ businessId, err: (error as Error).message }, "paypal merchant status not refreshed");
    return { ok: false as const, message: (error as Error).message };
  }
}

/** What Settings → Payments shows about PayPal. */
export async function paypalConnectStatus(businessId: string) {
  const b = await prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { paypalMerchantId: true, paypalPaymentsReceivable: true, paypalEmailConfirmed: true, paypalAccountSyncedAt: true, paypalConnectedAt: true },
  });
  return {
    configured: paypalConfigured(),
    partnerMode: paypalPartnerMode(),
    merchantId: b.paypalMerchantId,
    paymentsReceivable: b.paypalPaymentsReceivable,
    emailConfirmed: b.paypalEmailConfirmed,
    canReceive: paypalAvailableFor(b),
    syncedAt: b.paypalAccountSyncedAt?.toISOString() ?? null,
    connectedAt: b.paypalConnectedAt?.toISOString() ?? null,
  };
}
export type PayPalConnectStatus = Awaited<ReturnType<typeof paypalConnectStatus>>;

/**
 * MERCHANT.ONBOARDING.COMPLETED: the business whose referral carried this tracking id has finished
 * PayPal's onboarding; its merchant id is stored (confirming the return, or standing in for a return
 * that never came) and PayPal's view of the account is read. A merchant id another business holds, or
 * a tracking id we don't know, writes nothing.
 */
export async function onMerchantOnboardingCompleted(resource: { merchant_id?: string; tracking_id?: string }) {
  if (!resource.merchant_id || !resource.tracking_id || !MERCHANT_ID.test(resource.merchant_id)) return "ignored" as const;
  const business = await prisma.business.findUnique({
    where: { paypalTrackingId: resource.tracking_id },
    select: { id: true, paypalMerchantId: true, closedAt: true },
  });
  if (!business || business.closedAt || (business.paypalMerchantId && business.paypalMerchantId !== resource.merchant_id)) return "ignored" as const;
  let status = {};
  try {
    status = statusFields(await getMerchantIntegration(resource.merchant_id));
  } catch (error) {
    // The id is what PayPal signed; its account state is read again on the settings page.
    logger.warn({ businessId: business.id, err: (error as Error).message }, "paypal merchant status not read");
  }
  try {
    const updated = await prisma.business.updateMany({
      where: { id: business.id, paypalTrackingId: resource.tracking_id, OR: [{ paypalMerchantId: null }, { paypalMerchantId: resource.merchant_id }] },
      data: { paypalMerchantId: resource.merchant_id, ...status },
    });
    if (updated.count) await prisma.business.updateMany({ where: { id: business.id, paypalConnectedAt: null }, data: { paypalConnectedAt: new Date() } });
    return updated.count ? ("processed" as const) : ("ignored" as const);
  } catch (error) {
    if (isUniqueViolation(error)) return "ignored" as const;
    throw error;
  }
}

/** MERCHANT.PARTNER-CONSENT.REVOKED: the merchant withdrew our permissions; forget the account. */
export async function onMerchantConsentRevoked(resource: { merchant_id?: string }) {
  if (!resource.merchant_id) return "ignored" as const;
  const updated = await prisma.business.updateMany({ where: { paypalMerchantId: resource.merchant_id }, data: CLEARED });
  return updated.count ? ("processed" as const) : ("ignored" as const);
}
