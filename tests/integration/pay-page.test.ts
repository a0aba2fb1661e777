// The customer's pay page over HTTP against the production server and the local Stripe fake: what a
// signed link shows (and ships: no JavaScript, a small page), every way a link can be bad, expiry and
// secret rotation, the pay form (amounts only ever from the server), and paying end to end.
import { createHmac, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createInvoice, markInvoiceSent, voidInvoice } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentInput, type LineValues, makeCustomer } from "../helpers/business-data";
import { attributesAt, elementAt, elementsAt, formAt, hiddenValue, pageText, textAt } from "../helpers/html";
import { paymentFollowUpsDone } from "../helpers/jobs";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;

let fake: FakeStripe;
let server: AppServer;
beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret });
  server = await startAppServer({ STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: fake.url });
  fake.setWebhookUrl(`${server.url}/webhooks/stripe`);
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});
// Starting a checkout counts against a per-IP limit (20 per 15 minutes); every test starts fresh.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

// ---- signed links, computed here exactly as signLink does (with the server's secret, not this process's env)

const today = () => Math.floor(Date.now() / 86_400_000);
const signature = (secret: string, id: string, day: number | string) =>
  createHmac("sha256", secret).update(`pay:${id}:${day}`).digest("base64url").slice(0, 24);
const link = (secret: string, id: string, day = today()) => ({ t: signature(secret, id, day), d: String(day) });
const payPath = (secret: string, id: string, day = today()) => {
  const { t, d } = link(secret, id, day);
  return `/pay/${encodeURIComponent(id)}?t=${t}&d=${d}`;
};

/** The action of the page's pay form: the page's own URL, query included, as a browser submits it. */
const formAction = (html: string) => formAt(html).getAttribute("action")!;

/** What a reader sees: no scripts, styles or tags, entities decoded, whitespace collapsed. */
const visibleText = (html: string) => pageText(html).trim();

const LINES: LineValues[] = [
  { description: "Replace kitchen faucet", quantity: "2", unitPrice: "45.50" },
  { description: "Call-out fee", quantity: "1", unitPrice: "35.00" },
];

async function setup(options: { businessName?: string; customerName?: string } = {}) {
  const businessName = options.businessName ?? `Rivera Plumbing ${randomBytes(3).toString("hex")}`;
  const { business } = await createAccount({ businessName });
  const customer = await makeCustomer(business.id, { name: options.customerName });
  return { business, customer };
}

async function sentInvoice(businessId: string, customerId: string, lines: LineValues[] = [{ description: "Job", quantity: "1", unitPrice: "100.00" }]) {
  const invoice = await createInvoice(businessId, await documentInput({ customerId, lines }));
  await markInvoiceSent(businessId, invoice.id);
  return invoice;
}

const invoiceRow = (id: string) => prisma.invoice.findUniqueOrThrow({ where: { id } });
const checkoutCreates = () => fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");

describe("a valid pay link", () => {
  it("renders the invoice with no JavaScript, no-store, and marks it viewed once", async () => {
    const { business, customer } = await setup({ customerName: "Dana Whitfield" });
    const { id } = await sentInvoice(business.id, customer.id, LINES);
    expect((await invoiceRow(id)).viewedAt).toBeNull();

    const res = await fetch(`${server.url}${payPath(server.payLinkSecret, id)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toMatch(/\bno-store\b/);
    const html = await res.text();
    const text = visibleText(html);
    expect(text).toContain(business.name);
    expect(text).toContain("Dana Whitfield");
    expect(text).toContain("Replace kitchen faucet");
    expect(text).toContain("Call-out fee");
    expect(text).toContain("$45.50");
    expect(text).toContain("$91.00"); // 2 × 45.50
    expect(text).toContain("$35.00");
    expect(textAt(html, '[data-testid="total"]')).toBe("$126.00");
    expect(text).toContain("Balance due");
    expect(textAt(html, '[data-testid="balance"]')).toBe("$126.00");
    expect(elementsAt(html, "script")).toHaveLength(0);
    expect(html).not.toContain("modulepreload");

    const viewed = await invoiceRow(id);
    expect(viewed.status).toBe("VIEWED");
    expect(viewed.viewedAt).not.toBeNull();

    // Opening it again changes nothing: viewedAt stays the first time, one activity event.
    const again = await fetch(`${server.url}${payPath(server.payLinkSecret, id)}`);
    expect(again.status).toBe(200);
    await again.text();
    expect((await invoiceRow(id)).viewedAt).toEqual(viewed.viewedAt);
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "invoice.viewed" } })).toBe(1);
  });

  it("weighs at most 14 KB gzipped, HTML plus its stylesheet", async (ctx) => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, LINES);
    const res = await fetch(`${server.url}${payPath(server.payLinkSecret, id)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const stylesheets = attributesAt(html, 'link[rel="stylesheet"]', "href");
    expect(stylesheets, "the page links exactly one stylesheet").toHaveLength(1);
    const href = stylesheets[0];
    const css = await fetch(new URL(href, server.url));
    expect(css.status).toBe(200);
    const cssBody = Buffer.from(await css.arrayBuffer());

    const htmlGz = gzipSync(Buffer.from(html)).byteLength;
    const cssGz = gzipSync(cssBody).byteLength;
    const total = htmlGz + cssGz;
    const report = `pay page gzipped: HTML ${htmlGz} B + CSS ${cssGz} B = ${total} B of ${14 * 1024} B`;
    await ctx.annotate(report);
    Object.assign(ctx.task.meta, { htmlGzipBytes: htmlGz, cssGzipBytes: cssGz, totalGzipBytes: total });
    expect(total, report).toBeLessThanOrEqual(14 * 1024);
  });
});

describe("bad links", () => {
  it("answer 401 with the same text for every kind of bad link, never a 500", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const secret = server.payLinkSecret;
    const { t, d } = link(secret, id);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);

    const draft = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
    const voided = await sentInvoice(business.id, customer.id);
    const voidedPath = payPath(secret, voided.id);
    expect((await fetch(`${server.url}${voidedPath}`)).status, "the link works before voiding").toBe(200);
    await voidInvoice(business.id, voided.id);
    const unknownId = `cm${randomBytes(12).toString("hex")}`;
    const farFuture = today() + 100_000;

    const cases: Array<[string, string]> = [
      ["one changed character in t", `/pay/${id}?t=${flip(t, 5)}&d=${d}`],
      ["the last character of t changed", `/pay/${id}?t=${flip(t, 23)}&d=${d}`],
      ["truncated t", `/pay/${id}?t=${t.slice(0, 23)}&d=${d}`],
      ["t of 200 characters", `/pay/${id}?t=${"A".repeat(200)}&d=${d}`],
      ["t of 200 characters starting with the right ones", `/pay/${id}?t=${t}${"A".repeat(176)}&d=${d}`],
      ["non-ASCII t", `/pay/${id}?t=${encodeURIComponent(`${t.slice(0, 23)}é`)}&d=${d}`],
      ["missing t", `/pay/${id}?d=${d}`],
      ["missing d", `/pay/${id}?t=${t}`],
      ["empty t and d", `/pay/${id}?t=&d=`],
      ["d of -1 (signed for -1)", `/pay/${id}?t=${signature(secret, id, -1)}&d=-1`],
      ["d non-numeric", `/pay/${id}?t=${t}&d=abc`],
      ["d not an integer", `/pay/${id}?t=${signature(secret, id, "1.5")}&d=1.5`],
      ["d tomorrow (signed correctly)", payPath(secret, id, today() + 1)],
      ["d far in the future (signed correctly)", payPath(secret, id, farFuture)],
      ["d with too many digits", `/pay/${id}?t=${signature(secret, id, 10 ** 9)}&d=${10 ** 9}`],
      ["a signature for another invoice", `/pay/${id}?t=${link(secret, voided.id).t}&d=${d}`],
      ["an unknown invoice id signed correctly", payPath(secret, unknownId)],
      ["a very long id signed correctly", payPath(secret, "x".repeat(200))],
      ["a draft invoice signed correctly", payPath(secret, draft.id)],
      ["a voided invoice", voidedPath],
    ];
    const texts = new Map<string, string>();
    for (const [name, path] of cases) {
      const res = await fetch(`${server.url}${path}`);
      const html = await res.text();
      expect(res.status, name).toBe(401);
      expect(res.headers.get("cache-control"), name).toMatch(/\bno-store\b/);
      texts.set(name, visibleText(html));
    }
    const reference = texts.get("one changed character in t")!;
    expect(reference).toContain("This link is not valid. Ask the business that sent it for a new link.");
    expect(reference).not.toContain(business.name);
    for (const [name, text] of texts) expect(text, `${name} reads like a bad signature`).toBe(reference);
    expect(texts.get("an unknown invoice id signed correctly")).toBe(texts.get("one changed character in t"));

    // The invoices behind the bad links were not marked viewed.
    expect((await invoiceRow(id)).viewedAt).toBeNull();
    expect((await invoiceRow(draft.id)).status).toBe("DRAFT");
    expect(server.output()).not.toMatch(/unhandled error/);
  });

  it("expires after 60 days: issued 59 days ago opens, 60 and 61 days ago ask for a new link", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const fresh = await fetch(`${server.url}${payPath(server.payLinkSecret, id, today() - 59)}`);
    expect(fresh.status).toBe(200);
    expect(visibleText(await fresh.text())).toContain("Balance due");

    for (const age of [60, 61]) {
      const res = await fetch(`${server.url}${payPath(server.payLinkSecret, id, today() - age)}`);
      expect(res.status, `${age} days old`).toBe(401);
      const text = visibleText(await res.text());
      expect(text).toContain("This link has expired. Ask the business that sent it for a new link.");
      expect(text).not.toContain("Balance due");
    }
  });
});

describe("another deployment: a rotated PAY_LINK_SECRET and no payment keys", () => {
  let other: AppServer;
  beforeAll(async () => {
    // Same database, a new PAY_LINK_SECRET (startAppServer makes one), no Stripe or PayPal.
    other = await startAppServer({
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "",
      STRIPE_API_URL: "",
      PAYPAL_CLIENT_ID: "",
      PAYPAL_CLIENT_SECRET: "",
      PAYPAL_WEBHOOK_ID: "",
    });
    expect(other.payLinkSecret).not.toBe(server.payLinkSecret);
  });
  afterAll(() => other?.stop());

  it("refuses links signed with the old secret, without any change in the database", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const before = await invoiceRow(id);
    const oldLink = payPath(server.payLinkSecret, id);
    const res = await fetch(`${other.url}${oldLink}`);
    expect(res.status).toBe(401);
    expect(visibleText(await res.text())).toContain("This link is not valid. Ask the business that sent it for a new link.");
    expect(await invoiceRow(id)).toEqual(before);
    // The old deployment still accepts it; the new one accepts its own.
    expect((await fetch(`${server.url}${oldLink}`)).status).toBe(200);
    expect((await fetch(`${other.url}${payPath(other.payLinkSecret, id)}`)).status).toBe(200);
  });

  it("without payment keys shows how to pay the business directly, and no pay form", async () => {
    const { business, customer } = await setup();
    await prisma.business.update({ where: { id: business.id }, data: { phone: "(555) 010-4477", email: "office@rivera-plumbing.example" } });
    const { id } = await sentInvoice(business.id, customer.id);
    const res = await fetch(`${other.url}${payPath(other.payLinkSecret, id)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = visibleText(html);
    expect(text).toContain(
      `Online payment is not set up for this invoice. Please contact ${business.name} at (555) 010-4477 or office@rivera-plumbing.example to pay.`,
    );
    expect(elementsAt(html, "form")).toHaveLength(0);
    expect(text).not.toContain("Pay with card");

    // A hand-made POST gets a plain refusal and creates nothing.
    const before = fake.requests.length;
    const post = await new Browser(other.url).post(payPath(other.payLinkSecret, id), {
      ...link(other.payLinkSecret, id),
      provider: "stripe",
      amount: "balance",
    });
    expect(post.status).toBe(400);
    expect(visibleText(await post.text())).toContain("That payment method is not available.");
    expect(fake.requests.length).toBe(before);
  });
});

describe("the pay form", () => {
  it("starts a Stripe Checkout Session for the server's amount, whatever else the form says", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, LINES);
    const browser = new Browser(server.url);
    const page = await browser.get(payPath(server.payLinkSecret, id));
    const html = await page.text();
    expect(visibleText(html)).toContain("Pay with card or bank");
    expect(hiddenValue(html, "amount")).toBe("balance");
    const form = { t: hiddenValue(html, "t")!, d: hiddenValue(html, "d")!, provider: "stripe", amount: "balance" };
    expect(form).toMatchObject(link(server.payLinkSecret, id));
    const action = formAction(html);
    expect(action).toBe(payPath(server.payLinkSecret, id));

    const createsBefore = checkoutCreates().length;
    const res = await browser.post(action, form);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${fake.url}/c/pay/cs_[A-Za-z0-9_]+$`));
    expect(res.headers.get("cache-control")).toMatch(/\bno-store\b/);

    const creates = checkoutCreates().slice(createsBefore);
    expect(creates).toHaveLength(1);
    const [create] = creates;
    expect(create.body.line_items).toHaveLength(1);
    expect(create.body.line_items[0].price_data).toMatchObject({ unit_amount: "12600", currency: "usd" });
    expect(create.body.line_items[0].quantity).toBe("1");
    expect(create.body.metadata).toEqual({ invoiceId: id, businessId: business.id });
    expect(create.body.payment_intent_data.metadata).toEqual({ invoiceId: id, businessId: business.id });
    expect(create.body.customer_email).toBe(customer.email);
    expect(create.idempotencyKey).toMatch(new RegExp(`^checkout:${id}:`));
    const sessionId = location.split("/").pop()!;
    expect(fake.sessions.get(sessionId)).toMatchObject({ amount_total: 12600, currency: "usd", metadata: { invoiceId: id, businessId: business.id } });

    // Posting the same form again (a double tap) returns the same session.
    const again = await browser.post(action, form);
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(location);
    const sessionsForInvoice = () => [...fake.sessions.values()].filter((s) => s.metadata?.invoiceId === id);
    expect(sessionsForInvoice()).toHaveLength(1);

    // Extra fields naming an amount or currency are ignored: the session is still the server's amount.
    const tampered = await browser.post(action, { ...form, unit_amount: "1", currency: "eur", amount_total: "1", price: "0.01", invoiceId: "someone-else" });
    expect(tampered.status).toBe(303);
    expect(tampered.headers.get("location")).toBe(location);
    // amount=1 in place of deposit|balance is refused outright, before anything reaches Stripe.
    const sentBefore = fake.requests.length;
    const oneCent = await browser.post(action, { ...form, amount: "1" });
    expect(oneCent.status).toBe(400);
    expect(fake.requests.length).toBe(sentBefore);
    // A repeated amount field, either order: refused or the server's amount, never a cent.
    for (const body of [`t=${form.t}&d=${form.d}&provider=stripe&amount=balance&amount=1`, `t=${form.t}&d=${form.d}&provider=stripe&amount=1&amount=balance`]) {
      const r = await browser.request(action, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, "Sec-Fetch-Site": "same-origin" },
      });
      expect([303, 400], body).toContain(r.status);
      if (r.status === 303) expect(r.headers.get("location")).toBe(location);
    }
    for (const c of checkoutCreates().slice(createsBefore)) {
      expect(c.body.line_items[0].price_data).toMatchObject({ unit_amount: "12600", currency: "usd" });
      expect(c.body.metadata).toEqual({ invoiceId: id, businessId: business.id });
    }
    expect(sessionsForInvoice()).toHaveLength(1);
    expect(await prisma.payment.count({ where: { invoiceId: id } })).toBe(0);
  });

  it("offers the deposit when the invoice asks for one, and charges exactly it", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    await prisma.invoice.update({ where: { id }, data: { depositCents: 3000 } });
    const browser = new Browser(server.url);
    const html = await (await browser.get(payPath(server.payLinkSecret, id))).text();
    expect(visibleText(html)).toContain("How much do you want to pay now?");
    const depositRadio = elementAt(html, 'input[name="amount"][value="deposit"]');
    expect(depositRadio?.getAttribute("type")).toBe("radio");
    expect(depositRadio?.hasAttribute("checked"), "the deposit is the default choice").toBe(true);
    expect(visibleText(html)).toContain("Deposit: $30.00");
    expect(visibleText(html)).toContain("Full balance: $100.00");

    const before = checkoutCreates().length;
    const deposit = await browser.post(payPath(server.payLinkSecret, id), { ...link(server.payLinkSecret, id), provider: "stripe", amount: "deposit" });
    expect(deposit.status).toBe(303);
    const balance = await browser.post(payPath(server.payLinkSecret, id), { ...link(server.payLinkSecret, id), provider: "stripe", amount: "balance" });
    expect(balance.status).toBe(303);
    expect(balance.headers.get("location")).not.toBe(deposit.headers.get("location"));
    const creates = checkoutCreates().slice(before);
    expect(creates.map((c) => c.body.line_items[0].price_data.unit_amount)).toEqual(["3000", "10000"]);
    expect(creates[0].idempotencyKey).toMatch(new RegExp(`^checkout:${id}:3000:`));
    expect(fake.sessions.get(deposit.headers.get("location")!.split("/").pop()!)!.amount_total).toBe(3000);
  });

  it("refuses a bad provider with 400 and a tampered link with 401, sending nothing to Stripe", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const browser = new Browser(server.url);
    const good = link(server.payLinkSecret, id);
    const action = payPath(server.payLinkSecret, id);
    const before = fake.requests.length;

    for (const provider of ["bitcoin", "", "STRIPE"]) {
      const res = await browser.post(action, { ...good, provider, amount: "balance" });
      expect(res.status, provider).toBe(400);
      expect(visibleText(await res.text())).toContain("Choose how you want to pay.");
    }
    const noProvider = await browser.post(action, { ...good, amount: "balance" });
    expect(noProvider.status).toBe(400);
    // PayPal is not configured on this server.
    const paypal = await browser.post(action, { ...good, provider: "paypal", amount: "balance" });
    expect(paypal.status).toBe(400);
    expect(visibleText(await paypal.text())).toContain("That payment method is not available.");

    const flipped = good.t.slice(0, 10) + (good.t[10] === "x" ? "y" : "x") + good.t.slice(11);
    // Tampered in the URL and the form alike (as a browser would submit it), or in the form only.
    for (const path of [`/pay/${id}?t=${flipped}&d=${good.d}`, action]) {
      const tampered = await browser.post(path, { ...good, t: flipped, provider: "stripe", amount: "balance" });
      expect(tampered.status, path).toBe(401);
      expect(visibleText(await tampered.text())).toContain("This link is not valid.");
    }
    const unknown = `cm${randomBytes(12).toString("hex")}`;
    const other = await browser.post(payPath(server.payLinkSecret, unknown), { ...link(server.payLinkSecret, unknown), provider: "stripe", amount: "balance" });
    expect(other.status).toBe(401);

    expect(fake.requests.length).toBe(before);
    expect(await prisma.payment.count({ where: { invoiceId: id } })).toBe(0);
  });
});

describe("paying end to end", () => {
  it("goes from the pay page through the hosted checkout to a paid invoice, one payment and one receipt", async () => {
    const { business, customer } = await setup();
    expect(customer.email).toBeTruthy();
    const { id } = await sentInvoice(business.id, customer.id, LINES);
    const browser = new Browser(server.url);
    const page = await browser.get(payPath(server.payLinkSecret, id));
    const html = await page.text();
    const res = await browser.post(formAction(html), {
      t: hiddenValue(html, "t")!,
      d: hiddenValue(html, "d")!,
      provider: "stripe",
      amount: hiddenValue(html, "amount")!,
    });
    expect(res.status).toBe(303);
    const checkoutUrl = res.headers.get("location")!;
    const sessionId = checkoutUrl.split("/").pop()!;

    // The hosted checkout page: a plain HTML form, like the pay page.
    const checkout = await fetch(checkoutUrl);
    expect(checkout.status).toBe(200);
    const checkoutHtml = await checkout.text();
    expect(checkoutHtml).toContain("$126.00");
    const action = elementsAt(checkoutHtml, 'form[method="post"]')
      .find((form) => form.querySelector('input[type="hidden"][name="method"][value="card"]'))!
      .getAttribute("action")!;

    const deliveriesBefore = fake.deliveries.length;
    const paid = await fetch(new URL(action, checkoutUrl), {
      method: "POST",
      body: new URLSearchParams({ method: "card" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    const successUrl = paid.headers.get("location")!;
    expect(successUrl.startsWith(`${server.url}/pay/${id}?`)).toBe(true);
    expect(successUrl).toContain("checkout=stripe");
    const deliveries = fake.deliveries.slice(deliveriesBefore);
    expect(deliveries.map((d) => [d.event.type, d.status, d.body])).toEqual([["checkout.session.completed", 200, "processed"]]);

    const session = fake.sessions.get(sessionId)!;
    const piId = session.payment_intent!;
    // The card details and the receipt come from the payment-received job after the webhook's answer.
    await paymentFollowUpsDone();
    const payments = await prisma.payment.findMany({ where: { invoiceId: id } });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      businessId: business.id,
      provider: "stripe",
      providerPaymentId: piId,
      method: "CARD",
      cardBrand: "visa",
      cardLast4: "4242",
      amountCents: 12600,
      currency: "USD",
      status: "SUCCEEDED",
      overpaymentCents: 0,
    });
    const invoice = await invoiceRow(id);
    expect(invoice).toMatchObject({ status: "PAID", amountPaidCents: 12600, overpaidCents: 0 });
    expect(invoice.paidAt).not.toBeNull();

    const receipts = await prisma.emailMessage.findMany({ where: { invoiceId: id, template: "receipt" } });
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ paymentId: payments[0].id, dedupeKey: `receipt:${payments[0].id}`, to: customer.email });
    expect(receipts[0].textBody).toContain("Visa ending in 4242");

    // Back on the pay page from Stripe's success URL.
    const back = await browser.get(successUrl.slice(server.url.length));
    expect(back.status).toBe(200);
    const backHtml = await back.text();
    expect(visibleText(backHtml)).toContain("Thank you! Your payment was received.");
    expect(textAt(backHtml, '[data-testid="balance"]')).toBe("$0.00");
    expect(elementsAt(backHtml, "form")).toHaveLength(0);

    // A second tap on the hosted page's button does not pay twice.
    const twice = await fetch(new URL(action, checkoutUrl), {
      method: "POST",
      body: new URLSearchParams({ method: "card" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(twice.status).toBe(200);
    await twice.text();
    expect(await prisma.payment.count({ where: { invoiceId: id } })).toBe(1);
    expect(await prisma.emailMessage.count({ where: { invoiceId: id, template: "receipt" } })).toBe(1);
  });
});
