// The integrations that need a provider key, in a real browser. The Playwright run's app has no keys, so
// this spec starts its own production server (same build and database) pointed at the local fakes of
// Google (tests/fakes/google.ts) and an OpenAI-compatible API (tests/fakes/ai.ts).
// - Address suggestions: with JavaScript on, typing in "Address line 1" offers suggestions fetched from our
//   server and picking one fills the address; with JavaScript off the plain form works, Google is never called.
// - Read receipt: the photo is read into the expense form for review, with JavaScript on and off, and only
//   "Save expense" saves it.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { type FakeAi, startFakeAi } from "../fakes/ai";
import { type FakeGoogle, startFakeGoogle } from "../fakes/google";
import { startServer, type TestServer } from "../helpers/production-server";
import { expect, test, uniqueSuffix, waitForHydration } from "./fixtures";

const apiKey = `AIza${randomBytes(16).toString("hex")}`;
const aiKey = `sk-test-${randomBytes(16).toString("hex")}`;
let google: FakeGoogle;
let ai: FakeAi;
let app: TestServer;

test.beforeAll(async () => {
  google = await startFakeGoogle({ apiKey });
  ai = await startFakeAi({ apiKey: aiKey });
  app = await startServer({
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      LOG_LEVEL: "warn",
      GOOGLE_MAPS_API_KEY: apiKey,
      GOOGLE_MAPS_API_URL: google.url,
      RENTCAST_API_KEY: "",
      AI_API_KEY: aiKey,
      AI_API_URL: `${ai.url}/v1`,
      AI_MODEL: "fake-text-model",
      AI_VISION_MODEL: "fake-vision-model",
      SENTRY_DSN: "",
      POSTMARK_SERVER_TOKEN: "",
      TRUST_PROXY: "",
      // The Playwright run's own server runs the jobs; this one only serves pages.
      WORKER_IN_PROCESS: "false",
    },
  });
});

test.afterAll(async () => {
  await app?.stop();
  await google?.stop();
  await ai?.stop();
});

async function logIn(page: Page, account: { email: string; password: string }) {
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("address suggestions fill the customer's address (and the plain form works without JavaScript)", async ({
  browser,
  createAccount,
  javaScriptEnabled,
  browserErrors,
}) => {
  test.slow();
  const account = await createAccount();
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  browserErrors.watch(page);
  await logIn(page, account);
  await page.goto(`${app.url}/customers/new`);
  const name = `Addressed Customer ${uniqueSuffix()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);

  if (javaScriptEnabled) {
    await waitForHydration(page);
    await expect(page.getByText("Start typing the address for suggestions (powered by Google).")).toBeVisible();
    await page.getByLabel("Address line 1").pressSequentially("12 main", { delay: 30 });
    const option = page.getByRole("option", { name: /12 Main Street #4/ });
    await expect(option).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Address line 1" })).toHaveAttribute("aria-expanded", "true");
    await page.getByLabel("Address line 1").press("ArrowDown");
    await expect(option).toHaveAttribute("aria-selected", "true");
    await page.getByLabel("Address line 1").press("Enter");
    await expect(page.getByLabel("Address line 1")).toHaveValue("12 Main Street");
    await expect(page.getByLabel("Address line 2")).toHaveValue("4");
    await expect(page.getByLabel("City")).toHaveValue("Springfield");
    await expect(page.getByLabel("State / province / region")).toHaveValue("IL");
    await expect(page.getByLabel("Postal code")).toHaveValue("62701");
    await expect(page.getByLabel("Country")).toHaveValue("United States");
    // The browser only ever talked to our server; our server used the key.
    expect(google.placesCalls().length).toBeGreaterThanOrEqual(2);
    expect(google.placesCalls().every((c) => c.headers["x-goog-api-key"] === apiKey)).toBe(true);
  } else {
    await page.getByLabel("Address line 1").fill("12 Main Street");
    await page.getByLabel("City").fill("Springfield");
    await page.getByLabel("Postal code").fill("62701");
    await expect(page.getByText("suggestions (powered by Google)")).toHaveCount(0);
  }

  await page.getByRole("button", { name: "Save customer" }).click();
  await expect(page).toHaveURL(/\/customers\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("12 Main Street")).toBeVisible();
  if (!javaScriptEnabled) expect(google.calls).toHaveLength(0);
  await context.close();
});

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

test("Read receipt fills the expense in for review; only Save expense saves it", async ({ browser, createAccount, javaScriptEnabled, browserErrors, db }) => {
  test.slow();
  const account = await createAccount();
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  browserErrors.watch(page);
  await logIn(page, account);
  const vendor = `Hardware Depot ${uniqueSuffix()}`;
  ai.respondWith(({ kind }) => (kind === "receipt" ? JSON.stringify({ vendor, date: "2026-11-20", total: 42.17, currency: "USD" }) : "{}"));

  // The expense form ships no JavaScript when loaded directly (issue 17): nothing to wait for.
  await page.goto(`${app.url}/expenses/new`);
  await page.getByLabel("Category").selectOption({ label: "Materials and supplies" });
  await page.getByLabel("Notes (optional)").fill("For the Smith job");
  await page.getByLabel("Photo (optional)").setInputFiles({ name: "IMG_0042.png", mimeType: "image/png", buffer: PNG });
  const callsBefore = ai.calls.length;
  await page.getByRole("button", { name: "Read receipt" }).click();

  await expect(page.getByText("Read from the receipt: check the vendor, date and amount, then save.")).toBeVisible();
  await expect(page.getByLabel("Vendor")).toHaveValue(vendor);
  await expect(page.getByLabel("Amount (USD)")).toHaveValue("42.17");
  await expect(page.getByLabel("Date")).toHaveValue("2026-11-20");
  await expect(page.getByLabel("Notes (optional)")).toHaveValue("For the Smith job");
  await expect(page.getByTestId("draft-receipt")).toBeVisible();
  expect(ai.calls.length - callsBefore).toBe(1);
  expect(ai.calls.at(-1)!.body).not.toContain("Smith");
  // Nothing is saved yet.
  await expect(page).toHaveURL(/\/expenses\/new$/);

  await page.getByLabel("Amount (USD)").fill("42.71"); // the contractor corrects what was read
  await page.getByRole("button", { name: "Save expense" }).click();
  await expect(page).toHaveURL(/\/expenses\/[^/]+$/);
  await expect(page.getByRole("status").filter({ hasText: "Expense of $42.71 recorded." })).toBeVisible();
  const photo = page.getByRole("img", { name: "Saved receipt" });
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  expect(ai.calls.length - callsBefore).toBe(1);
  // The photo that was read is the one saved: no second copy was uploaded, no draft is left over.
  const { rows } = await db.query<{ expenseId: string | null }>(`SELECT "expenseId" FROM "ExpenseReceipt" WHERE "businessId" = $1`, [account.businessId]);
  expect(rows).toHaveLength(1);
  expect(rows[0].expenseId).toBe(new URL(page.url()).pathname.split("/").pop());
  await context.close();
});
