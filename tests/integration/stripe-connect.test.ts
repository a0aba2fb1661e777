// Stripe Connect end to end over HTTP, against the production server in connect mode and the local Stripe
// fake (docs/decisions/011-connected-accounts.md): a contractor connects through hosted onboarding, a
// customer pays by a direct charge on the connected account with the platform fee, Connect webhooks only
// touch the invoices of the business that owns the account, deauthorizing or disconnecting stops card
// payment at once, onboarding states are single-use and bound to the session and business, a Stripe
// failure or timeout changes no row and can be retried, and only the owner reaches Settings → Payments.
import { createHmac, randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeBusiness } from "~/models/account-closure.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import { createAccount, createTeamMember, signedInBrowser, uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { pageText as visibleText } from "../helpers/html";
import { paymentFollowUpsDone } from "../helpers/jobs";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
const connectSecret = `whsec_${randomBytes(16).toString("hex")}`;
const FEE_BPS = 250;

let fake: FakeStripe;
let server: AppServer;
/** The test's own SDK client on the fake, for setting up accounts without the UI. */
let sdk: Stripe;
beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret, connectWebhookSecret: connectSecret });
  server = await startAppServer({
    STRIPE_SECRET_KEY: secretKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_URL: fake.url,
    STRIPE_MODE: "connect",
    STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret,
    STRIPE_APPLICATION_FEE_BPS: String(FEE_BPS),
    // A hung Stripe fails fast enough to test (the SDK retries twice).
    PAYMENTS_TIMEOUT_MS: "800",
  });
  fake.setWebhookUrl(`${server.url}/webhooks/stripe`);
  fake.setConnectWebhookUrl(`${server.url}/webhooks/stripe/connect`);
  sdk = new Stripe(secretKey, { host: fake.host, port: fake.port, protocol: "http", maxNetworkRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
  fake.failNext(0);
  fake.delayNext(0, 0);
});

// ---- pay links, signed here exactly as signLink does (with the server's secret)
const today = () => Math.floor(Date.now() / 86_400_000);
const payLink = (id: string) => {
  const d = String(today());
  return { t: createHmac("sha256", server.payLinkSecret).update(`pay:${id}:${d}`).digest("base64url").slice(0, 24), d };
};
const payPath = (id: string) => {
  const { t, d } = payLink(id);
  return `/pay/${encodeURIComponent(id)}?t=${t}&d=${d}`;
};
const text = (html: string) => visibleText(html);

async function contractor(name = `Rivera Plumbing ${randomBytes(3).toString("hex")}`) {
  const { user, business } = await createAccount({ businessName: name });
  await prisma.business.update({ where: { id: business.id }, data: { email: uniqueEmail("biz"), phone: "555-0100" } });
  const browser = await signedInBrowser(server, user);
  const customer = await makeCustomer(business.id);
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Fix leak", quantity: "1", unitPrice: "250.00" }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  return { user, business, browser, invoice };
}

/** "Connect Stripe" → Stripe's hosted onboarding page (303) and the Account Link behind it. */
async function startConnect(browser: Browser) {
  const res = await browser.post("/settings/payments", { intent: "connect-stripe" });
  expect(res.status).toBe(303);
  const location = res.headers.get("location")!;
  expect(location).toMatch(new RegExp(`^${fake.url}/connect/onboarding/alink_`));
  const link = fake.accountLinks.get(location.split("/").pop()!)!;
  return { location, link };
}

/** Submits the hosted onboarding form (no JavaScript) and follows Stripe's redirect back to the app. */
async function finishOnboarding(browser: Browser, location: string, outcome: "complete" | "later" = "complete") {
  const page = await fetch(location);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post"');
  const submitted = await fetch(location, { method: "POST", body: new URLSearchParams({ outcome }), redirect: "manual" });
  expect(submitted.status).toBe(303);
  const back = new URL(submitted.headers.get("location")!);
  expect(back.origin).toBe(server.url);
  expect(back.pathname).toBe("/settings/payments/stripe/return");
  return browser.get(`${back.pathname}${back.search}`);
}

const stripeFields = (businessId: string) =>
  prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: {
      stripeAccountId: true,
      stripeAccountType: true,
      stripeChargesEnabled: true,
      stripePayoutsEnabled: true,
      stripeDetailsSubmitted: true,
      stripeRequirementsDue: true,
      stripeBankLast4: true,
      stripeAccountSyncedAt: true,
      stripeConnectedAt: true,
      updatedAt: true,
    },
  });
/** Every row onboarding may touch, for "nothing changed" checks. */
const onboardingRows = async (businessId: string) => ({
  business: await stripeFields(businessId),
  states: await prisma.connectState.findMany({ where: { businessId }, orderBy: { id: "asc" } }),
});

/** The pay form submitted for Stripe (also when the page does not offer it: a hand-made POST). */
async function payByStripe(invoiceId: string) {
  return new Browser(server.url).post(payPath(invoiceId), { ...payLink(invoiceId), provider: "stripe", amount: "balance" });
}

describe("connecting Stripe and getting paid on the connected account", () => {
  it("onboards through the hosted page, then a customer pays by a direct charge with the platform fee", async () => {
    const { business, browser, invoice } = await contractor();

    // Before: the owner sees the fee and "Connect Stripe"; the customer sees contact details, no card payment.
    const before = await (await browser.get("/settings/payments")).text();
    expect(text(before)).toContain("Connect Stripe");
    expect(text(before)).toContain("Platform fee: 2.5% of each payment");
    const payBefore = await (await new Browser(server.url).get(payPath(invoice.id))).text();
    expect(text(payBefore)).toContain("Online payment is not set up");
    expect(text(payBefore)).toContain("555-0100");
    expect(payBefore).not.toContain('value="stripe"');
    expect((await payByStripe(invoice.id)).status).toBe(400);

    // Connect: a Standard account is created on the platform (no Stripe-Account header), then an Account Link.
    const { location, link } = await startConnect(browser);
    const create = fake.requests.filter((r) => r.path === "/v1/accounts" && r.method === "POST").at(-1)!;
    expect(create.headers["stripe-account"]).toBeUndefined();
    expect(create.body.controller).toMatchObject({ stripe_dashboard: { type: "full" }, requirement_collection: "stripe" });
    expect(create.idempotencyKey).toBe(`connect-account:${business.id}`);
    expect(link.return_url).toMatch(/\/settings\/payments\/stripe\/return\?state=[A-Za-z0-9_-]{40,}$/);
    expect(link.refresh_url).toMatch(/\/settings\/payments\/stripe\/refresh\?state=[A-Za-z0-9_-]{40,}$/);
    expect(await stripeFields(business.id)).toMatchObject({ stripeAccountId: link.account, stripeAccountType: "standard", stripeChargesEnabled: false });
    // The state itself is never stored, only its hash.
    const states = await prisma.connectState.findMany({ where: { businessId: business.id } });
    expect(states).toHaveLength(2);
    expect(states.map((s) => s.id)).not.toContain(new URL(link.return_url).searchParams.get("state"));

    // Half-way: the settings page lists what Stripe still needs, in plain words, and offers "Continue setup".
    const midway = await (await browser.get("/settings/payments")).text();
    expect(text(midway)).toContain("Onboarding is not finished");
    expect(text(midway)).toContain("The bank account payouts go to");
    expect(text(midway)).toContain("Continue setup");
    expect(midway).not.toContain("external_account");

    const back = await finishOnboarding(browser, location);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/settings/payments");
    expect(await stripeFields(business.id)).toMatchObject({
      stripeChargesEnabled: true,
      stripePayoutsEnabled: true,
      stripeDetailsSubmitted: true,
      stripeRequirementsDue: [],
      stripeBankLast4: "6789",
    });
    // The fake also sent account.updated to the Connect endpoint, which took it.
    const updated = fake.deliveries.filter((d) => d.event.type === "account.updated" && d.event.account === link.account);
    expect(updated.at(-1)).toMatchObject({ status: 200, body: "processed" });

    const settings = text(await (await browser.get("/settings/payments")).text());
    expect(settings).toContain("Connected: you can take card payments.");
    expect(settings).toMatch(/Taking payments Yes/);
    expect(settings).toMatch(/Payouts to your bank Yes/);
    expect(settings).toContain("ending in 6789");
    expect(settings).toContain("Open your Stripe dashboard");

    // The customer now pays by card: the session is created ON the connected account with the fee.
    const pay = await payByStripe(invoice.id);
    expect(pay.status).toBe(303);
    const sessionCreate = fake.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(sessionCreate.headers["stripe-account"]).toBe(link.account);
    const fee = Math.floor((25_000 * FEE_BPS) / 10_000);
    expect(sessionCreate.body.payment_intent_data.application_fee_amount).toBe(String(fee));
    expect(sessionCreate.body.line_items[0].price_data.unit_amount).toBe("25000");

    const checkoutUrl = pay.headers.get("location")!;
    const paid = await fetch(checkoutUrl, { method: "POST", body: new URLSearchParams({ method: "card" }), redirect: "manual" });
    expect(paid.status).toBe(303);
    const session = fake.sessions.get(checkoutUrl.split("/").pop()!)!;
    const charge = [...fake.charges.values()].find((c) => c.payment_intent === session.payment_intent)!;
    expect(charge).toMatchObject({ _account: link.account, application_fee_amount: fee, amount: 25_000 });
    const completed = fake.deliveries.find((d) => d.event.type === "checkout.session.completed" && d.event.data.object.id === session.id)!;
    expect(completed).toMatchObject({ status: 200, body: "processed" });
    expect(completed.event.account).toBe(link.account);

    // The card details are read back by the payment-received job after the webhook's answer.
    await paymentFollowUpsDone();
    const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(payment).toMatchObject({
      provider: "stripe",
      providerAccountId: link.account,
      providerPaymentId: session.payment_intent,
      amountCents: 25_000,
      status: "SUCCEEDED",
      cardLast4: "4242",
    });
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ status: "PAID", amountPaidCents: 25_000 });
    // The card details were read back from the connected account, never from the platform.
    const readBack = fake.requests.filter((r) => r.path === `/v1/payment_intents/${session.payment_intent}`);
    expect(readBack.length).toBeGreaterThan(0);
    for (const r of readBack) expect(r.headers["stripe-account"]).toBe(link.account);

    // A refund on the connected account reaches the right payment.
    expect(await fake.refund(session.payment_intent!, 5_000)).toMatchObject({ status: 200, body: "processed" });
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ refundedCents: 5_000 });
  });
});

describe("Connect webhooks only touch the business that owns the account", () => {
  /** A business with an onboarded connected account, set up through the fake's API directly. */
  async function connectedContractor() {
    const c = await contractor();
    const account = await sdk.accounts.create({ controller: { stripe_dashboard: { type: "full" } } });
    await fake.completeOnboarding(account.id).catch(() => null);
    await prisma.business.update({
      where: { id: c.business.id },
      data: { stripeAccountId: account.id, stripeAccountType: "standard", stripeChargesEnabled: true, stripeConnectedAt: new Date() },
    });
    return { ...c, accountId: account.id };
  }
  const completedSession = (invoice: { id: string }, businessId: string) => ({
    id: `cs_test_${randomBytes(8).toString("hex")}`,
    object: "checkout.session",
    mode: "payment",
    payment_status: "paid",
    status: "complete",
    amount_total: 25_000,
    currency: "usd",
    payment_intent: `pi_${randomBytes(8).toString("hex")}`,
    metadata: { invoiceId: invoice.id, businessId },
  });

  it("an event from account X naming business Y's invoice is answered 200 and writes nothing", async () => {
    const x = await connectedContractor();
    const y = await connectedContractor();
    const before = await prisma.payment.count();

    // X's account, Y's invoice and business in the metadata.
    expect(await fake.sendEvent("checkout.session.completed", completedSession(y.invoice, y.business.id), { account: x.accountId })).toEqual({
      status: 200,
      body: "ignored",
    });
    // X's account, X's business but Y's invoice: the invoice is not found within X's business.
    expect(await fake.sendEvent("checkout.session.completed", completedSession(y.invoice, x.business.id), { account: x.accountId })).toEqual({
      status: 200,
      body: "ignored",
    });
    // A refund event from X about a payment that landed in Y's account.
    const yPayment = completedSession(y.invoice, y.business.id);
    expect(await fake.sendEvent("checkout.session.completed", yPayment, { account: y.accountId })).toEqual({ status: 200, body: "processed" });
    const before2 = await prisma.payment.findFirstOrThrow({ where: { invoiceId: y.invoice.id } });
    expect(before2.providerAccountId).toBe(y.accountId);
    const refund = {
      id: `ch_${randomBytes(6).toString("hex")}`,
      object: "charge",
      amount: 25_000,
      amount_refunded: 25_000,
      payment_intent: yPayment.payment_intent,
    };
    expect((await fake.sendEvent("charge.refunded", refund, { account: x.accountId })).status).toBe(200);
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: before2.id } })).toMatchObject({ refundedCents: 0, status: "SUCCEEDED" });
    // The same event on the platform endpoint (no account) does not find a connected payment either.
    expect((await fake.sendEvent("charge.refunded", refund)).status).toBe(200);
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: before2.id } })).toMatchObject({ refundedCents: 0 });

    expect(await prisma.payment.count()).toBe(before + 1);
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: x.invoice.id } })).toMatchObject({ amountPaidCents: 0 });
    // account.updated for an account naming another id, and events without an account, change nothing.
    const xBefore = await stripeFields(x.business.id);
    expect(await fake.sendEvent("account.updated", { ...fake.accounts.get(y.accountId)!, charges_enabled: false }, { account: x.accountId })).toEqual({
      status: 200,
      body: "ignored",
    });
    expect(await stripeFields(x.business.id)).toEqual(xBefore);
    expect(await stripeFields(y.business.id)).toMatchObject({ stripeChargesEnabled: true });
  });

  it("refuses a Connect event signed with the platform secret, and ignores a connected account's event on the platform endpoint", async () => {
    const x = await connectedContractor();
    const bad = await fake.sendEvent("checkout.session.completed", completedSession(x.invoice, x.business.id), { account: x.accountId, secret: webhookSecret });
    expect(bad.status).toBe(400);
    // A connected account's event arriving at the platform endpoint (signed with its secret) is not believed there.
    const payload = JSON.stringify({
      id: `evt_${randomBytes(6).toString("hex")}`,
      object: "event",
      type: "checkout.session.completed",
      account: x.accountId,
      created: Math.floor(Date.now() / 1000),
      data: { object: completedSession(x.invoice, x.business.id) },
    });
    const res = await fetch(`${server.url}/webhooks/stripe`, {
      method: "POST",
      body: payload,
      headers: { "Content-Type": "application/json", "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ignored");
    expect(await prisma.payment.count({ where: { invoiceId: x.invoice.id } })).toBe(0);
  });

  it("deauthorizing stops card payment at once; the pay page shows the contact details", async () => {
    const x = await connectedContractor();
    const html = await (await new Browser(server.url).get(payPath(x.invoice.id))).text();
    expect(html).toContain('value="stripe"');
    expect(await fake.deauthorize(x.accountId)).toEqual({ status: 200, body: "processed" });
    expect(await stripeFields(x.business.id)).toMatchObject({
      stripeAccountId: null,
      stripeChargesEnabled: false,
      stripeBankLast4: null,
      stripeConnectedAt: null,
    });
    const after = await (await new Browser(server.url).get(payPath(x.invoice.id))).text();
    expect(after).not.toContain('value="stripe"');
    expect(text(after)).toContain("Online payment is not set up");
    expect(text(after)).toContain("555-0100");
    expect((await payByStripe(x.invoice.id)).status).toBe(400);
    // A late event from the old account about this business's invoice is not recorded.
    expect(await fake.sendEvent("checkout.session.completed", completedSession(x.invoice, x.business.id), { account: x.accountId })).toEqual({
      status: 200,
      body: "ignored",
    });
  });

  it("disconnect asks first (a plain link, no JavaScript needed), then stops card payment at once", async () => {
    const x = await connectedContractor();
    const page = await (await x.browser.get("/settings/payments")).text();
    expect(page).toContain('href="/settings/payments?confirm=disconnect-stripe"');
    expect(page).not.toContain('value="disconnect-stripe"');
    const confirm = await (await x.browser.get("/settings/payments?confirm=disconnect-stripe")).text();
    expect(confirm).toContain('value="disconnect-stripe"');
    expect(text(confirm)).toContain("Disconnect Stripe?");
    const res = await x.browser.post("/settings/payments", { intent: "disconnect-stripe" });
    expect(res.status).toBe(302);
    expect(await stripeFields(x.business.id)).toMatchObject({ stripeAccountId: null, stripeChargesEnabled: false });
    expect(await (await new Browser(server.url).get(payPath(x.invoice.id))).text()).not.toContain('value="stripe"');
    expect(text(await (await x.browser.get("/settings/payments")).text())).toContain("Connect Stripe");
  });

  it("closing the account disconnects its Stripe account and stores no key", async () => {
    const x = await connectedContractor();
    await closeBusiness(x.business.id);
    expect(await stripeFields(x.business.id)).toMatchObject({
      stripeAccountId: null,
      stripeAccountType: null,
      stripeChargesEnabled: false,
      stripeBankLast4: null,
      stripeConnectedAt: null,
    });
    expect(await prisma.connectState.count({ where: { businessId: x.business.id } })).toBe(0);
  });
});

describe("onboarding states are single-use and bound to the session and business", () => {
  it("refuses forged, foreign, expired and replayed states with 400 and changes nothing", async () => {
    const a = await contractor();
    const b = await contractor();
    const { link } = await startConnect(a.browser);
    const returnPath = `${new URL(link.return_url).pathname}${new URL(link.return_url).search}`;
    const refreshPath = `${new URL(link.refresh_url).pathname}${new URL(link.refresh_url).search}`;
    const snapshot = await onboardingRows(a.business.id);

    const refused = async (browser: Browser, path: string) => {
      const res = await browser.get(path);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain("This Stripe link is not valid for you any more");
      expect(html).not.toMatch(/at \w+ \(/); // no stack trace
      expect(await onboardingRows(a.business.id)).toEqual(snapshot);
    };
    // Forged, missing, and a refresh state used as the return state.
    await refused(a.browser, `/settings/payments/stripe/return?state=${randomBytes(32).toString("base64url")}`);
    await refused(a.browser, "/settings/payments/stripe/return");
    await refused(a.browser, `/settings/payments/stripe/return?state=${new URL(link.refresh_url).searchParams.get("state")}`);
    // Another browser of the same owner, and another business's owner.
    const otherSession = await signedInBrowser(server, a.user);
    await refused(otherSession, returnPath);
    await refused(otherSession, refreshPath);
    await refused(b.browser, returnPath);
    // Nobody signed in: the login page, nothing consumed.
    expect((await new Browser(server.url).get(returnPath)).status).toBe(302);
    expect(await onboardingRows(a.business.id)).toEqual(snapshot);

    // The real one works once; the replay (and the now-spent sibling refresh state) get 400.
    await fake.completeOnboarding(link.account);
    const ok = await a.browser.get(returnPath);
    expect(ok.status).toBe(302);
    expect(await stripeFields(a.business.id)).toMatchObject({ stripeChargesEnabled: true });
    const spent = await onboardingRows(a.business.id);
    expect(spent.states.every((s) => s.usedAt !== null)).toBe(true);
    expect((await a.browser.get(returnPath)).status).toBe(400);
    expect((await a.browser.get(refreshPath)).status).toBe(400);
    expect(await onboardingRows(a.business.id)).toEqual(spent);
  });

  it("refuses an expired state, and the refresh URL gives a new link exactly once", async () => {
    const a = await contractor();
    const first = await startConnect(a.browser);
    await prisma.connectState.updateMany({ where: { businessId: a.business.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await onboardingRows(a.business.id);
    const returnUrl = new URL(first.link.return_url);
    expect((await a.browser.get(`${returnUrl.pathname}${returnUrl.search}`)).status).toBe(400);
    expect(await onboardingRows(a.business.id)).toEqual(expired);

    // "Continue setup" starts a new pair; the same account is kept.
    const second = await startConnect(a.browser);
    expect(second.link.account).toBe(first.link.account);
    // Stripe sends the owner to refresh_url when the link was already visited.
    await fetch(second.location); // visiting does not use it; submitting does
    const refresh = new URL(second.link.refresh_url);
    const res = await a.browser.get(`${refresh.pathname}${refresh.search}`);
    expect(res.status).toBe(303);
    const third = fake.accountLinks.get(res.headers.get("location")!.split("/").pop()!)!;
    expect(third.account).toBe(first.link.account);
    expect((await a.browser.get(`${refresh.pathname}${refresh.search}`)).status).toBe(400);
    // The new link completes onboarding.
    const back = await finishOnboarding(a.browser, res.headers.get("location")!);
    expect(back.status).toBe(302);
    expect(await stripeFields(a.business.id)).toMatchObject({ stripeChargesEnabled: true });
  });
});

describe("a Stripe failure or timeout during onboarding", () => {
  it("leaves every row unchanged, says plainly what Stripe answered, and can be retried", async () => {
    const a = await contractor();
    const before = await onboardingRows(a.business.id);

    // 5xx on every attempt (the SDK retries twice).
    fake.failNext(3, 500);
    const failed = await a.browser.post("/settings/payments", { intent: "connect-stripe" });
    expect(failed.status).toBe(502);
    const html = await failed.text();
    expect(text(html)).toContain("Stripe had a problem (HTTP 500)");
    expect(text(html)).toContain("Nothing was changed");
    expect(html).not.toMatch(/at \w+ \(|StripeAPIError|node_modules/);
    expect(await onboardingRows(a.business.id)).toEqual(before);

    // A timeout: Stripe never answers in time.
    fake.delayNext(3, 3_000);
    const slow = await a.browser.post("/settings/payments", { intent: "connect-stripe" });
    expect(slow.status).toBe(502);
    expect(text(await slow.text())).toContain("Stripe did not answer in time");
    expect(await onboardingRows(a.business.id)).toEqual(before);

    // The retry works.
    fake.delayNext(0, 0);
    const { location, link } = await startConnect(a.browser);

    // Reading the account on the settings page fails: the cached state and the message, no row changed.
    const cached = await onboardingRows(a.business.id);
    fake.failNext(3, 503);
    const page = await a.browser.get("/settings/payments");
    expect(page.status).toBe(200);
    const pageText = text(await page.text());
    expect(pageText).toContain("Stripe had a problem (HTTP 503)");
    expect(pageText).toContain("Showing what we last heard from Stripe");
    expect(pageText).toContain("Onboarding is not finished");
    expect(await onboardingRows(a.business.id)).toEqual(cached);

    // The return fails to read the account: the state is not spent, a reload completes it.
    const submitted = await fetch(location, { method: "POST", body: new URLSearchParams({ outcome: "complete" }), redirect: "manual" });
    const back = new URL(submitted.headers.get("location")!);
    const beforeReturn = await onboardingRows(a.business.id);
    fake.failNext(3, 500);
    const flaky = await a.browser.get(`${back.pathname}${back.search}`);
    expect(flaky.status).toBe(302);
    const flash = text(await (await a.browser.get("/settings/payments")).text());
    expect(flash).toContain("Stripe had a problem");
    expect((await onboardingRows(a.business.id)).states).toEqual(beforeReturn.states);
    const retried = await a.browser.get(`${back.pathname}${back.search}`);
    expect(retried.status).toBe(302);
    expect(await stripeFields(a.business.id)).toMatchObject({ stripeAccountId: link.account, stripeChargesEnabled: true });
  });

  it("an Account Link failing after the account was created stores nothing; the retry finds the same account", async () => {
    const a = await contractor();
    const before = await onboardingRows(a.business.id);
    const accountsBefore = fake.accounts.size;
    fake.failNextAccountLinks(3, 500);
    const res = await a.browser.post("/settings/payments", { intent: "connect-stripe" });
    expect(res.status).toBe(502);
    expect(fake.accounts.size).toBe(accountsBefore + 1);
    expect(await onboardingRows(a.business.id)).toEqual(before);
    // The retry: the account's idempotency key returns the same account; now it is stored.
    const { link } = await startConnect(a.browser);
    expect(fake.accounts.size).toBe(accountsBefore + 1);
    expect(await stripeFields(a.business.id)).toMatchObject({ stripeAccountId: link.account });
  });
});

describe("who may see Settings → Payments", () => {
  it("is the owner only: a staff member gets 403 for the page, the actions and the return URL", async () => {
    const a = await contractor();
    const staff = await createTeamMember(a.business.id);
    const browser = await signedInBrowser(server, staff);
    expect((await browser.get("/settings/payments")).status).toBe(403);
    expect((await browser.post("/settings/payments", { intent: "connect-stripe" })).status).toBe(403);
    expect((await browser.get(`/settings/payments/stripe/return?state=${randomBytes(32).toString("base64url")}`)).status).toBe(403);
    expect(await prisma.business.findUniqueOrThrow({ where: { id: a.business.id }, select: { stripeAccountId: true } })).toEqual({ stripeAccountId: null });
    // The settings index links the page for the owner only.
    expect(await (await browser.get("/settings")).text()).not.toContain('href="/settings/payments"');
    expect(await (await a.browser.get("/settings")).text()).toContain('href="/settings/payments"');
  });
});
