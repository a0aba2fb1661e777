// Checks the Connect part of the fake Stripe (tests/fakes/stripe.ts) against the official SDK, so the app's
// Connect tests exercise the same requests, errors and webhooks as the real API: Accounts, Account Links and
// their no-JavaScript onboarding page, the Stripe-Account header (objects on one account are invisible from
// another; the fee needs a connected account), and Connect events carrying `account`, signed with their own secret.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";

const secretKey = "sk_test_fake_connect_0123456789";
const webhookSecret = "whsec_fake_platform_0123";
const connectSecret = "whsec_fake_connect_4567";

let fake: FakeStripe;
let stripe: Stripe;
let receiver: http.Server;
let received: Array<{ path: string; event: Stripe.Event }> = [];

beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret, connectWebhookSecret: connectSecret });
  stripe = new Stripe(secretKey, { host: fake.host, port: fake.port, protocol: "http", maxNetworkRetries: 0 });
  // Stands in for the app: each endpoint verifies with its own secret.
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        const secret = req.url === "/connect" ? connectSecret : webhookSecret;
        received.push({ path: req.url!, event: stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers["stripe-signature"]), secret) });
        res.writeHead(200).end("ok");
      } catch {
        res.writeHead(400).end("bad signature");
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  fake.setWebhookUrl(`${url}/platform`);
  fake.setConnectWebhookUrl(`${url}/connect`);
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await fake?.stop();
});
beforeEach(() => {
  received = [];
});

const session = (fee?: number): Stripe.Checkout.SessionCreateParams => ({
  mode: "payment",
  line_items: [{ price_data: { currency: "usd", unit_amount: 10_000, product_data: { name: "Invoice #1" } }, quantity: 1 }],
  success_url: "http://app.test/done",
  metadata: { invoiceId: "inv_1", businessId: "biz_1" },
  payment_intent_data: { metadata: { invoiceId: "inv_1", businessId: "biz_1" }, ...(fee === undefined ? {} : { application_fee_amount: fee }) },
});

describe("Accounts and Account Links", () => {
  it("creates a Standard account that cannot take charges until onboarding, with an idempotency key", async () => {
    const params: Stripe.AccountCreateParams = {
      controller: { stripe_dashboard: { type: "full" }, requirement_collection: "stripe" },
      email: "pat@example.com",
    };
    const account = await stripe.accounts.create(params, { idempotencyKey: "acct-key-1" });
    expect(account).toMatchObject({ object: "account", type: "standard", charges_enabled: false, payouts_enabled: false });
    expect(account.requirements?.currently_due).toContain("external_account");
    expect((await stripe.accounts.create(params, { idempotencyKey: "acct-key-1" })).id).toBe(account.id);
    await expect(stripe.accounts.create({ email: "other@example.com" }, { idempotencyKey: "acct-key-1" })).rejects.toMatchObject({
      type: "StripeIdempotencyError",
    });
    expect((await stripe.accounts.retrieve(account.id)).id).toBe(account.id);
    await expect(stripe.accounts.retrieve("acct_missing")).rejects.toMatchObject({ code: "resource_missing", statusCode: 404 });
  });

  it("hosted onboarding is a plain form; it completes the account, sends account.updated and returns; a used link goes to refresh_url", async () => {
    const account = await stripe.accounts.create({ controller: { stripe_dashboard: { type: "full" } } });
    const link = await stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "http://app.test/refresh?state=r",
      return_url: "http://app.test/return?state=s",
    });
    expect(link.url).toMatch(new RegExp(`^${fake.url}/connect/onboarding/`));
    const html = await (await fetch(link.url)).text();
    expect(html).not.toContain("<script");
    expect(html).toContain('<form method="post"');
    const done = await fetch(link.url, { method: "POST", body: new URLSearchParams({ outcome: "complete" }), redirect: "manual" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("http://app.test/return?state=s");
    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      requirements: { currently_due: [] },
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      path: "/connect",
      event: { type: "account.updated", account: account.id, data: { object: { id: account.id, charges_enabled: true } } },
    });
    // Visiting again: Stripe sends a used link to refresh_url.
    const again = await fetch(link.url, { redirect: "manual" });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("http://app.test/refresh?state=r");
    await expect(
      stripe.accountLinks.create({ account: "acct_nope", type: "account_onboarding", refresh_url: "http://a.test", return_url: "http://a.test" }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("the Stripe-Account header", () => {
  it("runs a Checkout Session on the connected account with the fee, invisible from the platform; the charge records the fee", async () => {
    const account = await stripe.accounts.create({ controller: { stripe_dashboard: { type: "full" } } });
    // Not onboarded yet: Stripe refuses charges on it.
    await expect(stripe.checkout.sessions.create(session(300), { stripeAccount: account.id })).rejects.toMatchObject({ statusCode: 400 });
    await fake.completeOnboarding(account.id);
    received = [];
    // A fee needs a connected account.
    await expect(stripe.checkout.sessions.create(session(300))).rejects.toMatchObject({
      statusCode: 400,
      param: "payment_intent_data[application_fee_amount]",
    });
    const created = await stripe.checkout.sessions.create(session(300), { stripeAccount: account.id });
    await expect(stripe.checkout.sessions.retrieve(created.id)).rejects.toMatchObject({ code: "resource_missing" });
    expect((await stripe.checkout.sessions.retrieve(created.id, {}, { stripeAccount: account.id })).id).toBe(created.id);

    const { paymentIntentId, chargeId, response } = await fake.complete(created.id, { method: "card" });
    expect(response.status).toBe(200);
    expect(fake.charges.get(chargeId)).toMatchObject({ _account: account.id, application_fee_amount: 300, amount: 10_000 });
    await expect(stripe.paymentIntents.retrieve(paymentIntentId)).rejects.toMatchObject({ code: "resource_missing" });
    const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] }, { stripeAccount: account.id });
    expect((pi.latest_charge as Stripe.Charge).application_fee_amount).toBe(300);
    // The completion and a refund go to the Connect endpoint with the account.
    expect(received.map((r) => [r.path, r.event.type, r.event.account])).toEqual([["/connect", "checkout.session.completed", account.id]]);
    await fake.refund(paymentIntentId, 1_000);
    expect(received.at(-1)).toMatchObject({ path: "/connect", event: { type: "charge.refunded", account: account.id } });
    await fake.deauthorize(account.id);
    expect(received.at(-1)).toMatchObject({ path: "/connect", event: { type: "account.application.deauthorized", account: account.id } });
  });

  it("refuses an unknown account in the header", async () => {
    await expect(stripe.checkout.sessions.create(session(), { stripeAccount: "acct_unknown" })).rejects.toMatchObject({ statusCode: 403 });
  });
});
