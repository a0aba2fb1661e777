// The Stripe client for this deployment's account: the one account every payment lands in (single-account
// mode), or the Connect platform whose calls name a connected account with the `Stripe-Account` header
// (connect mode; docs/decisions/011-connected-accounts.md). No contractor key is ever held: the platform
// key plus the connected account's id is all a direct charge needs.
// STRIPE_API_URL points the official SDK at the local fake in tests; production leaves it unset.
import Stripe from "stripe";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { bodyTooLarge, webhookReply, type WebhookReply, type WebhookRequest } from "~/utils/webhook.server";

let client: Stripe | undefined;

export function stripeConfigured() {
  return Boolean(env().STRIPE_SECRET_KEY);
}

/** "off" without a key; "single" pays the deployment's own account; "connect" pays each business's connected account. */
export function stripeMode(): "off" | "single" | "connect" {
  const { STRIPE_SECRET_KEY, STRIPE_MODE } = env();
  return !STRIPE_SECRET_KEY ? "off" : STRIPE_MODE;
}

/** The platform fee in basis points (connect mode only; 0 otherwise). */
export function applicationFeeBps() {
  return stripeMode() === "connect" ? env().STRIPE_APPLICATION_FEE_BPS : 0;
}

/** Request options that run a call on a connected account (direct charges); none for the platform's own account. */
export function onAccount(accountId: string | null | undefined): Stripe.RequestOptions {
  return accountId ? { stripeAccount: accountId } : {};
}

export function stripe(): Stripe {
  const { STRIPE_SECRET_KEY, STRIPE_API_URL } = env();
  if (!STRIPE_SECRET_KEY) throw new Error("Stripe is not configured");
  if (!client) {
    const api = STRIPE_API_URL ? new URL(STRIPE_API_URL) : null;
    client = new Stripe(STRIPE_SECRET_KEY, {
      ...(api ? { host: api.hostname, port: api.port || (api.protocol === "https:" ? 443 : 80), protocol: api.protocol === "https:" ? "https" : "http" } : {}),
      // Retries reuse the idempotency key, so a network blip never creates a second Checkout Session.
      maxNetworkRetries: 2,
      timeout: env().PAYMENTS_TIMEOUT_MS,
      telemetry: false,
      appInfo: { name: "Invoice Link" },
    });
  }
  return client;
}

/** Stripe signs each webhook with the endpoint secret and a timestamp; older than this is refused. */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * STRIPE_WEBHOOK_SECRET is a comma-separated list: each entry verifies. Rolling an endpoint's secret,
 * Stripe signs with the old and the new one for a while anyway; the list is for moving to another
 * endpoint (or account), whose events are signed with a different secret, without refusing either.
 */
export function stripeWebhookSecrets(value = env().STRIPE_WEBHOOK_SECRET) {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The Connect endpoint's secrets (STRIPE_CONNECT_WEBHOOK_SECRET), a comma list like STRIPE_WEBHOOK_SECRET. */
export function stripeConnectWebhookSecrets(value = env().STRIPE_CONNECT_WEBHOOK_SECRET) {
  return stripeWebhookSecrets(value ?? "");
}

/**
 * Verifies a webhook on its raw body with the official library against every configured secret; throws on any mismatch.
 * The library only refuses old timestamps; one more than the tolerance in the future is refused the same way,
 * so a captured-and-replayed event cannot be pre-dated to stay valid for longer.
 */
export function verifyStripeWebhook(rawBody: string, signature: string, secrets = stripeWebhookSecrets(), now = Date.now()): Stripe.Event {
  if (!secrets.length) throw new Error("STRIPE_WEBHOOK_SECRET is not set");
  const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
  if (Number.isFinite(signedAt) && signedAt - Math.floor(now / 1000) > STRIPE_WEBHOOK_TOLERANCE_SECONDS) {
    throw new Stripe.errors.StripeSignatureVerificationError(signature, rawBody, { message: "Timestamp outside the tolerance zone (in the future)" });
  }
  let failure: unknown;
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret, STRIPE_WEBHOOK_TOLERANCE_SECONDS, undefined, now);
    } catch (error) {
      // A signature made with another secret: try the next one. Anything else (not JSON) is final.
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      failure = error;
    }
  }
  throw failure;
}

/**
 * A Stripe webhook request's event, verified on its raw body against `secrets`; or the answer refusing it:
 * 400 for a missing or bad signature (logged as "<label> refused"), 400 for a body over the limit. Both
 * Stripe endpoints (the platform's and Connect's) start here.
 */
export async function readStripeWebhook(
  request: WebhookRequest,
  secrets: string[],
  label: string,
): Promise<{ event: Stripe.Event } | { refusal: WebhookReply }> {
  const signature = request.header("stripe-signature");
  if (!signature) return { refusal: webhookReply(400, "Missing Stripe-Signature header") };
  const body = await request.rawBody();
  if (body === null) return { refusal: bodyTooLarge() };
  try {
    return { event: verifyStripeWebhook(body, signature, secrets) };
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, `${label} refused`);
    return { refusal: webhookReply(400, "Invalid signature") };
  }
}
