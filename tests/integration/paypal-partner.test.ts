// PayPal per business (partner mode) and refunds through PayPal, over HTTP against the production server,
// real Postgres and the PayPal fake: the owner connects through Partner Referrals (a forged, foreign,
// expired or replayed state gets 400 and changes nothing), a customer pays the business's own merchant
// account, and the owner refunds from the invoice page and the API, once per key however often it is
// tapped; PayPal failing or not answering leaves the payment as it was and the refund can be retried.
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { ONBOARDING_PATH, startFakePayPal, type FakePayPal } from "../fakes/paypal";
import { createAccount, createTeamMember, signedInBrowser } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { elementAt, hiddenValue, pageText, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

const JWT_SECRET = vi.hoisted(() => {
  const secret = `paypal-partner-${Math.random().toString(36).slice(2)}`.padEnd(48, "p");
  process.env.JWT_SECRET = secret;
  return secret;
});

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const WEBHOOK_ID = `WH${Array.from({ length: 10 }, () => randomInt(10)).join("")}`;
const PARTNER_ID = "PARTNERMERCH01";
const BN_CODE = "InvoiceLink_SP_PPCP";
const credentials = { clientId: `client-${randomBytes(8).toString("hex")}`, clientSecret: `secret-${randomBytes(16).toString("hex")}` };
const TIMEOUT_MS = 1500;

let fake: FakePayPal;
let server: AppServer;

beforeAll(async () => {
  fake = await startFakePayPal({ ...credentials, webhookId: WEBHOOK_ID, partnerMerchantId: PARTNER_ID });
  server = await startAppServer({
    PAYPAL_CLIENT_ID: credentials.clientId,
    PAYPAL_CLIENT_SECRET: credentials.clientSecret,
    PAYPAL_WEBHOOK_ID: WEBHOOK_ID,
    PAYPAL_API_URL: fake.url,
    PAYPAL_PARTNER_MERCHANT_ID: PARTNER_ID,
    PAYPAL_PARTNER_ATTRIBUTION_ID: BN_CODE,
    PAYMENTS_TIMEOUT_MS: String(TIMEOUT_MS),
    JWT_SECRET,
  });
  fake.setWebhookUrl(`${server.url}/webhooks/paypal`);
});

afterAll(async () => {
  await fake?.settled();
  await server?.stop();
  await fake?.stop();
});

// ---- helpers -------------------------------------------------------------------------------------

const business = (id: string) => prisma.business.findUniqueOrThrow({ where: { id } });
const paypalFields = async (id: string) => {
  const b = await business(id);
  return { merchantId: b.paypalMerchantId, trackingId: b.paypalTrackingId, receivable: b.paypalPaymentsReceivable, confirmed: b.paypalEmailConfirmed };
};

async function owner() {
  const { user, business } = await createAccount({ businessName: `Partner Plumbing ${randomBytes(3).toString("hex")}` });
  return { user, business, browser: await signedInBrowser(server, user) };
}

/** "Connect PayPal": the 303 to PayPal's sign-up page, and the referral the fake received. */
async function startConnect(browser: Browser) {
  const res = await browser.post("/settings/payments/paypal", { intent: "connect" });
  expect(res.status, await res.clone().text()).toBe(303);
  const actionUrl = new URL(res.headers.get("location")!);
  expect(`${actionUrl.origin}${actionUrl.pathname}`).toBe(`${fake.url}${ONBOARDING_PATH}`);
  const referral = fake.referrals.get(actionUrl.searchParams.get("token")!)!;
  return { actionUrl: actionUrl.href, referral };
}

/** The owner agrees on PayPal's page (a plain form POST); returns the app URL PayPal sends them back to. */
async function agreeAtPayPal(actionUrl: string) {
  const page = await fetch(actionUrl);
  expect(await page.text()).toContain("Agree and connect");
  const res = await fetch(actionUrl, { method: "POST", body: new URLSearchParams({ email: "seller@example.com" }), redirect: "manual" });
  expect(res.status).toBe(303);
  return res.headers.get("location")!;
}

/** The whole connect round trip; returns the merchant id. */
async function connect(browser: Browser) {
  const { actionUrl } = await startConnect(browser);
  const back = await agreeAtPayPal(actionUrl);
  const res = await browser.get(back);
  expect(res.status, await res.clone().text()).toBe(302);
  expect(res.headers.get("location")).toBe("/settings/payments");
  await fake.settled();
  return new URL(back).searchParams.get("merchantIdInPayPal")!;
}

async function sentInvoice(businessId: string, unitPrice = "100.00") {
  const customer = await makeCustomer(businessId);
  const invoice = await createInvoice(businessId, await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice }] }));
  await markInvoiceSent(businessId, invoice.id);
  return invoice;
}

/** The customer's signed pay link, read from the owner's invoice page. */
async function payLink(browser: Browser, invoiceId: string) {
  const html = await (await browser.get(`/invoices/${invoiceId}`)).text();
  const link = elementAt(html, 'input[data-testid="pay-link"]')?.getAttribute("value");
  expect(link, "the invoice page shows the pay link").toBeTruthy();
  const url = new URL(link!, "http://pay.link.invalid");
  expect(url.pathname).toBe(`/pay/${invoiceId}`);
  return { t: url.searchParams.get("t")!, d: url.searchParams.get("d")! };
}

/** A customer pays the invoice with PayPal through the app; returns the capture id. */
async function payWithPayPal(ownerBrowser: Browser, invoiceId: string) {
  const { t, d } = await payLink(ownerBrowser, invoiceId);
  const customer = new Browser(server.url);
  const page = await (await customer.get(`/pay/${invoiceId}?t=${t}&d=${d}`)).text();
  expect(page).toContain("Pay with PayPal");
  const start = await customer.post(`/pay/${invoiceId}`, { t, d, provider: "paypal", amount: "balance" });
  expect(start.status, await start.clone().text()).toBe(303);
  const approve = new URL(start.headers.get("location")!);
  const orderId = approve.searchParams.get("token")!;
  const approved = await fetch(approve.href, { method: "POST", redirect: "manual" });
  const back = await customer.get(approved.headers.get("location")!);
  expect(back.status).toBe(303);
  expect(back.headers.get("location")).toContain("checkout=paypal");
  return { orderId, captureId: fake.orders.get(orderId)!.purchase_units[0].payments!.captures[0].id };
}

/** The invoice page's refund form values for a payment (the key rendered into it). */
async function refundForm(browser: Browser, invoiceId: string) {
  const html = await (await browser.get(`/invoices/${invoiceId}`)).text();
  return { html, key: hiddenValue(html, "key") };
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function refundRows(paymentId: string) {
  return prisma.refund.findMany({ where: { paymentId }, orderBy: { createdAt: "asc" } });
}

// ---- connecting -----------------------------------------------------------------------------------

describe("connecting PayPal", () => {
  it("the owner connects through Partner Referrals without JavaScript; the return and MERCHANT.ONBOARDING.COMPLETED both confirm the merchant", async () => {
    const { business: b, browser } = await owner();
    const settings = visibleHtml(await (await browser.get("/settings/payments")).text());
    expect(settings).toContain("Connect PayPal");

    const { actionUrl, referral } = await startConnect(browser);
    // The referral: our tracking id, third-party API integration with PAYMENT and REFUND, a return URL with a state.
    expect(referral.body.operations[0].api_integration_preference.rest_api_integration).toMatchObject({
      integration_type: "THIRD_PARTY",
      third_party_details: { features: ["PAYMENT", "REFUND"] },
    });
    const returnUrl = new URL(referral.return_url);
    expect(returnUrl.pathname).toBe("/settings/payments/paypal/return");
    expect(returnUrl.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await paypalFields(b.id)).trackingId).toBe(referral.tracking_id);
    const request = fake.requests.find((r) => r.path === "/v2/customer/partner-referrals")!;
    expect(request.headers["paypal-partner-attribution-id"]).toBe(BN_CODE);
    // Only the hash of the state is stored.
    const states = await prisma.connectState.findMany({ where: { businessId: b.id } });
    expect(states).toHaveLength(1);
    expect(states[0].id).not.toBe(returnUrl.searchParams.get("state"));

    const back = await agreeAtPayPal(actionUrl);
    const res = await browser.get(back);
    expect(res.status).toBe(302);
    const merchantId = new URL(back).searchParams.get("merchantIdInPayPal")!;
    expect(await paypalFields(b.id)).toEqual({ merchantId, trackingId: referral.tracking_id, receivable: true, confirmed: true });
    // PayPal's webhook arrives too (signed the real way) and changes nothing more.
    await fake.settled();
    expect((await paypalFields(b.id)).merchantId).toBe(merchantId);
    const page = visibleHtml(await (await browser.get("/settings/payments")).text());
    expect(page).toContain(merchantId);
    expect(page).toContain("Pay pages offer PayPal.");
    // merchant-integrations was read under our partner id.
    expect(fake.requests.some((r) => r.path === `/v1/customer/partners/${PARTNER_ID}/merchant-integrations/${merchantId}`)).toBe(true);
  });

  it("a forged, replayed, foreign-session, other-business or expired state gets 400 and changes nothing", async () => {
    // Only the return may connect here (no MERCHANT.ONBOARDING.COMPLETED racing it).
    fake.autoWebhooks = false;
    onTestFinished(() => void (fake.autoWebhooks = true));
    const A = await owner();
    const { actionUrl } = await startConnect(A.browser);
    const back = await agreeAtPayPal(actionUrl);
    const url = new URL(back);
    const before = await paypalFields(A.business.id);

    // Forged: a state we never issued.
    const forged = new URL(back);
    forged.searchParams.set("state", randomBytes(32).toString("base64url"));
    expect((await A.browser.get(forged.pathname + forged.search)).status).toBe(400);
    // Another browser of the same owner (another session).
    const otherSession = await signedInBrowser(server, A.user);
    expect((await otherSession.get(url.pathname + url.search)).status).toBe(400);
    // Another business's owner.
    const B = await owner();
    expect((await B.browser.get(url.pathname + url.search)).status).toBe(400);
    expect(await paypalFields(A.business.id)).toEqual(before);
    expect((await paypalFields(B.business.id)).merchantId).toBeNull();
    expect(await prisma.connectState.count({ where: { businessId: A.business.id, usedAt: { not: null } } })).toBe(0);

    // The right session uses it once; the replay is refused.
    expect((await A.browser.get(url.pathname + url.search)).status).toBe(302);
    const connected = await paypalFields(A.business.id);
    expect(connected.merchantId).toBe(url.searchParams.get("merchantIdInPayPal"));
    const replay = await A.browser.get(url.pathname + url.search);
    expect(replay.status).toBe(400);
    expect(visibleHtml(await replay.text())).toContain("not valid any more");

    // Expired: a fresh referral whose state is past its expiry.
    const C = await owner();
    const second = await startConnect(C.browser);
    const backC = await agreeAtPayPal(second.actionUrl);
    await prisma.connectState.updateMany({ where: { businessId: C.business.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const urlC = new URL(backC);
    expect((await C.browser.get(urlC.pathname + urlC.search)).status).toBe(400);
    expect((await paypalFields(C.business.id)).merchantId).toBeNull();
  });

  it("PayPal failing while creating the referral or confirming the merchant changes nothing, and the same step can be retried", async () => {
    const { business: b, browser } = await owner();
    fake.failNext(503);
    const refused = await browser.post("/settings/payments/paypal", { intent: "connect" });
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toBe("/settings/payments");
    expect(await prisma.connectState.count({ where: { businessId: b.id } })).toBe(0);
    expect((await paypalFields(b.id)).trackingId).toBeNull();
    const flash = visibleHtml(await (await browser.get("/settings/payments")).text());
    expect(flash).toMatch(/PayPal POST \/v2\/customer\/partner-referrals answered 503\. Nothing was changed/);

    fake.autoWebhooks = false;
    onTestFinished(() => void (fake.autoWebhooks = true));
    const { actionUrl } = await startConnect(browser);
    const back = await agreeAtPayPal(actionUrl);
    fake.setDelay(TIMEOUT_MS + 500);
    const slow = await browser.get(back);
    fake.setDelay(0);
    expect(slow.status).toBe(502);
    const text = visibleHtml(await slow.text());
    expect(text).toMatch(/PayPal did not answer within \d+ seconds\. Nothing was changed\./);
    expect(text).not.toMatch(/at \w+ \(|node_modules/);
    expect((await paypalFields(b.id)).merchantId).toBeNull();
    expect(await prisma.connectState.count({ where: { businessId: b.id, usedAt: null } })).toBe(1);
    // Retry: the same return URL now works.
    expect((await browser.get(back)).status).toBe(302);
    expect((await paypalFields(b.id)).merchantId).toBe(new URL(back).searchParams.get("merchantIdInPayPal"));
  });

  it("staff cannot open Settings → Payments or connect; Disconnect and MERCHANT.PARTNER-CONSENT.REVOKED stop PayPal on pay pages", async () => {
    const A = await owner();
    const staff = await createTeamMember(A.business.id);
    const staffBrowser = await signedInBrowser(server, staff);
    expect((await staffBrowser.get("/settings/payments")).status).toBe(403);
    expect((await staffBrowser.post("/settings/payments/paypal", { intent: "connect" })).status).toBe(403);
    expect(await prisma.connectState.count({ where: { businessId: A.business.id } })).toBe(0);

    const merchantId = await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    const { t, d } = await payLink(A.browser, invoice.id);
    const customer = new Browser(server.url);
    expect(await (await customer.get(`/pay/${invoice.id}?t=${t}&d=${d}`)).text()).toContain("Pay with PayPal");

    // The merchant withdraws consent at PayPal: the signed webhook disconnects at once.
    const delivery = await fake.sendWebhook(fake.revokeConsent(merchantId));
    expect(delivery.status).toBe(200);
    expect(await paypalFields(A.business.id)).toMatchObject({ merchantId: null, receivable: false });
    const page = await (await customer.get(`/pay/${invoice.id}?t=${t}&d=${d}`)).text();
    expect(page).not.toContain("Pay with PayPal");
    expect(page).toContain("Online payment is not set up");
    expect((await customer.post(`/pay/${invoice.id}`, { t, d, provider: "paypal", amount: "balance" })).status).toBe(400);

    // Connect again, then Disconnect from the settings page.
    await connect(A.browser);
    expect(await (await customer.get(`/pay/${invoice.id}?t=${t}&d=${d}`)).text()).toContain("Pay with PayPal");
    expect((await A.browser.post("/settings/payments/paypal", { intent: "disconnect" })).status).toBe(302);
    expect((await paypalFields(A.business.id)).merchantId).toBeNull();
    expect(await (await customer.get(`/pay/${invoice.id}?t=${t}&d=${d}`)).text()).not.toContain("Pay with PayPal");
  });

  it("a merchant PayPal does not let receive payments yet is connected but not offered to customers", async () => {
    const A = await owner();
    fake.nextOnboarding = { paymentsReceivable: false };
    await connect(A.browser);
    expect(await paypalFields(A.business.id)).toMatchObject({ receivable: false, confirmed: true });
    expect(visibleHtml(await (await A.browser.get("/settings/payments")).text())).toContain("Pay pages do not offer PayPal");
    const invoice = await sentInvoice(A.business.id);
    const { t, d } = await payLink(A.browser, invoice.id);
    expect(await (await new Browser(server.url).get(`/pay/${invoice.id}?t=${t}&d=${d}`)).text()).not.toContain("Pay with PayPal");
  });
});

describe("closing the account", () => {
  it("disconnects the PayPal merchant and drops onboarding states; a late MERCHANT.ONBOARDING.COMPLETED writes nothing; cleanup drops old states", async () => {
    const A = await owner();
    const merchantId = await connect(A.browser);
    await startConnect(A.browser); // an onboarding still in flight
    const { closeBusiness } = await import("~/models/account-closure.server");
    await closeBusiness(A.business.id);
    expect(await paypalFields(A.business.id)).toEqual({ merchantId: null, trackingId: null, receivable: false, confirmed: false });
    expect(await prisma.connectState.count({ where: { businessId: A.business.id } })).toBe(0);
    const late = await fake.sendWebhook(fake.onboardingCompletedEvent(merchantId));
    expect(late.status).toBe(200);
    expect((await paypalFields(A.business.id)).merchantId).toBeNull();

    const B = await owner();
    await startConnect(B.browser);
    await prisma.connectState.updateMany({ where: { businessId: B.business.id }, data: { expiresAt: new Date(Date.now() - 2 * 86_400_000) } });
    const { cleanupExpired } = await import("~/models/cleanup.server");
    expect((await cleanupExpired()).connectStates).toBeGreaterThanOrEqual(1);
    expect(await prisma.connectState.count({ where: { businessId: B.business.id } })).toBe(0);
  });
});

// ---- paying and refunding ------------------------------------------------------------------------

describe("paying a connected business and refunding", () => {
  it("the order names the business as payee with the partner attribution; the capture is recorded under its merchant id once", async () => {
    const A = await owner();
    const merchantId = await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    const { orderId, captureId } = await payWithPayPal(A.browser, invoice.id);
    const create = fake.requests.find(
      (r) =>
        r.method === "POST" &&
        r.path === "/v2/checkout/orders" &&
        (r.body as { purchase_units: { custom_id: string }[] }).purchase_units[0].custom_id === invoice.id,
    )!;
    expect((create.body as { purchase_units: { payee: unknown }[] }).purchase_units[0].payee).toEqual({ merchant_id: merchantId });
    expect(create.headers["paypal-partner-attribution-id"]).toBe(BN_CODE);
    expect(fake.orders.get(orderId)!.purchase_units[0].payee.merchant_id).toBe(merchantId);
    const payments = await prisma.payment.findMany({ where: { invoiceId: invoice.id } });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      provider: "paypal",
      providerAccountId: merchantId,
      providerPaymentId: captureId,
      amountCents: 10_000,
      status: "SUCCEEDED",
    });
    // PayPal's own webhook for the same capture is a no-op.
    expect((await fake.sendWebhook(fake.captureCompletedEvent(orderId))).status).toBe(200);
    expect(await prisma.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
    // A capture event for this invoice paid to another merchant writes nothing.
    const stray = { ...fake.captureCompletedEvent(orderId) };
    stray.resource = { ...stray.resource, id: `CAP${randomBytes(6).toString("hex").toUpperCase()}`, payee: { merchant_id: "SOMEONEELSE01" } };
    expect((await fake.sendWebhook(stray)).status).toBe(200);
    expect(await prisma.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("the owner refunds part on the invoice page without JavaScript, on the merchant's behalf; PayPal's webhook updates the invoice; more than is left is refused", async () => {
    const A = await owner();
    const merchantId = await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    const { captureId } = await payWithPayPal(A.browser, invoice.id);
    const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });

    const { html, key } = await refundForm(A.browser, invoice.id);
    expect(visibleHtml(html)).toContain("Refund through PayPal");
    const res = await A.browser.post(`/invoices/${invoice.id}`, {
      intent: "refund-online",
      paymentId: payment.id,
      key: key!,
      amount: "30.00",
      reason: "Left early",
    });
    expect(res.status, await res.clone().text()).toBe(302);
    expect(fake.apiRefunds).toContainEqual(expect.objectContaining({ captureId, amount: { currency_code: "USD", value: "30.00" }, note: "Left early" }));
    const sent = fake.apiRefunds.find((r) => r.captureId === captureId)!;
    const claims = JSON.parse(Buffer.from(sent.authAssertion!.split(".")[1], "base64url").toString());
    expect(claims).toEqual({ iss: credentials.clientId, payer_id: merchantId });
    await fake.settled();
    await waitFor(async () => (await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents === 3_000, "the refund webhook");
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ amountPaidCents: 7_000, status: "PARTIALLY_PAID" });
    expect((await refundRows(payment.id)).map((r) => [r.amountCents, r.status, r.reason])).toEqual([[3_000, "COMPLETED", "Left early"]]);

    // More than the 70.00 left: 400, the message names what is left, nothing written.
    const again = await refundForm(A.browser, invoice.id);
    const over = await A.browser.post(`/invoices/${invoice.id}`, {
      intent: "refund-online",
      paymentId: payment.id,
      key: again.key!,
      amount: "70.01",
      reason: "Too much",
    });
    expect(over.status).toBe(400);
    expect(pageText(await over.text())).toContain("At most $70.00 of this payment can still be refunded.");
    expect(await refundRows(payment.id)).toHaveLength(1);
    expect(fake.apiRefunds.filter((r) => r.captureId === captureId)).toHaveLength(1);
    // No reason: 400 from the form schema.
    const noReason = await A.browser.post(`/invoices/${invoice.id}`, {
      intent: "refund-online",
      paymentId: payment.id,
      key: again.key!,
      amount: "10.00",
      reason: "",
    });
    expect(noReason.status).toBe(400);
    expect(visibleHtml(await noReason.text())).toContain("Say why you are refunding");
  });

  it("20 concurrent taps of the same refund form refund once", async () => {
    const A = await owner();
    await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    const { captureId } = await payWithPayPal(A.browser, invoice.id);
    const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    const { key } = await refundForm(A.browser, invoice.id);
    const taps = await Promise.all(
      Array.from({ length: 20 }, () =>
        A.browser.post(`/invoices/${invoice.id}`, { intent: "refund-online", paymentId: payment.id, key: key!, amount: "100.00", reason: "Cancelled job" }),
      ),
    );
    expect(taps.map((r) => r.status).every((s) => s === 302)).toBe(true);
    expect(fake.apiRefunds.filter((r) => r.captureId === captureId)).toHaveLength(1);
    expect(await refundRows(payment.id)).toHaveLength(1);
    await fake.settled();
    await waitFor(async () => (await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).status === "REFUNDED", "the refund webhook");
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ amountPaidCents: 0 });
  });

  it("PayPal answering 5xx or not answering leaves the payment unchanged, says what PayPal answered, and the retry refunds once", async () => {
    const A = await owner();
    await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    const { captureId } = await payWithPayPal(A.browser, invoice.id);
    const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    const { key } = await refundForm(A.browser, invoice.id);
    const form = { intent: "refund-online", paymentId: payment.id, key: key!, amount: "40.00", reason: "Damaged tile" };

    fake.failNext(503);
    const failed = await A.browser.post(`/invoices/${invoice.id}`, form);
    expect(failed.status).toBe(502);
    const text = visibleHtml(await failed.text());
    expect(text).toContain("PayPal had a problem (503). Nothing was refunded; try again in a few minutes.");
    expect(text).not.toMatch(/at \w+ \(|node_modules|Error:/);
    // The re-rendered form carries the same key, so a retry cannot become a second refund.
    expect(hiddenValue(text, "key")).toBe(key);
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ refundedCents: 0, status: "SUCCEEDED" });
    expect((await refundRows(payment.id)).map((r) => r.status)).toEqual(["FAILED"]);
    expect(fake.apiRefunds.filter((r) => r.captureId === captureId)).toHaveLength(0);

    fake.setDelay(TIMEOUT_MS + 700);
    const slow = await A.browser.post(`/invoices/${invoice.id}`, form);
    fake.setDelay(0);
    expect(slow.status).toBe(504);
    expect(visibleHtml(await slow.text())).toContain("PayPal did not answer in time.");
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ refundedCents: 0 });

    const retried = await A.browser.post(`/invoices/${invoice.id}`, form);
    expect(retried.status).toBe(302);
    expect(fake.apiRefunds.filter((r) => r.captureId === captureId)).toHaveLength(1);
    expect(await refundRows(payment.id)).toHaveLength(1);
    await fake.settled();
    await waitFor(async () => (await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents === 4_000, "the refund webhook");
  });

  it("staff cannot refund, and another business's payment id is 404", async () => {
    const A = await owner();
    await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    await payWithPayPal(A.browser, invoice.id);
    const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    const staff = await createTeamMember(A.business.id);
    const staffBrowser = await signedInBrowser(server, staff);
    const staffPage = visibleHtml(await (await staffBrowser.get(`/invoices/${invoice.id}`)).text());
    expect(staffPage).not.toContain("Refund through PayPal");
    const key = randomBytes(16).toString("base64url");
    expect(
      (await staffBrowser.post(`/invoices/${invoice.id}`, { intent: "refund-online", paymentId: payment.id, key, amount: "1.00", reason: "Trying" })).status,
    ).toBe(403);

    const B = await owner();
    const other = await sentInvoice(B.business.id);
    // B's own invoice page with A's payment id, and A's invoice page from B's session.
    expect(
      (await B.browser.post(`/invoices/${other.id}`, { intent: "refund-online", paymentId: payment.id, key, amount: "1.00", reason: "Trying" })).status,
    ).toBe(404);
    expect(
      (await B.browser.post(`/invoices/${invoice.id}`, { intent: "refund-online", paymentId: payment.id, key, amount: "1.00", reason: "Trying" })).status,
    ).toBe(404);
    const tokens = await issueTokens(B.user);
    const api = await fetch(`${server.url}/api/v1/payments/${payment.id}/refund`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "Trying" }),
    });
    expect(api.status).toBe(404);
    expect(await refundRows(payment.id)).toHaveLength(0);
    expect(fake.apiRefunds.filter((r) => r.captureId === payment.providerPaymentId)).toHaveLength(0);
  });

  it("POST /api/v1/payments/:id/refund refunds a PayPal payment once per Idempotency-Key and refuses too much", async () => {
    const A = await owner();
    await connect(A.browser);
    const invoice = await sentInvoice(A.business.id);
    const { captureId } = await payWithPayPal(A.browser, invoice.id);
    const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    const { accessToken } = await issueTokens(A.user);
    const post = (body: unknown, key?: string) =>
      fetch(`${server.url}/api/v1/payments/${payment.id}/refund`, {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));

    expect((await post({ amountCents: 2_500 })).json.error.fields).toHaveProperty("reason");
    expect((await post({ amountCents: 20_000, reason: "Too much" }, "too-much-1")).status).toBe(400);
    const key = `api-refund-${randomBytes(6).toString("hex")}`;
    const [first, second] = await Promise.all([post({ amountCents: 2_500, reason: "Goodwill" }, key), post({ amountCents: 2_500, reason: "Goodwill" }, key)]);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    const created = first.status === 202 ? first : second;
    expect(created.json.refund).toMatchObject({ amountCents: 2_500, reason: "Goodwill", paymentId: payment.id });
    expect(fake.apiRefunds.filter((r) => r.captureId === captureId)).toHaveLength(1);
    // The rest, amount omitted.
    const rest = await post({ reason: "Closing it out" }, `${key}-rest`);
    expect(rest.status).toBe(202);
    expect(rest.json.refund.amountCents).toBe(7_500);
    await fake.settled();
    await waitFor(async () => (await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).status === "REFUNDED", "the refund webhooks");
    const nothing = await post({ reason: "Again" }, `${key}-again`);
    expect(nothing.status).toBe(409);
  });
});
