// The provider webhooks: Stripe (the platform's endpoint and Connect's), PayPal and Postmark. Each
// verifies the request on its raw body, then calls the domain, and answers in plain text; what it did goes
// into the request's one log line (the reply's `log`, written by server.ts). server.ts serves
// /webhooks/* from Express before any page middleware and Remix's router, through `webhookHandlers`
// (re-exported by entry.server.tsx, so there is one copy of the app in the process); there are no route
// modules for these paths. Tests reach the handlers over HTTP against the production server, or call
// `webhookHandlers` directly.
import { applyPostmarkEvent } from "~/models/email-events.server";
import { handlePayPalEvent, parsePayPalEvent } from "~/models/payments/paypal-events.server";
import { paypalConfigured, paypalHeaders, verifyPayPalWebhook } from "~/models/payments/paypal-client.server";
import { readStripeWebhook, stripeConfigured, stripeConnectWebhookSecrets, stripeMode, stripeWebhookSecrets } from "~/models/payments/stripe-client.server";
import { handleStripeEvent } from "~/models/payments/stripe-events.server";
import { safeEqual } from "~/utils/crypto.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { captureRequestError, errorForLog } from "~/utils/sentry.server";
import { bodyTooLarge, methodNotAllowed, webhookReply, type WebhookReply, type WebhookRequest } from "~/utils/webhook.server";

type WebhookHandler = (request: WebhookRequest) => Promise<WebhookReply>;

/**
 * Stripe, the platform account's own endpoint. A bad or missing signature, an old timestamp, a body that
 * is not JSON or is huge: 400, and nothing is written. An event from a connected account (it carries
 * `account`) belongs on /webhooks/stripe/connect and is acknowledged here without effect.
 */
async function stripeWebhook(request: WebhookRequest): Promise<WebhookReply> {
  if (request.method !== "POST") return methodNotAllowed();
  if (!stripeConfigured()) return webhookReply(404, "Stripe is not configured");
  const read = await readStripeWebhook(request, stripeWebhookSecrets(), "stripe webhook");
  if ("refusal" in read) return read.refusal;
  const { event } = read;
  const result = event.account ? "ignored" : await handleStripeEvent(event, { endpoint: "platform" });
  return { ...webhookReply(200, result), log: { eventId: event.id, type: event.type, result } };
}

/**
 * Stripe Connect: events from the businesses' connected accounts, each carrying `account`, verified with
 * STRIPE_CONNECT_WEBHOOK_SECRET (a comma list), then handled by the same code as the platform endpoint with
 * the account as context (docs/decisions/011-connected-accounts.md). A bad signature: 400 and nothing
 * written. An event without an account, or about another business's invoice: 200 and nothing written.
 */
async function stripeConnectWebhook(request: WebhookRequest): Promise<WebhookReply> {
  if (request.method !== "POST") return methodNotAllowed();
  if (stripeMode() !== "connect") return webhookReply(404, "Stripe Connect is not configured");
  const read = await readStripeWebhook(request, stripeConnectWebhookSecrets(), "stripe connect webhook");
  if ("refusal" in read) return read.refusal;
  const { event } = read;
  const account = typeof event.account === "string" && /^acct_[A-Za-z0-9]+$/.test(event.account) ? event.account : null;
  const result = account ? await handleStripeEvent(event, { endpoint: "connect", account }) : "ignored";
  return { ...webhookReply(200, result), log: { eventId: event.id, type: event.type, account, result } };
}

/**
 * PayPal: verified by transmission signature (the certificate fetched only from a PayPal host, then
 * cached), then applied through the one payment path. Failed verification: 401, nothing written.
 */
async function paypalWebhook(request: WebhookRequest): Promise<WebhookReply> {
  if (request.method !== "POST") return methodNotAllowed();
  if (!paypalConfigured()) return webhookReply(404, "PayPal is not configured");
  const body = await request.rawBody();
  if (body === null) return bodyTooLarge();
  const failure = await verifyPayPalWebhook(body, paypalHeaders(request.header));
  if (failure) {
    logger.warn({ reason: failure }, "paypal webhook refused");
    return webhookReply(401, "Webhook signature verification failed");
  }
  const event = parsePayPalEvent(body);
  if (!event) return webhookReply(400, "Not a PayPal event");
  const result = await handlePayPalEvent(event);
  const reply = result === "retry" ? webhookReply(409, "Payment not recorded yet; retry later") : webhookReply(200, result);
  return { ...reply, log: { eventId: event.id, type: event.event_type, result } };
}

function postmarkAuthorized(header: string | null) {
  const { POSTMARK_WEBHOOK_USER: user, POSTMARK_WEBHOOK_PASSWORD: password } = env();
  if (!user || !password || !header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  // Both compared in full, always, so timing says nothing about which part was wrong.
  const [givenUser = "", ...rest] = decoded.split(":");
  const userOk = safeEqual(givenUser, user);
  const passwordOk = safeEqual(rest.join(":"), password);
  return userOk && passwordOk;
}

/**
 * Postmark: HTTP Basic auth with POSTMARK_WEBHOOK_USER / POSTMARK_WEBHOOK_PASSWORD, compared in constant
 * time; bad or missing credentials → 401 and nothing written. Bodies that are not JSON → 400. Unknown
 * message ids and record types → 200 (Postmark would otherwise retry them).
 */
async function postmarkWebhook(request: WebhookRequest): Promise<WebhookReply> {
  if (request.method !== "POST") return methodNotAllowed();
  if (!postmarkAuthorized(request.header("authorization"))) {
    return { status: 401, body: "Unauthorized", headers: { "WWW-Authenticate": 'Basic realm="postmark"', "Cache-Control": "no-store" } };
  }
  const body = await request.rawBody();
  if (body === null) return bodyTooLarge();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return webhookReply(400, "Body is not JSON");
  }
  const result = await applyPostmarkEvent(json);
  return { ...(result === "invalid" ? webhookReply(400, "Not a Postmark event") : webhookReply(200, result)), log: { result } };
}

/**
 * Runs a handler as Remix ran the route's action: an unexpected error is logged and reported (as
 * entry.server.tsx's handleError does) and answered 500, so the provider retries.
 */
function guarded(handler: WebhookHandler): WebhookHandler {
  return async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      logger.error({ err: errorForLog(error), method: request.method, path: new URL(request.url).pathname }, "unhandled error");
      captureRequestError(error, request);
      return webhookReply(500, "Unexpected Server Error");
    }
  };
}

/** The webhook endpoints by path: server.ts serves these from Express, before Remix's router. */
export const webhookHandlers: Record<string, WebhookHandler> = {
  "/webhooks/stripe": guarded(stripeWebhook),
  "/webhooks/stripe/connect": guarded(stripeConnectWebhook),
  "/webhooks/paypal": guarded(paypalWebhook),
  "/webhooks/postmark": guarded(postmarkWebhook),
};
