// Nothing secret leaves the production server through its logs or its crash reports. The real server
// (SENTRY_DSN pointed at the Sentry fake, email through the Postmark fake, payments through the Stripe
// fake) runs a full day's flow: sign-up and login by form, the JSON API's login / refresh / bearer calls,
// forgot-password and reset with the emailed token, an invoice emailed by the worker, a customer paying
// by card through Stripe Checkout (with card fields smuggled into the pay form), signed Stripe webhooks,
// a Postmark delivery webhook, and real errors that reach Sentry: database failures (a table renamed
// away for a moment) under the reset link, a login POST, a signed-in page and an API call. Then no
// password, token, cookie, Authorization value, webhook signature, API key, card field or email body
// may appear in the server's stdout/stderr or in any envelope Sentry received.
//
// STRIPE_WEBHOOK_SECRET is given as a two-entry list (a new secret first, the one the fake signs with
// second), so the payment flow also proves the rotation list over HTTP.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createInvoice } from "~/models/invoice.server";
import { prisma } from "~/utils/db.server";
import { startFakePostmark, type FakePostmark } from "../fakes/postmark";
import { startFakeSentry, type FakeSentry } from "../fakes/sentry";
import { signStripePayload, startFakeStripe, stripeEvent, type FakeStripe } from "../fakes/stripe";
import { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { startServer, strongSecret, type TestServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const unique = (prefix: string) => `${prefix}-${randomBytes(12).toString("base64url")}`;

const stripeKey = `sk_test_${randomBytes(16).toString("hex")}`;
const stripeSecret = `whsec_${randomBytes(20).toString("hex")}`;
const stripeNewSecret = `whsec_${randomBytes(20).toString("hex")}`;
const postmarkToken = unique("pm-server-token");
const postmarkUser = "postmark-hooks";
const postmarkPassword = strongSecret();
const payLinkSecret = strongSecret();
const sessionSecret = strongSecret();
const jwtSecret = strongSecret();

let sentry: FakeSentry;
let postmark: FakePostmark;
let stripe: FakeStripe;
let server: TestServer;

beforeAll(async () => {
  [sentry, postmark, stripe] = await Promise.all([
    startFakeSentry(),
    startFakePostmark({ serverToken: postmarkToken, webhookUser: postmarkUser, webhookPassword: postmarkPassword }),
    startFakeStripe({ secretKey: stripeKey, webhookSecret: stripeSecret }),
  ]);
  server = await startServer({
    env: {
      LOG_LEVEL: "info",
      SENTRY_DSN: sentry.dsn,
      SESSION_SECRET: sessionSecret,
      PAY_LINK_SECRET: payLinkSecret,
      JWT_SECRET: jwtSecret,
      EMAIL_TRANSPORT: undefined,
      POSTMARK_SERVER_TOKEN: postmarkToken,
      POSTMARK_API_URL: postmark.url,
      POSTMARK_WEBHOOK_USER: postmarkUser,
      POSTMARK_WEBHOOK_PASSWORD: postmarkPassword,
      STRIPE_SECRET_KEY: stripeKey,
      STRIPE_WEBHOOK_SECRET: `${stripeNewSecret},${stripeSecret}`,
      STRIPE_API_URL: stripe.url,
      WORKER_CONCURRENCY: "2",
    },
  });
  postmark.setWebhookUrl(`${server.url}/webhooks/postmark`);
  stripe.setWebhookUrl(`${server.url}/webhooks/stripe`);
});

afterAll(async () => {
  await server?.stop();
  await Promise.all([sentry?.stop(), postmark?.stop(), stripe?.stop()]);
  await prisma.$disconnect();
});

/** Remembers every cookie value the server handed out, as sent and URL-decoded. */
class RecordingBrowser extends Browser {
  cookieValues = new Set<string>();
  override async request(path: string, init: RequestInit = {}) {
    const response = await super.request(path, init);
    for (const value of this.cookies.values()) {
      this.cookieValues.add(value);
      this.cookieValues.add(decodeURIComponent(value));
    }
    return response;
  }
}

async function expectStatus(res: Response, status: number) {
  const body = await res.text();
  expect(res.status, `${res.url}: ${body.slice(0, 300)}`).toBe(status);
  return body;
}

async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const payLink = (invoiceId: string, day = Math.floor(Date.now() / 86_400_000)) => ({
  t: createHmac("sha256", payLinkSecret).update(`pay:${invoiceId}:${day}`).digest("base64url").slice(0, 24),
  d: String(day),
});

/** Renames a table away for the length of `work`: the app's next query on it fails like a broken database would. */
async function withTableGone<T>(table: string, work: () => Promise<T>) {
  const hidden = `${table}_hidden_${randomBytes(3).toString("hex")}`;
  await prisma.$executeRawUnsafe(`ALTER TABLE "${table}" RENAME TO "${hidden}"`);
  try {
    return await work();
  } finally {
    await prisma.$executeRawUnsafe(`ALTER TABLE "${hidden}" RENAME TO "${table}"`);
  }
}

it("keeps every secret out of the logs and out of Sentry through a full day's flow", async () => {
  const secrets = new Map<string, string>(); // value -> what it is
  const secret = (what: string, value: string) => {
    secrets.set(value, what);
    return value;
  };
  for (const [what, value] of Object.entries({
    stripeKey,
    stripeSecret,
    stripeNewSecret,
    postmarkToken,
    postmarkPassword,
    payLinkSecret,
    sessionSecret,
    jwtSecret,
  }))
    secret(what, value);

  const email = `owner-${randomBytes(5).toString("hex")}@example.com`;
  const ownerName = unique("Owner");
  const businessName = unique("Plumbing");
  const firstPassword = secret("sign-up password", unique("pw-first"));
  const wrongPassword = secret("wrong password", unique("pw-wrong"));
  const resetPassword = secret("reset password", unique("pw-reset"));
  const bearer = secret("Authorization header on a web request", `Bearer ${unique("web-bearer")}`);
  const extraCookie = secret("extra cookie", unique("cookie"));
  const browser = new RecordingBrowser(server.url);

  // 1. Sign up, log out, a wrong and a right login: web forms with passwords.
  await expectStatus(await browser.post("/signup", { businessName, name: ownerName, email, password: firstPassword, confirmPassword: firstPassword }), 302);
  await expectStatus(await browser.post("/logout", {}), 302);
  await expectStatus(await browser.post("/login", { email, password: wrongPassword }), 400);
  await expectStatus(await browser.post("/login", { email, password: firstPassword }), 302);
  await expectStatus(await browser.get("/dashboard", { Authorization: bearer, Cookie: `${browser.cookieHeader()}; tracking=${extraCookie}` }), 200);
  const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { business: true } });

  // 2. The JSON API: password login, a bearer call, a refresh, and a reused (stolen) refresh token.
  const apiLogin = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: firstPassword }),
  });
  expect(apiLogin.status).toBe(200);
  const tokens = (await apiLogin.json()) as { accessToken: string; refreshToken: string };
  secret("API access token", tokens.accessToken);
  secret("API refresh token", tokens.refreshToken);
  expect((await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } })).status).toBe(200);
  const refreshed = await fetch(`${server.url}/api/v1/auth/refresh`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refreshToken: tokens.refreshToken }),
  });
  expect(refreshed.status).toBe(200);
  const pair = (await refreshed.json()) as { accessToken: string; refreshToken: string };
  secret("refreshed access token", pair.accessToken);
  secret("refreshed refresh token", pair.refreshToken);
  // A copy used by another client (a retry from the same app within the grace period would get the same pair: decision 013).
  const reuse = await fetch(`${server.url}/api/v1/auth/refresh`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": "stolen-copy/1.0" },
    body: JSON.stringify({ refreshToken: tokens.refreshToken }),
  });
  // 409 within the reuse grace period (a concurrent request of the app), 401 after it.
  expect([401, 409]).toContain(reuse.status);

  // 3. Forgot password: the worker sends the email through Postmark; reset with the token from it.
  await expectStatus(await new Browser(server.url).post("/forgot-password", { email }), 302);
  const resetMail = await waitFor("the reset email at Postmark", () => postmark.sent.find((m) => m.body.Tag === "password-reset" && m.body.To === email));
  const resetToken = secret("reset token", decodeURIComponent(/reset-password\?token=([^\s"&]+)/.exec(resetMail.body.TextBody)![1]));
  const resetBrowser = new RecordingBrowser(server.url);
  await expectStatus(await resetBrowser.get(`/reset-password?token=${encodeURIComponent(resetToken)}`), 200);
  await expectStatus(
    await resetBrowser.post(`/reset-password?token=${encodeURIComponent(resetToken)}`, {
      token: resetToken,
      password: resetPassword,
      confirmPassword: resetPassword,
    }),
    302,
  );
  await expectStatus(await browser.post("/login", { email, password: resetPassword }), 302);

  // 4. An invoice emailed by the worker, and a Postmark delivery webhook (HTTP Basic auth) about it.
  const customerName = unique("Customer");
  const customer = await makeCustomer(user.businessId, { name: customerName });
  const invoice = await createInvoice(
    user.businessId,
    await documentInput({
      customerId: customer.id,
      notes: unique("private-note"),
      lines: [{ description: "Replace water heater", quantity: "1", unitPrice: "1234.56" }],
    }),
  );
  await expectStatus(await browser.post(`/invoices/${invoice.id}`, { intent: "send-email" }), 302);
  const invoiceMail = await waitFor("the invoice email at Postmark", () =>
    postmark.sent.find((m) => m.body.Tag === "invoice-sent" && m.body.To === customer.email),
  );
  const delivered = await postmark.deliver(invoiceMail.messageId);
  expect(delivered.status).toBe(200);
  secret("Postmark webhook Authorization", postmark.webhooks.at(-1)!.authorization!);

  // 5. The customer pays by card on Stripe Checkout. Card fields sent to us anyway are ignored, not logged.
  const cardNumber = secret("card number", "4000056655665556");
  secret("card cvc field", "cvc=739");
  const link = payLink(invoice.id);
  const customerBrowser = new Browser(server.url);
  await expectStatus(await customerBrowser.get(`/pay/${invoice.id}?t=${link.t}&d=${link.d}`), 200);
  const pay = await customerBrowser.post(`/pay/${invoice.id}`, {
    ...link,
    provider: "stripe",
    amount: "balance",
    cardNumber,
    cvc: "739",
    exp_month: "11",
    exp_year: "2041",
    cardholder: customerName,
  });
  expect(pay.status).toBe(303);
  const sessionId = pay.headers.get("location")!.split("/").pop()!;
  const { paymentIntentId, chargeId, response } = await stripe.complete(sessionId, { method: "card", brand: "visa", last4: "5556" });
  expect(response.status).toBe(200);
  await waitFor("the receipt email at Postmark", () => postmark.sent.find((m) => m.body.Tag === "receipt"));

  // A webhook signed with the new secret (the list's first entry), carrying full card details as a charge
  // object does; and one with a forged signature, which is refused (and logged as refused).
  const fingerprint = secret("card fingerprint", unique("fp"));
  const charge = {
    id: chargeId,
    object: "charge",
    amount: 123456,
    amount_refunded: 1000,
    currency: "usd",
    refunded: false,
    payment_intent: paymentIntentId,
    status: "succeeded",
    payment_method_details: {
      type: "card",
      card: { brand: "visa", last4: "5556", exp_month: 11, exp_year: 2041, fingerprint, funding: "credit", country: "US" },
    },
  };
  const body = JSON.stringify(stripeEvent("charge.refunded", charge), null, 2);
  const signature = secret("Stripe-Signature", signStripePayload(body, stripeNewSecret));
  const refund = await fetch(`${server.url}/webhooks/stripe`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
    body,
  });
  expect(refund.status, await refund.clone().text()).toBe(200);
  const forged = secret("forged Stripe-Signature", signStripePayload(body, `whsec_${randomBytes(20).toString("hex")}`));
  expect(
    (await fetch(`${server.url}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": forged }, body }))
      .status,
  ).toBe(400);
  const payment = await prisma.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
  expect(payment).toMatchObject({ cardBrand: "visa", cardLast4: "5556" });

  // 6. Real errors reaching Sentry: the database loses a table under four different requests.
  const spareReset = await new Browser(server.url).post("/forgot-password", { email });
  expect(spareReset.status).toBe(302);
  const spareMail = await waitFor(
    "a second reset email",
    () => postmark.sent.filter((m) => m.body.Tag === "password-reset").length === 2 && postmark.sent.filter((m) => m.body.Tag === "password-reset")[1],
  );
  const spareToken = secret("second reset token", decodeURIComponent(/reset-password\?token=([^\s"&]+)/.exec(spareMail.body.TextBody)![1]));
  const sessionIds = (await prisma.session.findMany({ where: { userId: user.id }, select: { id: true } })).map((s) => secret("session id", s.id));
  expect(sessionIds.length).toBeGreaterThan(0);

  await withTableGone("PasswordResetToken", async () => {
    expect((await new Browser(server.url).get(`/reset-password?token=${encodeURIComponent(spareToken)}`)).status).toBe(500);
  });
  await withTableGone("User", async () => {
    expect((await new Browser(server.url).post("/login", { email, password: resetPassword })).status).toBe(500);
  });
  // Behind a proxy the client's address arrives in forwarding headers: personal data Sentry must not get.
  const clientIp = "203.0.113.177";
  const forwarded = { "X-Forwarded-For": clientIp, "X-Real-IP": clientIp, Forwarded: `for=${clientIp}` };
  await withTableGone("Session", async () => {
    expect((await browser.get("/settings", { Authorization: bearer, Cookie: `${browser.cookieHeader()}; tracking=${extraCookie}`, ...forwarded })).status).toBe(
      500,
    );
  });
  await withTableGone("RefreshTokenFamily", async () => {
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${pair.accessToken}` } })).status).toBe(500);
  });
  await sentry.waitForEvents(4, 30_000);
  // Let any trailing envelopes (sessions, client reports, a page error reported by more than one hook) arrive too.
  await new Promise((r) => setTimeout(r, 1_500));
  const events = await sentry.waitForEvents(4, 30_000);

  for (const value of [...browser.cookieValues, ...resetBrowser.cookieValues]) secret("cookie value", value);
  // Email bodies: every line that carries this message's own data (names, links, amounts).
  const markers = [ownerName, customerName, businessName, server.url];
  for (const m of postmark.sent) {
    secret(`${m.body.Tag} email text`, m.body.TextBody);
    secret(`${m.body.Tag} email html`, m.body.HtmlBody);
    for (const line of `${m.body.TextBody}`.split("\n")) if (markers.some((k) => line.includes(k))) secret(`${m.body.Tag} email line`, line.trim());
  }
  // The paid invoice also tells the contractor (issue 14's contractor notices).
  expect(postmark.sent.map((m) => m.body.Tag).sort()).toEqual(["invoice-paid", "invoice-sent", "password-reset", "password-reset", "receipt"]);

  // What Sentry got is useful: the four database errors, with the request's path (tokens masked).
  const urls = events.map((e) => e.request?.url ?? "");
  expect(urls.some((u: string) => u.includes("/reset-password?token=%5BRedacted%5D") || u.includes("/reset-password?token=[Redacted]"))).toBe(true);
  expect(urls.some((u: string) => u.endsWith("/login"))).toBe(true);
  expect(urls.some((u: string) => u.endsWith("/settings"))).toBe(true);
  expect(urls.some((u: string) => u.endsWith("/api/v1/me"))).toBe(true);
  expect(events.every((e) => e.exception?.values?.length)).toBe(true);
  expect(sentry.refused).toEqual([]);

  const logs = server.output();
  const envelopes = sentry.envelopes.map((e) => e.raw).join("\n");
  const leaks: string[] = [];
  for (const [value, what] of secrets) {
    if (!value || value.length < 6) continue;
    if (logs.includes(value)) leaks.push(`${what} in the server log`);
    if (envelopes.includes(value) || envelopes.includes(JSON.stringify(value).slice(1, -1))) leaks.push(`${what} in a Sentry envelope`);
  }
  // Card fields by name: we never receive them, so neither place may mention them.
  for (const field of ["cardNumber", "exp_month", "exp_year", "fingerprint", '"cvc"', "cvc="]) {
    if (logs.includes(field)) leaks.push(`card field ${field} in the server log`);
    if (envelopes.includes(field)) leaks.push(`card field ${field} in a Sentry envelope`);
  }
  if (envelopes.includes(clientIp)) leaks.push("the client IP from X-Forwarded-For in a Sentry envelope");
  expect(leaks).toEqual([]);

  // The logs did follow the flow (so the absence above means something).
  expect(logs).toContain('"url":"/reset-password?token=%5BRedacted%5D"');
  expect(logs).toContain("stripe webhook refused");
  expect(logs).toContain("unhandled error");
  expect(logs).toMatch(/"url":"\/webhooks\/postmark".*"msg":"request completed"/);
});
