// Issue 14's defects in a real browser, JavaScript on and off (the two projects): Enter in the editor,
// the running total, focus after "Add line item", one payment per tap, flash messages shown once,
// the void confirmation and the whole-invoice tax field in per-line mode.
import type { Page } from "@playwright/test";
import { expect, insertCustomer, insertSentInvoice, test, waitForHydration } from "./fixtures";

async function ready(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) await waitForHydration(page);
}

const flash = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });

test("Enter in a line's field saves the invoice and removes nothing", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
  const customer = await insertCustomer(db, account.businessId);
  await page.goto(`/invoices/new?customerId=${customer.id}`);
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Description (line 1)").fill("Line one");
  await page.getByLabel("Unit price (USD) (line 1)").fill("10");
  await page.getByRole("button", { name: "Add line item" }).click();
  await expect(page.getByTestId("line-item")).toHaveCount(2);
  await page.getByLabel("Description (line 2)").fill("Line two");
  await page.getByLabel("Unit price (USD) (line 2)").fill("20");
  // The phone's "Go" key.
  await page.getByLabel("Unit price (USD) (line 2)").press("Enter");
  await expect(page).toHaveURL(/\/invoices\/[^/]+$/);
  await expect(flash(page, "Invoice created.")).toBeVisible();
  await expect(page.getByRole("cell", { name: "Line one" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Line two" })).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText("$30.00");
});

test("running total: live with JavaScript, on Update totals without; focus or fragment lands on a new line", async ({
  signedInPage: page,
  db,
  account,
  javaScriptEnabled,
}) => {
  const customer = await insertCustomer(db, account.businessId);
  await page.goto(`/invoices/new?customerId=${customer.id}`);
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Tax", { exact: true }).selectOption("PER_LINE");
  await page.getByLabel("Discount", { exact: true }).selectOption("AMOUNT");
  await page.getByLabel("Discount value").fill("10");
  await page.getByLabel("Description (line 1)").fill("Faucet");
  await page.getByLabel("Unit price (USD) (line 1)").fill("189.99");
  await page.getByLabel("Tax % (line 1)").fill("8.25");
  if (javaScriptEnabled) {
    // The whole-invoice rate is hidden in per-line mode; the total follows every keystroke.
    await expect(page.getByLabel("Tax %", { exact: true })).toBeHidden();
    await expect(page.getByTestId("running-total")).toHaveText("$194.84");
  } else {
    await page.getByRole("button", { name: "Update totals" }).click();
    await expect(page.getByTestId("running-total")).toHaveText("$194.84");
    await expect(page.getByLabel("Tax %", { exact: true })).toBeHidden();
  }
  // 189.99 − 10.00 = 179.99; 8.25 % of it = 14.85; total 194.84.
  await expect(page.getByTestId("running-tax")).toHaveText("$14.85");
  await expect(page.getByTestId("running-discount")).toHaveText("−$10.00");
  await expect(page.getByText("Tax is calculated after the discount")).toBeVisible();

  await page.getByRole("button", { name: "Add line item" }).click();
  await expect(page.getByTestId("line-item")).toHaveCount(2);
  if (javaScriptEnabled) await expect(page.getByLabel("Description (line 2)")).toBeFocused();
  else await expect(page).toHaveURL(/#line-2$/);
  // What was typed survived, and the totals too.
  await expect(page.getByLabel("Description (line 1)")).toHaveValue("Faucet");
  await expect(page.getByTestId("running-total")).toHaveText("$194.84");
});

test("a second tap on Record payment records nothing more; the flash shows once", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
  const customer = await insertCustomer(db, account.businessId);
  const invoice = await insertSentInvoice(db, account.businessId, customer.id, 22733);
  await page.goto(`/invoices/${invoice.id}`);
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Amount (USD)").fill("20.00");
  await page.getByLabel("Reference (check number, note)").fill("Check 1001");
  await page.getByRole("button", { name: "Record payment" }).click();
  await expect(flash(page, "Payment recorded.")).toBeVisible();
  await expect(page.getByTestId("balance")).toHaveText("$207.33");
  // The form was reset: the second tap asks for an amount instead of paying again.
  await expect(page.getByLabel("Amount (USD)")).toHaveValue("");
  await expect(page.getByLabel("Reference (check number, note)")).toHaveValue("");
  await page.getByRole("button", { name: "Record payment" }).click();
  // Checked in the browser (JavaScript on) or by the server (off): nothing is recorded.
  await expect(page.getByText("Enter the amount received")).toBeVisible();
  await expect(page.getByTestId("payment-row")).toHaveCount(1);
  await expect(page.getByTestId("balance")).toHaveText("$207.33");
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM "Payment" WHERE "invoiceId" = $1`, [invoice.id]);
  expect(rows[0].n).toBe(1);

  // The flash does not follow to the next pages.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Recent activity" })).toBeVisible();
  await expect(flash(page, "Payment recorded.")).toHaveCount(0);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Invoices" }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(flash(page, "Payment recorded.")).toHaveCount(0);
});

test("Void asks first: a confirm step with JavaScript, a confirmation page without", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
  const customer = await insertCustomer(db, account.businessId);
  const invoice = await insertSentInvoice(db, account.businessId, customer.id, 40390);
  const number = `INV-${String(invoice.number).padStart(4, "0")}`;
  await page.goto(`/invoices/${invoice.id}`);
  await ready(page, javaScriptEnabled);
  await page.getByRole("link", { name: "Void this invoice" }).click();
  if (javaScriptEnabled) {
    await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
    await expect(page.getByRole("alertdialog")).toContainText(`Void ${number}?`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("alertdialog")).toHaveCount(0);
    await page.getByRole("link", { name: "Void this invoice" }).click();
    await page.getByRole("button", { name: "Yes, void it" }).click();
  } else {
    await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}/void$`));
    await expect(page.getByRole("heading", { name: `Void ${number}?` })).toBeVisible();
    await page.getByRole("button", { name: `Void ${number}` }).click();
  }
  await expect(flash(page, "Invoice voided.")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));
  const { rows } = await db.query(`SELECT status FROM "Invoice" WHERE id = $1`, [invoice.id]);
  expect(rows[0].status).toBe("VOID");
});
