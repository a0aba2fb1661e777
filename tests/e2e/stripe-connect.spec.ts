// Stripe Connect in a real browser, JavaScript on and off (docs/decisions/011-connected-accounts.md). The
// Playwright run's own app is in single-account mode, so this spec starts its own production server in
// connect mode (same build and database) beside its own Stripe fake (tests/fakes/stripe.ts):
// - the owner connects Stripe through the hosted onboarding (a plain form), the customer pays, and the fake
//   records the charge on the connected account with the platform fee; deauthorizing then puts the contact
//   details back on the pay page;
// - disconnect asks first and works without JavaScript;
// - forged, other-session and replayed onboarding states get 400; a Stripe 5xx shows a plain message and
//   "Connect Stripe" can be retried.
import { createHmac, randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe";
import { startServer, strongSecret, type TestServer } from "../helpers/production-server";
import { expect, insertCustomer, insertSentInvoice, test, type Account } from "./fixtures";

const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
const connectSecret = `whsec_${randomBytes(16).toString("hex")}`;
const payLinkSecret = strongSecret();
const FEE_BPS = 100;

let fake: FakeStripe;
let app: TestServer;

test.beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret, connectWebhookSecret: connectSecret });
  app = await startServer({
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      LOG_LEVEL: "warn",
      PAY_LINK_SECRET: payLinkSecret,
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_URL: fake.url,
      STRIPE_MODE: "connect",
      STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret,
      STRIPE_APPLICATION_FEE_BPS: String(FEE_BPS),
      PAYPAL_CLIENT_ID: "",
      PAYPAL_CLIENT_SECRET: "",
      PAYPAL_WEBHOOK_ID: "",
      SENTRY_DSN: "",
      POSTMARK_SERVER_TOKEN: "",
      TRUST_PROXY: "",
      // The Playwright run's own server runs the jobs; this one only serves pages and webhooks.
      WORKER_IN_PROCESS: "false",
    },
  });
  fake.setWebhookUrl(`${app.url}/webhooks/stripe`);
  fake.setConnectWebhookUrl(`${app.url}/webhooks/stripe/connect`);
});

test.afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

async function logIn(page: Page, account: Pick<Account, "email" | "password">) {
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** The signed pay link, computed as signLink does with this server's secret. */
function payLink(invoiceId: string) {
  const d = Math.floor(Date.now() / 86_400_000);
  const t = createHmac("sha256", payLinkSecret).update(`pay:${invoiceId}:${d}`).digest("base64url").slice(0, 24);
  return `${app.url}/pay/${invoiceId}?t=${t}&d=${d}`;
}

/** A page in a fresh context of the project's settings, outside the console-error watch (for deliberate 4xx/5xx pages). */
async function unwatchedPage(browser: Browser, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled });
  return { page: await context.newPage(), close: () => context.close() };
}

async function connectStripe(page: Page) {
  await page.goto(`${app.url}/settings`);
  await page.getByRole("link", { name: "Payments", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Payments", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Connect Stripe" }).click();
  // Stripe's hosted onboarding (the fake): a plain form.
  await expect(page.getByRole("heading", { name: "Set up payments with Stripe" })).toBeVisible();
  await page.getByRole("button", { name: "Agree and submit" }).click();
  await expect(page).toHaveURL(`${app.url}/settings/payments`);
}

test("the owner connects Stripe, a customer pays on the connected account with the fee, deauthorizing brings back the contact details", async ({
  page,
  createAccount,
  db,
  secondContext,
}) => {
  test.slow();
  const account = await createAccount();
  await db.query(`UPDATE "Business" SET phone = '555-0199', email = 'office@rivera.example' WHERE id = $1`, [account.businessId]);
  const customer = await insertCustomer(db, account.businessId, { name: "Morgan Homeowner" });
  const invoice = await insertSentInvoice(db, account.businessId, customer.id, 24_500);

  // Before connecting, the customer sees how to reach the contractor, not a card button.
  const customerPage = await secondContext.newPage();
  await customerPage.goto(payLink(invoice.id));
  await expect(customerPage.getByText(/Online payment is not set up/)).toBeVisible();
  await expect(customerPage.getByRole("button", { name: "Pay with card or bank" })).toHaveCount(0);

  await logIn(page, account);
  await page.goto(`${app.url}/settings/payments`);
  await expect(page.getByTestId("platform-fee")).toHaveText("1%");
  await connectStripe(page);
  await expect(page.getByText("Stripe is connected. Your pay pages now take card payments.")).toBeVisible();
  await expect(page.getByTestId("charges-enabled")).toHaveText("Yes");
  await expect(page.getByTestId("payouts-enabled")).toHaveText("Yes");
  await expect(page.getByTestId("bank-last4")).toHaveText("ending in 6789");
  await expect(page.getByRole("link", { name: "Open your Stripe dashboard" })).toHaveAttribute("href", "https://dashboard.stripe.com/");
  const { rows } = await db.query<{ stripeAccountId: string }>(`SELECT "stripeAccountId" FROM "Business" WHERE id = $1`, [account.businessId]);
  const accountId = rows[0].stripeAccountId;
  expect(accountId).toMatch(/^acct_/);

  // The customer pays by card; the session and the charge live on the connected account, with the fee.
  await customerPage.goto(payLink(invoice.id));
  await customerPage.getByRole("button", { name: "Pay with card or bank" }).click();
  await expect(customerPage.getByText("245.00")).toBeVisible();
  await customerPage.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(customerPage.getByText("Thank you! Your payment was received.")).toBeVisible();
  await expect(customerPage.getByTestId("balance")).toHaveText("$0.00");
  const charge = [...fake.charges.values()].find((c) => c._account === accountId);
  expect(charge).toMatchObject({ amount: 24_500, application_fee_amount: 245 });
  const payment = await db.query(`SELECT "providerAccountId", "amountCents", status FROM "Payment" WHERE "invoiceId" = $1`, [invoice.id]);
  expect(payment.rows).toEqual([{ providerAccountId: accountId, amountCents: 24_500, status: "SUCCEEDED" }]);

  // The contractor revokes our access from their Stripe dashboard: card payment stops at once.
  expect(await fake.deauthorize(accountId)).toEqual({ status: 200, body: "processed" });
  const next = await insertSentInvoice(db, account.businessId, customer.id, 10_000);
  await customerPage.goto(payLink(next.id));
  await expect(customerPage.getByText(/Online payment is not set up/)).toBeVisible();
  await expect(customerPage.getByText(/555-0199/).first()).toBeVisible();
  await expect(customerPage.getByRole("button", { name: "Pay with card or bank" })).toHaveCount(0);
  await page.goto(`${app.url}/settings/payments`);
  await expect(page.getByRole("button", { name: "Connect Stripe" })).toBeVisible();
});

test("disconnect asks first, then the pay page stops offering card payment", async ({ page, createAccount, db, secondContext }) => {
  test.slow();
  const account = await createAccount();
  const customer = await insertCustomer(db, account.businessId);
  const invoice = await insertSentInvoice(db, account.businessId, customer.id, 5_000);
  await logIn(page, account);
  await connectStripe(page);
  const customerPage = await secondContext.newPage();
  await customerPage.goto(payLink(invoice.id));
  await expect(customerPage.getByRole("button", { name: "Pay with card or bank" })).toBeVisible();

  await page.getByRole("link", { name: "Disconnect Stripe…" }).click();
  await expect(page.getByText("Disconnect Stripe?")).toBeVisible();
  await page.getByRole("button", { name: "Yes, disconnect Stripe" }).click();
  await expect(page.getByText("Stripe is disconnected. Your pay pages no longer offer card payment.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Connect Stripe" })).toBeVisible();
  await customerPage.goto(payLink(invoice.id));
  await expect(customerPage.getByText(/Online payment is not set up/)).toBeVisible();
  await expect(customerPage.getByRole("button", { name: "Pay with card or bank" })).toHaveCount(0);
});

test("forged, other-session and replayed onboarding states get 400; a Stripe failure shows a plain message and can be retried", async ({
  browser,
  createAccount,
  db,
  javaScriptEnabled,
}) => {
  test.slow();
  const account = await createAccount();
  const { page, close } = await unwatchedPage(browser, javaScriptEnabled);
  try {
    await logIn(page, account);
    const forged = await page.goto(`${app.url}/settings/payments/stripe/return?state=${randomBytes(32).toString("base64url")}`);
    expect(forged?.status()).toBe(400);
    await expect(page.getByText("This Stripe link is not valid for you any more")).toBeVisible();

    await page.goto(`${app.url}/settings/payments`);
    fake.failNext(3, 500);
    await page.getByRole("button", { name: "Connect Stripe" }).click();
    await expect(page.getByTestId("payments-error")).toContainText("Stripe had a problem (HTTP 500)");
    await expect(page.getByTestId("payments-error")).toContainText("Nothing was changed");
    const { rows } = await db.query(`SELECT "stripeAccountId" FROM "Business" WHERE id = $1`, [account.businessId]);
    expect(rows[0].stripeAccountId).toBeNull();
    expect((await db.query(`SELECT 1 FROM "ConnectState" WHERE "businessId" = $1`, [account.businessId])).rowCount).toBe(0);

    // Retry: the hosted onboarding opens.
    await page.getByRole("button", { name: "Connect Stripe" }).click();
    await expect(page.getByRole("heading", { name: "Set up payments with Stripe" })).toBeVisible();
    const link = fake.accountLinks.get(page.url().split("/").pop()!)!;

    // The same owner in another browser cannot use this browser's return URL.
    const other = await unwatchedPage(browser, javaScriptEnabled);
    try {
      await logIn(other.page, account);
      expect((await other.page.goto(link.return_url))?.status()).toBe(400);
    } finally {
      await other.close();
    }

    // This browser finishes onboarding; replaying the return URL afterwards is refused.
    await page.getByRole("button", { name: "Agree and submit" }).click();
    await expect(page.getByTestId("charges-enabled")).toHaveText("Yes");
    const replay = await page.goto(link.return_url);
    expect(replay?.status()).toBe(400);
    await expect(page.getByText("This Stripe link is not valid for you any more")).toBeVisible();
  } finally {
    await close();
  }
});
