// PayPal per business in a real browser, JavaScript on and off: the owner connects their PayPal account
// through the fake's hosted sign-up, a customer pays the invoice with PayPal straight to it, and the owner
// refunds part of it from the invoice page; PayPal's webhook then shows the refund. A forged onboarding
// state gets 400.
import { expect, insertCustomer, insertSentInvoice, test } from "./fixtures";

test.describe("PayPal per business", () => {
  test("connect PayPal → customer pays with PayPal → owner refunds part", async ({ signedInPage: page, secondContext, db, account }) => {
    await page.goto("/settings/payments");
    await page.getByRole("button", { name: "Connect PayPal" }).click();

    // PayPal's hosted sign-up (the fake), then back to Settings → Payments.
    await expect(page.getByRole("heading", { name: "Connect your PayPal business account" })).toBeVisible();
    await page.getByRole("button", { name: "Agree and connect" }).click();
    await expect(page).toHaveURL(/\/settings\/payments$/);
    await expect(page.getByText("PayPal connected. Pay pages now offer PayPal.")).toBeVisible();
    await expect(page.getByTestId("paypal-state")).toHaveText("Pay pages offer PayPal.");
    const merchantId = (await page.getByTestId("paypal-merchant-id").textContent())!;

    // The customer pays, in a browser of their own.
    const customer = await insertCustomer(db, account.businessId, { name: "Robin Homeowner" });
    const invoice = await insertSentInvoice(db, account.businessId, customer.id, 24_500);
    await page.goto(`/invoices/${invoice.id}`);
    const link = await page.getByTestId("pay-link").inputValue();
    const customerPage = await secondContext.newPage();
    await customerPage.goto(link);
    await customerPage.getByRole("button", { name: "Pay with PayPal" }).click();
    await expect(customerPage.getByRole("heading", { name: "PayPal Checkout" })).toBeVisible();
    await customerPage.getByRole("button", { name: "Pay with PayPal" }).click();
    await expect(customerPage.getByText("Thank you! Your payment was received.")).toBeVisible();
    await expect(customerPage.getByTestId("balance")).toHaveText("$0.00");
    const { rows } = await db.query<{ providerAccountId: string }>(`SELECT "providerAccountId" FROM "Payment" WHERE "invoiceId" = $1`, [invoice.id]);
    expect(rows).toEqual([{ providerAccountId: merchantId }]);

    // The owner refunds 45.00 of it.
    await page.goto(`/invoices/${invoice.id}`);
    await page.getByText("Refund", { exact: true }).click();
    await page.getByLabel("Amount to refund (USD)").fill("45.00");
    await page.getByLabel("Reason").fill("Cabinet door left for later");
    await page.getByRole("button", { name: "Refund through PayPal" }).click();
    await expect(page.getByText("Refund of $45.00 sent.")).toBeVisible();
    // PayPal's webhook confirms it; the page shows it on the next visit.
    await expect(async () => {
      await page.goto(`/invoices/${invoice.id}`);
      await expect(page.getByTestId("refund-row")).toContainText("Refund of $45.00 (Cabinet door left for later): refunded", { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId("balance")).toHaveText("$45.00");
    await expect(page.getByTestId("payment-row")).toContainText("$45.00 refunded");
  });

  test("a forged onboarding state gets 400 and connects nothing", async ({ signedInPage: page, db, account }) => {
    const response = await page.goto(
      "/settings/payments/paypal/return?state=forged-state-value-0123456789abcdef&merchantId=il-x&merchantIdInPayPal=FORGEDMERCH1",
    );
    expect(response?.status()).toBe(400);
    await expect(page.getByText("This link is not valid any more.")).toBeVisible();
    const { rows } = await db.query(`SELECT "paypalMerchantId" FROM "Business" WHERE id = $1`, [account.businessId]);
    expect(rows).toEqual([{ paypalMerchantId: null }]);
  });
});
