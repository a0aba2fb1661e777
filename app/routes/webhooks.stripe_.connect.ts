// Stripe Connect webhooks (/webhooks/stripe/connect): events from the businesses' connected accounts,
// each carrying `account`, verified on the raw body with STRIPE_CONNECT_WEBHOOK_SECRET (a comma list), then
// handled by the same code as the platform endpoint with the account as context
// (docs/decisions/011-connected-accounts.md). A bad signature: 400 and nothing written. An event without
// an account, or about another business's invoice: 200 and nothing written.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeEvent } from "~/models/stripe-events.server";
import { logger } from "~/utils/logger.server";
import { stripeConnectWebhookSecrets, stripeMode, verifyStripeWebhook } from "~/utils/stripe.server";
import { bodyTooLarge, methodNotAllowed, readRawBody, webhookResponse } from "~/utils/webhook.server";

export const loader = () => methodNotAllowed();

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  if (stripeMode() !== "connect") return webhookResponse(404, "Stripe Connect is not configured");
  const signature = request.headers.get("stripe-signature");
  if (!signature) return webhookResponse(400, "Missing Stripe-Signature header");
  const body = await readRawBody(request);
  if (body === null) return bodyTooLarge();
  let event;
  try {
    event = verifyStripeWebhook(body, signature, stripeConnectWebhookSecrets());
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "stripe connect webhook refused");
    return webhookResponse(400, "Invalid signature");
  }
  const account = typeof event.account === "string" && /^acct_[A-Za-z0-9]+$/.test(event.account) ? event.account : null;
  const result = account ? await handleStripeEvent(event, { endpoint: "connect", account }) : "ignored";
  logger.info({ eventId: event.id, type: event.type, account, result }, "stripe connect webhook");
  return webhookResponse(200, result);
}
