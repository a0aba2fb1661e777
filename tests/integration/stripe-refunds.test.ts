// Refunds of card payments from the app, over HTTP against the production server, real Postgres and the
// Stripe fake: on the deployment's own account in single-account mode (the charge.refunded webhook then
// updates the invoice) and on a business's connected account (the Stripe-Account header). A double tap
// refunds once, too much is refused, and Stripe failing or not answering leaves the payment as it was.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { applyPayment, applyProviderRefund } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import { createAccount, createTeamMember, signedInBrowser } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { hiddenValue, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

const JWT_SECRET = vi.hoisted(() => {
  const secret = `stripe-refunds-${Math.random().toString(36).slice(2)}`.padEnd(48, "s");
  process.env.JWT_SECRET = secret;
  return secret;
});

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
const TIMEOUT_MS = 1000;

let fake: FakeStripe;
let server: AppServer;

beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret });
  server = await startAppServer({
    STRIPE_SECRET_KEY: secretKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_URL: fake.url,
    PAYMENTS_TIMEOUT_MS: String(TIMEOUT_MS),
    JWT_SECRET,
  });
  fake.setWebhookUrl(`${server.url}/webhooks/stripe`);
});

afterAll(async () => {
  await fake?.refundsSettled();
  await server?.stop();
  await fake?.stop();
});

/** A business with a paid card payment of `cents`, on `account` (null: the platform's own). */
async function paidByCard(cents: number, account: string | null = null) {
  const { user, business } = await createAccount({ businessName: `Card Roofing ${randomBytes(3).toString("hex")}` });
  if (account) await prisma.business.update({ where: { id: business.id }, data: { stripeAccountId: account, stripeChargesEnabled: true } });
  const customer = await makeCustomer(business.id);
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Roof", quantity: "1", unitPrice: (cents / 100).toFixed(2) }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  const { paymentIntentId } = fake.seedCharge({ account, amount: cents, metadata: { invoiceId: invoice.id, businessId: business.id } });
  const applied = await applyPayment({
    businessId: business.id,
    invoiceId: invoice.id,
    amountCents: cents,
    currency: "USD",
    method: "CARD",
    provider: "stripe",
    providerAccountId: account ?? "",
    providerPaymentId: paymentIntentId,
  });
  return { user, business, invoice, paymentIntentId, paymentId: applied.paymentId, browser: await signedInBrowser(server, user) };
}

const refundsAtStripe = (pi: string) => [...fake.refunds.values()].filter((r) => r.payment_intent === pi);
const refundRequests = () => fake.requests.filter((r) => r.path === "/v1/refunds");

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("refunding a card payment", () => {
  it("single-account mode: the owner refunds part on the invoice page; Stripe's charge.refunded updates the invoice", async () => {
    const A = await paidByCard(20_000);
    const html = await (await A.browser.get(`/invoices/${A.invoice.id}`)).text();
    expect(visibleHtml(html)).toContain("Refund through Stripe");
    const res = await A.browser.post(`/invoices/${A.invoice.id}`, {
      intent: "refund-online",
      paymentId: A.paymentId,
      key: hiddenValue(html, "key")!,
      amount: "50.00",
      reason: "Gutter left out",
    });
    expect(res.status, await res.clone().text()).toBe(302);
    const [refund] = refundsAtStripe(A.paymentIntentId);
    expect(refund).toMatchObject({
      amount: 5_000,
      reason: "requested_by_customer",
      metadata: expect.objectContaining({ invoiceId: A.invoice.id, reason: "Gutter left out" }),
    });
    const request = refundRequests().at(-1)!;
    expect(request.headers["stripe-account"]).toBeUndefined();
    const row = await prisma.refund.findFirstOrThrow({ where: { paymentId: A.paymentId } });
    expect(request.idempotencyKey).toBe(`refund-${row.id}`);
    await fake.refundsSettled();
    await waitFor(async () => (await prisma.payment.findUniqueOrThrow({ where: { id: A.paymentId } })).refundedCents === 5_000, "charge.refunded");
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: A.invoice.id } })).toMatchObject({ amountPaidCents: 15_000, status: "PARTIALLY_PAID" });
    expect((await prisma.refund.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("COMPLETED");
  });

  it("on the connected account: Stripe-Account names it; 20 taps refund once; more than is left is refused", async () => {
    const account = `acct_${randomBytes(8).toString("hex")}`;
    fake.autoRefundWebhooks = false; // the connected account's events go to the Connect endpoint, not this one
    try {
      const A = await paidByCard(10_000, account);
      const html = await (await A.browser.get(`/invoices/${A.invoice.id}`)).text();
      const key = hiddenValue(html, "key")!;
      const taps = await Promise.all(
        Array.from({ length: 20 }, () =>
          A.browser.post(`/invoices/${A.invoice.id}`, { intent: "refund-online", paymentId: A.paymentId, key, amount: "60.00", reason: "Double booked" }),
        ),
      );
      expect(taps.every((r) => r.status === 302)).toBe(true);
      expect(refundsAtStripe(A.paymentIntentId)).toHaveLength(1);
      expect(
        refundRequests()
          .filter((r) => r.body.payment_intent === A.paymentIntentId)
          .every((r) => r.headers["stripe-account"] === account),
      ).toBe(true);
      expect(await prisma.refund.count({ where: { paymentId: A.paymentId } })).toBe(1);

      // 60 of 100 is on its way, so 40.01 is too much even before Stripe confirms.
      const again = await (await A.browser.get(`/invoices/${A.invoice.id}`)).text();
      const over = await A.browser.post(`/invoices/${A.invoice.id}`, {
        intent: "refund-online",
        paymentId: A.paymentId,
        key: hiddenValue(again, "key")!,
        amount: "40.01",
        reason: "More",
      });
      expect(over.status).toBe(400);
      expect(visibleHtml(await over.text())).toContain("At most $40.00 of this payment can still be refunded.");
      expect(await prisma.refund.count({ where: { paymentId: A.paymentId } })).toBe(1);

      // What the Connect endpoint does with the account's charge.refunded.
      await applyProviderRefund("stripe", A.paymentIntentId, 6_000, account);
      expect(await prisma.payment.findUniqueOrThrow({ where: { id: A.paymentId } })).toMatchObject({ refundedCents: 6_000, status: "SUCCEEDED" });
      expect((await prisma.refund.findFirstOrThrow({ where: { paymentId: A.paymentId } })).status).toBe("COMPLETED");
    } finally {
      fake.autoRefundWebhooks = true;
    }
  });

  it("Stripe answering 5xx or not answering leaves the payment unchanged; the retry refunds once", async () => {
    const A = await paidByCard(8_000);
    const html = await (await A.browser.get(`/invoices/${A.invoice.id}`)).text();
    const form = { intent: "refund-online", paymentId: A.paymentId, key: hiddenValue(html, "key")!, amount: "80.00", reason: "Job cancelled" };

    fake.failNext(3, 500); // the SDK retries twice
    const failed = await A.browser.post(`/invoices/${A.invoice.id}`, form);
    expect(failed.status).toBe(502);
    const text = visibleHtml(await failed.text());
    expect(text).toContain("Stripe had a problem (500");
    expect(text).not.toMatch(/at \w+ \(|node_modules|StripeAPIError/);
    expect(hiddenValue(text, "key")).toBe(form.key);
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: A.paymentId } })).toMatchObject({ refundedCents: 0, status: "SUCCEEDED" });
    expect((await prisma.refund.findMany({ where: { paymentId: A.paymentId } })).map((r) => r.status)).toEqual(["FAILED"]);

    fake.setRefundDelay(TIMEOUT_MS + 1500);
    const slow = await A.browser.post(`/invoices/${A.invoice.id}`, form);
    fake.setRefundDelay(0);
    expect(slow.status).toBe(504);
    expect(visibleHtml(await slow.text())).toContain("Stripe did not answer in time or could not be reached.");
    expect(refundsAtStripe(A.paymentIntentId)).toHaveLength(0);

    expect((await A.browser.post(`/invoices/${A.invoice.id}`, form)).status).toBe(302);
    expect(refundsAtStripe(A.paymentIntentId)).toHaveLength(1);
    await fake.refundsSettled();
    await waitFor(async () => (await prisma.payment.findUniqueOrThrow({ where: { id: A.paymentId } })).status === "REFUNDED", "charge.refunded");
  });

  it("the API refunds a card payment once per Idempotency-Key; staff get 403 on the page; another business gets 404", async () => {
    const A = await paidByCard(5_000);
    const { accessToken } = await issueTokens(A.user);
    const key = `card-refund-${randomBytes(5).toString("hex")}`;
    const post = (token: string, body: unknown) =>
      fetch(`${server.url}/api/v1/payments/${A.paymentId}/refund`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const first = await post(accessToken, { reason: "Customer moved" });
    expect(first.status).toBe(202);
    expect(first.json.refund).toMatchObject({ amountCents: 5_000, status: "PENDING" });
    const repeat = await post(accessToken, { reason: "Customer moved" });
    expect(repeat.status).toBe(200);
    expect(repeat.json.duplicate).toBe(true);
    expect(refundsAtStripe(A.paymentIntentId)).toHaveLength(1);

    const staff = await createTeamMember(A.business.id, { name: "Sam" });
    const staffBrowser = await signedInBrowser(server, staff);
    expect(
      (
        await staffBrowser.post(`/invoices/${A.invoice.id}`, {
          intent: "refund-online",
          paymentId: A.paymentId,
          key: randomBytes(16).toString("base64url"),
          reason: "x y z",
        })
      ).status,
    ).toBe(403);

    const B = await createAccount();
    const other = await post((await issueTokens(B.user)).accessToken, { reason: "Not mine" });
    expect(other.status).toBe(404);
    await fake.refundsSettled();
  });
});
