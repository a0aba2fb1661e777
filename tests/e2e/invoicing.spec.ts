// The money path end to end against the production build: customer → estimate → the customer approves
// on the signed link → invoice → partial payment → paid; plus the editor's validation and line items.
// Every test runs twice: project "js-on" (hydrated Remix app) and "js-off" (plain HTML forms).
import type { Page, Request } from "@playwright/test";
import { expect, insertCustomer, latestEmailText, test, uniqueEmail, uniqueSuffix, waitForHydration } from "./fixtures";

/**
 * The app's rounding rule (docs/decisions/005-money-and-rounding.md), in integer cents: each line's
 * amount rounded half away from zero, then the tax once on the subtotal, rounded the same way.
 */
function expectedTotals(lines: { quantity: string; unitPrice: string }[], taxPercent: string) {
  const thousandths = (v: string) => {
    const [whole, fraction = ""] = v.split(".");
    return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, "0"));
  };
  const cents = (v: string) => {
    const [whole, fraction = ""] = v.split(".");
    return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
  };
  const roundDiv = (n: bigint, d: bigint) => (n * 2n + d) / (d * 2n); // n ≥ 0: half away from zero
  const amounts = lines.map((l) => roundDiv(thousandths(l.quantity) * cents(l.unitPrice), 1000n));
  const subtotal = amounts.reduce((a, b) => a + b, 0n);
  const tax = roundDiv(subtotal * thousandths(taxPercent), 100_000n);
  return { amounts: amounts.map(Number), subtotal: Number(subtotal), tax: Number(tax), total: Number(subtotal + tax) };
}

const usd = (cents: number) =>
  `${cents < 0 ? "-" : ""}$${Math.floor(Math.abs(cents) / 100).toLocaleString("en-US")}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;

const LINES = [
  { description: "Labour: replace water heater", quantity: "1.5", unitPrice: "120.00" },
  // 1.5 × 12.23 = 18.345: rounds up to 18.35 on the line.
  { description: "Copper fittings", quantity: "1.5", unitPrice: "12.23" },
];
const TAX = "8.875";
const TOTALS = expectedTotals(LINES, TAX);

/** With JavaScript on, waits until React has hydrated the page, so the editor's buttons work in the browser. */
async function ready(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) await waitForHydration(page);
}

const lineItems = (page: Page) => page.getByTestId("line-item");

async function fillLine(page: Page, index: number, line: { description: string; quantity: string; unitPrice: string }) {
  const item = lineItems(page).nth(index);
  await item.getByLabel(`Description (line ${index + 1})`).fill(line.description);
  await item.getByLabel("Quantity").fill(line.quantity);
  await item.getByLabel("Unit price (USD)").fill(line.unitPrice);
}

async function expectLine(page: Page, index: number, line: { description: string; quantity: string; unitPrice: string }) {
  const item = lineItems(page).nth(index);
  await expect(item.getByLabel(`Description (line ${index + 1})`)).toHaveValue(line.description);
  await expect(item.getByLabel("Quantity")).toHaveValue(line.quantity);
  await expect(item.getByLabel("Unit price (USD)")).toHaveValue(line.unitPrice);
}

const flash = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });

test.describe("money path", () => {
  test("customer → estimate → customer approves → invoice → partial payment → paid", async ({
    signedInPage: page,
    secondContext,
    db,
    account,
    javaScriptEnabled,
  }) => {
    test.slow(); // Many full page loads (JS off) on a shared, loaded machine.
    // The numbers this test expects: 180.00 + 18.35 = 198.35, tax 8.875 % = 17.6035625 → 17.60, total 215.95.
    expect(TOTALS).toEqual({ amounts: [18000, 1835], subtotal: 19835, tax: 1760, total: 21595 });
    const total = usd(TOTALS.total);

    // 1. A new customer.
    const customerName = `Robin Homeowner ${uniqueSuffix()}`;
    const customerEmail = uniqueEmail("robin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
    await expect(page).toHaveURL(/\/customers$/);
    await page.getByRole("link", { name: "New customer" }).click();
    await expect(page).toHaveURL(/\/customers\/new$/);
    await expect(page.getByRole("heading", { level: 1, name: "New customer" })).toBeVisible();
    await ready(page, javaScriptEnabled);
    await page.getByLabel("Name", { exact: true }).fill(customerName);
    await page.getByLabel("Email").fill(customerEmail);
    await page.getByLabel("Phone").fill("(555) 123-4567");
    await page.getByLabel("Address line 1").fill("12 Elm Street");
    await page.getByLabel("City").fill("Springfield");
    await page.getByLabel("State / province / region").fill("IL");
    await page.getByLabel("Postal code").fill("62704");
    await page.getByRole("button", { name: "Save customer" }).click();

    await expect(page).toHaveURL(/\/customers\/[^/]+$/);
    await expect(flash(page, `Customer ${customerName} added.`)).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: customerName })).toBeVisible();
    await expect(page.getByRole("link", { name: customerEmail })).toBeVisible();
    await expect(page.getByRole("link", { name: "(555) 123-4567" })).toBeVisible();
    await expect(page.getByText("12 Elm Street")).toBeVisible();
    const customerId = new URL(page.url()).pathname.split("/").pop()!;

    // 2. An estimate with two lines; a third line is added and removed again.
    await page.getByRole("link", { name: "New estimate", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/estimates/new\\?customerId=${customerId}$`));
    await expect(page.getByRole("heading", { level: 1, name: "New estimate" })).toBeVisible();
    await ready(page, javaScriptEnabled);
    const customerSelect = page.getByLabel("Customer", { exact: true });
    await expect(customerSelect).toHaveValue(customerId);
    await customerSelect.selectOption({ label: customerName });
    await expect(lineItems(page)).toHaveCount(1);
    await fillLine(page, 0, LINES[0]);

    // With JS off this submits the form with an intent; the server answers with the form, one line more.
    await page.getByRole("button", { name: "Add line item" }).click();
    await expect(lineItems(page)).toHaveCount(2);
    await expectLine(page, 0, LINES[0]);
    await expect(lineItems(page).nth(1).getByLabel("Quantity")).toHaveValue("1");
    await expect(customerSelect).toHaveValue(customerId);
    await fillLine(page, 1, LINES[1]);

    const extra = { description: "Line that gets removed", quantity: "3", unitPrice: "9.99" };
    await page.getByRole("button", { name: "Add line item" }).click();
    await expect(lineItems(page)).toHaveCount(3);
    await fillLine(page, 2, extra);
    await page.getByRole("button", { name: "Remove line 3" }).click();
    await expect(lineItems(page)).toHaveCount(2);
    await expect(page.getByRole("button", { name: "Remove line 3" })).toHaveCount(0);
    await expectLine(page, 0, LINES[0]);
    await expectLine(page, 1, LINES[1]);

    await page.getByLabel("Tax %", { exact: true }).fill(TAX);
    await page.getByRole("button", { name: "Create estimate" }).click();

    await expect(page).toHaveURL(/\/estimates\/[^/]+$/);
    await expect(flash(page, "Estimate created.")).toBeVisible();
    const estimateHeading = page.getByRole("heading", { level: 1 });
    await expect(estimateHeading).toContainText("Draft");
    const estimateNumber = (await estimateHeading.innerText()).match(/^Estimate (\S+)/)?.[1];
    expect(estimateNumber).toBeTruthy();
    const estimateId = new URL(page.url()).pathname.split("/").pop()!;
    await expect(page.getByRole("cell", { name: LINES[0].description })).toBeVisible();
    await expect(page.getByRole("cell", { name: LINES[1].description })).toBeVisible();
    await expect(page.getByRole("cell", { name: usd(TOTALS.amounts[0]), exact: true })).toBeVisible();
    await expect(page.getByRole("cell", { name: usd(TOTALS.amounts[1]), exact: true })).toBeVisible();
    await expect(page.getByText(extra.description)).toHaveCount(0);
    await expect(page.getByText(usd(TOTALS.subtotal), { exact: true })).toBeVisible();
    await expect(page.getByText(`Tax (${TAX} %)`)).toBeVisible();
    await expect(page.getByText(usd(TOTALS.tax), { exact: true })).toBeVisible();
    await expect(page.getByTestId("total")).toHaveText(total);

    // 3. Send it; the customer opens the emailed link in their own browser (no cookies) and approves.
    await page.getByRole("button", { name: "Send to customer" }).click();
    await expect(flash(page, `Estimate emailed to ${customerEmail}.`)).toBeVisible();
    await expect(estimateHeading).toContainText("Sent");
    await expect(page.getByTestId("customer-link")).toHaveAttribute("href", new RegExp(`^/estimate/${estimateId}\\?t=[\\w-]+&d=\\d+$`));

    let emailText: string | null = null;
    await expect
      .poll(async () => (emailText = await latestEmailText(db, customerEmail, "estimate-sent")), { message: "estimate email in the dev outbox" })
      .not.toBeNull();
    expect(emailText).toContain(`sent you estimate ${estimateNumber} for ${total}`);
    const customerLink = emailText!.match(/https?:\/\/\S+\/estimate\/\S+/)?.[0];
    expect(customerLink, "signed estimate link in the email").toBeTruthy();
    expect(new URL(customerLink!).pathname).toBe(`/estimate/${estimateId}`);

    expect(await secondContext.cookies()).toEqual([]);
    const customerPage = await secondContext.newPage();
    await customerPage.goto(customerLink!);
    await expect(customerPage.getByText(account.businessName, { exact: true })).toBeVisible();
    await expect(customerPage.getByRole("heading", { level: 1 })).toContainText(`Estimate ${estimateNumber}`);
    // Issue 14: the customer is not shown a "Viewed" badge about their own visit.
    await expect(customerPage.getByRole("heading", { level: 1 })).not.toContainText("Viewed");
    await expect(customerPage.getByText(`For ${customerName}`)).toBeVisible();
    await expect(customerPage.getByTestId("total")).toHaveText(total);
    await expect(customerPage.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    expect(await customerPage.locator("script").count(), "the customer's estimate page ships no <script>").toBe(0);

    // Approving without typing a name is refused with the field error (issue 14), then signed by name.
    await customerPage.getByRole("button", { name: "Approve estimate" }).click();
    await expect(customerPage.getByText("Type your full name to approve").last()).toBeVisible();
    await customerPage.getByLabel("Type your full name to approve").fill(customerName);
    await customerPage.getByRole("button", { name: "Approve estimate" }).click();
    await expect(customerPage.getByText("You approved this estimate. Thank you!")).toBeVisible();
    await expect(customerPage.getByTestId("approval-record")).toContainText(`Approved by ${customerName} on`);
    await expect(customerPage.getByRole("heading", { level: 1 })).toContainText("Approved");
    await expect(customerPage.getByRole("button", { name: "Approve estimate" })).toHaveCount(0);
    await expect(customerPage.getByRole("button", { name: "Decline" })).toHaveCount(0);
    expect(await customerPage.locator("script").count()).toBe(0);

    // 4. Back as the contractor: approved; convert to a draft invoice with the same total; mark it sent.
    await page.reload();
    await expect(estimateHeading).toContainText("Approved");
    await expect(page.getByTestId("approval-record")).toContainText(`Approved by ${customerName} on`);
    await page.getByRole("button", { name: "Convert to invoice" }).click();

    await expect(page).toHaveURL(/\/invoices\/[^/]+$/);
    await expect(flash(page, "Invoice created from the estimate. Review it and send it.")).toBeVisible();
    const invoiceHeading = page.getByRole("heading", { level: 1 });
    await expect(invoiceHeading).toContainText("Draft");
    const invoiceNumber = (await invoiceHeading.innerText()).match(/^Invoice (\S+)/)?.[1];
    expect(invoiceNumber).toBeTruthy();
    await expect(page.getByRole("link", { name: estimateNumber! })).toHaveAttribute("href", `/estimates/${estimateId}`);
    await expect(page.getByTestId("total")).toHaveText(total);
    await expect(page.getByTestId("balance")).toHaveText(total);

    await page.getByRole("button", { name: "Mark as sent" }).click();
    await expect(flash(page, "Invoice marked as sent.")).toBeVisible();
    await expect(invoiceHeading).toContainText("Sent");
    await expect(page.getByRole("button", { name: "Mark as sent" })).toHaveCount(0);

    // 5. A partial cash payment, then the rest with "Mark paid in full".
    await ready(page, javaScriptEnabled);
    const amount = page.getByLabel("Amount (USD)");
    await expect(amount).toHaveValue((TOTALS.total / 100).toFixed(2));
    await amount.fill("100.00");
    await page.getByLabel("Method").selectOption({ label: "Cash" });
    await expect(page.getByLabel("Received on")).not.toHaveValue("");
    await page.getByRole("button", { name: "Record payment" }).click();

    const rest = TOTALS.total - 10_000;
    await expect(flash(page, "Payment recorded.")).toBeVisible();
    await expect(invoiceHeading).toContainText("Partially paid");
    await expect(page.getByTestId("balance")).toHaveText(usd(rest));
    await expect(page.getByTestId("payment-row")).toHaveCount(1);
    await expect(page.getByTestId("payment-row")).toContainText("Cash");
    await expect(page.getByTestId("payment-row")).toContainText("$100.00");

    await page.getByRole("button", { name: `Mark paid in full (${usd(rest)})` }).click();
    await expect(flash(page, "Invoice marked paid.")).toBeVisible();
    await expect(invoiceHeading).toContainText("Paid");
    await expect(invoiceHeading).not.toContainText("Partially");
    await expect(page.getByTestId("balance")).toHaveText("$0.00");
    await expect(page.getByTestId("payment-row")).toHaveCount(2);
    await expect(page.getByRole("button", { name: "Record payment" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Mark paid in full/ })).toHaveCount(0);

    // The dashboard counts both payments this month and nothing outstanding.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByTestId("paid-this-month")).toHaveText(total);
    await expect(page.getByTestId("outstanding")).toHaveText("$0.00");

    // The invoice list, filtered by status Paid, shows the invoice.
    await page.getByRole("link", { name: /^Outstanding/ }).click();
    await expect(page).toHaveURL(/\/invoices\?status=OPEN$/);
    await expect(page.getByRole("heading", { level: 1, name: "Invoices" })).toBeVisible();
    await ready(page, javaScriptEnabled);
    await page.getByLabel("Status").selectOption({ label: "Paid" });
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/[?&]status=PAID(&|$)/);
    const rows = page.getByTestId("invoice-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.getByRole("link", { name: invoiceNumber! })).toBeVisible();
    await expect(rows).toContainText(customerName);
    await expect(rows).toContainText("Paid");
    await expect(rows.getByRole("cell", { name: total, exact: true })).toBeVisible();
    await expect(rows.getByRole("cell", { name: "$0.00", exact: true })).toBeVisible();
  });
});

test.describe("invoice editor", () => {
  test("bad input is shown next to the fields and nothing is created", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
    const customer = await insertCustomer(db, account.businessId, { name: `Alex Errors ${uniqueSuffix()}` });
    await page.goto(`/invoices/new?customerId=${customer.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "New invoice" })).toBeVisible();
    await ready(page, javaScriptEnabled);
    await expect(page.getByLabel("Customer", { exact: true })).toHaveValue(customer.id);

    const posts: Request[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request);
    });
    const line = lineItems(page).first();
    await line.getByLabel("Description (line 1)").fill("");
    await line.getByLabel("Quantity").fill("abc");
    await line.getByLabel("Unit price (USD)").fill("50.00");
    await page.getByRole("button", { name: "Create invoice" }).click();

    const description = page.getByLabel("Description (line 1)");
    const quantity = lineItems(page).first().getByLabel("Quantity");
    await expect(description).toHaveAccessibleDescription("Describe the work or item");
    await expect(description).toHaveAttribute("aria-invalid", "true");
    await expect(quantity).toHaveAccessibleDescription("Enter a quantity above zero (up to 3 decimals)");
    await expect(quantity).toHaveAttribute("aria-invalid", "true");
    await expect(lineItems(page).first().getByLabel("Unit price (USD)")).not.toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(new RegExp(`/invoices/new\\?customerId=${customer.id}$`));
    // What was typed is still there (with JS off: sent back by the server).
    await expect(quantity).toHaveValue("abc");
    await expect(lineItems(page).first().getByLabel("Unit price (USD)")).toHaveValue("50.00");
    // Checked on the server round trip, with JavaScript too (zod stays out of the browser, issue 17).
    expect(posts).toHaveLength(1);
    expect((await posts[0].response())?.status()).toBe(400);

    // Nothing was created.
    const { rows } = await db.query(`SELECT id FROM "Invoice" WHERE "businessId" = $1`, [account.businessId]);
    expect(rows).toHaveLength(0);
    await page.goto(`/invoices?customerId=${customer.id}`);
    await expect(page.getByText("No invoices match.")).toBeVisible();
    await expect(page.getByTestId("invoice-row")).toHaveCount(0);
    await page.goto(`/customers/${customer.id}`);
    await expect(page.getByRole("region", { name: "Invoices" }).getByText("No invoices yet.")).toBeVisible();
  });

  test("with JavaScript, Add line item adds a line in the browser without asking the server", async ({
    signedInPage: page,
    db,
    account,
    javaScriptEnabled,
  }) => {
    test.skip(!javaScriptEnabled, "without JavaScript the button submits the form: covered by the money path test");
    const customer = await insertCustomer(db, account.businessId);
    await page.goto(`/invoices/new?customerId=${customer.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "New invoice" })).toBeVisible();
    await waitForHydration(page);
    await fillLine(page, 0, LINES[0]);

    const requests: string[] = [];
    page.on("request", (request) => {
      if (request.method() !== "GET" || ["document", "fetch", "xhr"].includes(request.resourceType())) {
        requests.push(`${request.method()} ${request.resourceType()} ${request.url()}`);
      }
    });
    const urlBefore = page.url();
    await page.getByRole("button", { name: "Add line item" }).click();
    await expect(lineItems(page)).toHaveCount(2);
    await expect(page.getByLabel("Description (line 2)")).toHaveValue("");
    await expect(lineItems(page).nth(1).getByLabel("Quantity")).toHaveValue("1");
    await expectLine(page, 0, LINES[0]);

    await page.getByRole("button", { name: "Remove line 2" }).click();
    await expect(lineItems(page)).toHaveCount(1);
    await expectLine(page, 0, LINES[0]);

    expect(page.url()).toBe(urlBefore);
    expect(requests, "requests sent while adding and removing a line").toEqual([]);
  });
});
