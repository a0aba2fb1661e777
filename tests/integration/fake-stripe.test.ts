// Checks the fake Stripe (tests/fakes/stripe.ts) against the official SDK, so app tests built on it
// exercise the same requests, responses, errors and webhook signatures as the real API.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseStripeForm, signStripePayload, startFakeStripe, stripeEvent, type FakeStripe } from "../fakes/stripe";

const secretKey = "sk_test_fake_0123456789";
const webhookSecret = "whsec_fake_0123456789";

let fake: FakeStripe;
let stripe: Stripe;
let receiver: http.Server;
/** Events the receiver accepted after verifying their signature, in arrival order. */
let received: Stripe.Event[] = [];

const sessionParams = (invoiceId = "inv_1", amount = 1000): Stripe.Checkout.SessionCreateParams => ({
  mode: "payment",
  line_items: [{ price_data: { currency: "usd", unit_amount: amount, product_data: { name: "Invoice #1" } }, quantity: 1 }],
  allowed_payment_method_types: ["card", "us_bank_account"],
  success_url: "http://app.test/pay/done?session={CHECKOUT_SESSION_ID}",
  cancel_url: "http://app.test/pay/cancel",
  client_reference_id: invoiceId,
  customer_email: "payer@example.com",
  metadata: { invoiceId, businessId: "biz_1" },
  payment_intent_data: { metadata: { invoiceId, businessId: "biz_1" }, description: "Invoice #1" },
});

beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret });
  stripe = new Stripe(secretKey, { host: fake.host, port: fake.port, protocol: "http", maxNetworkRetries: 0 });
  // A stand-in for the app's /webhooks/stripe: verifies exactly as the app must, on the raw body.
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        received.push(stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers["stripe-signature"] ?? ""), webhookSecret));
        res.writeHead(200).end("ok");
      } catch (e) {
        res.writeHead(400).end((e as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  fake.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`);
});

afterAll(async () => {
  await fake?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(() => {
  received = [];
});

describe("parseStripeForm", () => {
  it("turns bracket notation into nested objects and arrays", () => {
    expect(parseStripeForm("a[b][0][c]=x&a[b][0][d]=y&list[]=1&list[]=2&expand[0]=latest_charge&s=a+b%26c&__proto__[x]=1")).toEqual({
      a: { b: [{ c: "x", d: "y" }] },
      list: ["1", "2"],
      expand: ["latest_charge"],
      s: "a b&c",
    });
  });
});

describe("API", () => {
  it("creates a checkout session from the SDK's form-encoded request", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: "key-create" });
    expect(session).toMatchObject({
      object: "checkout.session",
      amount_total: 1000,
      currency: "usd",
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      client_reference_id: "inv_1",
      metadata: { invoiceId: "inv_1", businessId: "biz_1" },
      url: `${fake.url}/c/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).not.toHaveProperty("_line_items");
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: "/v1/checkout/sessions", idempotencyKey: "key-create" });
    expect(request.body.line_items[0].price_data.unit_amount).toBe("1000");
    expect(request.body.allowed_payment_method_types).toEqual(["card", "us_bank_account"]);
    expect(session.payment_method_types).toEqual(["card", "us_bank_account"]);
    expect(request.body.payment_intent_data.metadata.invoiceId).toBe("inv_1");
  });

  it("replays an idempotent create and refuses the key with different params", async () => {
    const first = await stripe.checkout.sessions.create(sessionParams("inv_2"), { idempotencyKey: "key-replay" });
    const again = await stripe.checkout.sessions.create(sessionParams("inv_2"), { idempotencyKey: "key-replay" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const mismatch = stripe.checkout.sessions.create(sessionParams("inv_2", 2000), { idempotencyKey: "key-replay" });
    await expect(mismatch).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await expect(mismatch).rejects.toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" });
  });

  it("rejects a wrong API key", async () => {
    const wrong = new Stripe("sk_test_wrong_key_1234", { host: fake.host, port: fake.port, protocol: "http", maxNetworkRetries: 0 });
    await expect(wrong.checkout.sessions.create(sessionParams())).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it("validates params with Stripe's error shape", async () => {
    const bad = sessionParams();
    bad.line_items![0].price_data!.unit_amount = 0;
    await expect(stripe.checkout.sessions.create(bad)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      param: "line_items[0][price_data][unit_amount]",
    });
    await expect(stripe.checkout.sessions.create({ ...sessionParams(), mode: undefined } as never)).rejects.toMatchObject({ param: "mode" });
    // SDK v23's API version dropped payment_method_types (the types no longer allow it either).
    await expect(stripe.checkout.sessions.create({ ...sessionParams(), payment_method_types: ["card"] } as never)).rejects.toMatchObject({
      param: "payment_method_types",
    });
    const eur = sessionParams();
    eur.line_items![0].price_data!.currency = "eur";
    expect((await stripe.checkout.sessions.create(eur)).payment_method_types).toEqual(["card"]);
    await expect(stripe.paymentIntents.retrieve("pi_missing")).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("fails the next calls on demand", async () => {
    fake.failNext(1, 500);
    await expect(stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: "key-fail" })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    // The failure happened before the endpoint ran, so the same key now succeeds.
    await expect(stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: "key-fail" })).resolves.toMatchObject({ status: "open" });
  });
});

describe("payments and webhooks", () => {
  it("completes a card payment, delivers a verifiable event, and expands the charge", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams("inv_card"));
    const { paymentIntentId, chargeId, response } = await fake.complete(session.id, { method: "card" });
    expect(response.status).toBe(200);
    expect(received).toHaveLength(1);
    const event = received[0];
    expect(event).toMatchObject({ type: "checkout.session.completed", api_version: Stripe.API_VERSION, object: "event" });
    const completed = event.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ id: session.id, status: "complete", payment_status: "paid", payment_intent: paymentIntentId });

    const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
    expect(pi).toMatchObject({ status: "succeeded", amount: 1000, metadata: { invoiceId: "inv_card", businessId: "biz_1" } });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge.id).toBe(chargeId);
    expect(charge.payment_method_details?.card).toMatchObject({ brand: "visa", last4: "4242" });
    expect((await stripe.paymentIntents.retrieve(paymentIntentId)).latest_charge).toBe(chargeId);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "complete", payment_intent: paymentIntentId });
  });

  it("settles or fails an ACH payment later", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams("inv_ach"));
    const { paymentIntentId } = await fake.complete(session.id, { method: "us_bank_account" });
    expect(received[0].data.object).toMatchObject({ payment_status: "unpaid", status: "complete" });
    const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
    expect(pi.status).toBe("processing");
    expect((pi.latest_charge as Stripe.Charge).payment_method_details?.us_bank_account).toMatchObject({ bank_name: "STRIPE TEST BANK", last4: "6789" });

    await fake.settleAch(session.id, true);
    expect(received[1]).toMatchObject({ type: "checkout.session.async_payment_succeeded", data: { object: { payment_status: "paid" } } });
    expect((await stripe.paymentIntents.retrieve(paymentIntentId)).status).toBe("succeeded");

    const other = await stripe.checkout.sessions.create(sessionParams("inv_ach_fail"));
    const failed = await fake.complete(other.id, { method: "us_bank_account" });
    await fake.settleAch(other.id, false);
    expect(received.at(-1)!.type).toBe("checkout.session.async_payment_failed");
    expect((await stripe.paymentIntents.retrieve(failed.paymentIntentId)).status).toBe("requires_payment_method");
  });

  it("sends refunds and disputes as charge events without PaymentIntent metadata", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams("inv_refund"));
    const { paymentIntentId, chargeId } = await fake.complete(session.id, { method: "card", brand: "mastercard", last4: "4444" });
    await fake.refund(paymentIntentId, 300);
    await fake.refund(paymentIntentId);
    const [, partial, full] = received;
    expect(partial).toMatchObject({
      type: "charge.refunded",
      data: { object: { id: chargeId, amount_refunded: 300, refunded: false, payment_intent: paymentIntentId } },
    });
    expect(full.data.object).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(full.data.object).not.toHaveProperty("metadata");
    await expect(fake.refund(paymentIntentId, 1)).rejects.toThrow(/0 left/);

    await fake.dispute(paymentIntentId);
    await fake.closeDispute(paymentIntentId, "lost");
    const [created, closed] = received.slice(3);
    expect(created).toMatchObject({
      type: "charge.dispute.created",
      data: { object: { object: "dispute", status: "needs_response", charge: chargeId, reason: "fraudulent" } },
    });
    expect(closed).toMatchObject({ type: "charge.dispute.closed", data: { object: { id: (created.data.object as Stripe.Dispute).id, status: "lost" } } });
  });

  it("lets tests replay, mis-sign and tamper with events", async () => {
    const object = { id: "ch_x", object: "charge" };
    expect(await fake.sendEvent("charge.refunded", object, { id: "evt_same" })).toMatchObject({ status: 200 });
    expect(await fake.sendEvent("charge.refunded", object, { id: "evt_same" })).toMatchObject({ status: 200 });
    expect(received.map((e) => e.id)).toEqual(["evt_same", "evt_same"]);

    expect((await fake.sendEvent("charge.refunded", object, { secret: "whsec_wrong" })).status).toBe(400);
    expect((await fake.sendEvent("charge.refunded", object, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400);
    const payload = JSON.stringify(stripeEvent("charge.refunded", object));
    const header = signStripePayload(payload, webhookSecret);
    const tampered = payload.replace('"ch_x"', '"ch_y"');
    expect((await fake.sendEvent("charge.refunded", object, { rawBody: tampered, signatureHeader: header })).status).toBe(400);
    expect((await fake.sendEvent("charge.refunded", object, { rawBody: payload, signatureHeader: header })).status).toBe(200);
    expect(received).toHaveLength(3);
  });
});

describe("hosted checkout page", () => {
  it("shows the amount and pay buttons, completes on POST and redirects to success_url", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams("inv_page", 123456));
    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("$1,234.56");
    expect(html).toContain(">Pay</button>");
    expect(html).toContain(">Pay by bank</button>");
    expect(html).toContain('href="http://app.test/pay/cancel"');
    expect(html).not.toContain("<script");

    const post = await fetch(session.url!, { method: "POST", body: new URLSearchParams({ method: "card" }), redirect: "manual" });
    expect(post.status).toBe(303);
    expect(post.headers.get("location")).toBe(`http://app.test/pay/done?session=${session.id}`);
    expect(received[0]).toMatchObject({ type: "checkout.session.completed", data: { object: { id: session.id } } });

    const done = await (await fetch(session.url!)).text();
    expect(done).toContain("This checkout session is complete");
    expect(done).not.toContain("<button");
    expect((await fetch(`${fake.url}/c/pay/cs_test_unknown`)).status).toBe(404);
    const expired = await stripe.checkout.sessions.create(sessionParams("inv_exp"));
    await fake.expire(expired.id);
    expect((await fetch(expired.url!)).status).toBe(404);
  });
});
