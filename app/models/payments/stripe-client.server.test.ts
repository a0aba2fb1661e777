// Webhook verification with a list of endpoint secrets (STRIPE_WEBHOOK_SECRET="whsec_new,whsec_old").
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { stripeWebhookSecrets, verifyStripeWebhook } from "./stripe-client.server";

const payload = JSON.stringify({ id: "evt_test_rotation", object: "event", type: "charge.refunded", data: { object: {} } });
const sign = (secret: string, timestamp?: number) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

describe("stripeWebhookSecrets", () => {
  it("splits a comma-separated list and ignores blanks", () => {
    expect(stripeWebhookSecrets(" whsec_a , whsec_b,,")).toEqual(["whsec_a", "whsec_b"]);
    expect(stripeWebhookSecrets("whsec_only")).toEqual(["whsec_only"]);
    expect(stripeWebhookSecrets(undefined)).toEqual([]);
  });
});

describe("verifyStripeWebhook", () => {
  const secrets = ["whsec_new_0123456789", "whsec_old_0123456789"];

  it("accepts an event signed with any configured secret", () => {
    expect(verifyStripeWebhook(payload, sign(secrets[0]), secrets).id).toBe("evt_test_rotation");
    expect(verifyStripeWebhook(payload, sign(secrets[1]), secrets).id).toBe("evt_test_rotation");
  });

  it("accepts the header Stripe sends while an endpoint secret is being rolled (two v1 signatures)", () => {
    const t = Math.floor(Date.now() / 1000);
    const v1 = (secret: string) => /v1=([0-9a-f]+)/.exec(sign(secret, t))![1];
    const header = `t=${t},v1=${v1("whsec_brand_new_secret")},v1=${v1(secrets[1])}`;
    expect(verifyStripeWebhook(payload, header, [secrets[1]]).id).toBe("evt_test_rotation");
  });

  it("refuses a secret that is not configured, a changed body and a stale timestamp", () => {
    expect(() => verifyStripeWebhook(payload, sign("whsec_someone_else"), secrets)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => verifyStripeWebhook(payload.replace("refunded", "captured"), sign(secrets[0]), secrets)).toThrow(/No signatures found/);
    expect(() => verifyStripeWebhook(payload, sign(secrets[1], Math.floor(Date.now() / 1000) - 3600), secrets)).toThrow(/tolerance/);
  });

  it("refuses a timestamp more than the tolerance in the future, like an old one, and accepts a small clock skew", () => {
    const now = Math.floor(Date.now() / 1000);
    expect(() => verifyStripeWebhook(payload, sign(secrets[0], now + 301), secrets)).toThrow(/tolerance/);
    expect(() => verifyStripeWebhook(payload, sign(secrets[0], now + 3600), secrets)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(verifyStripeWebhook(payload, sign(secrets[0], now + 60), secrets).id).toBe("evt_test_rotation");
  });

  it("refuses everything when no secret is configured", () => {
    expect(() => verifyStripeWebhook(payload, sign(secrets[0]), [])).toThrow(/not set/);
  });
});
