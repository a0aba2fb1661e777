// PayPal webhooks: verified by transmission signature (the certificate fetched only from a PayPal host,
// then cached), then applied through the one payment path. Failed verification: 401, nothing written.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handlePayPalEvent, parsePayPalEvent } from "~/models/payments/paypal-events.server";
import { logger } from "~/utils/logger.server";
import { paypalConfigured, paypalHeaders, verifyPayPalWebhook } from "~/models/payments/paypal-client.server";
import { bodyTooLarge, methodNotAllowed, readRawBody, webhookResponse } from "~/utils/webhook.server";

export const loader = () => methodNotAllowed();

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed();
  if (!paypalConfigured()) return webhookResponse(404, "PayPal is not configured");
  const body = await readRawBody(request);
  if (body === null) return bodyTooLarge();
  const failure = await verifyPayPalWebhook(body, paypalHeaders(request.headers));
  if (failure) {
    logger.warn({ reason: failure }, "paypal webhook refused");
    return webhookResponse(401, "Webhook signature verification failed");
  }
  const event = parsePayPalEvent(body);
  if (!event) return webhookResponse(400, "Not a PayPal event");
  const result = await handlePayPalEvent(event);
  logger.info({ eventId: event.id, type: event.event_type, result }, "paypal webhook");
  return result === "retry" ? webhookResponse(409, "Payment not recorded yet; retry later") : webhookResponse(200, result);
}
