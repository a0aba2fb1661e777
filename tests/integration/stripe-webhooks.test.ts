// Stripe webhooks over HTTP against the production server and the local Stripe fake, on real Postgres:
// signature checks that write nothing, duplicate and concurrent deliveries, ACH that settles or
// bounces, refunds, disputes, events out of order, and events that are not ours or name another business.
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { signStripePayload, startFakeStripe, stripeEvent, type FakeStripe } from "../fakes/stripe";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { paymentFollowUpsDone } from "../helpers/jobs";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;

let fake: FakeStripe;
let server: AppServer;
let webhookUrl: string;
/** The official SDK pointed at the fake, for sessions the app did not create (someone else's). */
let stripe: Stripe;
beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret });
  server = await startAppServer({ STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: fake.url });
  webhookUrl = `${server.url}/webhooks/stripe`;
  fake.setWebhookUrl(webhookUrl);
  stripe = new Stripe(secretKey, { host: fake.host, port: fake.port, protocol: "http", maxNetworkRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});
// Starting a checkout through the pay form counts against a per-IP limit; every test starts fresh.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

const randomId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const today = () => Math.floor(Date.now() / 86_400_000);
/** A pay link's t and d, signed as signLink does with the server's secret. */
function payLink(invoiceId: string, day = today()) {
  return { t: createHmac("sha256", server.payLinkSecret).update(`pay:${invoiceId}:${day}`).digest("base64url").slice(0, 24), d: String(day) };
}

async function setup() {
  const { business } = await createAccount({ businessName: `Hollis Electric ${randomBytes(3).toString("hex")}` });
  const customer = await makeCustomer(business.id);
  return { business, customer };
}

async function sentInvoice(businessId: string, customerId: string, unitPrice = "100.00") {
  const invoice = await createInvoice(businessId, await documentInput({ customerId, lines: [{ description: "Rewire panel", quantity: "1", unitPrice }] }));
  await markInvoiceSent(businessId, invoice.id);
  return invoice;
}

const invoiceRow = (id: string) => prisma.invoice.findUniqueOrThrow({ where: { id } });
// Card details and receipts come from the payment-received job after the webhook's answer: wait for it.
const paymentsOf = async (invoiceId: string) => {
  await paymentFollowUpsDone();
  return prisma.payment.findMany({ where: { invoiceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
};
const receiptsOf = async (invoiceId: string) => {
  await paymentFollowUpsDone();
  return prisma.emailMessage.findMany({ where: { invoiceId, template: "receipt" } });
};

/** Everything a webhook could write, once the jobs it queued have run. */
async function snapshot(invoiceId?: string) {
  await paymentFollowUpsDone();
  const [payments, emails, activity, invoice] = await Promise.all([
    prisma.payment.count(),
    prisma.emailMessage.count(),
    prisma.activityEvent.count(),
    invoiceId ? invoiceRow(invoiceId) : null,
  ]);
  return { payments, emails, activity, invoice };
}

/** A completed Checkout Session as Stripe sends it, for an invoice of ours. */
function sessionObject(input: {
  invoiceId: string;
  businessId: string;
  amount: number;
  paymentIntent?: string;
  paymentStatus?: "paid" | "unpaid";
  metadata?: Record<string, string>;
}) {
  return {
    id: randomId("cs_test"),
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: input.paymentStatus ?? "paid",
    amount_total: input.amount,
    amount_subtotal: input.amount,
    currency: "usd",
    client_reference_id: input.invoiceId,
    metadata: input.metadata ?? { invoiceId: input.invoiceId, businessId: input.businessId },
    payment_intent: input.paymentIntent ?? randomId("pi"),
    livemode: false,
  };
}

/** Posts a raw body with the given headers to the app's webhook endpoint; status 0 when the connection failed. */
async function post(body: string, headers: Record<string, string> = {}, method = "POST") {
  try {
    const res = await fetch(webhookUrl, {
      method,
      body: method === "GET" || method === "HEAD" ? undefined : body,
      headers: { "Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)", ...headers },
      redirect: "manual",
    });
    return { status: res.status, body: await res.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, body: `${(error as Error).message}: ${cause?.code ?? cause?.message ?? "no cause"}` };
  }
}

/**
 * Posts with node:http on a connection of its own (an oversized body may be answered before it is
 * fully sent, and the connection then dropped), with a Content-Length or streamed in chunks without one.
 * Resolves with the response once it arrives, or status 0 when the connection failed first.
 */
function postOnOwnConnection(body: string, headers: Record<string, string>, framing: "content-length" | "chunked") {
  return new Promise<{ status: number; body: string }>((resolve) => {
    const url = new URL(webhookUrl);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent: false,
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          ...(framing === "content-length" ? { "Content-Length": String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        const done = () => resolve({ status: res.statusCode ?? 0, body: text });
        res.on("end", done);
        res.on("close", done);
        res.on("error", done);
      },
    );
    req.on("error", (error) => resolve({ status: 0, body: String(error) }));
    if (framing === "content-length") {
      req.end(body);
      return;
    }
    const buffer = Buffer.from(body);
    let offset = 0;
    const writeMore = () => {
      while (offset < buffer.length) {
        const chunk = buffer.subarray(offset, offset + 16 * 1024);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

/** An event, pretty-printed and signed now with the endpoint secret, as Stripe delivers it. */
function signedEvent(type: string, object: object, id?: string) {
  const payload = JSON.stringify(stripeEvent(type, object, id), null, 2);
  return { payload, signature: signStripePayload(payload, webhookSecret) };
}

async function deliver(type: string, object: object, id?: string) {
  const { payload, signature } = signedEvent(type, object, id);
  return post(payload, { "Stripe-Signature": signature });
}

/** Starts a Stripe checkout for an invoice the way the customer does: the pay form. Returns the session id. */
async function checkoutSession(invoiceId: string, amount: "balance" | "deposit" = "balance") {
  const res = await new Browser(server.url).post(`/pay/${invoiceId}`, { ...payLink(invoiceId), provider: "stripe", amount });
  expect(res.status, "the pay form redirects to checkout").toBe(303);
  const location = res.headers.get("location")!;
  expect(location.startsWith(`${fake.url}/c/pay/`)).toBe(true);
  return location.split("/").pop()!;
}

/**
 * Completes a session at the fake while its webhook is lost (delivered to a URL that does not
 * exist), so the PaymentIntent exists at "Stripe" but the app has not heard of it.
 */
async function completeUndelivered(sessionId: string, method: "card" | "us_bank_account" = "card") {
  fake.setWebhookUrl(`${server.url}/webhooks/lost-in-the-mail`);
  try {
    const result = await fake.complete(sessionId, { method });
    expect(result.response.status).not.toBe(200);
    const event = fake.deliveries.at(-1)!.event as ReturnType<typeof stripeEvent>;
    return { ...result, event };
  } finally {
    fake.setWebhookUrl(webhookUrl);
  }
}

/** Every delivery the fake made about a session or PaymentIntent, to send again. */
const deliveriesAbout = (match: (object: Record<string, unknown>) => boolean) =>
  fake.deliveries.filter((d) => d.status === 200 && match((d.event as { data: { object: Record<string, unknown> } }).data.object));
async function redeliver(deliveries: typeof fake.deliveries) {
  const results = [];
  for (const d of deliveries) {
    const event = d.event as { id: string; type: string; data: { object: object } };
    results.push(await fake.sendEvent(event.type, event.data.object, { id: event.id }));
  }
  return results;
}

describe("signature verification", () => {
  it("refuses unsigned, mis-signed, altered, stale, non-JSON and oversized bodies with 400, writing nothing", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const session = sessionObject({ invoiceId: id, businessId: business.id, amount: 10000 });
    const event = stripeEvent("checkout.session.completed", session);
    const payload = JSON.stringify(event, null, 2);
    const before = await snapshot(id);

    const altered = payload.replace('"amount_total": 10000', '"amount_total": 1');
    expect(altered).not.toBe(payload);
    const notJson = "this is { not json";
    const huge = JSON.stringify(stripeEvent("checkout.session.completed", { ...session, padding: "x".repeat(300 * 1024) }));
    expect(Buffer.byteLength(huge)).toBeGreaterThan(256 * 1024);
    const now = Math.floor(Date.now() / 1000);

    const cases: Array<[string, string, Record<string, string>]> = [
      ["no Stripe-Signature", payload, {}],
      ["an empty Stripe-Signature", payload, { "Stripe-Signature": "" }],
      ["a garbage Stripe-Signature", payload, { "Stripe-Signature": "t=abc,v1=def" }],
      ["the wrong secret", payload, { "Stripe-Signature": signStripePayload(payload, `whsec_${randomBytes(16).toString("hex")}`) }],
      ["a body altered after signing", altered, { "Stripe-Signature": signStripePayload(payload, webhookSecret) }],
      ["a timestamp 10 minutes old", payload, { "Stripe-Signature": signStripePayload(payload, webhookSecret, now - 600) }],
      ["a timestamp 10 minutes in the future", payload, { "Stripe-Signature": signStripePayload(payload, webhookSecret, now + 600) }],
      ["a correctly signed body that is not JSON", notJson, { "Stripe-Signature": signStripePayload(notJson, webhookSecret) }],
    ];
    for (const [name, body, headers] of cases) {
      const res = await post(body, headers);
      expect(res.status, `${name}: ${res.body}`).toBe(400);
      expect(await snapshot(id), `${name} wrote nothing`).toEqual(before);
    }
    // Over 256 KB with a Content-Length (as Stripe always sends): refused before it is read.
    const declared = await postOnOwnConnection(huge, { "Stripe-Signature": signStripePayload(huge, webhookSecret) }, "content-length");
    expect(declared, "a correctly signed body over 256 KB").toEqual({ status: 400, body: "Body too large" });
    expect(await snapshot(id), "a body over 256 KB wrote nothing").toEqual(before);
    // Streamed without a Content-Length: cut off once past the limit. Cancelling the request stream
    // tears down the connection, so the 400 may never reach the client; either way nothing is written.
    const streamed = await postOnOwnConnection(huge, { "Stripe-Signature": signStripePayload(huge, webhookSecret) }, "chunked");
    expect([0, 400], `a streamed body over 256 KB: ${streamed.body}`).toContain(streamed.status);
    expect(await snapshot(id), "a streamed body over 256 KB wrote nothing").toEqual(before);
    for (const method of ["GET", "PUT"]) {
      const res = await post(payload, { "Stripe-Signature": signStripePayload(payload, webhookSecret) }, method);
      expect(res.status, method).toBe(405);
      expect(await snapshot(id)).toEqual(before);
    }
    expect(server.output()).not.toMatch(/unhandled error/);

    // The same event, properly signed and fresh, is accepted: the refusals above were the signature's doing.
    const ok = await post(payload, { "Stripe-Signature": signStripePayload(payload, webhookSecret) });
    expect(ok).toEqual({ status: 200, body: "processed" });
    expect(await paymentsOf(id)).toHaveLength(1);
  });
});

describe("duplicates and concurrency", () => {
  it("50 concurrent deliveries of one checkout.session.completed record one payment and one receipt", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, "250.00");
    const sessionId = await checkoutSession(id);
    const { event, paymentIntentId } = await completeUndelivered(sessionId);
    expect(await paymentsOf(id)).toHaveLength(0);

    const payload = JSON.stringify(event, null, 2);
    const headers = { "Stripe-Signature": signStripePayload(payload, webhookSecret) };
    const results = await Promise.all(Array.from({ length: 50 }, () => post(payload, headers)));
    expect(
      results.filter((r) => r.status < 200 || r.status > 299),
      "every delivery is acknowledged",
    ).toEqual([]);

    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      providerPaymentId: paymentIntentId,
      amountCents: 25000,
      status: "SUCCEEDED",
      method: "CARD",
      cardBrand: "visa",
      cardLast4: "4242",
    });
    const receipts = await receiptsOf(id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0].paymentId).toBe(payments[0].id);
    expect(await invoiceRow(id)).toMatchObject({ status: "PAID", amountPaidCents: 25000, overpaidCents: 0 });
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "invoice.paid" } })).toBe(1);
  });

  it("one PaymentIntent under two event ids (completed and async_payment_succeeded) is one payment", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const sessionId = await checkoutSession(id);
    const { event, paymentIntentId } = await completeUndelivered(sessionId);
    const object = event.data.object;

    const results = await Promise.all([
      deliver("checkout.session.completed", object, randomId("evt")),
      deliver("checkout.session.async_payment_succeeded", object, randomId("evt")),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ providerPaymentId: paymentIntentId, amountCents: 10000, status: "SUCCEEDED" });
    expect(await receiptsOf(id)).toHaveLength(1);
    expect(await invoiceRow(id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
  });

  it("two concurrent payments of 60.00 on 100.00 are both recorded; the invoice is paid once and overpaid by 20.00", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, "100.00");
    // PaymentIntents the fake does not know: the handler cannot read card details but records the money.
    const sessions = [0, 1].map(() => sessionObject({ invoiceId: id, businessId: business.id, amount: 6000 }));
    const results = await Promise.all(sessions.map((s) => deliver("checkout.session.completed", s)));
    expect(results).toEqual([
      { status: 200, body: "processed" },
      { status: 200, body: "processed" },
    ]);

    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(2);
    expect(payments.map((p) => p.providerPaymentId).sort()).toEqual(sessions.map((s) => s.payment_intent).sort());
    for (const p of payments) expect(p).toMatchObject({ amountCents: 6000, status: "SUCCEEDED", provider: "stripe", method: "CARD", cardLast4: null });
    expect(payments.map((p) => p.overpaymentCents).sort((a, b) => a - b)).toEqual([0, 2000]);
    const invoice = await invoiceRow(id);
    expect(invoice).toMatchObject({ status: "PAID", amountPaidCents: 12000, overpaidCents: 2000 });
    expect(invoice.paidAt).not.toBeNull();
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "invoice.paid" } })).toBe(1);
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "payment.overpaid" } })).toBe(1);
    expect(await receiptsOf(id)).toHaveLength(2);
  });
});

describe("bank debits (ACH)", () => {
  it("is pending until it settles, then pays the invoice and sends one receipt", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const sessionId = await checkoutSession(id);
    const { paymentIntentId, response } = await fake.complete(sessionId, { method: "us_bank_account" });
    expect(response).toEqual({ status: 200, body: "processed" });

    const [pending] = await paymentsOf(id);
    expect(pending).toMatchObject({
      providerPaymentId: paymentIntentId,
      status: "PENDING",
      method: "ACH",
      amountCents: 10000,
      cardBrand: "STRIPE TEST BANK",
      cardLast4: "6789",
    });
    expect(await invoiceRow(id)).toMatchObject({ status: "SENT", amountPaidCents: 0, paidAt: null });
    expect(await receiptsOf(id)).toHaveLength(0);

    // The pay page says the bank payment is processing and offers no way to pay twice.
    const { t, d } = payLink(id);
    const page = (await (await fetch(`${server.url}/pay/${id}?t=${t}&d=${d}`)).text()).replaceAll("<!-- -->", "");
    expect(page).toContain("Your bank payment of $100.00 is processing.");
    expect(page).not.toContain("Pay with card or bank");
    expect(page).not.toMatch(/<form/i);
    // And a hand-made POST of the pay form is refused without creating a session.
    const sessionsBefore = fake.sessions.size;
    const again = await new Browser(server.url).post(`/pay/${id}`, { t, d, provider: "stripe", amount: "balance" });
    expect(again.status).toBe(409);
    expect(fake.sessions.size).toBe(sessionsBefore);

    expect(await fake.settleAch(sessionId, true)).toEqual({ status: 200, body: "processed" });
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ id: pending.id, status: "SUCCEEDED", method: "ACH" });
    const paid = await invoiceRow(id);
    expect(paid).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    expect(paid.paidAt).not.toBeNull();
    expect((await receiptsOf(id)).map((r) => r.paymentId)).toEqual([pending.id]);

    // Stripe retries both events: nothing moves.
    const state = await snapshot(id);
    const repeats = await redeliver(deliveriesAbout((o) => o.id === sessionId));
    expect(repeats.map((r) => r.status)).toEqual([200, 200]);
    expect(await snapshot(id)).toEqual(state);
    expect((await paymentsOf(id))[0].status).toBe("SUCCEEDED");
  });

  it("a bounced debit fails the payment and leaves the invoice as it was, with no receipt", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const sessionId = await checkoutSession(id);
    const before = await invoiceRow(id);
    await fake.complete(sessionId, { method: "us_bank_account" });
    expect((await paymentsOf(id))[0].status).toBe("PENDING");

    expect(await fake.settleAch(sessionId, false)).toEqual({ status: 200, body: "processed" });
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: "FAILED", failureReason: "The bank debit failed", method: "ACH" });
    expect(await invoiceRow(id)).toEqual(before);
    expect(await receiptsOf(id)).toHaveLength(0);
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "payment.failed" } })).toBe(1);

    const state = await snapshot(id);
    const repeats = await redeliver(deliveriesAbout((o) => o.id === sessionId));
    expect(repeats.map((r) => r.status)).toEqual([200, 200]);
    expect(await snapshot(id)).toEqual(state);
    expect((await paymentsOf(id))[0].status).toBe("FAILED");
  });
});

describe("refunds and disputes", () => {
  async function paidByCard(unitPrice = "100.00") {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, unitPrice);
    const { t, d } = payLink(id);
    // The customer opens the link first, so the invoice is VIEWED before it is paid.
    expect((await fetch(`${server.url}/pay/${id}?t=${t}&d=${d}`)).status).toBe(200);
    const sessionId = await checkoutSession(id);
    const { paymentIntentId, response } = await fake.complete(sessionId, { method: "card" });
    expect(response).toEqual({ status: 200, body: "processed" });
    const invoice = await invoiceRow(id);
    expect(invoice).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    const [payment] = await paymentsOf(id);
    return { business, id, paymentIntentId, payment, paidAt: invoice.paidAt };
  }

  it("a partial refund keeps the payment, a full one refunds it and reopens the invoice; repeats change nothing", async () => {
    const { id, paymentIntentId, payment } = await paidByCard();

    expect(await fake.refund(paymentIntentId, 2500)).toEqual({ status: 200, body: "processed" });
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: "SUCCEEDED", refundedCents: 2500 });
    expect(await invoiceRow(id)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidCents: 7500, paidAt: null });
    const partialRefund = fake.deliveries.at(-1)!;

    // The same charge.refunded again: no change at all.
    let state = await snapshot(id);
    const [repeat] = await redeliver([partialRefund]);
    expect(repeat.status).toBe(200);
    expect(await snapshot(id)).toEqual(state);

    expect(await fake.refund(paymentIntentId)).toEqual({ status: 200, body: "processed" });
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: "REFUNDED", refundedCents: 10000 });
    expect(await invoiceRow(id)).toMatchObject({ status: "VIEWED", amountPaidCents: 0, overpaidCents: 0, paidAt: null });
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "payment.refunded" } })).toBe(2);

    // Both refund events again, in either order: the running total only moves forward.
    state = await snapshot(id);
    const fullRefund = fake.deliveries.at(-1)!;
    const repeats = await redeliver([fullRefund, partialRefund]);
    expect(repeats.map((r) => r.status)).toEqual([200, 200]);
    expect(await snapshot(id)).toEqual(state);
    // And a late copy of the original checkout.session.completed does not bring the money back.
    await redeliver(deliveriesAbout((o) => o.payment_intent === paymentIntentId && o.object === "checkout.session"));
    expect(await snapshot(id)).toEqual(state);
    expect(await receiptsOf(id)).toHaveLength(1);
  });

  it("a dispute takes the money off the invoice; a won dispute puts it back", async () => {
    const { id, paymentIntentId, payment } = await paidByCard();

    expect(await fake.dispute(paymentIntentId)).toEqual({ status: 200, body: "processed" });
    const disputed = await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } });
    expect(disputed.status).toBe("DISPUTED");
    expect(disputed.disputedAt).not.toBeNull();
    const open = await invoiceRow(id);
    expect(open.status).not.toBe("PAID");
    expect(open).toMatchObject({ status: "VIEWED", amountPaidCents: 0, paidAt: null });

    // The same dispute event again changes nothing.
    const state = await snapshot(id);
    await redeliver([fake.deliveries.at(-1)!]);
    expect(await snapshot(id)).toEqual(state);

    expect(await fake.closeDispute(paymentIntentId, "won")).toEqual({ status: 200, body: "processed" });
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: "SUCCEEDED", refundedCents: 0 });
    const won = await invoiceRow(id);
    expect(won).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    expect(won.paidAt).not.toBeNull();
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "payment.dispute-won" } })).toBe(1);
    expect(await receiptsOf(id)).toHaveLength(1);
  });

  it("a lost dispute keeps the money off the invoice", async () => {
    const { id, paymentIntentId, payment } = await paidByCard();
    await fake.dispute(paymentIntentId);
    expect(await fake.closeDispute(paymentIntentId, "lost")).toEqual({ status: 200, body: "processed" });
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe("DISPUTED");
    expect(await invoiceRow(id)).toMatchObject({ status: "VIEWED", amountPaidCents: 0 });
  });

  // Fails today: applyProviderDispute (app/models/payments/payment.server.ts, the `next` state) moves any
  // SUCCEEDED payment to DISPUTED on "opened", including one whose dispute was already won.
  it("a late retry of charge.dispute.created after the dispute was won does not reopen it", async () => {
    const { id, paymentIntentId, payment } = await paidByCard();
    await fake.dispute(paymentIntentId);
    const created = fake.deliveries.at(-1)!;
    await fake.closeDispute(paymentIntentId, "won");
    expect(await invoiceRow(id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });

    // Stripe retries an event whose first delivery failed, possibly after later events.
    const [late] = await redeliver([created]);
    expect(late.status).toBe(200);
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe("SUCCEEDED");
    expect(await invoiceRow(id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
  });
});

describe("events out of order, not ours, or unknown", () => {
  it("a refund for a payment never recorded records it from Stripe first; the late completed event is a no-op", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const sessionId = await checkoutSession(id);
    const { event, paymentIntentId } = await completeUndelivered(sessionId);
    expect(await paymentsOf(id)).toHaveLength(0);

    expect(await fake.refund(paymentIntentId, 1000)).toEqual({ status: 200, body: "processed" });
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      businessId: business.id,
      provider: "stripe",
      providerPaymentId: paymentIntentId,
      amountCents: 10000,
      refundedCents: 1000,
      status: "SUCCEEDED",
      method: "CARD",
      cardBrand: "visa",
      cardLast4: "4242",
    });
    expect(await invoiceRow(id)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidCents: 9000 });
    expect(await receiptsOf(id)).toHaveLength(1);

    const state = await snapshot(id);
    const latePayload = JSON.stringify(event, null, 2);
    const late = await post(latePayload, { "Stripe-Signature": signStripePayload(latePayload, webhookSecret) });
    expect(late.status).toBe(200);
    expect(await snapshot(id)).toEqual(state);
    expect((await paymentsOf(id))[0].refundedCents).toBe(1000);
  });

  it("answers 200 and writes nothing for a PaymentIntent that is not ours", async () => {
    // Someone else's session on the same Stripe account: no invoiceId in its metadata.
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 4200, product_data: { name: "T-shirt" } } }],
      success_url: "https://shop.example/thanks",
      metadata: { orderId: "order-77" },
      payment_intent_data: { metadata: { orderId: "order-77" } },
    });
    const before = await snapshot();
    const { paymentIntentId, response } = await fake.complete(session.id, { method: "card" });
    expect(response).toEqual({ status: 200, body: "ignored" });
    expect(await fake.refund(paymentIntentId, 1000)).toEqual({ status: 200, body: "ignored" });
    expect(await fake.dispute(paymentIntentId)).toEqual({ status: 200, body: "ignored" });
    expect(await fake.closeDispute(paymentIntentId, "lost")).toEqual({ status: 200, body: "ignored" });
    expect(await snapshot()).toEqual(before);
  });

  it('answers 200 "ignored" to event types it does not handle', async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const session = sessionObject({ invoiceId: id, businessId: business.id, amount: 10000 });
    const before = await snapshot(id);
    for (const type of ["customer.created", "invoice.paid", "payment_intent.succeeded", "checkout.session.expired", "charge.succeeded", "made.up.event"]) {
      expect(await deliver(type, session), type).toEqual({ status: 200, body: "ignored" });
    }
    // A session that is not a one-off payment, or has no PaymentIntent, is ignored too.
    expect(await deliver("checkout.session.completed", { ...session, mode: "subscription" })).toEqual({ status: 200, body: "ignored" });
    expect(await deliver("checkout.session.completed", { ...session, payment_intent: null })).toEqual({ status: 200, body: "ignored" });
    expect(await snapshot(id)).toEqual(before);
  });

  it("an event naming business A's invoice with business B in its metadata writes nothing to either", async () => {
    const a = await setup();
    const b = await setup();
    const invoiceA = await sentInvoice(a.business.id, a.customer.id);
    const invoiceB = await sentInvoice(b.business.id, b.customer.id);
    const before = await Promise.all([snapshot(invoiceA.id), invoiceRow(invoiceB.id)]);

    const crossed = sessionObject({ invoiceId: invoiceA.id, businessId: b.business.id, amount: 10000 });
    const res = await deliver("checkout.session.completed", crossed);
    expect(res.status).toBe(200);

    // The same through the PaymentIntent path: a refund for a PaymentIntent at "Stripe" with crossed metadata.
    const metadata = { invoiceId: invoiceA.id, businessId: b.business.id };
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 10000, product_data: { name: "Invoice" } } }],
      success_url: "https://app.example/thanks",
      metadata,
      payment_intent_data: { metadata },
    });
    const { paymentIntentId, response } = await fake.complete(session.id, { method: "card" });
    expect(response.status).toBe(200);
    expect((await fake.refund(paymentIntentId, 500)).status).toBe(200);

    expect(await Promise.all([snapshot(invoiceA.id), invoiceRow(invoiceB.id)])).toEqual(before);
    expect(await prisma.payment.count({ where: { businessId: { in: [a.business.id, b.business.id] } } })).toBe(0);
    expect(await prisma.emailMessage.count({ where: { businessId: { in: [a.business.id, b.business.id] }, template: "receipt" } })).toBe(0);
  });
});
