// Stripe Connect webhooks (/webhooks/stripe/connect): events from the businesses' connected accounts,
// each carrying `account`, verified on the raw body with STRIPE_CONNECT_WEBHOOK_SECRET (a comma list), then
// handled by the same code as the platform endpoint with the account as context
// (docs/decisions/011-connected-accounts.md). A bad signature: 400 and nothing written. An event without
// an account, or about another business's invoice: 200 and nothing written.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeEvent } from "~/models/payments/stripe-events.server";
import { logger } from "~/utils/logger.server";
import { readStripeWebhook, stripeConnectWebhookSecrets, stripeMode } from "~/models/payments/stripe-client.server";
import { methodNotAllowed, webhookResponse } from "~/utils/webhook.server";

export const loader = () => methodNotAllowed();

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  if (stripeMode() !== "connect") return webhookResponse(404, "Stripe Connect is not configured");
  const read = await readStripeWebhook(request, stripeConnectWebhookSecrets(), "stripe connect webhook");
  if ("refusal" in read) return read.refusal;
  const { event } = read;
  const account = typeof event.account === "string" && /^acct_[A-Za-z0-9]+$/.test(event.account) ? event.account : null;
  const result = account ? await handleStripeEvent(event, { endpoint: "connect", account }) : "ignored";
  logger.info({ eventId: event.id, type: event.type, account, result }, "stripe connect webhook");
  return webhookResponse(200, result);
}
