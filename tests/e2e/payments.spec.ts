// The online money path end to end: the contractor copies the signed pay link, the customer opens it in
// their own browser (no cookies), pays through the Stripe Checkout fake, and the contractor sees the
// invoice paid. Runs with JavaScript on and off; the pay page itself never ships a script.
import { expect, insertCustomer, insertSentInvoice, test } from "./fixtures";

test.describe("paying an invoice online", () => {
  test("signed link → Stripe Checkout (card) → invoice paid on the dashboard", async ({ signedInPage: page, secondContext, db, account }) => {
    const customer = await insertCustomer(db, account.businessId, { name: "Morgan Homeowner" });
    const invoice = await insertSentInvoice(db, account.businessId, customer.id, 24_500);

    // The contractor's invoice page offers the link to copy, text or email.
    await page.goto(`/invoices/${invoice.id}`);
    const link = await page.getByTestId("pay-link").inputValue();
    expect(link).toMatch(new RegExp(`/pay/${invoice.id}\\?t=[A-Za-z0-9_-]{24}&d=\\d+$`));
    await expect(page.getByRole("link", { name: /Text it/ })).toHaveAttribute("href", /^sms:/);

    // The customer, in a browser of their own.
    const customerPage = await secondContext.newPage();
    const scripts: string[] = [];
    customerPage.on("request", (r) => r.resourceType() === "script" && scripts.push(r.url()));
    await customerPage.goto(link);
    await expect(customerPage.getByRole("heading", { name: /Invoice INV-\d+/ })).toBeVisible();
    await expect(customerPage.getByTestId("balance")).toHaveText("$245.00");
    await expect(customerPage.locator("script")).toHaveCount(0);
    await customerPage.getByRole("button", { name: "Pay with card or bank" }).click();

    // Stripe's hosted checkout (the local fake), then back to the pay page.
    await expect(customerPage.getByText("245.00")).toBeVisible();
    await customerPage.getByRole("button", { name: "Pay", exact: true }).click();
    await expect(customerPage.getByText("Thank you! Your payment was received.")).toBeVisible();
    await expect(customerPage.getByTestId("balance")).toHaveText("$0.00");
    expect(scripts, "the pay page loads no JavaScript").toEqual([]);

    // The contractor sees it: the invoice is paid, the payment names the card, the dashboard says so.
    await page.goto(`/invoices/${invoice.id}`);
    await expect(page.getByRole("heading", { name: /Invoice INV-\d+/ }).getByText("Paid")).toBeVisible();
    // The card's brand and last four arrive from a job just after the webhook's answer: reload until they show.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("payment-row")).toContainText("Visa ending in 4242", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await page.goto("/dashboard");
    await expect(page.getByRole("link", { name: /Invoice INV-\d{4} paid in full/ })).toBeVisible();
    await expect(page.getByTestId("paid-this-month")).toHaveText("$245.00");
  });
});
