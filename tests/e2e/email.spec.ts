// Email end to end: the contractor emails an invoice, the job worker delivers it (to the dev outbox in
// this run), the invoice page's timeline shows it sent, and the customer opens the signed link from the
// email: the invoice becomes Viewed. Runs with JavaScript on and off.
import { expect, insertCustomer, insertSentInvoice, latestEmailText, test } from "./fixtures";

test("email an invoice → outbox and timeline → the customer opens the emailed link → viewed", async ({ signedInPage: page, secondContext, db, account }) => {
  const customer = await insertCustomer(db, account.businessId, { name: "Robin Renter" });
  const invoice = await insertSentInvoice(db, account.businessId, customer.id, 18_000, "Fix leaking shower valve");

  await page.goto(`/invoices/${invoice.id}`);
  await page.getByRole("button", { name: "Email it" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Invoice emailed to ${customer.email}` })).toBeVisible();

  // The worker inside the server delivers it within moments; the timeline says so after a reload.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("timeline-email").first()).toContainText("Sent", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("timeline-email").first()).toContainText(`Invoice to ${customer.email}`);

  await page.goto("/dev/outbox");
  await expect(page.getByTestId("outbox-message").first()).toContainText("$180.00");

  const text = await latestEmailText(db, customer.email!, "invoice-sent");
  const link = text?.match(/https?:\/\/\S+\/pay\/\S+\?t=[A-Za-z0-9_-]{24}&d=\d+/)?.[0];
  expect(link, "the email carries the signed pay link").toBeTruthy();

  const customerPage = await secondContext.newPage();
  await customerPage.goto(link!);
  await expect(customerPage.getByText("Fix leaking shower valve")).toBeVisible();

  await page.goto(`/invoices/${invoice.id}`);
  await expect(page.getByRole("heading", { name: /Invoice INV-\d+/ }).getByText("Viewed")).toBeVisible();
});
