// Invoice Link's own subscription in a real browser, JavaScript on and off: from the trial the owner
// subscribes through Stripe Checkout (the local fake's hosted page), comes back to an active plan and opens
// the Customer Portal; an account whose trial ended shows on every page why it is read-only, with a link
// to Settings → Subscription, and creating an invoice is refused with that explanation.
import { expect, insertCustomer, test, waitForHydration } from "./fixtures";

test.describe("subscription", () => {
  test("trial → Subscribe monthly → Stripe Checkout → active plan → Manage billing", async ({ signedInPage: page }) => {
    // The subscription page ships no JavaScript (issue 17): nothing to wait for.
    await page.goto("/settings/subscription");
    await expect(page.getByTestId("plan")).toContainText("Free trial: 14 days left");
    await page.getByRole("button", { name: "Subscribe monthly" }).click();

    // Stripe's hosted checkout (the local fake): the plan and its price.
    await expect(page.getByText("$29.00")).toBeVisible();
    await page.getByRole("button", { name: "Subscribe", exact: true }).click();

    // Back on the page; the webhooks have landed: the trial's days carry over, then the plan renews.
    await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success$/);
    await expect(page.getByTestId("plan")).toContainText("Monthly plan");
    await expect(page.getByTestId("plan")).toContainText("free until");
    await expect(page.getByRole("button", { name: "Subscribe monthly" })).toHaveCount(0);

    await page.getByRole("button", { name: "Manage billing" }).click();
    await expect(page.getByRole("heading", { name: "Billing portal" })).toBeVisible();
    await expect(page.getByText("Subscription: trialing")).toBeVisible();
    await page.getByRole("link", { name: "Return to Invoice Link" }).click();
    await expect(page.getByRole("heading", { name: "Subscription", exact: true })).toBeVisible();

    // Cancel at period end, then resume, from the app.
    await page.getByRole("button", { name: "Cancel at period end" }).click();
    await expect(page.getByTestId("plan")).toContainText("cancelled; you can resume it until then");
    await page.getByRole("button", { name: "Resume subscription" }).click();
    await expect(page.getByTestId("plan")).toContainText("renews on");
  });

  test("a trial that ended: every page says read-only and why, creating an invoice is refused", async ({
    signedInPage: page,
    account,
    db,
    javaScriptEnabled,
  }) => {
    const customer = await insertCustomer(db, account.businessId, { name: "Riley Homeowner" });
    await db.query(`UPDATE "Business" SET "createdAt" = now() - interval '20 days' WHERE id = $1`, [account.businessId]);

    await page.goto("/invoices");
    const banner = page.getByTestId("billing-banner");
    await expect(banner).toContainText("Your free trial has ended, so the account is read-only");
    await expect(banner).toContainText("Your customers can still pay the links you sent");

    await page.goto("/invoices/new");
    if (javaScriptEnabled) await waitForHydration(page);
    await page.getByLabel("Customer", { exact: true }).selectOption(customer.id);
    const line = page.getByTestId("line-item").first();
    await line.getByLabel("Description (line 1)").fill("Water heater flush");
    await line.getByLabel("Quantity").fill("1");
    await line.getByLabel("Unit price (USD)").fill("120.00");
    await page.getByRole("button", { name: "Create invoice" }).click();
    await expect(page.getByText(/read-only: nothing new can be created or sent/).last()).toBeVisible();
    expect((await db.query(`SELECT count(*)::int AS n FROM "Invoice" WHERE "businessId" = $1`, [account.businessId])).rows[0].n).toBe(0);

    await page.getByTestId("billing-banner").getByRole("link", { name: "Settings → Subscription" }).click();
    await expect(page.getByTestId("plan")).toContainText("Read-only.");
    await expect(page.getByTestId("plan")).toContainText("Your free trial ended on");
    await expect(page.getByRole("button", { name: "Subscribe yearly" })).toBeVisible();
  });
});
