// Stripe webhooks: verified with the official library on the raw body, then applied through the one
// payment path. A bad or missing signature, an old timestamp, a body that is not JSON or is huge: 400,
// and nothing is written. This is the platform account's own endpoint: an event from a connected account
// (it carries `account`) belongs on /webhooks/stripe/connect and is acknowledged here without effect.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeEvent } from "~/models/payments/stripe-events.server";
import { logger } from "~/utils/logger.server";
import { readStripeWebhook, stripeConfigured, stripeWebhookSecrets } from "~/models/payments/stripe-client.server";
import { methodNotAllowed, webhookResponse } from "~/utils/webhook.server";

export const loader = () => methodNotAllowed();

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  if (!stripeConfigured()) return webhookResponse(404, "Stripe is not configured");
  const read = await readStripeWebhook(request, stripeWebhookSecrets(), "stripe webhook");
  if ("refusal" in read) return read.refusal;
  const { event } = read;
  const result = event.account ? "ignored" : await handleStripeEvent(event, { endpoint: "platform" });
  logger.info({ eventId: event.id, type: event.type, result }, "stripe webhook");
  return webhookResponse(200, result);
}
