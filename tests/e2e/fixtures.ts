// Playwright fixtures: direct database access (pg), accounts made by the domain's sign-up through the
// shared account factory (tests/helpers/accounts.ts), UI log-in, rate-limit reset before every test and,
// with JavaScript on, a console-error watch.
import { randomBytes } from "node:crypto";
import { test as base, expect, type BrowserContext, type ConsoleMessage, type Page } from "@playwright/test";
import pg from "pg";
import { createAccount, DEFAULT_PASSWORD, uniqueEmail as uniqueAccountEmail } from "../helpers/accounts";

// The account factory calls the app's domain code, which reads DATABASE_URL when first imported: point it
// at the database the server under test uses, never a developer's own.
if (process.env.E2E_DATABASE_URL) process.env.DATABASE_URL = process.env.E2E_DATABASE_URL;

export { expect };

export type Account = { email: string; password: string; name: string; businessName: string; userId: string; businessId: string };

export type AccountInput = Partial<Pick<Account, "email" | "password" | "name" | "businessName">>;

export { DEFAULT_PASSWORD };

export function uniqueEmail(prefix = "e2e") {
  return uniqueAccountEmail(prefix);
}

export function uniqueSuffix() {
  return randomBytes(3).toString("hex");
}

const cuidLike = () => `e2e${randomBytes(10).toString("hex")}`;

/** A business and its owner, made by the domain's sign-up (the same factory the integration tests use). */
async function signUp(input: AccountInput = {}): Promise<Account> {
  const { user, business, email, password } = await createAccount({
    email: input.email ?? uniqueEmail(),
    password: input.password,
    name: input.name,
    businessName: input.businessName ?? `Pat's Plumbing ${uniqueSuffix()}`,
  });
  return { email, password, name: user.name, businessName: business.name, userId: user.id, businessId: business.id };
}

/** The password-reset link from the newest reset email sent to `email` (dev outbox keeps the body). */
export async function latestResetLink(db: pg.Pool, email: string): Promise<string | null> {
  const { rows } = await db.query<{ textBody: string | null }>(
    `SELECT "textBody" FROM "EmailMessage" WHERE "to" = $1 AND template = 'password-reset' ORDER BY "createdAt" DESC LIMIT 1`,
    [email],
  );
  const match = rows[0]?.textBody?.match(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_%-]+/);
  return match ? match[0] : null;
}

export type CustomerRow = { id: string; name: string; email: string | null };

/** A customer of `businessId`, inserted straight into the database. */
export async function insertCustomer(db: pg.Pool, businessId: string, input: { name?: string; email?: string | null } = {}): Promise<CustomerRow> {
  const customer = {
    id: cuidLike(),
    name: input.name ?? `Casey Customer ${uniqueSuffix()}`,
    email: input.email === undefined ? uniqueEmail("customer") : input.email,
  };
  await db.query(`INSERT INTO "Customer" (id, "businessId", name, email, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, now(), now())`, [
    customer.id,
    businessId,
    customer.name,
    customer.email,
  ]);
  return customer;
}

/** The text body of the newest email with `template` sent to `to` (dev outbox), or null. */
export async function latestEmailText(db: pg.Pool, to: string, template: string): Promise<string | null> {
  const { rows } = await db.query<{ textBody: string | null }>(
    `SELECT "textBody" FROM "EmailMessage" WHERE "to" = $1 AND template = $2 ORDER BY "createdAt" DESC LIMIT 1`,
    [to, template],
  );
  return rows[0]?.textBody ?? null;
}

/** Logs in through the login form and waits for the dashboard. */
export async function logIn(page: Page, account: Pick<Account, "email" | "password">) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** The signed-in dashboard of `businessName` is on screen. */
export async function expectDashboard(page: Page, businessName: string) {
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: businessName, exact: true })).toBeVisible();
}

/**
 * Resolves once React has hydrated the document (React tags hydrated DOM nodes with `__reactFiber$…`).
 * Only meaningful with JavaScript on.
 */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith("__reactFiber$")));
}

// Responses the tests provoke on purpose; Chromium logs every 4xx fetch as a console error. A form refused
// for a read-only account answers 402 (replyWithDomainError, app/web/forms.server.ts).
const EXPECTED_CONSOLE_ERRORS = [/^Failed to load resource: the server responded with a status of (400|402|410) /];

type BrowserErrors = {
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  /** Watches a page of another context too (pages of the test's own context are watched already). */
  watch: (page: Page) => void;
};

type Fixtures = {
  db: pg.Pool;
  account: Account;
  createAccount: (input?: AccountInput) => Promise<Account>;
  /** `page`, logged in as `account` through the login form, on the dashboard. */
  signedInPage: Page;
  /** A second, independent browser (own cookies) with the project's settings. */
  secondContext: BrowserContext;
  browserErrors: BrowserErrors;
  resetRateLimits: void;
};

type WorkerFixtures = { workerDb: pg.Pool };

let accountsMade = false;

export const test = base.extend<Fixtures, WorkerFixtures>({
  workerDb: [
    async ({}, use) => {
      const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 3 });
      await use(pool);
      await pool.end();
      // The account factory's Prisma client, if this worker made an account.
      if (accountsMade) await (await import("~/utils/db.server")).prisma.$disconnect();
    },
    { scope: "worker" },
  ],

  db: async ({ workerDb }, use) => {
    await use(workerDb);
  },

  // The app allows 10 login/forgot/reset/password-change POSTs per 15 minutes per IP, and every
  // request here comes from 127.0.0.1: start each test with empty counters.
  resetRateLimits: [
    async ({ workerDb }, use) => {
      await workerDb.query(`DELETE FROM "RateLimitHit"`);
      await use();
    },
    { auto: true },
  ],

  createAccount: async ({}, use) => {
    await use((input) => {
      accountsMade = true;
      return signUp(input);
    });
  },

  account: async ({ createAccount }, use) => {
    await use(await createAccount());
  },

  signedInPage: async ({ page, account }, use) => {
    await logIn(page, account);
    await use(page);
  },

  secondContext: async ({ browser, baseURL, javaScriptEnabled, viewport, browserErrors }, use) => {
    const context = await browser.newContext({ baseURL, javaScriptEnabled, viewport });
    context.on("page", browserErrors.watch);
    await use(context);
    await context.close();
  },

  // With JavaScript on, any console error or uncaught exception (hydration mismatch, CSP violation,
  // missing asset) fails the test once it has run.
  browserErrors: [
    async ({ context, javaScriptEnabled }, use) => {
      const errors: string[] = [];
      const watch = (page: Page) => {
        page.on("console", (message: ConsoleMessage) => {
          if (message.type() !== "error") return;
          const text = message.text();
          if (EXPECTED_CONSOLE_ERRORS.some((re) => re.test(text))) return;
          errors.push(`console error on ${page.url()}: ${text}`);
        });
        page.on("pageerror", (error) => errors.push(`uncaught exception on ${page.url()}: ${error.message}`));
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use({ errors, watch });
      if (javaScriptEnabled) {
        expect(errors, "console errors / uncaught exceptions in the browser").toEqual([]);
      }
    },
    { auto: true },
  ],
});

/** A SENT invoice of `businessId` with one line of `totalCents` (no tax), inserted straight into the database. */
export async function insertSentInvoice(db: pg.Pool, businessId: string, customerId: string, totalCents: number, description = "Replace kitchen faucet") {
  const id = cuidLike();
  const { rows } = await db.query<{ number: number }>(
    `UPDATE "Business" SET "nextInvoiceNumber" = "nextInvoiceNumber" + 1 WHERE id = $1 RETURNING "nextInvoiceNumber" - 1 AS number`,
    [businessId],
  );
  await db.query(
    `INSERT INTO "Invoice" (id, "businessId", "customerId", number, status, currency, "issueDate", "dueDate", "subtotalCents", "discountCents", "taxCents", "totalCents", "sentAt", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, 'SENT', 'USD', current_date, current_date + 14, $5, 0, 0, $5, now(), now(), now())`,
    [id, businessId, customerId, rows[0].number, totalCents],
  );
  await db.query(
    `INSERT INTO "InvoiceLine" (id, "businessId", "invoiceId", position, description, "quantityMilli", "unitPriceCents", "amountCents", "taxCents")
     VALUES ($1, $2, $3, 0, $4, 1000, $5, $5, 0)`,
    [cuidLike(), businessId, id, description, totalCents],
  );
  return { id, number: rows[0].number };
}
