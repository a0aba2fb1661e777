// PayPal end to end on real Postgres: the pay form starts an order at the local PayPal fake, the
// customer approves on the fake's no-JS page and returns to the app, which captures and records the
// payment; signed webhooks (verified against the fake's certificate) record, refund and dispute the
// same capture. Nothing is mocked: the app server is the production build, PayPal is tests/fakes/paypal.
import { createHmac, randomBytes, randomInt } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { paypalAmountCents } from "~/models/payments/checkout.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { signPayPalWebhook, startFakePayPal, type FakePayPal, type WebhookEvent } from "../fakes/paypal";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const WEBHOOK_ID = `WH${Array.from({ length: 10 }, () => randomInt(10)).join("")}`;
const credentials = { clientId: `client-${randomBytes(8).toString("hex")}`, clientSecret: `secret-${randomBytes(16).toString("hex")}` };

let fake: FakePayPal;
let server: AppServer;
let browser: Browser;
/** A "foreign" host on this machine: serves the fake's real certificate, so fetching from it would make a forgery pass. */
let evil: http.Server;
let evilUrl: string;
const evilRequests: string[] = [];

beforeAll(async () => {
  fake = await startFakePayPal({ ...credentials, webhookId: WEBHOOK_ID });
  server = await startAppServer({
    PAYPAL_CLIENT_ID: credentials.clientId,
    PAYPAL_CLIENT_SECRET: credentials.clientSecret,
    PAYPAL_WEBHOOK_ID: WEBHOOK_ID,
    PAYPAL_API_URL: fake.url,
  });
  fake.setWebhookUrl(`${server.url}/webhooks/paypal`);
  browser = new Browser(server.url);
  evil = http.createServer((req, res) => {
    evilRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "Content-Type": "text/plain" }).end(fake.certPem);
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  if (evil) await new Promise((resolve) => evil.close(resolve));
});

// ---- helpers -------------------------------------------------------------------------------------

function payLink(invoiceId: string) {
  const day = Math.floor(Date.now() / 86_400_000);
  const t = createHmac("sha256", server.payLinkSecret).update(`pay:${invoiceId}:${day}`).digest("base64url").slice(0, 24);
  return { t, d: String(day), query: `t=${t}&d=${day}` };
}

/** A SENT USD invoice of one line for `unitPrice`, for a customer with an email address (so receipts are queued). */
async function sentInvoice(unitPrice = "100.00", deposit?: string) {
  const { business } = await createAccount();
  const customer = await makeCustomer(business.id);
  const input = await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice }], ...(deposit ? { deposit } : {}) });
  const invoice = await createInvoice(business.id, input);
  await markInvoiceSent(business.id, invoice.id);
  return { business, customer, invoice };
}

/** POSTs the pay form with provider=paypal; expects the 303 to the fake's approval page. */
async function startCheckout(invoiceId: string, extra: Record<string, string> = {}) {
  const { t, d } = payLink(invoiceId);
  const res = await browser.post(`/pay/${invoiceId}`, { t, d, provider: "paypal", amount: "balance", ...extra });
  expect(res.status, await res.clone().text()).toBe(303);
  const approveUrl = new URL(res.headers.get("location")!);
  expect(`${approveUrl.origin}${approveUrl.pathname}`).toBe(`${fake.url}/checkoutnow`);
  const orderId = approveUrl.searchParams.get("token")!;
  expect(fake.orders.has(orderId)).toBe(true);
  return { orderId, approveUrl: approveUrl.href };
}

/** The customer presses "Pay" on the fake's approval page; returns the app URL PayPal sends them back to. */
async function approveAtPayPal(approveUrl: string) {
  const res = await fetch(approveUrl, { method: "POST", redirect: "manual" });
  expect(res.status).toBe(303);
  const back = res.headers.get("location")!;
  expect(back.startsWith(`${server.url}/pay/`)).toBe(true);
  return back;
}

/** The customer's browser lands on the return URL; returns where the app redirects. */
async function returnFromPayPal(returnUrl: string) {
  const res = await browser.get(returnUrl);
  expect(res.status, await res.clone().text()).toBe(303);
  return res.headers.get("location")!;
}

/** The whole customer round trip through the app; returns the order, its capture id and the return URL. */
async function payThroughApp(invoiceId: string) {
  const { orderId, approveUrl } = await startCheckout(invoiceId);
  const returnUrl = await approveAtPayPal(approveUrl);
  const location = await returnFromPayPal(returnUrl);
  expect(location).toBe(`/pay/${invoiceId}?${payLink(invoiceId).query}&checkout=paypal`);
  const captureId = captureIdOf(orderId);
  return { orderId, captureId, returnUrl };
}

function captureIdOf(orderId: string) {
  const capture = fake.orders.get(orderId)?.purchase_units[0].payments?.captures[0];
  expect(capture, `order ${orderId} has a capture at PayPal`).toBeDefined();
  return capture!.id;
}

const invoiceRow = (id: string) => prisma.invoice.findUniqueOrThrow({ where: { id } });
const paymentsOf = (invoiceId: string) => prisma.payment.findMany({ where: { invoiceId }, orderBy: { createdAt: "asc" } });
const receiptsOf = (invoiceId: string) => prisma.emailMessage.findMany({ where: { invoiceId, template: "receipt" } });

/** Every row a webhook could write, counted across the whole (per-file) database. */
async function counts() {
  const [payments, emails, activity, invoices] = await Promise.all([
    prisma.payment.count(),
    prisma.emailMessage.count(),
    prisma.activityEvent.count(),
    prisma.invoice.findMany({ select: { id: true, status: true, amountPaidCents: true }, orderBy: { id: "asc" } }),
  ]);
  return { payments, emails, activity, invoices };
}

/** A PAYMENT.CAPTURE.COMPLETED resource for a capture the app has never seen (PayPal's shape, fields the app reads). */
function captureResource(invoiceId: string, value = "100.00", id = `CAP${randomBytes(7).toString("hex").toUpperCase()}`) {
  return { id, status: "COMPLETED", amount: { currency_code: "USD", value }, custom_id: invoiceId, final_capture: true };
}

/** POSTs `body` to the webhook endpoint, signed with the fake's key (or with `headers` as given). */
function postWebhook(body: BodyInit, headers: Record<string, string>, init: RequestInit = {}) {
  return fetch(`${server.url}/webhooks/paypal`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body, ...init });
}
/**
 * POSTs `chunks` on a connection of its own (the server may drop a connection whose oversized body it
 * did not read, which must not break the next request on a pooled one): Content-Length when `chunked`
 * is false, Transfer-Encoding: chunked otherwise. Resolves with the status, or "reset".
 */
function postOwnConnection(path: string, headers: Record<string, string>, chunks: string[], chunked: boolean) {
  const length = chunks.reduce((sum, c) => sum + Buffer.byteLength(c), 0);
  const framing: Record<string, string> = chunked ? { "Transfer-Encoding": "chunked" } : { "Content-Length": String(length) };
  return new Promise<number | "reset">((resolve) => {
    const req = http.request(
      `${server.url}${path}`,
      { method: "POST", agent: false, headers: { ...headers, "Content-Type": "application/json", ...framing } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
        res.on("error", () => resolve(res.statusCode!));
      },
    );
    req.on("error", () => resolve("reset"));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
const signed = (body: string) => signPayPalWebhook({ body, webhookId: WEBHOOK_ID, privateKeyPem: fake.privateKeyPem, certUrl: fake.certUrl });

// ---- tests ---------------------------------------------------------------------------------------

describe("paying an invoice with PayPal over HTTP", () => {
  it("creates the order from the invoice's balance, captures on return and records one payment and one receipt", async () => {
    const { business, invoice } = await sentInvoice("100.00");
    const ordersBefore = fake.requests.filter((r) => r.method === "POST" && r.path === "/v2/checkout/orders").length;

    // An amount of its own in the form is not a choice the form offers: refused, no order at PayPal.
    const { t, d } = payLink(invoice.id);
    const forged = await browser.post(`/pay/${invoice.id}`, { t, d, provider: "paypal", amount: "0.01" });
    expect(forged.status).toBe(400);
    expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/v2/checkout/orders")).toHaveLength(ordersBefore);

    // Extra fields are ignored: amount, currency and invoice come from the server.
    const { orderId, approveUrl } = await startCheckout(invoice.id, {
      value: "0.01",
      amountCents: "1",
      currency: "JPY",
      custom_id: "someone-else",
      invoiceId: "x",
    });
    const created = fake.requests.filter((r) => r.method === "POST" && r.path === "/v2/checkout/orders");
    expect(created).toHaveLength(ordersBefore + 1);
    const request = created.at(-1)!;
    expect(request.headers["paypal-request-id"]).toEqual(expect.any(String));
    expect((request.headers["paypal-request-id"] as string).length).toBeGreaterThan(0);
    expect(request.headers.authorization).toMatch(/^Bearer \S+$/);
    const body = request.body as {
      intent: string;
      purchase_units: { custom_id: string; amount: { currency_code: string; value: string } }[];
      payment_source: { paypal: { experience_context: { return_url: string; cancel_url: string } } };
    };
    expect(body.intent).toBe("CAPTURE");
    expect(body.purchase_units).toHaveLength(1);
    expect(body.purchase_units[0]).toMatchObject({ custom_id: invoice.id, amount: { currency_code: "USD", value: "100.00" } });
    const order = fake.orders.get(orderId)!;
    expect(order.purchase_units[0].amount).toEqual({ currency_code: "USD", value: "100.00" });
    expect(order.experience_context.return_url).toBe(`${server.url}/pay/${invoice.id}/paypal?${payLink(invoice.id).query}`);
    expect(order.experience_context.cancel_url).toBe(`${server.url}/pay/${invoice.id}?${payLink(invoice.id).query}`);
    expect(await paymentsOf(invoice.id)).toHaveLength(0);

    // Approve at PayPal, come back: captured and recorded.
    const returnUrl = await approveAtPayPal(approveUrl);
    expect(new URL(returnUrl).searchParams.get("token")).toBe(orderId);
    expect(await returnFromPayPal(returnUrl)).toBe(`/pay/${invoice.id}?${payLink(invoice.id).query}&checkout=paypal`);
    const captureId = captureIdOf(orderId);
    expect(fake.requests.filter((r) => r.method === "POST" && r.path === `/v2/checkout/orders/${orderId}/capture`).length).toBeGreaterThanOrEqual(1);

    const payments = await paymentsOf(invoice.id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      businessId: business.id,
      provider: "paypal",
      method: "PAYPAL",
      providerPaymentId: captureId,
      amountCents: 10000,
      currency: "USD",
      status: "SUCCEEDED",
      refundedCents: 0,
      overpaymentCents: 0,
    });
    const paid = await invoiceRow(invoice.id);
    expect(paid).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    expect(paid.paidAt).not.toBeNull();
    const receipts = await receiptsOf(invoice.id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ dedupeKey: `receipt:${payments[0].id}`, paymentId: payments[0].id, businessId: business.id });

    // The pay page thanks the customer.
    const page = await browser.get(`/pay/${invoice.id}?${payLink(invoice.id).query}&checkout=paypal`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Thank you! Your payment was received.");

    // A reload of the return URL captures nothing new and records nothing new.
    const before = await counts();
    expect(await returnFromPayPal(returnUrl)).toBe(`/pay/${invoice.id}?${payLink(invoice.id).query}&checkout=paypal`);
    expect(await paymentsOf(invoice.id)).toHaveLength(1);
    expect(await receiptsOf(invoice.id)).toHaveLength(1);
    expect(await counts()).toEqual(before);
  });

  it("charges the deposit when the customer chooses it", async () => {
    const { invoice } = await sentInvoice("200.00", "50.00");
    const { orderId } = await startCheckout(invoice.id, { amount: "deposit" });
    expect(fake.orders.get(orderId)!.purchase_units[0]).toMatchObject({ custom_id: invoice.id, amount: { currency_code: "USD", value: "50.00" } });
  });

  it("treats the capture webhook after the return as a no-op: one payment, one receipt", async () => {
    const { invoice } = await sentInvoice("100.00");
    const { orderId, captureId } = await payThroughApp(invoice.id);
    const before = await counts();

    const delivery = await fake.sendWebhook(fake.captureCompletedEvent(orderId));
    expect(delivery.status, delivery.body).toBe(200);
    const payments = await paymentsOf(invoice.id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ providerPaymentId: captureId, status: "SUCCEEDED", amountCents: 10000 });
    expect(await receiptsOf(invoice.id)).toHaveLength(1);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    expect(await counts()).toEqual(before);
  });

  it("treats the return after the capture webhook as a no-op: one payment, one receipt", async () => {
    const { invoice } = await sentInvoice("100.00");
    const { orderId, approveUrl } = await startCheckout(invoice.id);
    const returnUrl = await approveAtPayPal(approveUrl);
    // PayPal captured (and told the app by webhook) before the customer's browser came back.
    fake.capture(orderId);
    const captureId = captureIdOf(orderId);
    const delivery = await fake.sendWebhook(fake.captureCompletedEvent(orderId));
    expect(delivery.status, delivery.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([
      { provider: "paypal", method: "PAYPAL", providerPaymentId: captureId, amountCents: 10000, status: "SUCCEEDED" },
    ]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    expect(await receiptsOf(invoice.id)).toHaveLength(1);

    const before = await counts();
    expect(await returnFromPayPal(returnUrl)).toBe(`/pay/${invoice.id}?${payLink(invoice.id).query}&checkout=paypal`);
    expect(await paymentsOf(invoice.id)).toHaveLength(1);
    expect(await receiptsOf(invoice.id)).toHaveLength(1);
    expect(await counts()).toEqual(before);
  });
});

describe("webhook verification", () => {
  it("refuses every forged or malformed delivery with 401 and writes nothing; the genuine one is then recorded", async () => {
    const { invoice } = await sentInvoice("100.00");
    const resource = captureResource(invoice.id);
    const event: WebhookEvent = { eventType: "PAYMENT.CAPTURE.COMPLETED", resource };
    const before = await counts();
    const certFetchesBefore = fake.certFetches;
    const evilBefore = evilRequests.length;

    const refused = async (label: string, opts: Parameters<FakePayPal["sendWebhook"]>[1]) => {
      const delivery = await fake.sendWebhook(event, opts);
      expect(delivery.status, `${label}: ${delivery.body}`).toBe(401);
      expect(await counts(), label).toEqual(before);
    };

    // Certificates from anywhere but PayPal (or the configured API origin) are never fetched.
    for (const certUrl of [
      "https://evil.example.com/cert.pem",
      `${evilUrl}/cert`,
      `${evilUrl}/v1/notifications/certs/CERT-360caa42-fca2a594-test`,
      `https://api.paypal.com.evil.example.com/cert`,
      `https://user:pass@api.paypal.com/cert`,
      `http://api.paypal.com/v1/notifications/certs/x`,
      fake.certUrl.replace("127.0.0.1", "localhost"),
    ]) {
      await refused(`cert URL ${certUrl}`, { certUrl });
    }
    expect(fake.certFetches).toBe(certFetchesBefore);
    expect(evilRequests.slice(evilBefore)).toEqual([]);

    await refused("tampered body", { tamperBody: true });
    await refused("wrong webhook id", { webhookId: "WH0000000000" });
    await refused("bad signature", { signature: randomBytes(256).toString("base64") });
    await refused("empty signature", { signature: "" });
    for (const header of ["PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-CERT-URL", "PAYPAL-AUTH-ALGO"]) {
      await refused(`missing ${header}`, { omitHeader: header });
    }
    await refused("transmission two days old", { transmissionTime: new Date(Date.now() - 2 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z") });
    await refused("transmission two days ahead", { transmissionTime: new Date(Date.now() + 2 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z") });

    // A different algorithm name is refused too.
    const body = JSON.stringify({ id: "WH-ALGO", event_type: "PAYMENT.CAPTURE.COMPLETED", resource });
    const algo = await postWebhook(body, { ...signed(body), "PAYPAL-AUTH-ALGO": "SHA1withRSA" });
    expect(algo.status).toBe(401);
    expect(await counts()).toEqual(before);
    expect(evilRequests.slice(evilBefore)).toEqual([]);

    // The same event, genuinely signed, is recorded: the refusals above were about the signature alone.
    const genuine = await fake.sendWebhook(event);
    expect(genuine.status, genuine.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([{ providerPaymentId: resource.id, amountCents: 10000, status: "SUCCEEDED" }]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID" });
    expect(await receiptsOf(invoice.id)).toHaveLength(1);
  });

  it("fetches the certificate at most once for several webhooks", async () => {
    const { invoice } = await sentInvoice("100.00");
    const before = fake.certFetches;
    const first = await fake.sendWebhook("PAYMENT.CAPTURE.COMPLETED", captureResource(invoice.id, "40.00"));
    const second = await fake.sendWebhook("PAYMENT.CAPTURE.COMPLETED", captureResource(invoice.id, "60.00"));
    const third = await fake.sendWebhook("PAYMENT.CAPTURE.COMPLETED", captureResource("no-such-invoice"));
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(fake.certFetches - before).toBeLessThanOrEqual(1);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
  });

  it("answers 400 to a signed body that is not a PayPal event or is too large, and 405 to GET", async () => {
    const before = await counts();
    for (const body of ["this is not json", "[]", "{}", JSON.stringify({ id: "WH-1", event_type: "PAYMENT.CAPTURE.COMPLETED" })]) {
      const res = await postWebhook(body, signed(body));
      expect(res.status, body).toBe(400);
    }

    const huge = JSON.stringify({ id: "WH-HUGE", event_type: "PAYMENT.CAPTURE.COMPLETED", resource: { ...captureResource("x"), pad: "a".repeat(300 * 1024) } });
    expect(Buffer.byteLength(huge)).toBeGreaterThan(256 * 1024);
    const chunks = [huge.slice(0, 100_000), huge.slice(100_000, 200_000), huge.slice(200_000)];
    expect(await postOwnConnection("/webhooks/paypal", signed(huge), chunks, false)).toBe(400);
    // The same without a Content-Length (chunked): the limit holds while streaming. The server may
    // answer 400 or drop the connection once the limit is passed; either way it reads no further.
    expect(["400", "reset"]).toContain(String(await postOwnConnection("/webhooks/paypal", signed(huge), chunks, true)));

    const get = await fetch(`${server.url}/webhooks/paypal`, { redirect: "manual" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await counts()).toEqual(before);
  });
});

describe("refunds and disputes", () => {
  it("applies PayPal's running refund total: partial, then full; a replayed refund changes nothing", async () => {
    const { invoice } = await sentInvoice("100.00");
    const { captureId } = await payThroughApp(invoice.id);

    const partial = fake.refund(captureId, "30.00");
    const first = await fake.sendWebhook(partial);
    expect(first.status, first.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([{ providerPaymentId: captureId, amountCents: 10000, refundedCents: 3000, status: "SUCCEEDED" }]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidCents: 7000, paidAt: null });

    const rest = fake.refund(captureId);
    const second = await fake.sendWebhook(rest);
    expect(second.status, second.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([{ providerPaymentId: captureId, refundedCents: 10000, status: "REFUNDED" }]);
    const refunded = await invoiceRow(invoice.id);
    expect(refunded.amountPaidCents).toBe(0);
    expect(["SENT", "VIEWED"]).toContain(refunded.status);

    // PayPal retries the first refund event (same event id, and again as a new delivery): nothing moves back.
    const before = await counts();
    const replay = await fake.sendWebhook(partial, { id: first.event.id });
    expect(replay.status, replay.body).toBe(200);
    const replayAgain = await fake.sendWebhook(partial);
    expect(replayAgain.status, replayAgain.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([{ refundedCents: 10000, status: "REFUNDED" }]);
    expect(await invoiceRow(invoice.id)).toEqual(refunded);
    expect(await counts()).toEqual(before);
    expect(await receiptsOf(invoice.id)).toHaveLength(1);
  });

  it("answers 409 (so PayPal retries) to a refund or dispute for a capture it has not recorded, writing nothing", async () => {
    const before = await counts();
    const unknown = `UNKNOWN${randomBytes(5).toString("hex").toUpperCase()}`;
    const refund = await fake.sendWebhook("PAYMENT.CAPTURE.REFUNDED", {
      id: "REFUND123",
      status: "COMPLETED",
      amount: { currency_code: "USD", value: "10.00" },
      seller_payable_breakdown: { total_refunded_amount: { currency_code: "USD", value: "10.00" } },
      links: [{ rel: "up", href: `${fake.url}/v2/payments/captures/${unknown}`, method: "GET" }],
    });
    expect(refund.status, refund.body).toBe(409);
    const dispute = await fake.sendWebhook("CUSTOMER.DISPUTE.CREATED", {
      dispute_id: "PP-D-1",
      status: "OPEN",
      disputed_transactions: [{ seller_transaction_id: unknown }],
    });
    expect(dispute.status, dispute.body).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it("takes a disputed payment off the invoice and gives it back when the seller wins", async () => {
    const { invoice } = await sentInvoice("100.00");
    const { captureId } = await payThroughApp(invoice.id);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID" });

    const created = fake.dispute(captureId);
    const opened = await fake.sendWebhook(created);
    expect(opened.status, opened.body).toBe(200);
    const [disputed] = await paymentsOf(invoice.id);
    expect(disputed).toMatchObject({ providerPaymentId: captureId, status: "DISPUTED" });
    expect(disputed.disputedAt).not.toBeNull();
    const unpaid = await invoiceRow(invoice.id);
    expect(unpaid.status).not.toBe("PAID");
    expect(unpaid).toMatchObject({ amountPaidCents: 0, paidAt: null });

    // The same CREATED event again: no change.
    const before = await counts();
    expect((await fake.sendWebhook(created)).status).toBe(200);
    expect(await counts()).toEqual(before);

    const resolved = { ...created.resource, status: "RESOLVED", dispute_outcome: { outcome_code: "RESOLVED_SELLER_FAVOUR" } };
    const won = await fake.sendWebhook("CUSTOMER.DISPUTE.RESOLVED", resolved);
    expect(won.status, won.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([{ providerPaymentId: captureId, status: "SUCCEEDED" }]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    expect(await receiptsOf(invoice.id)).toHaveLength(1);

    // A second dispute that the buyer wins leaves the money off the invoice.
    const again = fake.dispute(captureId);
    expect((await fake.sendWebhook(again)).status).toBe(200);
    const lost = await fake.sendWebhook("CUSTOMER.DISPUTE.RESOLVED", {
      ...again.resource,
      status: "RESOLVED",
      dispute_outcome: { outcome_code: "RESOLVED_BUYER_FAVOUR" },
    });
    expect(lost.status, lost.body).toBe(200);
    expect(await paymentsOf(invoice.id)).toMatchObject([{ status: "DISPUTED" }]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ amountPaidCents: 0 });
  });
});

describe("pending captures and mismatched ids", () => {
  it("records a PENDING capture as pending, then completes it from the COMPLETED webhook with one receipt", async () => {
    const { invoice } = await sentInvoice("100.00");
    let orderId: string;
    let captureId: string;
    fake.captureStatus = "PENDING";
    try {
      ({ orderId, captureId } = await payThroughApp(invoice.id));
    } finally {
      fake.captureStatus = "COMPLETED";
    }
    expect(await paymentsOf(invoice.id)).toMatchObject([{ provider: "paypal", providerPaymentId: captureId, status: "PENDING", amountCents: 10000 }]);
    const pending = await invoiceRow(invoice.id);
    expect(pending.status).not.toBe("PAID");
    expect(pending).toMatchObject({ amountPaidCents: 0, paidAt: null });
    expect(await receiptsOf(invoice.id)).toHaveLength(0);

    // The PENDING webhook repeats what the return recorded.
    const before = await counts();
    const pendingEvent = await fake.sendWebhook(fake.captureCompletedEvent(orderId, "PENDING"));
    expect(pendingEvent.status, pendingEvent.body).toBe(200);
    expect(await counts()).toEqual(before);

    const completed = fake.captureCompletedEvent(orderId, "COMPLETED");
    const delivery = await fake.sendWebhook(completed);
    expect(delivery.status, delivery.body).toBe(200);
    const payments = await paymentsOf(invoice.id);
    expect(payments).toMatchObject([{ providerPaymentId: captureId, status: "SUCCEEDED", amountCents: 10000 }]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "PAID", amountPaidCents: 10000 });
    const receipts = await receiptsOf(invoice.id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0].dedupeKey).toBe(`receipt:${payments[0].id}`);

    // Delivered again: still one receipt.
    expect((await fake.sendWebhook(completed)).status).toBe(200);
    expect(await receiptsOf(invoice.id)).toHaveLength(1);
    expect(await paymentsOf(invoice.id)).toHaveLength(1);
  });

  it("ignores a capture event naming an invoice that does not exist", async () => {
    const before = await counts();
    const delivery = await fake.sendWebhook("PAYMENT.CAPTURE.COMPLETED", captureResource("clnosuchinvoice000000000"));
    expect(delivery.status, delivery.body).toBe(200);
    expect(delivery.body).toBe("ignored");
    expect(await counts()).toEqual(before);
  });

  it("does not record another invoice's order on this invoice's return URL", async () => {
    const mine = await sentInvoice("100.00");
    const theirs = await sentInvoice("55.00");
    const { orderId: theirOrder, approveUrl } = await startCheckout(theirs.invoice.id);
    const theirReturn = await approveAtPayPal(approveUrl);

    const before = await counts();
    const location = await returnFromPayPal(
      `${server.url}/pay/${mine.invoice.id}/paypal?${payLink(mine.invoice.id).query}&token=${theirOrder}&PayerID=FAKEPAYER123`,
    );
    expect(location).toBe(`/pay/${mine.invoice.id}?${payLink(mine.invoice.id).query}&paypal=incomplete`);
    expect(await paymentsOf(mine.invoice.id)).toHaveLength(0);
    expect(await invoiceRow(mine.invoice.id)).toMatchObject({ amountPaidCents: 0 });
    expect(await counts()).toEqual(before);

    // Its own customer's return still records it on the right invoice, once.
    expect(await returnFromPayPal(theirReturn)).toBe(`/pay/${theirs.invoice.id}?${payLink(theirs.invoice.id).query}&checkout=paypal`);
    expect(await paymentsOf(theirs.invoice.id)).toMatchObject([{ providerPaymentId: captureIdOf(theirOrder), amountCents: 5500, status: "SUCCEEDED" }]);
    expect(await paymentsOf(mine.invoice.id)).toHaveLength(0);
  });
});

describe("paypalAmountCents", () => {
  it("turns PayPal decimal strings into integer minor units without floats", () => {
    expect(paypalAmountCents({ currency_code: "USD", value: "100.00" })).toBe(10000);
    expect(paypalAmountCents({ currency_code: "USD", value: "5" })).toBe(500);
    expect(paypalAmountCents({ currency_code: "JPY", value: "1000" })).toBe(1000);
    expect(paypalAmountCents({ currency_code: "USD", value: "0.29" })).toBe(29);
    for (const value of ["1.234", "-1.00", "1e3", "", " 1.00", "1,00", "0x10"]) {
      expect(() => paypalAmountCents({ currency_code: "USD", value }), value).toThrow();
    }
  });
});
