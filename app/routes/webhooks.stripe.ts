// Stripe webhooks: verified with the official library on the raw body, then applied through the one
// payment path. A bad or missing signature, an old timestamp, a body that is not JSON or is huge: 400,
// and nothing is written. This is the platform account's own endpoint: an event from a connected account
// (it carries `account`) belongs on /webhooks/stripe/connect and is acknowledged here without effect.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeEvent } from "~/models/stripe-events.server";
import { logger } from "~/utils/logger.server";
import { stripeConfigured, verifyStripeWebhook } from "~/utils/stripe.server";
import { bodyTooLarge, methodNotAllowed, readRawBody, webhookResponse } from "~/utils/webhook.server";

export const loader = () => methodNotAllowed();

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  if (!stripeConfigured()) return webhookResponse(404, "Stripe is not configured");
  const signature = request.headers.get("stripe-signature");
  if (!signature) return webhookResponse(400, "Missing Stripe-Signature header");
  const body = await readRawBody(request);
  if (body === null) return bodyTooLarge();
  let event;
  try {
    event = verifyStripeWebhook(body, signature);
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "stripe webhook refused");
    return webhookResponse(400, "Invalid signature");
  }
  const result = event.account ? "ignored" : await handleStripeEvent(event, { endpoint: "platform" });
  logger.info({ eventId: event.id, type: event.type, result }, "stripe webhook");
  return webhookResponse(200, result);
}
