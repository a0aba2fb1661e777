// Runs the Stripe and PayPal fakes as one long-lived process for the Playwright run (playwright.config.ts
// starts it before the app). Ports, keys and the app's webhook URLs come from the environment.
import { startFakePayPal } from "./paypal";
import { startFakeStripe } from "./stripe";

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const appUrl = need("FAKES_APP_URL");
const stripe = await startFakeStripe({
  port: Number(need("FAKE_STRIPE_PORT")),
  secretKey: need("STRIPE_SECRET_KEY"),
  webhookSecret: need("STRIPE_WEBHOOK_SECRET"),
  webhookUrl: `${appUrl}/webhooks/stripe`,
  // Connect mode (STRIPE_MODE=connect): events from connected accounts go to their own endpoint and secret.
  ...(process.env.STRIPE_CONNECT_WEBHOOK_SECRET
    ? { connectWebhookSecret: process.env.STRIPE_CONNECT_WEBHOOK_SECRET, connectWebhookUrl: `${appUrl}/webhooks/stripe/connect` }
    : {}),
});
const paypal = await startFakePayPal({
  port: Number(need("FAKE_PAYPAL_PORT")),
  clientId: need("PAYPAL_CLIENT_ID"),
  clientSecret: need("PAYPAL_CLIENT_SECRET"),
  webhookId: need("PAYPAL_WEBHOOK_ID"),
  webhookUrl: `${appUrl}/webhooks/paypal`,
  partnerMerchantId: process.env.PAYPAL_PARTNER_MERCHANT_ID,
});
console.log(`fake Stripe on ${stripe.url}, fake PayPal on ${paypal.url}`);

const stop = () => Promise.all([stripe.stop(), paypal.stop()]).finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
