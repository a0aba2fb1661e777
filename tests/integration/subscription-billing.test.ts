// Invoice Link's own subscription over HTTP: the production server with plans configured, the Stripe fake
// (tests/fakes/stripe-billing.ts) speaking Checkout in subscription mode, subscriptions, the Customer
// Portal and signed events, on real Postgres. One business goes trial → subscribe → a payment fails →
// past_due → unpaid and read-only (the API answers 402, the web explains why, a pay link still takes a
// payment) → card fixed → active. Then: events out of order and twice, two businesses kept apart,
// cancel at period end and resume, closing the account, the trial-ending email, and free mode.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import { sendTrialEndingEmails } from "~/models/billing-events.server";
import { cleanupExpired } from "~/models/cleanup.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { planOverdueReminders, sendOverdueReminders } from "~/models/reminders.server";
import { runRecurringSchedules } from "~/models/recurring.server";
import { prisma } from "~/utils/db.server";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import type { BillingEvent } from "../fakes/stripe-billing";
import { createAccount, DEFAULT_PASSWORD, signedInBrowser } from "../helpers/accounts";
import { documentForm, documentInput, makeCustomer } from "../helpers/business-data";
import { elementAt } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

// The test process runs the scheduled jobs itself and signs API tokens: it shares the server's billing
// settings and JWT secret. Restored afterwards, so other files in this worker see no plans.
const ENV = vi.hoisted(() => {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  const values = {
    STRIPE_SECRET_KEY: `sk_test_${hex(24)}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${hex(32)}`,
    STRIPE_PRICE_MONTHLY: "price_monthly_test",
    STRIPE_PRICE_YEARLY: "price_yearly_test",
    JWT_SECRET: `subscription-billing-${hex(40)}`,
  };
  const previous = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return { values, previous };
});

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let fake: FakeStripe;
let server: AppServer;
beforeAll(async () => {
  fake = await startFakeStripe({ secretKey: ENV.values.STRIPE_SECRET_KEY, webhookSecret: ENV.values.STRIPE_WEBHOOK_SECRET });
  server = await startAppServer({ ...ENV.values, STRIPE_API_URL: fake.url });
  fake.setWebhookUrl(`${server.url}/webhooks/stripe`);
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  for (const [k, v] of Object.entries(ENV.previous)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const DAY_MS = 86_400_000;

async function tenant(name: string, options: { createdDaysAgo?: number } = {}) {
  const made = await createAccount({ businessName: `${name} ${randomBytes(3).toString("hex")}` });
  if (options.createdDaysAgo) {
    await prisma.business.update({ where: { id: made.business.id }, data: { createdAt: new Date(Date.now() - options.createdDaysAgo * DAY_MS) } });
  }
  const browser = await signedInBrowser(server, made.user);
  const tokens = await issueTokens(made.user);
  const customer = await makeCustomer(made.business.id);
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens.accessToken}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
    }).then(async (r) => ({ status: r.status, json: (await r.json().catch(() => null)) as any }));
  return { ...made, browser, api, customer };
}
type Tenant = Awaited<ReturnType<typeof tenant>>;

const isoDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
const invoiceBody = (customerId: string) => ({
  customerId,
  issueDate: isoDay(),
  dueDate: isoDay(14),
  lines: [{ description: "Service call", quantity: "1", unitPriceCents: 9000 }],
});
const subscriptionRow = (businessId: string) => prisma.subscription.findUnique({ where: { businessId } });

async function page(t: Tenant, path = "/settings/subscription") {
  const res = await t.browser.get(path);
  return { status: res.status, html: await res.text() };
}
const accessOf = (html: string) => elementAt(html, "[data-access]")?.getAttribute("data-access");

/** Subscribe through the page and the fake's hosted checkout (a plain form post, as without JavaScript). */
async function subscribe(t: Tenant, plan: "monthly" | "yearly" = "monthly") {
  const res = await t.browser.post("/settings/subscription", { intent: "subscribe", plan });
  expect(res.status).toBe(303);
  const checkoutUrl = new URL(res.headers.get("location")!);
  expect(checkoutUrl.origin).toBe(fake.url);
  const hosted = await fetch(checkoutUrl);
  expect(await hosted.text()).toContain("Subscribe");
  const done = await fetch(checkoutUrl, { method: "POST", body: new URLSearchParams({}), redirect: "manual" });
  expect(done.status).toBe(303);
  expect(done.headers.get("location")).toBe(`${server.url}/settings/subscription?checkout=success`);
  const sessionId = checkoutUrl.pathname.split("/").pop()!;
  const subscriptionId = fake.billing.checkoutSessions.get(sessionId)!.subscription as string;
  return { sessionId, subscriptionId };
}

function payLink(invoiceId: string) {
  const day = Math.floor(Date.now() / DAY_MS);
  const t = createHmac("sha256", server.payLinkSecret).update(`pay:${invoiceId}:${day}`).digest("base64url").slice(0, 24);
  return { t, d: String(day) };
}

describe("one business from trial to read-only and back", () => {
  it("trial → subscribe → payment fails → past_due → unpaid (402, explained, pay links still pay) → card fixed → active", async () => {
    const a = await tenant("Lifecycle Plumbing");
    // A sent invoice from the trial, for the customer to pay later.
    const open = await a.api("POST", "/invoices", invoiceBody(a.customer.id));
    expect(open.status).toBe(201);
    expect((await a.api("POST", `/invoices/${open.json.data.id}/send`, { via: "text" })).status).toBe(200);

    // Trial: no card, 14 days, everything allowed.
    let view = await page(a);
    expect(view.status).toBe(200);
    expect(accessOf(view.html)).toBe("trial");
    expect(view.html).toMatch(/Free trial<\/strong>: 14 days left/);
    expect(view.html).toContain("Subscribe monthly");
    expect(view.html).toContain("Subscribe yearly");

    // Subscribe monthly through Checkout in subscription mode; the trial's days carry over.
    const { subscriptionId } = await subscribe(a);
    const create = fake.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    const row = await subscriptionRow(a.business.id);
    expect(create.body).toMatchObject({
      mode: "subscription",
      customer: row!.stripeCustomerId,
      client_reference_id: a.business.id,
      line_items: [{ price: "price_monthly_test", quantity: "1" }],
    });
    const trialEnd = Number(create.body.subscription_data.trial_end);
    expect(Math.abs(trialEnd * 1000 - (a.business.createdAt.getTime() + 14 * DAY_MS))).toBeLessThan(2000);
    expect(row).toMatchObject({ stripeSubscriptionId: subscriptionId, status: "trialing", priceId: "price_monthly_test", interval: "month" });
    view = await page(a, "/settings/subscription?checkout=success");
    expect(accessOf(view.html)).toBe("active");
    expect(view.html).toContain("Monthly plan");
    expect(view.html).toContain("Manage billing");
    expect(view.html).toContain("Cancel at period end");
    expect(view.html).not.toContain("Subscribe monthly");

    // The first renewal is declined: past_due, everything still works, with a banner and an email.
    await fake.billing.failRenewal(subscriptionId);
    expect((await subscriptionRow(a.business.id))!.status).toBe("past_due");
    const dashboard = await page(a, "/dashboard");
    expect(dashboard.html).toContain('data-kind="past_due"');
    expect(dashboard.html).toContain('href="/settings/subscription"');
    expect((await a.api("POST", "/invoices", invoiceBody(a.customer.id))).status).toBe(201);
    const failedEmail = await prisma.emailMessage.findFirstOrThrow({ where: { businessId: a.business.id, template: "billing-payment-failed" } });
    expect(failedEmail.to).toBe(a.email);
    expect(failedEmail.textBody).toContain(`${server.url}/settings/subscription/portal`);
    expect(failedEmail.textBody).toContain("$29.00");

    // Every retry fails: unpaid, read-only.
    await fake.billing.exhaustRetries(subscriptionId);
    expect((await subscriptionRow(a.business.id))!.status).toBe("unpaid");
    const counts = {
      invoices: await prisma.invoice.count({ where: { businessId: a.business.id } }),
      estimates: await prisma.estimate.count({ where: { businessId: a.business.id } }),
    };
    const refused = await a.api("POST", "/invoices", invoiceBody(a.customer.id));
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe("subscription_required");
    expect(refused.json.error.message).toMatch(/unpaid.*read-only/);
    const { dueDate: _due, ...estimateBody } = invoiceBody(a.customer.id);
    expect((await a.api("POST", "/estimates", estimateBody)).status).toBe(402);
    expect((await a.api("POST", `/invoices/${open.json.data.id}/send`, { via: "email" })).status).toBe(402);
    // Reading still works.
    expect((await a.api("GET", `/invoices/${open.json.data.id}`)).status).toBe(200);
    // The web explains why, with a link to the subscription page.
    // The form re-renders with the reason and the status classifyError gives a read-only account (402), as the API's.
    const form = await a.browser.post("/invoices/new", documentForm({ customerId: a.customer.id }));
    expect(form.status).toBe(402);
    expect(await form.text()).toContain("read-only");
    const send = await a.browser.post(`/invoices/${open.json.data.id}`, { intent: "send-email" });
    expect(send.status).toBe(302);
    expect((await page(a, send.headers.get("location")!)).html).toContain("subscription is unpaid");
    const banner = await page(a, "/invoices");
    expect(banner.html).toContain('data-kind="read_only"');
    expect(banner.html).toMatch(/read-only[\s\S]*href="\/settings\/subscription"/);
    expect(accessOf((await page(a)).html)).toBe("read_only");
    expect({
      invoices: await prisma.invoice.count({ where: { businessId: a.business.id } }),
      estimates: await prisma.estimate.count({ where: { businessId: a.business.id } }),
    }).toEqual(counts);
    // Data export still works.
    expect((await a.browser.get("/export/invoices.csv")).status).toBe(200);

    // The customer can still open and pay the link they were sent.
    const link = payLink(open.json.data.id);
    expect((await fetch(`${server.url}/pay/${open.json.data.id}?t=${link.t}&d=${link.d}`)).status).toBe(200);
    const pay = await fetch(`${server.url}/pay/${open.json.data.id}`, {
      method: "POST",
      body: new URLSearchParams({ ...link, provider: "stripe" }),
      headers: { Origin: server.url },
      redirect: "manual",
    });
    expect(pay.status).toBe(303);
    const sessionId = new URL(pay.headers.get("location")!).pathname.split("/").pop()!;
    await fake.complete(sessionId, { method: "card" });
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: open.json.data.id }, select: { status: true } })).toEqual({ status: "PAID" });

    // The owner fixes the card in the portal (through the link in the email): active again.
    const portal = await a.browser.get("/settings/subscription/portal");
    expect(portal.status).toBe(303);
    const portalUrl = portal.headers.get("location")!;
    expect(portalUrl.startsWith(`${fake.url}/p/session/`)).toBe(true);
    expect(await (await fetch(portalUrl)).text()).toContain("Billing history");
    const fixed = await fetch(portalUrl, { method: "POST", body: new URLSearchParams({ action: "update-card" }), redirect: "manual" });
    expect(fixed.status).toBe(303);
    expect((await subscriptionRow(a.business.id))!).toMatchObject({ status: "active", lastPaymentFailedAt: null });
    expect(accessOf((await page(a)).html)).toBe("active");
    expect((await a.api("POST", "/invoices", invoiceBody(a.customer.id))).status).toBe(201);
    expect((await page(a, "/dashboard")).html).not.toContain('data-testid="billing-banner"');
  });

  it("a trial that ended without a subscription is read-only, and the scheduled jobs skip the business", async () => {
    const t = await tenant("Expired Trial Electric");
    // Made during the trial (the test process runs the domain with the same plans).
    const invoice = await createInvoice(
      t.business.id,
      await documentInput({
        customerId: t.customer.id,
        issueDate: new Date(Date.now() - 40 * DAY_MS).toISOString().slice(0, 10),
        dueDate: new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10),
        lines: [{ description: "Panel", quantity: "1", unitPrice: "300.00" }],
      }),
    );
    await markInvoiceSent(t.business.id, invoice.id);
    await prisma.invoice.update({ where: { id: invoice.id }, data: { sentAt: new Date(Date.now() - 40 * DAY_MS) } });
    await prisma.recurringSchedule.create({
      data: {
        businessId: t.business.id,
        customerId: t.customer.id,
        templateInvoiceId: invoice.id,
        autoSend: false,
        frequency: "MONTHLY",
        interval: 1,
        startOn: new Date(Date.now() - 2 * DAY_MS),
        nextRunOn: new Date(Date.now() - 2 * DAY_MS),
      },
    });
    await prisma.business.update({ where: { id: t.business.id }, data: { createdAt: new Date(Date.now() - 15 * DAY_MS) } });

    const refused = await t.api("POST", "/invoices", invoiceBody(t.customer.id));
    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({ code: "subscription_required" });
    expect(refused.json.error.message).toContain("trial has ended");
    expect(accessOf((await page(t)).html)).toBe("read_only");

    const before = await prisma.invoice.count({ where: { businessId: t.business.id } });
    await runRecurringSchedules();
    // The overdue-reminders run leaves it out of its queue-reminders jobs, and the queueing skips it too.
    expect((await planOverdueReminders()).chunks.flat()).not.toContain(t.business.id);
    await sendOverdueReminders();
    expect(await prisma.invoice.count({ where: { businessId: t.business.id } })).toBe(before);
    expect(await prisma.emailMessage.count({ where: { businessId: t.business.id, template: "overdue-reminder" } })).toBe(0);

    // Subscribing (no trial days left, so no Stripe trial) lifts it at once; the jobs pick the business up again.
    const { subscriptionId } = await subscribe(t, "yearly");
    const create = fake.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(create.body.subscription_data.trial_end).toBeUndefined();
    expect((await subscriptionRow(t.business.id))!).toMatchObject({ stripeSubscriptionId: subscriptionId, status: "active", interval: "year" });
    await runRecurringSchedules();
    expect((await planOverdueReminders()).chunks.flat()).toContain(t.business.id);
    await sendOverdueReminders();
    expect(await prisma.invoice.count({ where: { businessId: t.business.id } })).toBe(before + 1);
    expect(await prisma.emailMessage.count({ where: { businessId: t.business.id, template: "overdue-reminder" } })).toBe(1);
  });
});

describe("events out of order and twice", () => {
  it("an older event never overwrites a newer state; a redelivery is processed once; canceled is final", async () => {
    const t = await tenant("Ordering Roofing");
    const { subscriptionId } = await subscribe(t);
    const sub = () => fake.billing.subscriptions.get(subscriptionId)!;
    // A snapshot of "trialing", as a delayed delivery would carry it, dated a minute ago.
    const stale: BillingEvent = fake.billing.buildEvent("customer.subscription.updated", sub(), { created: Math.floor(Date.now() / 1000) - 60 });
    await fake.billing.failRenewal(subscriptionId);
    expect((await subscriptionRow(t.business.id))!.status).toBe("past_due");
    const late = await fake.billing.deliver(stale);
    expect(late.status).toBe(200);
    expect((await subscriptionRow(t.business.id))!.status).toBe("past_due");

    // The same event twice (and twice at once): applied once, one email.
    const failed = fake.billing.buildEvent("invoice.payment_failed", fake.billing.invoices.get(sub().latest_invoice)!);
    const results = await Promise.all([fake.billing.deliver(failed), fake.billing.deliver(failed)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await fake.billing.deliver(failed)).body).toBe("ignored");
    expect(await prisma.processedBillingEvent.count({ where: { id: failed.id } })).toBe(1);
    expect(await prisma.emailMessage.count({ where: { businessId: t.business.id, template: "billing-payment-failed" } })).toBe(1);

    // Deleted, then a late "active" of the same subscription in the same second: stays canceled.
    const activeSnapshot = { ...sub(), status: "active" };
    const deleted = await t.browser.get("/settings/subscription"); // (the page reads fine throughout)
    expect(deleted.status).toBe(200);
    const second = Math.floor(Date.now() / 1000) + 5;
    await fake.billing.deliver(
      fake.billing.buildEvent("customer.subscription.deleted", { ...sub(), status: "canceled", ended_at: second }, { created: second }),
    );
    await fake.billing.deliver(fake.billing.buildEvent("customer.subscription.updated", activeSnapshot, { created: second }));
    expect((await subscriptionRow(t.business.id))!.status).toBe("canceled");
    const canceledEmails = await prisma.emailMessage.findMany({ where: { businessId: t.business.id, template: "subscription-canceled" } });
    expect(canceledEmails).toHaveLength(1);
    // Still inside the app's trial, so the business keeps working until the trial ends.
    expect(accessOf((await page(t)).html)).toBe("trial");
  });

  it("forgets processed event ids after a month (the nightly cleanup), long after Stripe stops retrying", async () => {
    const old = `evt_old_${randomBytes(6).toString("hex")}`;
    const recent = `evt_recent_${randomBytes(6).toString("hex")}`;
    await prisma.processedBillingEvent.createMany({
      data: [
        { id: old, type: "invoice.paid", processedAt: new Date(Date.now() - 31 * DAY_MS) },
        { id: recent, type: "invoice.paid", processedAt: new Date(Date.now() - 3 * DAY_MS) },
      ],
    });
    const summary = await cleanupExpired();
    expect(summary.billingEvents).toBeGreaterThanOrEqual(1);
    expect((await prisma.processedBillingEvent.findMany({ where: { id: { in: [old, recent] } } })).map((e) => e.id)).toEqual([recent]);
  });

  it("refuses unsigned and wrongly signed billing events without writing", async () => {
    const t = await tenant("Signature Heating");
    const { subscriptionId } = await subscribe(t);
    const event = fake.billing.buildEvent(
      "customer.subscription.updated",
      { ...fake.billing.subscriptions.get(subscriptionId)!, status: "unpaid" },
      { created: Math.floor(Date.now() / 1000) + 30 },
    );
    const body = JSON.stringify(event);
    const bad = await fake.sendEvent(event.type, {}, { rawBody: body, secret: "whsec_not_the_secret" });
    expect(bad.status).toBe(400);
    expect((await subscriptionRow(t.business.id))!.status).toBe("trialing");
    expect(await prisma.processedBillingEvent.count({ where: { id: event.id } })).toBe(0);
  });
});

describe("two businesses", () => {
  it("never see or change each other's billing", async () => {
    const [a, b] = await Promise.all([tenant("Tenant A Glass"), tenant("Tenant B Gutters")]);
    const { subscriptionId: subA } = await subscribe(a);
    const rowA = (await subscriptionRow(a.business.id))!;
    // B's page: its own trial; nothing of A's plan, customer or name.
    const viewB = await page(b);
    expect(accessOf(viewB.html)).toBe("trial");
    expect(viewB.html).not.toContain(rowA.stripeCustomerId!);
    expect(viewB.html).not.toContain(a.business.name);
    expect(viewB.html).not.toContain("Manage billing");
    // B opening the portal: refused (B has no billing account), never A's portal.
    const portalCount = fake.billing.portalSessions.size;
    const portalB = await b.browser.post("/settings/subscription", { intent: "portal" });
    expect(portalB.status).toBe(302);
    expect(fake.billing.portalSessions.size).toBe(portalCount);
    // A body naming another business is not read: A's portal opens for A's customer.
    const portalA = await a.browser.post("/settings/subscription", { intent: "portal", businessId: b.business.id });
    expect(portalA.status).toBe(303);
    expect([...fake.billing.portalSessions.values()].at(-1)!.customer).toBe(rowA.stripeCustomerId);
    // B cannot cancel A's subscription (B has none).
    const cancelB = await b.browser.post("/settings/subscription", { intent: "cancel" });
    expect(cancelB.status).toBe(302);
    expect(fake.billing.subscriptions.get(subA)!.cancel_at_period_end).toBe(false);
    // An event about A's customer whose metadata names B changes A only; a subscription checkout whose
    // client_reference_id names B but whose customer is A's is ignored.
    const forged = fake.billing.buildEvent(
      "customer.subscription.updated",
      { ...fake.billing.subscriptions.get(subA)!, status: "past_due", metadata: { businessId: b.business.id } },
      { created: Math.floor(Date.now() / 1000) + 10 },
    );
    await fake.billing.deliver(forged);
    expect((await subscriptionRow(a.business.id))!.status).toBe("past_due");
    expect(await subscriptionRow(b.business.id)).toBeNull();
    const session = [...fake.billing.checkoutSessions.values()].find((s) => s.subscription === subA)!;
    const odd = await fake.billing.deliver(fake.billing.buildEvent("checkout.session.completed", { ...session, client_reference_id: b.business.id }));
    expect(odd.body).toBe("ignored");
    expect(await subscriptionRow(b.business.id)).toBeNull();
    // An event for a customer that is nobody's is ignored.
    const stranger = await fake.billing.deliver(
      fake.billing.buildEvent("customer.subscription.updated", { ...fake.billing.subscriptions.get(subA)!, id: "sub_stranger", customer: "cus_stranger" }),
    );
    expect(stranger.body).toBe("ignored");
  });
});

describe("cancelling", () => {
  it("cancels at period end and resumes from the app (JavaScript off: plain posts and redirects)", async () => {
    const t = await tenant("Cancel Landscaping");
    const { subscriptionId } = await subscribe(t);
    const cancel = await t.browser.post("/settings/subscription", { intent: "cancel" });
    expect(cancel.status).toBe(302);
    expect(fake.billing.subscriptions.get(subscriptionId)!.cancel_at_period_end).toBe(true);
    expect((await subscriptionRow(t.business.id))!.cancelAtPeriodEnd).toBe(true);
    let view = await page(t);
    expect(view.html).toContain("cancelled; you can resume it until then");
    expect(view.html).toContain("Resume subscription");
    const resume = await t.browser.post("/settings/subscription", { intent: "resume" });
    expect(resume.status).toBe(302);
    expect(fake.billing.subscriptions.get(subscriptionId)!.cancel_at_period_end).toBe(false);
    view = await page(t);
    expect(view.html).toContain("Cancel at period end");
    expect(view.html).not.toContain("Resume subscription");
  });

  it("closing the account cancels the subscription at once", async () => {
    const t = await tenant("Closing Masonry");
    const { subscriptionId } = await subscribe(t);
    const closed = await t.browser.post("/settings/subscription", { password: DEFAULT_PASSWORD, confirmName: t.business.name });
    expect(closed.status).toBe(302);
    expect(fake.billing.subscriptions.get(subscriptionId)!.status).toBe("canceled");
    expect((await subscriptionRow(t.business.id))!.status).toBe("canceled");
    expect((await prisma.business.findUniqueOrThrow({ where: { id: t.business.id } })).closedAt).not.toBeNull();
    expect(fake.requests.some((r) => r.method === "DELETE" && r.path === `/v1/subscriptions/${subscriptionId}`)).toBe(true);
  });
});

describe("the trial-ending email", () => {
  it("goes once to owners whose trial ends within 3 days and who have no plan", async () => {
    const [ending, fresh, subscribed] = await Promise.all([
      tenant("Ending Soon Paint", { createdDaysAgo: 12 }),
      tenant("Fresh Paint"),
      tenant("Subscribed Paint", { createdDaysAgo: 12 }),
    ]);
    await subscribe(subscribed);
    await sendTrialEndingEmails();
    await sendTrialEndingEmails();
    const emails = await prisma.emailMessage.findMany({
      where: { template: "trial-ending", businessId: { in: [ending.business.id, fresh.business.id, subscribed.business.id] } },
    });
    expect(emails.map((e) => e.businessId)).toEqual([ending.business.id]);
    expect(emails[0].subject).toBe("Your Invoice Link trial ends in 2 days");
    expect(emails[0].textBody).toContain("/settings/subscription");
    expect((await page(ending, "/dashboard")).html).toContain('data-kind="trial_ending"');
  });
});

describe("no prices configured", () => {
  let free: AppServer;
  beforeAll(async () => {
    free = await startAppServer({
      STRIPE_SECRET_KEY: ENV.values.STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: ENV.values.STRIPE_WEBHOOK_SECRET,
      STRIPE_API_URL: fake.url,
      JWT_SECRET: ENV.values.JWT_SECRET,
    });
  });
  afterAll(async () => {
    await free?.stop();
  });

  it("is free (self-hosted): the page says so and nothing is blocked, even long after the trial", async () => {
    const { user, business } = await createAccount({ businessName: `Free Mode Carpentry ${randomBytes(3).toString("hex")}` });
    await prisma.business.update({ where: { id: business.id }, data: { createdAt: new Date(Date.now() - 400 * DAY_MS) } });
    const customer = await makeCustomer(business.id);
    const browser = await signedInBrowser(free, user);
    const page = await browser.get("/settings/subscription");
    const html = await page.text();
    // Once seen failing under load in a full run (no plan element): the status and the page say why.
    expect(page.status, html.slice(0, 2000)).toBe(200);
    expect(accessOf(html), html.slice(0, 2000)).toBe("free");
    expect(html).toContain("self-hosted");
    expect(html).not.toContain("Subscribe monthly");
    const tokens = await issueTokens(user);
    const res = await fetch(`${free.url}/api/v1/invoices`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(invoiceBody(customer.id)),
    });
    expect(res.status).toBe(201);
    expect(await (await browser.get("/dashboard")).text()).not.toContain("billing-banner");
    const subscribeAttempt = await browser.post("/settings/subscription", { intent: "subscribe", plan: "monthly" });
    expect(subscribeAttempt.status).toBe(302);
  });
});
