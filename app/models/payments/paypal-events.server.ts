// What a verified PayPal webhook does, through the one payment path. Captures are keyed by their
// capture id, the same id the customer's return (completePayPalReturn) records, so whichever arrives
// second is a no-op. Refunds carry PayPal's running total; disputes name the capture. In partner mode
// a capture counts only when its payee is the invoice's business's connected merchant, and MERCHANT.*
// events connect and disconnect merchants (paypal-connect.server.ts).
import { z } from "zod";
import { CaptureSchema } from "~/models/payments/paypal-client.server";
import { logger } from "~/utils/logger.server";
import { prisma } from "~/utils/db.server";
import { DomainError, NotFoundError } from "~/models/errors.server";
import { paypalAmountCents, recordPayPalCapture } from "./checkout.server";
import { applyProviderDispute, applyProviderRefund, type ProviderChangeResult } from "./payment.server";
import { onMerchantConsentRevoked, onMerchantOnboardingCompleted } from "./paypal-connect.server";

const Merchant = z.object({ merchant_id: z.string().optional(), tracking_id: z.string().optional() });

/** The account a capture was recorded under: capture ids are unique across PayPal, so the id finds it. */
async function accountOfCapture(captureId: string) {
  const payment = await prisma.payment.findFirst({ where: { provider: "paypal", providerPaymentId: captureId }, select: { providerAccountId: true } });
  return payment?.providerAccountId ?? "";
}

type PayPalEventResult = "processed" | "ignored" | "retry";

const Envelope = z.object({ id: z.string(), event_type: z.string(), resource: z.record(z.string(), z.unknown()) });

const Refund = z.object({
  id: z.string(),
  amount: z.object({ currency_code: z.string(), value: z.string() }),
  custom_id: z.string().optional(),
  seller_payable_breakdown: z.object({ total_refunded_amount: z.object({ currency_code: z.string(), value: z.string() }).optional() }).optional(),
  links: z.array(z.object({ href: z.string(), rel: z.string() })).default([]),
});

const Dispute = z.object({
  dispute_id: z.string(),
  disputed_transactions: z.array(z.object({ seller_transaction_id: z.string() })).min(1),
  dispute_outcome: z.object({ outcome_code: z.string() }).optional(),
});

/** The capture a refund belongs to is the last path segment of its "up" link. */
const captureIdOf = (links: { href: string; rel: string }[]) => links.find((l) => l.rel === "up")?.href.match(/\/captures\/([^/?#]+)/)?.[1] ?? null;

function asResult(change: ProviderChangeResult): PayPalEventResult {
  // Not recorded yet (the capture event is still on its way): answer non-2xx so PayPal retries.
  return change.status === "unknown-payment" ? "retry" : "processed";
}

export function parsePayPalEvent(body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = Envelope.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export async function handlePayPalEvent(event: z.infer<typeof Envelope>): Promise<PayPalEventResult> {
  try {
    switch (event.event_type) {
      case "PAYMENT.CAPTURE.COMPLETED":
      case "PAYMENT.CAPTURE.PENDING":
      case "PAYMENT.CAPTURE.DENIED":
      case "PAYMENT.CAPTURE.DECLINED": {
        const capture = CaptureSchema.parse(event.resource);
        if (!capture.custom_id) return "ignored";
        const invoice = await prisma.invoice.findUnique({ where: { id: capture.custom_id }, select: { id: true, businessId: true } });
        if (!invoice) return "ignored";
        const result = await recordPayPalCapture({ ...capture, status: event.event_type === "PAYMENT.CAPTURE.DENIED" ? "DECLINED" : capture.status }, invoice);
        return result ? "processed" : "ignored";
      }
      case "PAYMENT.CAPTURE.REFUNDED":
      case "PAYMENT.CAPTURE.REVERSED": {
        const refund = Refund.parse(event.resource);
        const captureId = captureIdOf(refund.links);
        if (!captureId) return "ignored";
        const total = paypalAmountCents(refund.seller_payable_breakdown?.total_refunded_amount ?? refund.amount);
        return asResult(await applyProviderRefund("paypal", captureId, total, await accountOfCapture(captureId)));
      }
      case "CUSTOMER.DISPUTE.CREATED":
      case "CUSTOMER.DISPUTE.RESOLVED": {
        const dispute = Dispute.parse(event.resource);
        const outcome =
          event.event_type === "CUSTOMER.DISPUTE.CREATED" ? "opened" : dispute.dispute_outcome?.outcome_code === "RESOLVED_SELLER_FAVOUR" ? "won" : "lost";
        const captureId = dispute.disputed_transactions[0].seller_transaction_id;
        return asResult(await applyProviderDispute("paypal", captureId, { id: dispute.dispute_id, outcome }, await accountOfCapture(captureId)));
      }
      case "MERCHANT.ONBOARDING.COMPLETED":
        return await onMerchantOnboardingCompleted(Merchant.parse(event.resource));
      case "MERCHANT.PARTNER-CONSENT.REVOKED":
        return await onMerchantConsentRevoked(Merchant.parse(event.resource));
      default:
        return "ignored";
    }
  } catch (error) {
    if (error instanceof z.ZodError || error instanceof DomainError || error instanceof NotFoundError || (error as { status?: number }).status === 404) {
      logger.error({ eventId: event.id, type: event.event_type, err: (error as Error).message }, "paypal event not applied");
      return "ignored";
    }
    throw error;
  }
}
